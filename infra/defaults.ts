import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, LoggingFormat, ApplicationLogLevel, SystemLogLevel, Tracing, type FunctionOptions } from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BlockPublicAccess, BucketEncryption, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';
import { QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';

/**
 * Secure defaults as data (after aws-solutions-constructs' `*-defaults.ts`): every construct
 * spreads these first, so a posture change happens here once and the tests read it from here.
 */

/** Data buckets: private, encrypted, TLS only, versioned, kept when the stack goes. */
export const BUCKET_DEFAULTS = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  // SSE-S3: presigned POSTs from browsers and S3 server access logging both work without KMS grants.
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
  autoDeleteObjects: false,
} as const satisfies BucketProps;

/** Single table: on-demand, point-in-time recovery, deletion protection, kept when the stack goes. */
export const TABLE_DEFAULTS = {
  billingMode: BillingMode.PAY_PER_REQUEST,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  deletionProtection: true,
  encryption: TableEncryption.AWS_MANAGED,
  removalPolicy: RemovalPolicy.RETAIN,
} as const satisfies Partial<TableProps>;

export const KEY_ATTRIBUTE_TYPE = AttributeType.STRING;

/** Dead-letter and failure queues: encrypted, TLS only, the longest retention SQS allows. */
export const QUEUE_DEFAULTS = {
  encryption: QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  retentionPeriod: Duration.days(14),
} as const satisfies QueueProps;

/** Every function: latest Node the CDK knows is set in the construct; these are the rest. */
export const FUNCTION_DEFAULTS = {
  architecture: Architecture.ARM_64,
  memorySize: 512,
  timeout: Duration.seconds(15),
  tracing: Tracing.ACTIVE,
  loggingFormat: LoggingFormat.JSON,
  applicationLogLevelV2: ApplicationLogLevel.INFO,
  systemLogLevelV2: SystemLogLevel.WARN,
} as const satisfies FunctionOptions;

/**
 * ESM, SDK bundled (63 ms vs 210 ms module load, NOTES.md), minified, external source maps.
 * The banner gives CommonJS dependencies (the AWS SDK's few, Powertools') a `require` inside the ESM bundle.
 */
export const BUNDLING_DEFAULTS = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
  externalModules: [],
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  charset: Charset.UTF8,
  logLevel: LogLevel.ERROR,
  banner: "import { createRequire as __baocaoCreateRequire } from 'node:module'; const require = __baocaoCreateRequire(import.meta.url);",
} as const satisfies BundlingOptions;

/**
 * Extra environment every function gets: stack traces through the source maps, and the
 * Powertools metrics namespace (metrics go out as EMF log lines, no extra permission).
 * POWERTOOLS_SERVICE_NAME is set per function (`baocao-<name>`).
 */
export const FUNCTION_ENVIRONMENT = { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_METRICS_NAMESPACE: 'baocao' } as const;

/**
 * Every asynchronous edge retries, then parks the event in a DLQ (never silently dropped).
 * EventBridge → Lambda: EventBridge retries with backoff up to maxEventAge.
 * Lambda async invoke: the function's own retries, then the on-failure destination.
 */
export const EVENT_TARGET_RETRY = { retryAttempts: 8, maxEventAge: Duration.hours(6) } as const;
export const ASYNC_INVOKE_RETRY = { retryAttempts: 2, maxEventAge: Duration.hours(6) } as const;
export const SCHEDULE_TARGET_RETRY = { retryAttempts: 8, maxEventAge: Duration.hours(6) } as const;

/** HTTP API stage throttling: ~31 units and a few Sở Nội vụ staff; enough headroom for a deadline rush. */
export const API_THROTTLE = { rateLimit: 25, burstLimit: 50 } as const;

/** Alarms: any message in a DLQ, any function error or throttle in a 5-minute window. */
export const ALARM_PERIOD = Duration.minutes(5);

/** Defined with the object keys, since ingest sets it; the lifecycle rule filters on it. */
export { QUARANTINE_TAG } from '../shared/definitions/table.js';
