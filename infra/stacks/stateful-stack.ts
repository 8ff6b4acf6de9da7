import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type Archive } from 'aws-cdk-lib/aws-events';
import { Bucket, type CfnBucket, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ConfigurationSet, ConfigurationSetTlsPolicy, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { BUS_NAME, EVENT_SOURCE } from '../../shared/definitions/events.js';
import { STATEFUL_OUTPUTS } from '../../shared/definitions/stack-outputs.js';
import { objectKeys, TABLE_DEFINITION } from '../../shared/definitions/table.js';
import type { BaocaoConfig } from '../config.js';
import type { Sender } from '../constructs/baocao-function.js';
import { RegimeSeed } from '../constructs/regime-seed.js';
import { StaffIdentity } from '../constructs/staff-identity.js';
import { BUCKET_DEFAULTS, KEY_ATTRIBUTE_TYPE, QUARANTINE_TAG, TABLE_DEFAULTS } from '../defaults.js';

export interface StatefulStackProps extends StackProps {
  readonly config: BaocaoConfig;
}

/** What the compute stack receives: every stateful resource it may bind to. */
export interface StatefulResources {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly cdnLogs: Bucket;
  readonly table: Table;
  readonly bus: EventBus;
  readonly sender: Sender;
  readonly staffIdentity: StaffIdentity;
}

/**
 * Everything that holds data or reputation: the upload bucket (and the access-log buckets), the
 * single table, the `baocao` event bus with its archive, and the SES identity. Kept apart from
 * compute so functions, rules and the API can be replaced without risking data; every data
 * resource is RETAINed and the stack has termination protection.
 */
export class StatefulStack extends Stack implements StatefulResources {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly cdnLogs: Bucket;
  readonly table: Table;
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly sender: Sender;
  readonly regimeSeed: RegimeSeed;
  readonly staffIdentity: StaffIdentity;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const { config } = props;

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...BUCKET_DEFAULTS,
      lifecycleRules: [
        { id: 'ExpireAccessLogs', expiration: Duration.days(config.accessLogRetentionDays), noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server-access-log destination of the uploads bucket; logging it into itself would loop.',
    });

    // CloudFront standard logs are written with ACLs: a bucket of their own that allows them.
    this.cdnLogs = new Bucket(this, 'CdnLogs', {
      ...BUCKET_DEFAULTS,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [
        { id: 'ExpireCdnLogs', expiration: Duration.days(config.accessLogRetentionDays), noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
    Validations.of(this.cdnLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the CloudFront log destination; its own access would be logged into another log bucket for no reader.',
    });

    // The pages are on the CloudFront domain (or the custom origin): browsers POST from there.
    const corsOrigin = config.appOrigin ?? 'https://*.cloudfront.net';
    this.bucket = new Bucket(this, 'Uploads', {
      ...BUCKET_DEFAULTS,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      // Browsers POST reports straight to S3 with a presigned policy from the form's origin.
      cors: [
        {
          allowedMethods: [HttpMethods.POST],
          allowedOrigins: [corsOrigin],
          allowedHeaders: ['content-type'],
          exposedHeaders: ['ETag', 'Location'],
          maxAge: 3600,
        },
      ],
      // A presigned POST can be used twice while valid: the accepted upload then becomes a
      // noncurrent version of its key and must still be kept (the record and the board link it by
      // version id). So noncurrent versions expire only where nothing accepted lives: quarantined
      // (tagged) uploads and superseded summary files. Lifecycle filters cannot say "untagged".
      lifecycleRules: [
        {
          id: 'CleanUpIncompleteUploadsAndDeleteMarkers',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
        {
          id: 'ExpireQuarantinedUploads',
          prefix: objectKeys.incomingPrefix,
          tagFilters: { [QUARANTINE_TAG.key]: QUARANTINE_TAG.value },
          expiration: Duration.days(config.quarantineRetentionDays),
          noncurrentVersionExpiration: Duration.days(config.supersededRetentionDays),
        },
        {
          id: 'ExpireSupersededSummaries',
          prefix: objectKeys.summaries('2000', 1).split('/')[0] + '/',
          noncurrentVersionExpiration: Duration.days(config.supersededRetentionDays),
        },
      ],
    });
    // "Object Created" to the default bus, set natively on the bucket. The L2 `eventBridgeEnabled`
    // would add a notifications custom resource (a second Lambda, with wildcard IAM) for the same
    // property CloudFormation supports directly.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    const { partitionKey, sortKey, indexes, ttlAttribute } = TABLE_DEFINITION;
    this.table = new Table(this, 'Table', {
      ...TABLE_DEFAULTS,
      partitionKey: { name: partitionKey, type: KEY_ATTRIBUTE_TYPE },
      sortKey: { name: sortKey, type: KEY_ATTRIBUTE_TYPE },
      timeToLiveAttribute: ttlAttribute,
    });
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: KEY_ATTRIBUTE_TYPE },
        sortKey: { name: index.sortKey, type: KEY_ATTRIBUTE_TYPE },
      });
    }

    this.regimeSeed = new RegimeSeed(this, 'Regime', {
      table: this.table,
      regime: config.regime,
      others: config.regimes.all.slice(1),
      logRetention: config.logRetentionDays,
    });

    this.bus = new EventBus(this, 'Bus', { eventBusName: BUS_NAME, description: 'baocao domain events' });
    this.archive = this.bus.archive('Archive', {
      description: 'Every baocao domain event, for replay after a fix',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(config.archiveRetentionDays),
    });

    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      sendingEnabled: true,
    });
    const identity = new EmailIdentity(this, 'MailIdentity', {
      identity: config.senderDomain ? Identity.domain(config.senderDomain) : Identity.email(config.senderAddress),
      configurationSet,
    });
    this.sender = { identity, configurationSet, fromAddress: config.senderAddress, replyTo: config.replyTo };

    this.staffIdentity = new StaffIdentity(this, 'Staff', {
      ...(config.staffDomainPrefix ? { domainPrefix: config.staffDomainPrefix } : {}),
    });
    // What the operator's CLI needs to work on this deployment (`baocao … --outputs FILE`).
    const outputs: Record<keyof typeof STATEFUL_OUTPUTS, string> = {
      region: this.region,
      tableName: this.table.tableName,
      bucketName: this.bucket.bucketName,
      busName: this.bus.eventBusName,
      senderAddress: this.sender.fromAddress,
      replyToAddress: this.sender.replyTo,
      sesConfigurationSet: configurationSet.configurationSetName,
    };
    for (const [key, value] of Object.entries(outputs))
      new CfnOutput(this, STATEFUL_OUTPUTS[key as keyof typeof STATEFUL_OUTPUTS], { value });
  }
}
