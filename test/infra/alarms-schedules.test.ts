import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_TARGET_RETRY } from '../../infra/defaults.js';
import { FUNCTION_NAMES } from '../../shared/definitions/events.js';
import { cronExpression, schedules } from '../../shared/definitions/schedules.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { buildTestApp, rendered, type Resources, type TestApp } from './support.js';

type Alarm = {
  Properties: {
    MetricName: string;
    Namespace: string;
    Dimensions?: { Name: string; Value: unknown }[];
    AlarmActions: unknown[];
    OKActions: unknown[];
    Threshold: number;
  };
};

describe('alarms', () => {
  let t: TestApp;
  let resources: Resources;
  beforeAll(() => {
    t = buildTestApp({ alarmEmail: 'truc-ban@snv.example' });
    resources = t.serviceTemplate.toJSON().Resources as Resources;
  });
  const topicRef = () => ({ Ref: t.service.getLogicalId(t.service.alarms.topic.node.defaultChild as never) });
  const alarms = () => Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm') as unknown as Alarm[];

  it('sends alarms to an encrypted, TLS-only topic with the configured email subscribed', () => {
    t.serviceTemplate.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [t.service.getLogicalId(t.service.alarms.key.node.defaultChild as never), 'Arn'] },
    });
    t.serviceTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'truc-ban@snv.example',
      TopicArn: topicRef(),
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [t.service.getLogicalId(t.service.alarms.undeliveredQueue.node.defaultChild as never), 'Arn'],
        },
      },
    });
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
    expect((policy.Properties!['PolicyDocument'] as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // CloudWatch may use the topic's key, or alarms could not publish.
    const key = resources[t.service.getLogicalId(t.service.alarms.key.node.defaultChild as never)]!;
    expect(JSON.stringify(key.Properties!['KeyPolicy'])).toContain('cloudwatch.amazonaws.com');
    expect(key.Properties!['EnableKeyRotation']).toBe(true);
  });

  it('watches the depth of every queue (all of them are DLQs), notifying the topic', () => {
    const queueIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .map(([id]) => id);
    expect(queueIds.length).toBeGreaterThanOrEqual(4);
    for (const id of queueIds) {
      const watching = alarms().filter(
        (a) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
      );
      expect(watching, id).toHaveLength(1);
      expect(watching[0]!.Properties.Threshold).toBe(1);
      expect(watching[0]!.Properties.AlarmActions).toEqual([topicRef()]);
      expect(watching[0]!.Properties.OKActions).toEqual([topicRef()]);
    }
  });

  it('warns before SES would review the account for bounces or complaints', () => {
    for (const metric of ['Reputation.BounceRate', 'Reputation.ComplaintRate']) {
      const found = alarms().filter((a) => a.Properties.Namespace === 'AWS/SES' && a.Properties.MetricName === metric);
      expect(found, metric).toHaveLength(1);
      expect(found[0]!.Properties.Threshold).toBeLessThan(metric === 'Reputation.BounceRate' ? 0.05 : 0.001);
      expect(found[0]!.Properties.AlarmActions).toEqual([topicRef()]);
    }
  });

  it('watches errors and throttles of every function', () => {
    for (const name of FUNCTION_NAMES) {
      const fn = t.service.catalog.get(name)!;
      // The user pool's trigger is in the stateful stack: its alarms (here) name it through a reference.
      const fnRef =
        Stack.of(fn) === t.service ? { Ref: t.service.getLogicalId(fn.node.defaultChild as never) } : rendered(t.service, fn.functionName);
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarms().filter(
          (a) =>
            a.Properties.Namespace === 'AWS/Lambda' &&
            a.Properties.MetricName === metric &&
            JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: fnRef }]),
        );
        expect(found, `${name} ${metric}`).toHaveLength(1);
        expect(found[0]!.Properties.AlarmActions).toEqual([topicRef()]);
      }
    }
  });
});

describe('schedules (built from shared/definitions/schedules.ts)', () => {
  it('schedules every definition in its time zone with the same cron, payload, retries and a DLQ', () => {
    const t = buildTestApp();
    const resources = t.serviceTemplate.toJSON().Resources as Resources;
    const defs = schedules(t.config.regime);
    const deployed = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(deployed).toHaveLength(defs.length);
    for (const def of defs) {
      const found = deployed.filter(
        (s) => s.Properties!['ScheduleExpression'] === cronExpression(def) && s.Properties!['Description'] === def.description,
      );
      expect(found, def.id).toHaveLength(1);
      const props = found[0]!.Properties! as {
        ScheduleExpressionTimezone: string;
        FlexibleTimeWindow: unknown;
        Target: Record<string, unknown>;
      };
      expect(props.ScheduleExpressionTimezone).toBe(def.timeZone);
      expect(props.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      const fn = t.service.catalog.get(def.target)!;
      expect(props.Target['Arn']).toEqual({ 'Fn::GetAtt': [t.service.getLogicalId(fn.node.defaultChild as never), 'Arn'] });
      expect(JSON.parse(props.Target['Input'] as string)).toEqual(def.input);
      expect(props.Target['RetryPolicy']).toEqual({
        MaximumRetryAttempts: SCHEDULE_TARGET_RETRY.retryAttempts,
        MaximumEventAgeInSeconds: SCHEDULE_TARGET_RETRY.maxEventAge.toSeconds(),
      });
      const dlq = (props.Target['DeadLetterConfig'] as { Arn: { 'Fn::GetAtt': [string, string] } }).Arn['Fn::GetAtt'][0];
      expect(resources[dlq]?.Type).toBe('AWS::SQS::Queue');
    }
  });

  it('schedules the main regime only: a regime of regimeFiles adds no schedule (the daily jobs cover it)', () => {
    const expressionsOf = (t: ReturnType<typeof buildTestApp>) =>
      Object.values(t.serviceTemplate.toJSON().Resources as Resources)
        .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
        .map((s) => `${String(s.Properties!['ScheduleExpression'])} ${String(s.Properties!['ScheduleExpressionTimezone'])}`)
        .sort();
    const t = buildTestApp({ regimeFiles: 'examples/regime-kontum-quarterly.json' });
    expect(t.config.regimes.all).toHaveLength(2);
    expect(expressionsOf(t)).toEqual(expressionsOf(buildTestApp()));
    expect(schedules(t.config.regime).filter((d) => d.id === 'AnnualSummary')).toHaveLength(1);
  });

  it('follows the regime file: its time zone and consolidation date move the schedules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baocao-regime-'));
    const file = join(dir, 'regime.json');
    writeFileSync(
      file,
      JSON.stringify({ ...DEFAULT_REGIME, timeZone: 'Asia/Bangkok', consolidation: { month: 12, day: 22, yearOffset: 0, hour: 9 } }),
    );
    const t = buildTestApp({ regimeFile: file });
    const deployed = Object.values(t.serviceTemplate.toJSON().Resources as Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    const expressions = deployed.map(
      (s) => `${String(s.Properties!['ScheduleExpression'])} ${String(s.Properties!['ScheduleExpressionTimezone'])}`,
    );
    expect(expressions).toContain('cron(0 9 22 12 ? *) Asia/Bangkok');
    expect(expressions).toContain(`${cronExpression(schedules(t.config.regime).find((d) => d.id === 'DailyNotices')!)} Asia/Bangkok`);
  });
});
