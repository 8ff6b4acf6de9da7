import { Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cronExpression, type ScheduleDef } from '../../shared/definitions/schedules.js';
import { SCHEDULE_TARGET_RETRY } from '../defaults.js';
import type { FunctionCatalog } from '../functions.js';
import type { AlarmSink } from './alarms.js';
import type { BaocaoFunction } from './baocao-function.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { acknowledgeWildcardResourceLater } from '../nag.js';

export interface ScheduledInvocation {
  readonly def: ScheduleDef;
  readonly schedule: Schedule;
  readonly target: BaocaoFunction;
  readonly deadLetterQueue: IQueue;
}

export interface SchedulesProps {
  /** From shared/definitions/schedules.ts (`schedules(regime)`), the list the local scheduler fires. */
  readonly defs: readonly ScheduleDef[];
  readonly catalog: FunctionCatalog;
  readonly alarms: AlarmSink;
}

/**
 * One EventBridge Scheduler schedule per definition: the same cron expression the local
 * scheduler uses, evaluated in the definition's time zone (Asia/Ho_Chi_Minh by default, so 08:00
 * is 08:00 in Kon Tum), the definition's input as the payload, a retry policy and an encrypted DLQ.
 */
export class Schedules extends Construct {
  readonly scheduled: ScheduledInvocation[];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.scheduled = props.defs.map((def) => {
      const target = props.catalog.obtain(this, def.target);
      const dlq = deadLetterQueue(this, `${def.id}DeadLetters`, `the ${def.id} schedule`, props.alarms, {
        kind: 'schedule',
        source: def.id,
      });
      // One role per schedule, assumable by EventBridge Scheduler for this account only.
      const role = new Role(this, `${def.id}Role`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: `baocao ${def.id} schedule invokes ${def.target}`,
      });
      acknowledgeWildcardResourceLater(
        role,
        `${target.functionArn}:*`,
        `LambdaInvoke grants invoke on the ${def.target} function and its versions (arn:*); the role serves this one schedule and is assumable only by EventBridge Scheduler of this account.`,
      );
      const schedule = new Schedule(this, def.id, {
        description: def.description,
        schedule: ScheduleExpression.expression(cronExpression(def), TimeZone.of(def.timeZone)),
        target: new LambdaInvoke(target, {
          role,
          deadLetterQueue: dlq,
          ...SCHEDULE_TARGET_RETRY,
          input: ScheduleTargetInput.fromObject(def.input),
        }),
      });
      target.asyncFailures();
      return { def, schedule, target, deadLetterQueue: dlq };
    });
  }
}
