import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { bucketConfig, EndpointsConfig } from '../config/config.js';
import { ENV } from '../definitions/env-keys.js';
import type * as z from '../zod-mini.js';
import type { DownloadSigner } from '../ports.js';
import { s3Clients } from './clients/s3.js';

/**
 * Time-limited download links (admin: a unit's report versions). Signed with the public client —
 * locally the policy-checking front of s3rver, on AWS S3 itself. The upload signer is in
 * s3-upload-signer.ts: each function bundles only the presigner it uses.
 */
export class S3DownloadSigner implements DownloadSigner {
  constructor(
    private readonly publicClient: S3Client,
    private readonly bucket: string,
  ) {}

  async presignGet(key: string, expiresSeconds: number, downloadName?: string, versionId?: string): Promise<string> {
    return getSignedUrl(
      this.publicClient,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        ...(downloadName ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}` } : {}),
      }),
      { expiresIn: expiresSeconds },
    );
  }
}

export function downloadSignerFrom(cfg: EndpointsConfig & z.infer<typeof bucketConfig>): S3DownloadSigner {
  return new S3DownloadSigner(s3Clients(cfg).s3Public, cfg[ENV.bucketName]);
}
