import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { bucketConfig, EndpointsConfig } from '../config/config.js';
import { ENV } from '../definitions/env-keys.js';
import type * as z from 'zod';
import { s3Clients } from './clients/s3.js';
import { presignedPostOptions } from './post-policy.js';
import { ObjectTooLargeError, type ObjectStore, type PresignedPost, type StoredObject } from '../ports.js';

/**
 * S3 object store. `publicClient` signs what a browser uses (presigned POST/GET); locally it
 * points at the policy-checking front of s3rver, on AWS it is the same client as `client`.
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly publicClient: S3Client = client,
  ) {}

  async head(key: string): Promise<StoredObject | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: r.ContentLength ?? 0, etag: (r.ETag ?? '').replaceAll('"', ''), ...(r.ContentType ? { contentType: r.ContentType } : {}) };
    } catch (e) {
      if (e instanceof NotFound || (e as { name?: string }).name === 'NotFound') return null;
      throw e;
    }
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if ((r.ContentLength ?? 0) > maxBytes) {
      await r.Body?.transformToWebStream().cancel();
      throw new ObjectTooLargeError(key, maxBytes);
    }
    // Bounded read even if the length header lies.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of r.Body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async readPrefix(key: string, bytes: number): Promise<Uint8Array> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
    return (await r.Body!.transformToByteArray()).slice(0, bytes);
  }

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async tag(key: string, tags: Record<string, string>): Promise<void> {
    await this.client.send(
      new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } }),
    );
  }

  async presignPost(input: { key: string; contentType: string; minSize: number; maxSize: number; expiresSeconds: number }): Promise<PresignedPost> {
    // Every form field the client sends has a condition, as real S3 requires (see post-policy.ts).
    const { url, fields } = await createPresignedPost(this.publicClient, presignedPostOptions({ bucket: this.bucket, ...input }));
    return { url, fields };
  }

  async presignGet(key: string, expiresSeconds: number, downloadName?: string): Promise<string> {
    return getSignedUrl(
      this.publicClient,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(downloadName ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}` } : {}),
      }),
      { expiresIn: expiresSeconds },
    );
  }
}

/** The object store of a function bound to the bucket (composition roots). */
export function objectStoreFrom(cfg: EndpointsConfig & z.infer<typeof bucketConfig>): S3ObjectStore {
  const { s3, s3Public } = s3Clients(cfg);
  return new S3ObjectStore(s3, cfg[ENV.bucketName], s3Public);
}
