import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { bucketConfig, EndpointsConfig } from '../config/config.js';
import { ENV } from '../definitions/env-keys.js';
import type * as z from '../zod-mini.js';
import { s3Clients } from './clients/s3.js';
import { ObjectTooLargeError, type ListedObject, type ObjectLister, type ObjectStore, type StoredObject } from '../ports.js';

/** S3 object store: what functions read and write themselves (signing for browsers: s3-signers.ts). */
export class S3ObjectStore implements ObjectStore, ObjectLister {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async head(key: string, versionId?: string): Promise<StoredObject | null> {
    try {
      const r = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
      );
      return {
        key,
        size: r.ContentLength ?? 0,
        etag: (r.ETag ?? '').replaceAll('"', ''),
        ...(r.ContentType ? { contentType: r.ContentType } : {}),
        ...(r.VersionId ? { versionId: r.VersionId } : {}),
      };
    } catch (e) {
      if (e instanceof NotFound || (e as { name?: string }).name === 'NotFound') return null;
      throw e;
    }
  }

  async read(key: string, maxBytes: number, versionId?: string): Promise<Uint8Array> {
    const r = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    );
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

  async readPrefix(key: string, bytes: number, versionId?: string): Promise<Uint8Array> {
    const r = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: `bytes=0-${bytes - 1}`,
        ...(versionId ? { VersionId: versionId } : {}),
      }),
    );
    return (await r.Body!.transformToByteArray()).slice(0, bytes);
  }

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const o of r.Contents ?? []) {
        if (!o.Key) continue;
        out.push({
          key: o.Key,
          size: o.Size ?? 0,
          etag: (o.ETag ?? '').replaceAll('"', ''),
          lastModified: (o.LastModified ?? new Date(0)).toISOString(),
        });
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async tag(key: string, tags: Record<string, string>, versionId?: string): Promise<void> {
    await this.client.send(
      new PutObjectTaggingCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      }),
    );
  }
}

/** The object store of a function bound to the bucket (composition roots). */
export function objectStoreFrom(cfg: EndpointsConfig & z.infer<typeof bucketConfig>): S3ObjectStore {
  return new S3ObjectStore(s3Clients(cfg).s3, cfg[ENV.bucketName]);
}
