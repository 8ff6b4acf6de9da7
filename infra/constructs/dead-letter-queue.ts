import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUE_DEFAULTS } from '../defaults.js';
import { acknowledgeTerminalQueue, type AlarmSink } from './alarms.js';

/**
 * A dead-letter queue for one asynchronous edge: encrypted, TLS only, 14 days' retention, and
 * an alarm as soon as anything lands in it. `feeds` names the edge in the alarm and the
 * cdk-nag acknowledgement.
 */
export function deadLetterQueue(scope: Construct, id: string, feeds: string, alarms: AlarmSink): Queue {
  const queue = new Queue(scope, id, { ...QUEUE_DEFAULTS });
  acknowledgeTerminalQueue(queue, feeds);
  alarms.watchQueue(queue, feeds);
  return queue;
}
