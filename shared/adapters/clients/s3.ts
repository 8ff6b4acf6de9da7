import { S3Client } from '@aws-sdk/client-s3';
import type { EndpointsConfig } from '../../config/config.js';
import { ENV } from '../../definitions/env-keys.js';
import { at, regionOf } from './endpoint.js';

/** One client per (region, endpoint) for the life of the process: a function with several S3 adapters shares it. */
const clients = new Map<string, S3Client>();
function s3Client(region: string, endpoint: string | undefined): S3Client {
  const key = `${region} ${endpoint ?? ''}`;
  let client = clients.get(key);
  if (!client) clients.set(key, (client = new S3Client({ region, forcePathStyle: Boolean(endpoint), ...at(endpoint) })));
  return client;
}

/** `s3Public` signs what a browser uses; locally the policy-checking front of s3rver. On AWS both are one client. */
export function s3Clients(cfg: EndpointsConfig): { s3: S3Client; s3Public: S3Client } {
  const region = regionOf(cfg);
  const local = cfg[ENV.s3Endpoint];
  return { s3: s3Client(region, local), s3Public: s3Client(region, cfg[ENV.s3PublicEndpoint] ?? local) };
}
