import { S3Client } from '@aws-sdk/client-s3';
import type { EndpointsConfig } from '../../config/config.js';
import { ENV } from '../../definitions/env-keys.js';
import { at, regionOf } from './endpoint.js';

/** `s3Public` signs what a browser uses; locally the policy-checking front of s3rver. */
export function s3Clients(cfg: EndpointsConfig): { s3: S3Client; s3Public: S3Client } {
  const region = regionOf(cfg);
  const local = cfg[ENV.s3Endpoint];
  const pub = cfg[ENV.s3PublicEndpoint] ?? local;
  return {
    s3: new S3Client({ region, forcePathStyle: Boolean(local), ...at(local) }),
    s3Public: new S3Client({ region, forcePathStyle: Boolean(pub), ...at(pub) }),
  };
}
