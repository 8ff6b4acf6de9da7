import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENVIRONMENT } from '../../infra/defaults.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/definitions/events.js';
import { keys } from '../../shared/definitions/table.js';
import { buildTestApp, rendered, type Resources, type TestApp } from './support.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * What each function may see and do. Written out here on purpose: the test is the
 * least-privilege specification, and a binder that grants more (or an env var without its grant)
 * fails it.
 */
const EXPECTED_ENV: Record<FunctionName, string[]> = {
  presign: [ENV.originVerify, ENV.tableName, ENV.bucketName],
  status: [ENV.originVerify, ENV.tableName],
  ingest: [ENV.bucketName, ENV.tableName, ENV.busName],
  compliance: [ENV.tableName, ENV.busName],
  receipt: [ENV.tableName, ENV.senderAddress, ENV.replyToAddress, ENV.sesConfigurationSet, ENV.appUrl],
  admin: [ENV.originVerify, ENV.tableName, ENV.busName, ENV.bucketName],
  unit: [ENV.originVerify, ENV.tableName],
  template: [ENV.originVerify, ENV.tableName],
  notices: [ENV.tableName, ENV.senderAddress, ENV.replyToAddress, ENV.sesConfigurationSet, ENV.busName, ENV.appUrl],
  summary: [
    ENV.originVerify,
    ENV.tableName,
    ENV.bucketName,
    ENV.busName,
    ENV.senderAddress,
    ENV.replyToAddress,
    ENV.sesConfigurationSet,
    ENV.appUrl,
  ],
  reconcile: [ENV.bucketName, ENV.tableName, ENV.busName],
  pretoken: [],
};

const TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** s3 object access by function: action → the key prefixes it applies to. */
const EXPECTED_S3: Partial<Record<FunctionName, Record<string, string[]>>> = {
  presign: { 's3:PutObject': ['incoming/', 'signed/'] },
  // Versions: ingest judges and quarantines the version an event names; admin links versions.
  ingest: {
    's3:GetObject': ['incoming/', 'signed/'],
    's3:GetObjectVersion': ['incoming/', 'signed/'],
    's3:PutObjectVersionTagging': ['incoming/'],
  },
  admin: { 's3:GetObject': ['incoming/', 'signed/'], 's3:GetObjectVersion': ['incoming/', 'signed/'] },
  summary: { 's3:GetObject': ['summaries/'], 's3:PutObject': ['summaries/'] },
  // What ingest may do (it ingests what it finds), and no more.
  reconcile: {
    's3:GetObject': ['incoming/', 'signed/'],
    's3:GetObjectVersion': ['incoming/', 'signed/'],
    's3:PutObjectVersionTagging': ['incoming/'],
  },
};
const READ_ONLY_TABLE: FunctionName[] = ['status'];

/** The item kinds (partition-key prefixes) each function may read and write: its LeadingKeys. */
const EXPECTED_KEYS: Record<FunctionName, { read: string[]; write: string[] }> = {
  presign: { read: ['REGIME', 'REPORT#*', 'TOKEN#*', 'AUDIT#*'], write: ['TOKEN#*', 'AUDIT#*'] },
  status: { read: ['REGIME', 'PERIOD#*'], write: [] },
  ingest: { read: ['REGIME', 'REPORT#*', 'AUDIT#*'], write: ['REPORT#*', 'AUDIT#*'] },
  compliance: { read: ['REGIME', 'REPORT#*', 'PERIOD#*', 'AUDIT#*'], write: ['PERIOD#*', 'AUDIT#*'] },
  reconcile: { read: ['REGIME', 'REPORT#*', 'PERIOD#*', 'AUDIT#*'], write: ['REPORT#*', 'PERIOD#*', 'AUDIT#*'] },
  receipt: { read: ['REGIME', 'REPORT#*', 'NOTICE#*', 'AUDIT#*'], write: ['NOTICE#*', 'AUDIT#*'] },
  admin: { read: ['REGIME', 'REPORT#*', 'AUDIT#*', 'TOKEN#*'], write: ['REPORT#*', 'AUDIT#*', 'TOKEN#*'] },
  unit: { read: ['REGIME', 'REPORT#*', 'PERIOD#*', 'TOKEN#*', 'AUDIT#*'], write: ['TOKEN#*', 'AUDIT#*'] },
  template: { read: ['REGIME', 'TOKEN#*', 'AUDIT#*'], write: ['TOKEN#*', 'AUDIT#*'] },
  notices: { read: ['REGIME', 'PERIOD#*', 'NOTICE#*', 'AUDIT#*'], write: ['NOTICE#*', 'AUDIT#*'] },
  summary: { read: ['REGIME', 'REPORT#*', 'PERIOD#*', 'SUMMARY#*', 'NOTICE#*', 'AUDIT#*'], write: ['SUMMARY#*', 'NOTICE#*', 'AUDIT#*'] },
  pretoken: { read: [], write: [] },
};

/** Event and schedule functions are capped so a burst cannot starve the HTTP ones (which are not). */
const EXPECTED_RESERVED: Partial<Record<FunctionName, number>> = { ingest: 20, compliance: 10, receipt: 5, notices: 1, summary: 2 };

describe('functions', () => {
  let t: TestApp;
  let resources: Resources;
  beforeAll(() => {
    t = buildTestApp({ logRetentionDays: '731' });
    // Both stacks: the user pool's trigger (pretoken) is built beside the pool, in the stateful stack.
    resources = { ...(t.statefulTemplate.toJSON().Resources as Resources), ...(t.serviceTemplate.toJSON().Resources as Resources) };
  });

  const fnOf = (name: FunctionName) => {
    const fn = t.service.catalog.get(name);
    if (!fn) throw new Error(`${name} not built`);
    const id = Stack.of(fn).getLogicalId(fn.node.defaultChild as never);
    return { fn, id, props: resources[id]!.Properties! };
  };
  const statementsOf = (name: FunctionName): Statement[] => {
    const role = fnOf(name).fn.role!;
    const roleId = Stack.of(role).getLogicalId(role.node.defaultChild as never);
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!['Roles']) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((r) => (r.Properties!['PolicyDocument'] as { Statement: Statement[] }).Statement);
  };
  const actionsOf = (name: FunctionName) => statementsOf(name).flatMap((s) => asList(s.Action));

  it("deploys every function of FUNCTION_NAMES exactly once, and besides them only CDK's deploy-time handlers of the site", () => {
    const serviceResources = t.serviceTemplate.toJSON().Resources as Resources;
    const lambdas = Object.entries(serviceResources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const ours = lambdas.filter(([, r]) => String(r.Properties?.['Description'] ?? '').startsWith('baocao '));
    // All but the user pool's trigger, which the pool (stateful stack) names, so it sits beside it.
    expect(ours).toHaveLength(FUNCTION_NAMES.length - 1);
    expect(Stack.of(t.service.catalog.get('pretoken')!)).toBe(t.stateful);
    const others = lambdas.filter((l) => !ours.includes(l)).map(([id]) => id.replace(/[A-F0-9]{8,}.*$/, ''));
    expect(others.sort()).toEqual(['CustomCDKBucketDeployment', 'CustomS3AutoDeleteObjectsCustomResourceProviderHandler']);
    for (const name of FUNCTION_NAMES) expect(fnOf(name).props['Description']).toMatch(new RegExp(`^baocao ${name}: `));
  });

  it('runs every function on the newest Node.js runtime the CDK knows, on arm64, traced, with JSON logs', () => {
    const newest = Runtime.ALL.map((r) => r.name)
      .filter((n) => /^nodejs\d+\.x$/.test(n))
      .sort((a, b) => Number.parseInt(a.slice(6), 10) - Number.parseInt(b.slice(6), 10))
      .at(-1);
    expect(Number.parseInt(newest!.slice(6), 10)).toBeGreaterThanOrEqual(22);
    for (const name of FUNCTION_NAMES) {
      const { props } = fnOf(name);
      expect(props['Runtime'], name).toBe(newest);
      expect(props['Architectures'], name).toEqual(['arm64']);
      expect(props['TracingConfig'], name).toEqual({ Mode: 'Active' });
      expect(props['Handler'], name).toBe('index.handler');
      expect(props['MemorySize'], name).toEqual(expect.any(Number));
      expect(props['Timeout'], name).toBeLessThanOrEqual(900);
      expect(props['LoggingConfig'], name).toMatchObject({ LogFormat: 'JSON' });
    }
  });

  it('gives each function its own log group, kept for the configured retention', () => {
    for (const name of FUNCTION_NAMES) {
      const { props } = fnOf(name);
      const logGroupId = (props['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId]?.Properties?.['RetentionInDays'], name).toBe(731);
    }
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::Logs::LogGroup') expect(r.Properties?.['RetentionInDays'], id).toBe(731);
    }
  });

  it.each(FUNCTION_NAMES.map((n) => [n]))('%s: exactly the environment its binders add', (name) => {
    const env = (fnOf(name).props['Environment'] as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    const common = new Set<string>([...Object.keys(FUNCTION_ENVIRONMENT), 'POWERTOOLS_SERVICE_NAME']);
    const ours = Object.keys(env).filter((k) => !common.has(k));
    expect(env['POWERTOOLS_SERVICE_NAME']).toBe(`baocao-${name}`);
    expect(ours.sort()).toEqual([...EXPECTED_ENV[name]].sort());
    if (env[ENV.tableName] !== undefined) expect(env[ENV.tableName]).toEqual(rendered(t.service, t.stateful.table.tableName));
    if (env[ENV.bucketName] !== undefined) expect(env[ENV.bucketName]).toEqual(rendered(t.service, t.stateful.bucket.bucketName));
    if (env[ENV.busName] !== undefined) expect(env[ENV.busName]).toEqual(rendered(t.service, t.stateful.bus.eventBusName));
  });

  it.each(FUNCTION_NAMES.map((n) => [n]))('%s: every grant goes with its env var, on named resources', (name) => {
    const env = new Set(EXPECTED_ENV[name]);
    const actions = actionsOf(name);
    const has = (prefix: string) => actions.some((a) => a.startsWith(prefix));
    expect(has('dynamodb:'), 'table grant ⇔ TABLE_NAME').toBe(env.has(ENV.tableName));
    expect(has('s3:'), 'bucket grant ⇔ BUCKET_NAME').toBe(env.has(ENV.bucketName));
    expect(has('events:'), 'bus grant ⇔ BUS_NAME').toBe(env.has(ENV.busName));
    expect(has('ses:'), 'SES grant ⇔ SENDER_ADDRESS').toBe(env.has(ENV.senderAddress));

    for (const s of statementsOf(name)) {
      // The only Deny: no update or delete on audit partitions (test/infra/staff-identity.test.ts).
      if (s.Effect === 'Deny') {
        expect(
          asList(s.Action).every((a) => a.startsWith('dynamodb:')),
          `${name}: Deny only on the audit trail`,
        ).toBe(true);
        continue;
      }
      expect(s.Effect).toBe('Allow');
      for (const action of asList(s.Action)) {
        if (action.startsWith('xray:')) {
          expect(s.Resource, 'X-Ray has no resource-level permissions').toBe('*');
          continue;
        }
        expect(action, `${name}: no wildcard actions`).not.toContain('*');
        expect(s.Resource, `${name}: ${action} on a named resource`).not.toBe('*');
      }
    }
  });

  it.each(FUNCTION_NAMES.map((n) => [n]))('%s: object access limited to its key prefixes', (name) => {
    const bucketArn = JSON.stringify(rendered(t.service, t.stateful.bucket.bucketArn));
    const granted: Record<string, string[]> = {};
    for (const s of statementsOf(name)) {
      for (const action of asList(s.Action).filter((a) => a.startsWith('s3:') && a !== 's3:ListBucket')) {
        for (const resource of asList(s.Resource)) {
          const join = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
          expect(JSON.stringify(join[1][0]), `${name} ${action} is on the uploads bucket`).toBe(bucketArn);
          const suffix = String(join[1][1]);
          expect(suffix).toMatch(/^\/[a-z-]+\/\*$/);
          (granted[action] ??= []).push(suffix.slice(1, -1));
        }
      }
    }
    const expected = EXPECTED_S3[name] ?? {};
    expect(Object.keys(granted).sort()).toEqual(Object.keys(expected).sort());
    for (const [action, prefixes] of Object.entries(expected)) expect(granted[action]!.sort()).toEqual([...prefixes].sort());

    const list = statementsOf(name).filter((s) => asList(s.Action).includes('s3:ListBucket'));
    for (const s of list)
      expect(s.Condition?.['StringLike']?.['s3:prefix']).toEqual(expect.arrayContaining([expect.stringMatching(/^[a-z-]+\/\*$/)]));
  });

  it('lets the reconciliation sweep list only the uploads, never the whole bucket', () => {
    const list = statementsOf('reconcile').filter((s) => asList(s.Action).includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]!.Resource).toEqual(rendered(t.service, t.stateful.bucket.bucketArn));
    expect((list[0]!.Condition?.['StringLike']?.['s3:prefix'] as string[]).sort()).toEqual(['incoming/*', 'signed/*']);
  });

  it('lets read-only functions only read the table', () => {
    for (const name of READ_ONLY_TABLE) {
      expect(
        actionsOf(name).filter((a) => TABLE_WRITES.includes(a)),
        name,
      ).toEqual([]);
      expect(actionsOf(name)).toContain('dynamodb:Query');
    }
  });

  it.each(FUNCTION_NAMES.map((n) => [n]))(
    '%s: reads and writes only the item kinds it owns (dynamodb:LeadingKeys), and never deletes',
    (name) => {
      const tableArn = JSON.stringify(rendered(t.service, t.stateful.table.tableArn));
      const onTable = statementsOf(name).filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource) === tableArn);
      const keysFor = (action: string) => {
        const st = onTable.filter((s) => asList(s.Action).includes(action));
        expect(st.length, `${name} ${action}: one statement`).toBeLessThanOrEqual(1);
        return st[0] ? (st[0].Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[]) : [];
      };
      expect([...keysFor('dynamodb:GetItem')].sort()).toEqual([...EXPECTED_KEYS[name].read].sort());
      expect([...keysFor('dynamodb:Query')].sort()).toEqual([...EXPECTED_KEYS[name].read].sort());
      expect([...keysFor('dynamodb:PutItem')].sort()).toEqual([...EXPECTED_KEYS[name].write].sort());
      expect([...keysFor('dynamodb:UpdateItem')].sort()).toEqual([...EXPECTED_KEYS[name].write].sort());
      for (const s of onTable)
        expect(s.Condition, `${name}: every table grant is conditioned`).toHaveProperty([
          'ForAllValues:StringLike',
          'dynamodb:LeadingKeys',
        ]);
      const allowed = statementsOf(name)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => asList(s.Action));
      for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLDelete', 'dynamodb:Scan'])
        expect(allowed, name).not.toContain(forbidden);
      // The token index holds only tokens: only the functions owning tokens may query it.
      const index = statementsOf(name).some((s) => JSON.stringify(s.Resource).includes('/index/'));
      expect(index, `${name}: token index`).toBe(EXPECTED_KEYS[name].read.includes('TOKEN#*'));
    },
  );

  it('lets every function that loads the regimes Query the REGIME partition (DynamoRegimeStore.list), that partition key exactly', () => {
    const tableArn = JSON.stringify(rendered(t.service, t.stateful.table.tableArn));
    const loaders = FUNCTION_NAMES.filter((name) =>
      /fn\.regimes?\(\)/.test(readFileSync(join(REPO_ROOT, 'functions', name, 'handler.ts'), 'utf8')),
    );
    expect(loaders).toEqual(FUNCTION_NAMES.filter((n) => n !== 'pretoken'));
    for (const name of loaders) {
      const query = statementsOf(name).filter(
        (s) => s.Effect === 'Allow' && JSON.stringify(s.Resource) === tableArn && asList(s.Action).includes('dynamodb:Query'),
      );
      expect(query, name).toHaveLength(1);
      const leading = query[0]!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[];
      // The exact key (no wildcard): `REGIME*` would also match any other partition starting so.
      expect(leading, name).toContain(keys.regime().PK);
      expect(
        leading.filter((k) => k.startsWith('REGIME')),
        name,
      ).toEqual(['REGIME']);
    }
  });

  it('caps the event and schedule functions with reserved concurrency and leaves the HTTP ones uncapped', () => {
    const reserved = Object.fromEntries(
      FUNCTION_NAMES.flatMap((n) => {
        const v = fnOf(n).props['ReservedConcurrentExecutions'];
        return v === undefined ? [] : [[n, v]];
      }),
    );
    expect(reserved).toEqual(EXPECTED_RESERVED);
    for (const n of ['presign', 'status', 'admin', 'unit', 'template'] as const)
      expect(fnOf(n).props['ReservedConcurrentExecutions']).toBeUndefined();
  });

  it('grants table actions on the table and reads on its named indexes only', () => {
    const tableArn = rendered(t.service, t.stateful.table.tableArn);
    for (const name of FUNCTION_NAMES) {
      for (const s of statementsOf(name).filter((st) => asList(st.Action).some((a) => a.startsWith('dynamodb:')))) {
        const resourceList = asList(s.Resource);
        for (const r of resourceList) {
          if (JSON.stringify(r) === JSON.stringify(tableArn)) continue;
          const join = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
          expect(join[1][0]).toEqual(tableArn);
          expect(join[1][1]).toMatch(/^\/index\/[A-Za-z0-9]+$/);
          expect(asList(s.Action)).toEqual(['dynamodb:Query']);
        }
      }
    }
  });

  it('lets mail senders send only through the identity and configuration set, from the sender address', () => {
    for (const name of FUNCTION_NAMES.filter((n) => EXPECTED_ENV[n].includes(ENV.senderAddress))) {
      const ses = statementsOf(name).filter((s) => asList(s.Action).some((a) => a.startsWith('ses:')));
      expect(ses).toHaveLength(1);
      expect(asList(ses[0]!.Action).sort()).toEqual(['ses:SendEmail']);
      expect(ses[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': t.config.senderAddress } });
      const resources = JSON.stringify(ses[0]!.Resource);
      expect(resources).toContain(JSON.stringify(rendered(t.service, t.stateful.sender.identity.emailIdentityArn)).slice(1, -1));
      expect(resources).toContain('configuration-set/');
    }
  });
});
