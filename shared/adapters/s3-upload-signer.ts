import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { bucketConfig, EndpointsConfig } from '../config/config.js';
import { ENV } from '../definitions/env-keys.js';
import type * as z from '../zod-mini.js';
import type { PresignedPost, UploadSigner } from '../ports.js';
import { s3Clients } from './clients/s3.js';
import { presignedPostOptions } from './post-policy.js';

/**
 * The presigned POST a browser sends its report with, straight to the bucket. Signed with the
 * public client — locally the policy-checking front of s3rver, on AWS S3 itself.
 */
export class S3UploadSigner implements UploadSigner {
  constructor(
    private readonly publicClient: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPost(input: {
    key: string;
    contentType: string;
    minSize: number;
    maxSize: number;
    expiresSeconds: number;
  }): Promise<PresignedPost> {
    // Every form field the client sends has a condition, as real S3 requires (see post-policy.ts).
    const { url, fields } = await createPresignedPost(this.publicClient, presignedPostOptions({ bucket: this.bucket, ...input }));
    return { url, fields };
  }
}

export function uploadSignerFrom(cfg: EndpointsConfig & z.infer<typeof bucketConfig>): S3UploadSigner {
  return new S3UploadSigner(s3Clients(cfg).s3Public, cfg[ENV.bucketName]);
}
