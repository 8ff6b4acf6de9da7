import { createHash } from 'node:crypto';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, Logging, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { keys } from '../../shared/definitions/table.js';
import { leadingKeys } from './baocao-function.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';

/** DynamoDB's JSON for a plain value (the SDK call takes the low-level PutItem shape). */
type AttributeValue =
  { S: string } | { N: string } | { BOOL: boolean } | { NULL: true } | { L: AttributeValue[] } | { M: Record<string, AttributeValue> };
export function toAttributeValue(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  if (typeof value === 'object') {
    const m: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) m[k] = toAttributeValue(v);
    return { M: m };
  }
  throw new Error(`cannot store ${typeof value} in DynamoDB`);
}

export interface RegimeSeedProps {
  readonly table: ITable;
  /** The regime synth validated (the built-in one, or the deployer's regimeFile). */
  readonly regime: Regime;
  /** The regimes run beside it (regimeFiles), validated together with it by regimeSet. */
  readonly others?: readonly Regime[];
  readonly logRetention: RetentionDays;
}

/**
 * Writes the regimes into the table on deploy, in the shape the regime store reads, so the
 * functions run the regimes the schedules were built from:
 * - the main regime at REGIME/CURRENT, written again only when it changes (the physical id is its
 *   hash); left in place on stack deletion;
 * - each other regime at REGIME/R#{id}, one custom resource per regime id (construct id R-{id}):
 *   written on create and whenever the regime changes (its properties change; the physical id stays,
 *   so CloudFormation never deletes the old one after an update), and its item deleted when the
 *   regime leaves regimeFiles (the resource leaves the template, CloudFormation deletes it). Only that item is deleted: the
 *   regime's periods, reports and summaries stay in the table and the bucket.
 */
export class RegimeSeed extends Construct {
  readonly resource: AwsCustomResource;
  /** The seed resource of each other regime, by regime id. */
  readonly others = new Map<string, AwsCustomResource>();

  constructor(scope: Construct, id: string, props: RegimeSeedProps) {
    super(scope, id);
    // The functions trust the stored item (storedRegime checks its shape only): it is written only
    // once the full schema passed, the overrides (leadership, unit contacts) included.
    parseRegime(props.regime);
    const item = { ...keys.regime(), type: 'regime', regime: props.regime };
    const digest = createHash('sha256').update(JSON.stringify(props.regime)).digest('hex').slice(0, 16);
    const put = {
      service: 'DynamoDB',
      action: 'PutItem',
      parameters: { TableName: props.table.tableName, Item: (toAttributeValue(item) as { M: Record<string, AttributeValue> }).M },
      physicalResourceId: PhysicalResourceId.of(`regime-${props.regime.id}-${digest}`),
      // The regime lists unit contact addresses: keep the request out of the provider's logs.
      logging: Logging.withDataHidden(),
    };

    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'baocao regime seed' });
    logGroup.grantWrite(role);

    this.resource = new AwsCustomResource(this, 'Put', {
      onCreate: put,
      onUpdate: put,
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.table.tableArn] }),
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
      memorySize: 256,
    });

    for (const other of props.others ?? []) {
      // Not stored: `scoped` is set by regimeSet when the store lists the regimes.
      const { scoped: _, ...regime } = other;
      parseRegime(regime);
      const key = keys.regime(regime.id);
      const write = {
        service: 'DynamoDB',
        action: 'PutItem',
        parameters: {
          TableName: props.table.tableName,
          Item: (toAttributeValue({ ...key, type: 'regime', regime }) as { M: Record<string, AttributeValue> }).M,
        },
        physicalResourceId: PhysicalResourceId.of(`regime-${key.SK}`),
        logging: Logging.withDataHidden(),
      };
      const remove = {
        service: 'DynamoDB',
        action: 'DeleteItem',
        parameters: { TableName: props.table.tableName, Key: (toAttributeValue(key) as { M: Record<string, AttributeValue> }).M },
        physicalResourceId: PhysicalResourceId.of(`regime-${key.SK}`),
      };
      this.others.set(
        regime.id,
        new AwsCustomResource(this, `R-${regime.id}`, {
          onCreate: write,
          onUpdate: write,
          onDelete: remove,
          // Only items of the REGIME partition: removing a regime can never reach its periods or reports.
          policy: AwsCustomResourcePolicy.fromStatements([
            new PolicyStatement({
              actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
              resources: [props.table.tableArn],
              conditions: leadingKeys(['regime']),
            }),
          ]),
          role,
          logGroup,
          installLatestAwsSdk: false,
          timeout: Duration.minutes(2),
          memorySize: 256,
        }),
      );
    }

    // The provider function is a CDK-managed singleton at the stack root, invoked synchronously by CloudFormation.
    const provider = Stack.of(this).node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!provider) throw new Error('RegimeSeed: the AwsCustomResource provider function was not found (CDK changed its id?)');
    {
      Validations.of(provider).acknowledge(
        {
          id: 'Serverless-LambdaDLQ',
          reason: 'CDK custom-resource provider, invoked synchronously by CloudFormation, which reports a failure in the stack events.',
        },
        {
          id: 'Serverless-LambdaTracing',
          reason:
            'CDK custom-resource provider runs once per regime change at deploy time; its outcome is in the CloudFormation events, a trace adds nothing.',
        },
      );
    }
  }
}
