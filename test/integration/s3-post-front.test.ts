import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3PostFront, type S3PostFront } from '../../local/s3-post-front.js';
import type { CreatedObject } from '../../local/s3-versioning.js';
import { presignedPostOptions } from '../../shared/adapters/post-policy.js';

// s3rver ships no types; load it through require with the little surface used here.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;

const REGION = 'ap-southeast-1';
const BUCKET = 'baocao-uploads';
const CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const MAX_BODY = 256 * 1024;
const POLICY_MAX = 64 * 1024;
const ORIGIN = 'http://localhost:5173';

let dir: string;
let s3rver: S3rverInstance;
let s3rverUrl: string;
let front: S3PostFront;
/** Talks to s3rver directly: what is really stored. */
let direct: S3Client;
/** Signs for the front, as the app's public client does. */
let viaFront: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3-post-front-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const addr = await s3rver.run();
  s3rverUrl = `http://127.0.0.1:${addr.port}`;
  front = await startS3PostFront({ target: s3rverUrl, ...CREDS, region: REGION, maxBodyBytes: MAX_BODY });
  direct = new S3Client({ region: REGION, endpoint: s3rverUrl, forcePathStyle: true, credentials: CREDS });
  viaFront = new S3Client({ region: REGION, endpoint: front.url, forcePathStyle: true, credentials: CREDS });
});

afterAll(async () => {
  direct?.destroy();
  viaFront?.destroy();
  await front?.stop();
  await s3rver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function storedKeys(): Promise<string[]> {
  const r = await direct.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (r.Contents ?? []).map((o) => o.Key ?? '');
}

beforeEach(async () => {
  // Each test starts from an empty bucket.
  for (const key of await storedKeys()) {
    await direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  }
});

async function presign(key: string, client: S3Client = viaFront, expiresSeconds = 300) {
  return createPresignedPost(
    client,
    presignedPostOptions({ bucket: BUCKET, key, contentType: 'application/json', minSize: 1, maxSize: POLICY_MAX, expiresSeconds }),
  );
}

/** A browser-like form: the fields in order, then the file last. */
function form(fields: Record<string, string>, file: Uint8Array | string, extra: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...fields, ...extra })) fd.append(k, v);
  fd.append('file', new Blob([typeof file === 'string' ? file : Buffer.from(file)], { type: 'application/json' }), 'report.json');
  return fd;
}

function xmlCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

describe('the S3 POST front in front of s3rver', () => {
  it('stores a genuine presigned POST and relays s3rver’s answer', async () => {
    const key = 'uploads/2026/UNIT-01/a.json';
    const { url, fields } = await presign(key);
    expect(url).toBe(`${front.url}/${BUCKET}`);
    const content = JSON.stringify({ đơnVị: 'Sở Nội vụ', n: 1 });
    const r = await fetch(url, { method: 'POST', body: form(fields, content), headers: { origin: ORIGIN } });
    expect([200, 201, 204]).toContain(r.status);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(r.headers.get('location')).toBe(`${front.url}/${BUCKET}/${key}`);
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const got = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body?.transformToString()).toBe(content);
  });

  it('refuses a body beyond maxBodyBytes with 400 EntityTooLarge and stores nothing', async () => {
    const { url, fields } = await presign('uploads/2026/UNIT-01/huge.json');
    const r = await fetch(url, { method: 'POST', body: form(fields, new Uint8Array(MAX_BODY + 1).fill(65)), headers: { origin: ORIGIN } });
    const body = await r.text();
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/xml');
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(xmlCode(body)).toBe('EntityTooLarge');
    expect(await storedKeys()).toEqual([]);
    // The connection is still usable: the front answers the next request.
    expect((await fetch(`${front.url}/${BUCKET}?list-type=2`)).status).toBe(200);
  });

  it('refuses a chunked body (no Content-Length) once it passes maxBodyBytes, without buffering it all', async () => {
    const { url, fields } = await presign('uploads/2026/UNIT-01/chunked.json');
    const encoded = new Response(form(fields, new Uint8Array(4 * MAX_BODY).fill(66)));
    const contentType = encoded.headers.get('content-type') ?? '';
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 16 * 1024) controller.enqueue(bytes.subarray(at, at + 16 * 1024));
        controller.close();
      },
    });
    const r = await fetch(url, { method: 'POST', body: stream, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit);
    expect(r.status).toBe(400);
    expect(xmlCode(await r.text())).toBe('EntityTooLarge');
    expect(await storedKeys()).toEqual([]);
  });

  it('refuses a file beyond the policy’s content-length-range with 400 EntityTooLarge and stores nothing', async () => {
    const { url, fields } = await presign('uploads/2026/UNIT-01/big.json');
    const r = await fetch(url, { method: 'POST', body: form(fields, new Uint8Array(POLICY_MAX + 1).fill(65)) });
    const body = await r.text();
    expect(r.status).toBe(400);
    expect(xmlCode(body)).toBe('EntityTooLarge');
    expect(body).toContain(`<MaxSizeAllowed>${POLICY_MAX}</MaxSizeAllowed>`);
    expect(await storedKeys()).toEqual([]);
  });

  it('refuses an expired policy with 403 AccessDenied and stores nothing', async () => {
    // Signed two hours ago with a 60 s expiry.
    const past = new S3Client({
      region: REGION,
      endpoint: front.url,
      forcePathStyle: true,
      credentials: CREDS,
      systemClockOffset: -2 * 3600 * 1000,
    });
    const { url, fields } = await presign('uploads/2026/UNIT-01/late.json', past, 60);
    past.destroy();
    const r = await fetch(url, { method: 'POST', body: form(fields, '{"a":1}') });
    const body = await r.text();
    expect(r.status).toBe(403);
    expect(xmlCode(body)).toBe('AccessDenied');
    expect(body).toContain('<Message>Invalid according to Policy: Policy expired.</Message>');
    expect(await storedKeys()).toEqual([]);

    // Control: s3rver alone stores the very same expired form (the reason this front exists).
    const straight = await fetch(url.replace(front.url, s3rverUrl), { method: 'POST', body: form(fields, '{"a":1}') });
    expect(straight.status).toBe(204);
    expect(await storedKeys()).toEqual(['uploads/2026/UNIT-01/late.json']);
  });

  it('refuses a tampered signature, another key and an unlisted field; stores nothing', async () => {
    const key = 'uploads/2026/UNIT-01/b.json';
    const { url, fields } = await presign(key);
    const sig = fields['X-Amz-Signature'] ?? '';
    const cases: Array<[FormData, number, string]> = [
      [form({ ...fields, 'X-Amz-Signature': (sig[0] === '0' ? '1' : '0') + sig.slice(1) }, '{}'), 403, 'SignatureDoesNotMatch'],
      [form({ ...fields, key: 'uploads/2026/UNIT-02/b.json' }, '{}'), 403, 'AccessDenied'],
      [form(fields, '{}', { 'x-amz-meta-evil': '1' }), 403, 'AccessDenied'],
      [form({ ...fields, 'Content-Type': 'text/html' }, '{}'), 403, 'AccessDenied'],
    ];
    for (const [body, status, code] of cases) {
      const r = await fetch(url, { method: 'POST', body });
      expect(r.status).toBe(status);
      expect(xmlCode(await r.text())).toBe(code);
    }
    expect(await storedKeys()).toEqual([]);
  });

  it('refuses a form without a file and a malformed multipart body', async () => {
    const { url, fields } = await presign('uploads/2026/UNIT-01/c.json');
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    const r1 = await fetch(url, { method: 'POST', body: fd });
    expect(r1.status).toBe(400);
    expect(xmlCode(await r1.text())).toBe('IncorrectNumberOfFilesInPostRequest');
    const r2 = await fetch(url, { method: 'POST', body: 'garbage', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } });
    expect(r2.status).toBe(400);
    expect(xmlCode(await r2.text())).toBe('MalformedPOSTRequest');
    expect(await storedKeys()).toEqual([]);
  });

  it('proxies SDK calls and presigned GET URLs unchanged', async () => {
    const key = 'reports/2026/tổng hợp.json';
    await viaFront.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"ok":true}', ContentType: 'application/json' }));
    const got = await viaFront.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body?.transformToString()).toBe('{"ok":true}');
    expect(got.ContentType).toBe('application/json');

    const signed = await getSignedUrl(viaFront, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
    expect(signed.startsWith(front.url)).toBe(true);
    const r = await fetch(signed, { headers: { origin: ORIGIN } });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('{"ok":true}');
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const missing = await fetch(`${front.url}/${BUCKET}/nope.json`);
    expect(missing.status).toBe(404);
    expect(xmlCode(await missing.text())).toBe('NoSuchKey');
  });

  it('answers CORS preflight for a localhost origin, refuses others', async () => {
    const ok = await fetch(`${front.url}/${BUCKET}`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type');

    const evil = await fetch(`${front.url}/${BUCKET}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the S3 front emulates bucket versioning (s3rver has none)', () => {
  let versioned: S3PostFront;
  let client: S3Client;
  const created: CreatedObject[] = [];

  beforeAll(async () => {
    versioned = await startS3PostFront({
      target: s3rverUrl,
      ...CREDS,
      region: REGION,
      maxBodyBytes: MAX_BODY,
      onObjectCreated: (o) => created.push(o),
    });
    client = new S3Client({ region: REGION, endpoint: versioned.url, forcePathStyle: true, credentials: CREDS });
  });
  afterAll(async () => {
    client?.destroy();
    await versioned?.stop();
  });

  it('gives each POST of the same presigned fields its own version, kept and served, tagged and linked by version id', async () => {
    // prepare
    const key = 'incoming/2026/unit-01/twice.json';
    const { url, fields } = await createPresignedPost(
      client,
      presignedPostOptions({ bucket: BUCKET, key, contentType: 'application/json', minSize: 1, maxSize: POLICY_MAX, expiresSeconds: 300 }),
    );
    created.length = 0;

    // act
    const first = await fetch(url, { method: 'POST', body: form(fields, '{"lần":1}') });
    const second = await fetch(url, { method: 'POST', body: form(fields, '{"lần":2,"thêm":true}') });
    const v1 = first.headers.get('x-amz-version-id')!;
    const v2 = second.headers.get('x-amz-version-id')!;
    await client.send(
      new PutObjectTaggingCommand({ Bucket: BUCKET, Key: key, VersionId: v1, Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }),
    );

    // assess
    expect([first.status, second.status]).toEqual([204, 204]);
    expect(v1).toMatch(/^[0-9a-z]{32}$/);
    expect(v2 > v1).toBe(true);
    expect(created.map((c) => [c.bucket, c.key, c.versionId, c.reason, c.size])).toEqual([
      [BUCKET, key, v1, 'PostObject', Buffer.byteLength('{"lần":1}')],
      [BUCKET, key, v2, 'PostObject', Buffer.byteLength('{"lần":2,"thêm":true}')],
    ]);
    expect(created[0]!.etag).toBe(first.headers.get('etag')!.replaceAll('"', ''));
    const body = async (versionId?: string) =>
      (
        await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(versionId ? { VersionId: versionId } : {}) }))
      ).Body!.transformToString();
    expect([await body(v1), await body(v2), await body()]).toEqual(['{"lần":1}', '{"lần":2,"thêm":true}', '{"lần":2,"thêm":true}']);
    expect((await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).VersionId).toBe(v2);
    expect((await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, VersionId: v1 }))).ContentLength).toBe(
      Buffer.byteLength('{"lần":1}'),
    );
    const link = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: v1 }), { expiresIn: 60 });
    expect(await (await fetch(link)).text()).toBe('{"lần":1}');
    const tags = async (versionId: string) =>
      (await client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }))).TagSet;
    expect([await tags(v1), await tags(v2)]).toEqual([[{ Key: 'k', Value: 'v' }], []]);
    // The bucket lists the key once, as S3 lists a versioned bucket.
    expect(await storedKeys()).toEqual([key]);
  });

  it('versions SDK PutObject too, and answers a read of an unknown version with 404', async () => {
    created.length = 0;
    const key = 'summaries/2026/v1/tổng hợp.json';

    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}', ContentType: 'application/json' }));
    const missing = await fetch(`${versioned.url}/${BUCKET}/${encodeURIComponent('summaries')}/2026/v1/x.json?versionId=nope`);

    expect(put.VersionId).toMatch(/^[0-9a-z]{32}$/);
    expect(created.map((c) => [c.key, c.versionId, c.reason])).toEqual([[key, put.VersionId, 'PutObject']]);
    expect(missing.status).toBe(404);
  });
});
