import type { EventPattern as CdkEventPattern, IEventBus } from 'aws-cdk-lib/aws-events';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_ROUTES, type EventPattern, type EventRoute, type FunctionName } from '../../shared/definitions/events.js';
import { EVENT_TARGET_RETRY } from '../defaults.js';
import type { FunctionCatalog } from '../functions.js';
import type { AlarmSink } from './alarms.js';
import type { BaocaoFunction } from './baocao-function.js';
import { deadLetterQueue } from './dead-letter-queue.js';

/** The buses a route can name; `default` is the account's default bus (undefined in CDK). */
export interface RouteBuses {
  readonly baocao: IEventBus;
}

export interface RoutedEvent {
  readonly route: EventRoute;
  readonly rule: Rule;
  readonly target: BaocaoFunction;
  readonly deadLetterQueue: IQueue;
}

export interface EventRoutingProps {
  readonly catalog: FunctionCatalog;
  readonly buses: RouteBuses;
  /** The uploads bucket's name (a token), for patterns that match on it. */
  readonly bucketName: string;
  readonly alarms: AlarmSink;
}

/**
 * EVENT_ROUTES' `detail-type` is EventBridge's JSON name; the CDK type calls it `detailType`.
 * The rest passes through unchanged (prefix matchers included), so the rendered pattern is the
 * one the local bus matches with.
 */
export function toCdkPattern(pattern: EventPattern): CdkEventPattern {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(pattern)) out[field === 'detail-type' ? 'detailType' : field] = value;
  return out;
}

/**
 * One rule per route of EVENT_ROUTES whose target is in `targets`: the route's bus and pattern,
 * the function the route names, an explicit retry policy and an encrypted DLQ on the target;
 * the function gets its async on-failure destination.
 */
export function routeEvents(scope: Construct, targets: readonly FunctionName[], props: EventRoutingProps): RoutedEvent[] {
  return EVENT_ROUTES.filter((route) => targets.includes(route.target)).map((route) => {
    const target = props.catalog.obtain(scope, route.target);
    const rule = new Rule(scope, route.id, {
      description: route.description,
      ...(route.bus === 'baocao' ? { eventBus: props.buses.baocao } : {}),
      eventPattern: toCdkPattern(route.pattern({ bucketName: props.bucketName })),
    });
    const dlq = deadLetterQueue(scope, `${route.id}DeadLetters`, `the ${route.id} rule`, props.alarms, { kind: 'rule', source: route.id });
    rule.addTarget(new LambdaFunction(target, { deadLetterQueue: dlq, ...EVENT_TARGET_RETRY }));
    target.asyncFailures();
    return { route, rule, target, deadLetterQueue: dlq };
  });
}
