import { Stack, Validations, type Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV, type EnvKey } from '../../shared/definitions/env-keys.js';
import type { FunctionName } from '../../shared/definitions/events.js';
import { AUDIT_PK_PREFIX, ITEM_KIND_PREFIXES, TABLE_DEFINITION, type ItemKind } from '../../shared/definitions/table.js';
import { ASYNC_INVOKE_RETRY, BUNDLING_DEFAULTS, FUNCTION_DEFAULTS, FUNCTION_ENVIRONMENT } from '../defaults.js';
import { handlerEntry, LOCK_FILE, REPO_ROOT } from '../paths.js';
import type { AlarmSink } from './alarms.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { acknowledgeWildcardResourceLater } from '../nag.js';

/**
 * The Lambda runtime, pinned: a CDK upgrade must not change it silently. cdk-nag (L1) wants the
 * newest runtime the CDK version knows; test/infra/functions.test.ts fails when a newer one
 * appears, so moving on is a deliberate change here.
 */
export const NODE_RUNTIME: Runtime = Runtime.NODEJS_24_X;

export interface BaocaoFunctionProps {
  /** functions/<name>/handler.ts, exporting `handler`. */
  readonly name: FunctionName;
  readonly description: string;
  readonly logRetention: RetentionDays;
  /** Receives the function's error/throttle alarms and its failure queue's alarm. */
  readonly alarms: AlarmSink;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** A cap on concurrent runs (infra/functions.ts says which functions have one and why). */
  readonly reservedConcurrentExecutions?: number;
  /** Overrides the entry file (tests use a fixture); defaults to the handler of `name`. */
  readonly entry?: string;
}

export interface BucketAccess {
  /** Key prefixes the function may read (GetObject, and List within the prefix). */
  readonly read?: readonly string[];
  /** Key prefixes the function may write (PutObject; also what a presigned POST needs). */
  readonly write?: readonly string[];
  /** Key prefixes whose objects the function may tag (PutObjectTagging), e.g. to quarantine. */
  readonly tag?: readonly string[];
  /**
   * The function addresses object versions (the bucket is versioned; a key can be written again
   * while a presigned POST is valid): reads also get s3:GetObjectVersion, and tags are put on a
   * version only (s3:PutObjectVersionTagging instead of s3:PutObjectTagging).
   */
  readonly byVersion?: boolean;
}

/** An SES identity with the configuration set every send must use. */
export interface Sender {
  readonly identity: IEmailIdentity;
  readonly configurationSet: IConfigurationSet;
  readonly fromAddress: string;
  readonly replyTo: string;
}

/**
 * The audit trail is append-only: no function may change or remove an item whose partition key is
 * an audit partition. PutItem stays allowed (appends are conditional puts, attribute_not_exists),
 * since IAM cannot require a condition expression; the hash chain (cli audit verify) catches an
 * overwrite.
 */
export const AUDIT_IMMUTABLE_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

/** No function may delete: nothing in baocao removes an item but DynamoDB TTL. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'] as const;
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** The item kinds a function reads, and the ones it writes (which it may read too). */
export interface TableAccess {
  readonly read?: readonly ItemKind[];
  readonly write?: readonly ItemKind[];
}

/** `dynamodb:LeadingKeys` patterns of item kinds: every partition key of the request must match one. */
export const leadingKeys = (kinds: readonly ItemKind[]) => ({
  'ForAllValues:StringLike': {
    'dynamodb:LeadingKeys': kinds.map((k) => (ITEM_KIND_PREFIXES[k].endsWith('#') ? `${ITEM_KIND_PREFIXES[k]}*` : ITEM_KIND_PREFIXES[k])),
  },
});

/**
 * The one Lambda shape of baocao: latest Node runtime, arm64, ESM bundle with the SDK inside,
 * its own log group with retention, JSON logs, X-Ray, a role that starts with nothing but
 * writing to that log group. The binders add the environment variable and the least-privilege
 * grant in one call, so the two cannot drift apart.
 */
export class BaocaoFunction extends NodejsFunction {
  readonly functionKey: FunctionName;
  readonly logs: LogGroup;
  /** Starts with log writing only; every other permission comes from a binder. */
  readonly executionRole: Role;
  private readonly bound = new Map<EnvKey, string>();
  private readonly alarmSink: AlarmSink;
  private failureQueue?: IQueue;

  constructor(scope: Construct, id: string, props: BaocaoFunctionProps) {
    // The role and log group must exist before the function; they sit beside it.
    const logs = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `baocao ${props.name} function`,
    });
    logs.grantWrite(role);

    super(scope, id, {
      ...FUNCTION_DEFAULTS,
      description: `baocao ${props.name}: ${props.description}`,
      entry: props.entry ?? handlerEntry(props.name),
      handler: 'handler',
      runtime: NODE_RUNTIME,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      role,
      logGroup: logs,
      memorySize: props.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? FUNCTION_DEFAULTS.timeout,
      ...(props.reservedConcurrentExecutions ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      environment: { ...FUNCTION_ENVIRONMENT, POWERTOOLS_SERVICE_NAME: `baocao-${props.name}` },
      bundling: { ...BUNDLING_DEFAULTS, mainFields: [...BUNDLING_DEFAULTS.mainFields], externalModules: [] },
    });
    this.functionKey = props.name;
    this.logs = logs;
    this.executionRole = role;
    this.alarmSink = props.alarms;
    props.alarms.watchFunction(this, props.name);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (AWS service authorization reference).',
    });
  }

  /** Sets one of the known environment variables; binding the same key to two values is a bug. */
  setEnv(key: EnvKey, value: string): this {
    const previous = this.bound.get(key);
    if (previous !== undefined && previous !== value) {
      throw new Error(`${this.node.path}: ${key} is already bound to another value`);
    }
    this.bound.set(key, value);
    this.addEnvironment(key, value);
    return this;
  }

  /** TABLE_NAME, and item-level actions on the table and its indexes (reads only on indexes). */
  bindTable(table: ITable, access: TableAccess): this {
    const write = [...new Set(access.write ?? [])];
    const read = [...new Set([...(access.read ?? []), ...write])];
    if (read.length === 0) throw new Error(`${this.node.path}: bindTable needs at least one item kind`);
    this.setEnv(ENV.tableName, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...TABLE_READ_ACTIONS],
        resources: [table.tableArn],
        conditions: leadingKeys(read),
      }),
    );
    if (write.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...TABLE_WRITE_ACTIONS],
          resources: [table.tableArn],
          conditions: leadingKeys(write),
        }),
      );
    }
    // GSI1 holds only token items (tokens by unit): only a function owning tokens may query it.
    if (read.includes('token')) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:Query'],
          resources: TABLE_DEFINITION.indexes.map((i) => `${table.tableArn}/index/${i.name}`),
        }),
      );
    }
    if (write.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: [...AUDIT_IMMUTABLE_ACTIONS],
          resources: [table.tableArn],
          conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_PK_PREFIX}*`] } },
        }),
      );
    }
    return this;
  }

  /**
   * BUCKET_NAME, and object actions limited to key prefixes. Listing is allowed only within
   * the readable prefixes, so a missing object reads as 404 rather than 403.
   */
  bindBucket(bucket: IBucket, access: BucketAccess): this {
    const read = access.read ?? [];
    const write = access.write ?? [];
    const tag = access.tag ?? [];
    if (read.length + write.length === 0) throw new Error(`${this.node.path}: bindBucket needs a read or write prefix`);
    for (const prefix of [...read, ...write, ...tag]) {
      if (!/^[a-z0-9-]+\/$/.test(prefix))
        throw new Error(`${this.node.path}: bucket prefix "${prefix}" must be a folder such as incoming/`);
    }
    this.setEnv(ENV.bucketName, bucket.bucketName);
    if (read.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: access.byVersion ? ['s3:GetObject', 's3:GetObjectVersion'] : ['s3:GetObject'],
          resources: read.map((p) => bucket.arnForObjects(`${p}*`)),
        }),
      );
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': read.map((p) => `${p}*`) } },
        }),
      );
    }
    if (write.length > 0) {
      this.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: write.map((p) => bucket.arnForObjects(`${p}*`)) }));
    }
    if (tag.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [access.byVersion ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging'],
          resources: tag.map((p) => bucket.arnForObjects(`${p}*`)),
        }),
      );
    }
    for (const p of new Set([...read, ...write, ...tag])) {
      acknowledgeWildcardResourceLater(
        this.executionRole,
        bucket.arnForObjects(`${p}*`),
        `Object keys under ${p} are generated per period, unit and upload; the grant is limited to that prefix, never the whole bucket.`,
      );
    }
    return this;
  }

  /** BUS_NAME, and PutEvents on that bus only. */
  bindBus(bus: IEventBus): this {
    this.setEnv(ENV.busName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * SENDER_ADDRESS, REPLY_TO_ADDRESS, SES_CONFIGURATION_SET, and sending through that identity
   * and configuration set only, from that address only.
   */
  bindSender(sender: Sender): this {
    this.setEnv(ENV.senderAddress, sender.fromAddress);
    this.setEnv(ENV.replyToAddress, sender.replyTo);
    this.setEnv(ENV.sesConfigurationSet, sender.configurationSet.configurationSetName);
    const stack = Stack.of(this);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          sender.identity.emailIdentityArn,
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: sender.configurationSet.configurationSetName }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': sender.fromAddress } },
      }),
    );
    return this;
  }

  /**
   * Makes the function safe as an asynchronous target: its own retries, then an encrypted
   * on-failure queue (alarmed). Idempotent: every async edge into the function shares it.
   */
  asyncFailures(): IQueue {
    if (this.failureQueue) return this.failureQueue;
    const queue = deadLetterQueue(this, 'OnFailure', `asynchronous invocations of ${this.functionKey}`, this.alarmSink, {
      kind: 'on-failure',
      source: this.functionKey,
    });
    this.configureAsyncInvoke({ onFailure: new SqsDestination(queue), ...ASYNC_INVOKE_RETRY });
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to the on-failure destination queue (EventInvokeConfig), which records the error and request context a DeadLetterConfig would drop.',
    });
    this.failureQueue = queue;
    return queue;
  }

  /** For functions only ever invoked synchronously (API Gateway): the caller gets the error. */
  markSynchronous(caller: string): this {
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `Invoked synchronously by ${caller}: the error returns to the caller, and Lambda sends nothing to a DLQ for synchronous invocations.`,
    });
    return this;
  }
}
