import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../definitions/env-keys.js';
import type { EndpointsConfig } from '../config/config.js';

/**
 * The one place AWS clients are built, once per cold start. The only difference between AWS
 * and the local stack is the endpoint in configuration — never a code branch.
 */
export function makeClients(cfg: EndpointsConfig) {
  const region = cfg[ENV.region];
  const at = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
  const ddb = new DynamoDBClient({ region, ...at(cfg[ENV.dynamodbEndpoint]) });
  return {
    doc: DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client({ region, forcePathStyle: Boolean(cfg[ENV.s3Endpoint]), ...at(cfg[ENV.s3Endpoint]) }),
    /** Signs URLs a browser uses; locally the policy-checking front of s3rver. */
    s3Public: new S3Client({
      region,
      forcePathStyle: Boolean(cfg[ENV.s3PublicEndpoint] ?? cfg[ENV.s3Endpoint]),
      ...at(cfg[ENV.s3PublicEndpoint] ?? cfg[ENV.s3Endpoint]),
    }),
    ses: new SESv2Client({ region, ...at(cfg[ENV.sesEndpoint]) }),
    events: new EventBridgeClient({ region, ...at(cfg[ENV.eventsEndpoint]) }),
  };
}

export type Clients = ReturnType<typeof makeClients>;
