import { Construct } from 'constructs';
import type { FunctionName } from '../../shared/definitions/events.js';
import type { BaocaoFunction } from './baocao-function.js';
import { routeEvents, type EventRoutingProps, type RoutedEvent } from './event-routes.js';

/**
 * Compliance: report outcomes on the baocao bus → recompute the unit's status; status changes
 * → the receipt (or rejection) email to the unit.
 */
export class Compliance extends Construct {
  static readonly TARGETS: readonly FunctionName[] = ['compliance', 'receipt'];
  readonly routes: RoutedEvent[];
  readonly compliance: BaocaoFunction;
  readonly receipt: BaocaoFunction;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.routes = routeEvents(this, Compliance.TARGETS, props);
    this.compliance = props.catalog.obtain(this, 'compliance');
    this.receipt = props.catalog.obtain(this, 'receipt');
  }
}
