import { CfnOutput } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterOutputKey, type DeadLetterKind } from '../../shared/definitions/stack-outputs.js';
import { QUEUE_DEFAULTS } from '../defaults.js';
import { acknowledgeTerminalQueue, type AlarmSink } from './alarms.js';

/** Which edge a dead-letter queue parks: its kind and the rule, schedule or function it belongs to. */
export interface DeadLetterSource {
  readonly kind: DeadLetterKind;
  /** The route id, schedule id or function name (shared/definitions). */
  readonly source: string;
}

/**
 * A dead-letter queue for one asynchronous edge: encrypted, TLS only, 14 days' retention, and
 * an alarm as soon as anything lands in it. `feeds` names the edge in the alarm and the
 * cdk-nag acknowledgement. Its URL is a stack output (shared/definitions/stack-outputs.ts) so the
 * operator's `dlq list|redrive --outputs FILE` finds it.
 */
export function deadLetterQueue(scope: Construct, id: string, feeds: string, alarms: AlarmSink, parks: DeadLetterSource): Queue {
  const queue = new Queue(scope, id, { ...QUEUE_DEFAULTS });
  acknowledgeTerminalQueue(queue, feeds);
  alarms.watchQueue(queue, feeds);
  // A plain output id at the stack's top level, whatever construct holds the queue.
  new CfnOutput(scope, `${id}Url`, { value: queue.queueUrl, description: `Dead letters of ${feeds}` }).overrideLogicalId(
    deadLetterOutputKey(parks.kind, parks.source),
  );
  return queue;
}
