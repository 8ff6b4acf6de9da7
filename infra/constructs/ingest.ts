import { Construct } from 'constructs';
import type { FunctionName } from '../../shared/definitions/events.js';
import type { BaocaoFunction } from './baocao-function.js';
import { routeEvents, type EventRoutingProps, type RoutedEvent } from './event-routes.js';

/**
 * Ingest: S3 "Object Created" under incoming/ (default bus; the bucket sends to EventBridge)
 * → the ingest function, which validates and stores the report version.
 */
export class Ingest extends Construct {
  static readonly TARGETS: readonly FunctionName[] = ['ingest'];
  readonly routes: RoutedEvent[];
  readonly ingest: BaocaoFunction;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.routes = routeEvents(this, Ingest.TARGETS, props);
    this.ingest = props.catalog.obtain(this, 'ingest');
  }
}
