import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUARANTINE_TAG } from '../../infra/defaults.js';
import { BUS_NAME, EVENT_SOURCE } from '../../shared/definitions/events.js';
import { keys, objectKeys, TABLE_DEFINITION } from '../../shared/definitions/table.js';
import { toAttributeValue } from '../../infra/constructs/regime-seed.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { buildTestApp, type TestApp } from './support.js';

describe('stateful stack', () => {
  let t: TestApp;
  beforeAll(() => {
    t = buildTestApp({
      appOrigin: 'https://baocao.snv.example',
      quarantineRetentionDays: '45',
      supersededRetentionDays: 30,
      archiveRetentionDays: 400,
    });
  });

  const uploadsId = () => t.stateful.getLogicalId(t.stateful.bucket.node.defaultChild as never);
  const logsId = () => t.stateful.getLogicalId(t.stateful.accessLogs.node.defaultChild as never);

  it('keeps the uploads bucket private, encrypted, versioned and retained', () => {
    t.statefulTemplate.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId() }, LogFilePrefix: 'uploads/' },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const bucket = t.statefulTemplate.toJSON().Resources[uploadsId()];
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logsId() });
  });

  it('denies every non-TLS request to both buckets', () => {
    for (const id of [uploadsId(), logsId()]) {
      t.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('sends Object Created to EventBridge natively (no notifications custom resource)', () => {
    t.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    t.statefulTemplate.resourceCountIs('Custom::S3BucketNotifications', 0);
    // The only functions here are the regime seed's custom-resource provider and the user pool's trigger.
    const fns = Object.values(t.statefulTemplate.findResources('AWS::Lambda::Function')) as { Properties: { Role: unknown } }[];
    const roleOf = (c: IConstruct) => ({ 'Fn::GetAtt': [t.stateful.getLogicalId(c.node.defaultChild as never), 'Arn'] });
    expect(fns.map((f) => f.Properties.Role)).toEqual(
      expect.arrayContaining([roleOf(t.stateful.regimeSeed.node.findChild('Role')), roleOf(t.service.catalog.get('pretoken')!.role!)]),
    );
    expect(fns).toHaveLength(2);
  });

  it('expires quarantined uploads (current and superseded) and superseded summaries after the configured days, and keeps accepted ones', () => {
    const rules = t.statefulTemplate.toJSON().Resources[uploadsId()].Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'ExpireQuarantinedUploads',
        Prefix: objectKeys.incomingPrefix,
        TagFilters: [{ Key: QUARANTINE_TAG.key, Value: QUARANTINE_TAG.value }],
        ExpirationInDays: 45,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'ExpireSupersededSummaries',
        Prefix: 'summaries/',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, ExpiredObjectDeleteMarker: true }),
    );
    // Only tagged (rejected) objects ever expire while current.
    for (const rule of rules) if (rule['ExpirationInDays'] !== undefined) expect(rule['TagFilters']).toBeDefined();
    // An accepted upload or signed PDF superseded by a second POST to its key stays: the record links it by version id.
    for (const rule of rules) {
      if (rule['NoncurrentVersionExpiration'] === undefined) continue;
      const prefix = String(rule['Prefix'] ?? '');
      expect(prefix, JSON.stringify(rule)).not.toBe('');
      expect(objectKeys.signedPrefix.startsWith(prefix)).toBe(false);
      if (objectKeys.incomingPrefix.startsWith(prefix))
        expect(rule['TagFilters']).toEqual([{ Key: QUARANTINE_TAG.key, Value: QUARANTINE_TAG.value }]);
    }
  });

  it('allows browser POSTs from the form origin only', () => {
    t.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['POST'], AllowedOrigins: ['https://baocao.snv.example'] })] },
    });
  });

  it('builds the table from TABLE_DEFINITION, protected, on demand, with TTL', () => {
    const { partitionKey, sortKey, indexes, ttlAttribute } = TABLE_DEFINITION;
    t.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: indexes.map((i) =>
          Match.objectLike({
            IndexName: i.name,
            KeySchema: [
              { AttributeName: i.partitionKey, KeyType: 'HASH' },
              { AttributeName: i.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('creates the baocao bus and archives its events for the configured days', () => {
    t.statefulTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: BUS_NAME });
    t.statefulTemplate.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [t.stateful.getLogicalId(t.stateful.bus.node.defaultChild as never), 'Arn'] },
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: 400,
    });
  });

  it('sends mail through an identity whose configuration set tracks reputation and suppresses bounces and complaints', () => {
    const setId = t.stateful.getLogicalId(t.stateful.sender.configurationSet.node.defaultChild as never);
    t.statefulTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayEquals(['BOUNCE', 'COMPLAINT']) },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    t.statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: t.config.senderAddress,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: setId } },
    });
  });

  it('seeds the table with the regime synth validated, with PutItem on that table only', () => {
    const [seed] = Object.values(t.statefulTemplate.findResources('Custom::AWS')) as {
      Properties: { Create: { 'Fn::Join': [string, unknown[]] }; Update: unknown };
    }[];
    const tableRef = { Ref: t.stateful.getLogicalId(t.stateful.table.node.defaultChild as never) };
    const parts = seed!.Properties.Create['Fn::Join'][1];
    expect(parts.filter((p) => typeof p !== 'string')).toEqual([tableRef]);
    const call = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TABLE')).join('')) as {
      action: string;
      parameters: { TableName: string; Item: unknown };
    };
    expect(call.action).toBe('PutItem');
    expect(call.parameters.TableName).toBe('TABLE');
    expect(call.parameters.Item).toEqual(
      (toAttributeValue({ ...keys.regime(), type: 'regime', regime: t.config.regime }) as { M: unknown }).M,
    );
    expect(seed!.Properties.Update).toEqual(seed!.Properties.Create);
    t.statefulTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'dynamodb:PutItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [tableRef.Ref, 'Arn'] } }] },
    });
  });

  it('protects the stateful stack from deletion', () => {
    expect(t.stateful.terminationProtection).toBe(true);
  });
});

describe('regime seed with regimeFiles', () => {
  const QUARTERLY = 'examples/regime-kontum-quarterly.json';
  let t: TestApp;
  beforeAll(() => {
    t = buildTestApp({ regimeFiles: QUARTERLY });
  });

  type Seed = { Properties: { Create: unknown; Update?: unknown; Delete?: unknown } };
  const seeds = (app: TestApp) => app.statefulTemplate.findResources('Custom::AWS') as Record<string, Seed>;
  /** The SDK call of a seed property, the table reference replaced by 'TABLE'. */
  const call = (prop: unknown) => {
    const parts = (prop as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TABLE')).join('')) as {
      action: string;
      physicalResourceId: { id: string };
      parameters: { TableName: string; Item?: unknown; Key?: unknown };
    };
  };
  const otherId = (app: TestApp, regimeId: string) =>
    app.stateful.getLogicalId(app.stateful.regimeSeed.others.get(regimeId)!.node.findChild('Resource').node.defaultChild as never);

  it('writes the main regime at REGIME/CURRENT as before and each other one at REGIME/R#{id}, without the scoped flag', () => {
    const all = seeds(t);
    expect(Object.keys(all)).toHaveLength(2);
    const main = Object.values(all).find(
      (s) => call(s.Properties.Create).parameters.Item !== undefined && s.Properties.Delete === undefined,
    )!;
    expect(call(main.Properties.Create).parameters.Item).toEqual(
      (toAttributeValue({ ...keys.regime(), type: 'regime', regime: t.config.regime }) as { M: unknown }).M,
    );
    const other = all[otherId(t, 'dvcq-kontum-quy')]!;
    const put = call(other.Properties.Create);
    expect(put.action).toBe('PutItem');
    expect(put.parameters.TableName).toBe('TABLE');
    const { scoped, ...stored } = t.config.regimes.all[1]!;
    expect(scoped).toBe(true);
    expect(put.parameters.Item).toEqual(
      (toAttributeValue({ ...keys.regime('dvcq-kontum-quy'), type: 'regime', regime: stored }) as { M: unknown }).M,
    );
    expect(JSON.stringify(put.parameters.Item)).not.toContain('scoped');
    // Rewritten on update under the same physical id: CloudFormation never deletes the item after an update.
    expect(other.Properties.Update).toEqual(other.Properties.Create);
    const del = call(other.Properties.Delete);
    expect(del.action).toBe('DeleteItem');
    expect(del.parameters.Key).toEqual({ PK: { S: 'REGIME' }, SK: { S: 'R#dvcq-kontum-quy' } });
    expect(del.physicalResourceId).toEqual(put.physicalResourceId);
    // Put and delete on the REGIME partition only.
    t.statefulTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [t.stateful.getLogicalId(t.stateful.table.node.defaultChild as never), 'Arn'] },
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REGIME'] } },
          },
        ],
      },
    });
  });

  it('keys each regime’s resource by its id: another list keeps it, a list without it drops it (its item is deleted, its data kept)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baocao-regimes-'));
    const monthly = join(dir, 'monthly.json');
    writeFileSync(
      monthly,
      JSON.stringify({ ...JSON.parse(readFileSync(join(REPO_ROOT, QUARTERLY), 'utf8')), id: 'dvcq-kontum-thang', frequency: 'monthly' }),
    );
    const two = buildTestApp({ regimeFiles: `${monthly},${QUARTERLY}` });
    expect(otherId(two, 'dvcq-kontum-quy')).toBe(otherId(t, 'dvcq-kontum-quy'));
    expect(Object.keys(seeds(two))).toHaveLength(3);
    const none = buildTestApp();
    expect(Object.keys(seeds(none))).toHaveLength(1);
    expect(seeds(none)[otherId(t, 'dvcq-kontum-quy')]).toBeUndefined();
    // Only the regime's own item: no other key is deleted.
    for (const s of Object.values(seeds(two)).filter((s) => s.Properties.Delete))
      expect((call(s.Properties.Delete).parameters.Key as { PK: { S: string } }).PK).toEqual({ S: 'REGIME' });
  });
});
