import { randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

/**
 * S3 versioning for the local stack, which s3rver 3.7.1 lacks (NOTES.md). The uploads bucket is
 * versioned on AWS and ingest reads, tags and links the version an "Object Created" event names,
 * so the local S3 must hand out version ids and keep every version's bytes.
 *
 * The simplest faithful design found: s3rver keeps storing the current object under its key (so
 * plain GET/HEAD/PUT/List behave as before), and every write through the front (PutObject,
 * PostObject, CopyObject, CompleteMultipartUpload) is followed, under a per-key lock, by a
 * server-side copy into a companion bucket `<bucket>-versions` at `<key>/<versionId>`. The front
 * then answers with `x-amz-version-id` and emits the "Object Created" event with that version id
 * — after the copy exists, so a handler reading by version never races it. Any request with
 * `?versionId=` (GetObject, HeadObject, Get/PutObjectTagging, presigned GET) is rewritten to the
 * copy; GET/HEAD of the current object carry its version id (the newest copy: ids sort by time).
 * A companion bucket rather than hidden keys keeps listings of the real bucket exactly as on S3,
 * and s3rver's own data directory keeps the versions across restarts.
 * Not emulated (nothing here uses them): delete markers (a DELETE removes the current object,
 * the versions stay), ListObjectVersions, copying from a version.
 */
export const versionsBucketOf = (bucket: string) => `${bucket}-versions`;
export const versionKeyOf = (key: string, versionId: string) => `${key}/${versionId}`;

let lastMs = 0;
let seq = 0;
/** 32 URL-safe characters like S3's; they sort by creation (ms, then a counter), then random. */
export function newVersionId(nowMs: number = Date.now()): string {
  if (nowMs === lastMs) seq++;
  else {
    lastMs = nowMs;
    seq = 0;
  }
  return nowMs.toString(36).padStart(9, '0') + seq.toString(36).padStart(4, '0') + randomBytes(10).toString('hex').slice(0, 19);
}

/** One object version stored through the front: what S3 reports in the "Object Created" event. */
export interface CreatedObject {
  bucket: string;
  key: string;
  versionId: string;
  size: number;
  etag: string;
  reason: 'PutObject' | 'PostObject' | 'CopyObject' | 'CompleteMultipartUpload';
  requestId: string;
  sourceIp: string;
  sequencer: string;
}

/** The version store behind the front: the copies in the companion bucket, on s3rver itself. */
export class VersionStore {
  private readonly client: S3Client;
  private readonly buckets = new Map<string, Promise<void>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private sequence = 0n;

  constructor(opts: { target: string; region: string; accessKeyId: string; secretAccessKey: string }) {
    this.client = new S3Client({
      endpoint: opts.target,
      region: opts.region,
      forcePathStyle: true,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    });
  }

  /** Runs writes to one key one at a time, so the copy taken after a write is that write's object. */
  serialize<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
    const k = `${bucket}/${key}`;
    const before = this.locks.get(k) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.locks.set(k, settled);
    void settled.then(() => {
      if (this.locks.get(k) === settled) this.locks.delete(k);
    });
    return run;
  }

  /** Copies the object just written under `key` into a new version; returns its id, size and ETag. */
  async snapshot(bucket: string, key: string): Promise<{ versionId: string; size: number; etag: string; sequencer: string }> {
    const versions = versionsBucketOf(bucket);
    await this.ensureBucket(versions);
    const versionId = newVersionId();
    const versionKey = versionKeyOf(key, versionId);
    await this.client.send(new CopyObjectCommand({ Bucket: versions, Key: versionKey, CopySource: `${bucket}/${encodeKey(key)}` }));
    const head = await this.client.send(new HeadObjectCommand({ Bucket: versions, Key: versionKey }));
    this.sequence += 1n;
    return {
      versionId,
      size: head.ContentLength ?? 0,
      etag: (head.ETag ?? '').replaceAll('"', ''),
      sequencer: this.sequence.toString(16).toUpperCase().padStart(16, '0'),
    };
  }

  /** The current version's id: the newest copy (ids sort by creation). */
  async current(bucket: string, key: string): Promise<string | undefined> {
    const prefix = `${key}/`;
    let newest: string | undefined;
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectsV2Command({
            Bucket: versionsBucketOf(bucket),
            Prefix: prefix,
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const o of r.Contents ?? []) {
          const id = (o.Key ?? '').slice(prefix.length);
          if (!newest || id > newest) newest = id;
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchBucket') return undefined;
      throw e;
    }
    return newest;
  }

  /** The path of a version's copy on s3rver (path style, key encoded per segment). */
  pathOf(bucket: string, key: string, versionId: string): string {
    return `/${encodeURIComponent(versionsBucketOf(bucket))}/${encodeKey(versionKeyOf(key, versionId))}`;
  }

  destroy(): void {
    this.client.destroy();
  }

  private ensureBucket(name: string): Promise<void> {
    let ready = this.buckets.get(name);
    if (!ready) {
      ready = this.client.send(new HeadBucketCommand({ Bucket: name })).then(
        () => {},
        async (err: { $metadata?: { httpStatusCode?: number } }) => {
          if (err.$metadata?.httpStatusCode !== 404) throw err;
          await this.client.send(new CreateBucketCommand({ Bucket: name })).catch((e: { name?: string }) => {
            if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
          });
        },
      );
      ready.catch(() => this.buckets.delete(name));
      this.buckets.set(name, ready);
    }
    return ready;
  }
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
