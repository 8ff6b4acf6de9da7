import { Stack, Validations } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_PERIOD, QUEUE_DEFAULTS } from '../defaults.js';

/** What constructs need to put their failure signals under watch. */
export interface AlarmSink {
  /** Alarm as soon as one message waits in a dead-letter or failure queue. */
  watchQueue(queue: IQueue, what: string): void;
  /** Alarm on any error and any throttle of a function. */
  watchFunction(fn: IFunction, what: string): void;
}

export interface OpsAlarmsProps {
  /** Receives every alarm (and its recovery). */
  readonly email: string;
}

/**
 * The operators' alarm channel: an encrypted SNS topic with an email subscription, and
 * helpers that create one alarm per failure signal. Every alarm notifies on ALARM and OK.
 */
export class OpsAlarms extends Construct implements AlarmSink {
  readonly topic: Topic;
  readonly key: Key;
  /** Emails SNS could not deliver (address bounced, unsubscribed). */
  readonly undeliveredQueue: Queue;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);

    this.key = new Key(this, 'TopicKey', {
      description: 'baocao alarm topic encryption',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to an encrypted topic only if they may use its key.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.topic = new Topic(this, 'Topic', {
      displayName: 'baocao alarms',
      masterKey: this.key,
      enforceSSL: true,
    });

    this.undeliveredQueue = new Queue(this, 'UndeliveredAlarmEmails', { ...QUEUE_DEFAULTS });
    acknowledgeTerminalQueue(this.undeliveredQueue, 'the email subscription of the alarm topic');
    this.topic.addSubscription(new EmailSubscription(props.email, { deadLetterQueue: this.undeliveredQueue }));

    this.action = new SnsAction(this.topic);
    this.watchQueue(this.undeliveredQueue, 'undelivered alarm emails');
  }

  watchQueue(queue: IQueue, what: string): void {
    this.add(
      queue,
      queue.node.id,
      `Messages waiting in the DLQ of ${what}`,
      queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
    );
  }

  watchFunction(fn: IFunction, what: string): void {
    this.add(fn, `${fn.node.id}Errors`, `Errors in the ${what} function`, fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }));
    this.add(
      fn,
      `${fn.node.id}Throttles`,
      `Throttles of the ${what} function`,
      fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
    );
  }

  /**
   * SES account reputation (published because the configuration set enables reputation
   * metrics): SES reviews an account at 5 % bounces or 0.1 % complaints, so warn at half that.
   */
  watchMailReputation(): void {
    const rate = (name: string) => new Metric({ namespace: 'AWS/SES', metricName: name, statistic: 'Maximum', period: Duration.hours(1) });
    this.add(this, 'MailBounceRate', 'SES bounce rate above 2.5 %', rate('Reputation.BounceRate'), 0.025);
    this.add(this, 'MailComplaintRate', 'SES complaint rate above 0.05 %', rate('Reputation.ComplaintRate'), 0.0005);
  }

  /**
   * One alarm at or above `threshold`; it lives beside the resource it watches, so its construct
   * path names it — unless that resource is in another stack (the user pool's trigger, in the
   * stateful stack): the alarm then stays here, as its action (this topic) must not make that
   * stack depend on this one.
   */
  private add(owner: Construct, id: string, description: string, metric: IMetric, threshold = 1): void {
    const scope = Stack.of(owner) === Stack.of(this) ? owner : this;
    const alarm = new Alarm(scope, `${id}Alarm`, {
      alarmDescription: `baocao: ${description}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

/**
 * A dead-letter/failure queue is the end of the line: it has no DLQ of its own, and cdk-nag's
 * SQS3 only recognises queues used as an SQS redrive target or a Lambda DeadLetterConfig,
 * not EventBridge, Scheduler, SNS or Lambda-destination DLQs.
 */
export function acknowledgeTerminalQueue(queue: Construct, feeds: string): void {
  Validations.of(queue).acknowledge(
    {
      id: 'AwsSolutions-SQS3',
      reason: `Dead-letter queue of ${feeds} (not an SQS redrive target, so cdk-nag cannot see it); it is alarmed on depth.`,
    },
    {
      id: 'Serverless-SQSRedrivePolicy',
      reason: `Dead-letter queue of ${feeds}: the terminal queue, a DLQ of a DLQ would only move the problem.`,
    },
  );
}
