import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EndpointsConfig } from '../../config/config.js';
import { ENV } from '../../definitions/env-keys.js';
import { at, regionOf } from './endpoint.js';

export function dynamoDocClient(cfg: EndpointsConfig): DynamoDBDocumentClient {
  const ddb = new DynamoDBClient({ region: regionOf(cfg), ...at(cfg[ENV.dynamodbEndpoint]) });
  return DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
}
