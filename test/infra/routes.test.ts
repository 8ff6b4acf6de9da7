import { beforeAll, describe, expect, it } from 'vitest';
import { ASYNC_INVOKE_RETRY, EVENT_TARGET_RETRY, QUEUE_DEFAULTS } from '../../infra/defaults.js';
import { EVENT_ROUTES } from '../../shared/definitions/events.js';
import { assertEverythingWired } from '../../infra/stacks/service-stack.js';
import { deadLetterDefinitions } from '../../local/dead-letter-queues.js';
import { schedules } from '../../shared/definitions/schedules.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { buildTestApp, rendered, type Resources, type TestApp } from './support.js';

type Target = { Arn: unknown; DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: Record<string, number> };

describe('event routes (built from EVENT_ROUTES)', () => {
  let t: TestApp;
  let resources: Resources;
  beforeAll(() => {
    t = buildTestApp();
    resources = t.serviceTemplate.toJSON().Resources as Resources;
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const fnArn = (name: Parameters<TestApp['service']['catalog']['get']>[0]) => {
    const fn = t.service.catalog.get(name);
    if (!fn) throw new Error(`function ${name} was not built`);
    return { 'Fn::GetAtt': [t.service.getLogicalId(fn.node.defaultChild as never), 'Arn'] };
  };

  it('creates exactly one rule per route', () => {
    expect(ofType('AWS::Events::Rule')).toHaveLength(EVENT_ROUTES.length);
  });

  it.each(EVENT_ROUTES.map((r) => [r.id, r] as const))('%s: the pattern, bus and target of the definition', (_id, route) => {
    // The pattern is the definition's, with the bucket name as the service stack sees it.
    const expected = route.pattern({ bucketName: rendered(t.service, t.stateful.bucket.bucketName) as string });
    const matching = ofType('AWS::Events::Rule').filter(
      ([, r]) => JSON.stringify(r.Properties?.['EventPattern']) === JSON.stringify(expected),
    );
    expect(matching).toHaveLength(1);
    const props = matching[0]![1].Properties!;

    expect(props['Description']).toBe(route.description);
    if (route.bus === 'baocao') expect(props['EventBusName']).toEqual(rendered(t.service, t.stateful.bus.eventBusName));
    else expect(props['EventBusName']).toBeUndefined();

    const targets = props['Targets'] as Target[];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toEqual(fnArn(route.target));
  });

  it('gives every rule target an explicit retry policy and an encrypted, TLS-only DLQ that EventBridge may write to', () => {
    for (const [ruleId, rule] of ofType('AWS::Events::Rule')) {
      for (const target of rule.Properties!['Targets'] as Target[]) {
        expect(target.RetryPolicy).toEqual({
          MaximumRetryAttempts: EVENT_TARGET_RETRY.retryAttempts,
          MaximumEventAgeInSeconds: EVENT_TARGET_RETRY.maxEventAge.toSeconds(),
        });
        const dlqId = (target.DeadLetterConfig?.Arn as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0];
        expect(dlqId, `${ruleId} has a DLQ`).toBeDefined();
        expect(resources[dlqId!]?.Type).toBe('AWS::SQS::Queue');
        const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties!['Queues']).includes(dlqId!));
        const statements = JSON.stringify(policy?.[1].Properties!['PolicyDocument']);
        expect(statements).toContain('events.amazonaws.com');
        expect(statements).toContain(ruleId);
      }
    }
  });

  it('encrypts every queue, keeps messages 14 days and refuses non-TLS access', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    for (const [id, q] of queues) {
      expect(q.Properties!['SqsManagedSseEnabled'], id).toBe(true);
      expect(q.Properties!['MessageRetentionPeriod'], id).toBe(QUEUE_DEFAULTS.retentionPeriod.toSeconds());
      const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties!['Queues']).includes(id));
      const statements =
        (policy?.[1].Properties!['PolicyDocument'] as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [];
      expect(statements, id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('gives every asynchronously invoked function retries and an on-failure queue', () => {
    const asyncTargets = new Set(EVENT_ROUTES.map((r) => r.target));
    for (const name of asyncTargets) {
      const fnId = t.service.getLogicalId(t.service.catalog.get(name)!.node.defaultChild as never);
      const configs = ofType('AWS::Lambda::EventInvokeConfig').filter(
        ([, c]) => JSON.stringify(c.Properties!['FunctionName']) === JSON.stringify({ Ref: fnId }),
      );
      expect(configs, name).toHaveLength(1);
      const props = configs[0]![1].Properties!;
      expect(props['MaximumRetryAttempts']).toBe(ASYNC_INVOKE_RETRY.retryAttempts);
      expect(props['MaximumEventAgeInSeconds']).toBe(ASYNC_INVOKE_RETRY.maxEventAge.toSeconds());
      const dest = (props['DestinationConfig'] as { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } }).OnFailure.Destination;
      expect(resources[dest['Fn::GetAtt'][0]]?.Type).toBe('AWS::SQS::Queue');
    }
  });

  it('declares each dead-letter queue as an output (its URL) under the key the CLI reads, for the edge that queue parks', () => {
    const outputs = t.serviceTemplate.toJSON().Outputs as Record<string, { Value: { Ref: string } }>;
    const arnOf = (queueId: string) => JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] });
    const descriptions = new Map(schedules(DEFAULT_REGIME).map((d) => [d.id, d.description]));
    for (const def of deadLetterDefinitions()) {
      const queueId = outputs[def.key]?.Value.Ref;
      expect(queueId && resources[queueId]?.Type, def.key).toBe('AWS::SQS::Queue');
      const fnRef = JSON.stringify(fnArn(def.target));
      if (def.kind === 'on-failure') {
        const config = ofType('AWS::Lambda::EventInvokeConfig').find(
          ([, c]) => JSON.stringify(c.Properties!['FunctionName']) === JSON.stringify({ Ref: fnArn(def.target)['Fn::GetAtt'][0] }),
        );
        expect(JSON.stringify(config?.[1].Properties!['DestinationConfig']), def.key).toContain(arnOf(queueId!));
      } else if (def.kind === 'rule') {
        const route = EVENT_ROUTES.find((r) => r.id === def.source)!;
        const rule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties?.['Description'] === route.description);
        const target = (rule?.[1].Properties!['Targets'] as Target[])[0]!;
        expect([JSON.stringify(target.Arn), JSON.stringify(target.DeadLetterConfig?.Arn)], def.key).toEqual([fnRef, arnOf(queueId!)]);
      } else {
        const schedule = ofType('AWS::Scheduler::Schedule').find(([, r]) => r.Properties?.['Description'] === descriptions.get(def.source));
        const target = schedule?.[1].Properties!['Target'] as Target;
        expect([JSON.stringify(target.Arn), JSON.stringify(target.DeadLetterConfig?.Arn)], def.key).toEqual([fnRef, arnOf(queueId!)]);
      }
    }
  });

  it('fails synth when a route is claimed by no capability, or twice, or a function is never invoked', () => {
    const orphan = { ...EVENT_ROUTES[0]!, id: 'OrphanRoute' };
    const routed = EVENT_ROUTES.map((route) => ({ route }));
    const complete = { unwired: () => [] };
    expect(() => assertEverythingWired(EVENT_ROUTES, routed, complete)).not.toThrow();
    expect(() => assertEverythingWired([...EVENT_ROUTES, orphan], routed, complete)).toThrow(/event route OrphanRoute .* wired 0 times/);
    expect(() => assertEverythingWired(EVENT_ROUTES, [...routed, routed[0]!], complete)).toThrow(
      new RegExp(`${EVENT_ROUTES[0]!.id} .* wired 2 times`),
    );
    expect(() => assertEverythingWired(EVENT_ROUTES, routed, { unwired: () => ['notices'] })).toThrow(
      /function notices is in FUNCTION_NAMES but no route/,
    );
  });
});
