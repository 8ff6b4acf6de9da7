import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { beforeAll, describe, expect, it } from 'vitest';
import { presignedPostOptions, uploadConditions, type DecodedPostPolicy } from '../../shared/adapters/post-policy.js';
import {
  decodePolicy,
  InvalidPolicyDocumentError,
  signPostPolicy,
  verifyPostPolicy,
  type VerifyPostPolicyInput,
} from '../../local/post-policy-verifier.js';

const REGION = 'ap-southeast-1';
const ACCESS_KEY = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BUCKET = 'baocao-uploads';
const KEY = 'uploads/2026/UNIT-07/01JABCDEF.json';
const CONTENT_TYPE = 'application/json';
const MIN = 1;
const MAX = 512 * 1024;
const EXPIRES = 300;

// A fake endpoint: presigning is pure computation, nothing is sent.
const client = new S3Client({
  region: REGION,
  endpoint: 'http://127.0.0.1:9',
  forcePathStyle: true,
  credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
});

let fields: Record<string, string>;
let url: string;
let policy: DecodedPostPolicy;
let signedAt: number;

beforeAll(async () => {
  signedAt = Date.now();
  ({ url, fields } = await createPresignedPost(client, {
    Bucket: BUCKET,
    Key: KEY,
    Conditions: uploadConditions({ bucket: BUCKET, key: KEY, contentType: CONTENT_TYPE, minSize: MIN, maxSize: MAX }),
    Fields: { 'Content-Type': CONTENT_TYPE },
    Expires: EXPIRES,
  }));
  policy = decodePolicy(fields.Policy ?? '');
});

/** Genuine fields in form order (the SDK's order), the file excluded. */
const base = (over: Partial<VerifyPostPolicyInput> = {}): VerifyPostPolicyInput => ({
  fields,
  fileSize: 1000,
  bucket: BUCKET,
  secretAccessKey: SECRET,
  accessKeyId: ACCESS_KEY,
  region: REGION,
  now: new Date(signedAt + 1000),
  ...over,
});

describe('uploadConditions', () => {
  it('pins the bucket, the exact key, the size range and the content type', () => {
    expect(uploadConditions({ bucket: BUCKET, key: KEY, contentType: CONTENT_TYPE, minSize: MIN, maxSize: MAX })).toEqual([
      { bucket: BUCKET },
      { key: KEY },
      ['content-length-range', MIN, MAX],
      { 'Content-Type': CONTENT_TYPE },
    ]);
  });

  it('refuses a key that is not exact and an invalid range', () => {
    expect(() =>
      uploadConditions({ bucket: BUCKET, key: 'uploads/${filename}', contentType: CONTENT_TYPE, minSize: 1, maxSize: 2 }),
    ).toThrow(RangeError);
    expect(() => uploadConditions({ bucket: BUCKET, key: KEY, contentType: CONTENT_TYPE, minSize: 5, maxSize: 2 })).toThrow(RangeError);
    expect(() => uploadConditions({ bucket: BUCKET, key: KEY, contentType: CONTENT_TYPE, minSize: -1, maxSize: 2 })).toThrow(RangeError);
    expect(() => uploadConditions({ bucket: BUCKET, key: '', contentType: CONTENT_TYPE, minSize: 1, maxSize: 2 })).toThrow(RangeError);
  });

  it('presignedPostOptions is the whole createPresignedPost input', () => {
    const o = presignedPostOptions({
      bucket: BUCKET,
      key: KEY,
      contentType: CONTENT_TYPE,
      minSize: MIN,
      maxSize: MAX,
      expiresSeconds: EXPIRES,
    });
    expect(o).toEqual({
      Bucket: BUCKET,
      Key: KEY,
      Conditions: uploadConditions({ bucket: BUCKET, key: KEY, contentType: CONTENT_TYPE, minSize: MIN, maxSize: MAX }),
      Fields: { 'Content-Type': CONTENT_TYPE },
      Expires: EXPIRES,
    });
  });
});

describe('the presigned POST createPresignedPost builds from uploadConditions', () => {
  it('posts to the bucket, path style', () => {
    expect(url).toBe(`http://127.0.0.1:9/${BUCKET}`);
  });

  it('has exactly the expected form fields', () => {
    const shortDate = fields['X-Amz-Date']?.slice(0, 8);
    expect(Object.keys(fields).sort()).toEqual(
      ['Content-Type', 'Policy', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature', 'bucket', 'key'].sort(),
    );
    expect(fields.key).toBe(KEY);
    expect(fields.bucket).toBe(BUCKET);
    expect(fields['Content-Type']).toBe(CONTENT_TYPE);
    expect(fields['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256');
    expect(fields['X-Amz-Credential']).toBe(`${ACCESS_KEY}/${shortDate}/${REGION}/s3/aws4_request`);
    expect(fields['X-Amz-Date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(fields['X-Amz-Signature']).toBe(signPostPolicy(fields.Policy ?? '', SECRET, shortDate ?? '', REGION));
  });

  it('the decoded policy has every condition, and nothing else', () => {
    const shortDate = fields['X-Amz-Date']?.slice(0, 8);
    expect(policy.conditions).toHaveLength(7);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: BUCKET },
        { key: KEY },
        ['content-length-range', MIN, MAX],
        { 'Content-Type': CONTENT_TYPE },
        { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        { 'X-Amz-Credential': `${ACCESS_KEY}/${shortDate}/${REGION}/s3/aws4_request` },
        { 'X-Amz-Date': fields['X-Amz-Date'] },
      ]),
    );
    // The key is pinned exactly: no starts-with anywhere.
    expect(policy.conditions.some((c) => Array.isArray(c) && c[0] === 'starts-with')).toBe(false);
    // Every form field except the exempt ones is named by a condition.
    const named = new Set(
      policy.conditions
        .flatMap((c) => (Array.isArray(c) ? (c[0] === 'content-length-range' ? [] : [c[1].slice(1)]) : Object.keys(c)))
        .map((n) => n.toLowerCase()),
    );
    for (const name of Object.keys(fields)) {
      if (['policy', 'x-amz-signature'].includes(name.toLowerCase())) continue;
      expect(named.has(name.toLowerCase()), name).toBe(true);
    }
  });

  it('expires within the requested expiry', () => {
    const exp = Date.parse(policy.expiration);
    expect(policy.expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(exp).toBeGreaterThan(signedAt);
    expect(exp - signedAt).toBeLessThanOrEqual(EXPIRES * 1000 + 1000);
    expect(exp - signedAt).toBeGreaterThanOrEqual(EXPIRES * 1000 - 2000);
  });
});

describe('decodePolicy', () => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  it('rejects invalid documents', () => {
    expect(() => decodePolicy('not base64!')).toThrow(InvalidPolicyDocumentError);
    expect(() => decodePolicy(b64('{'))).toThrow(/Invalid JSON/);
    expect(() => decodePolicy(b64('{"conditions":[]}'))).toThrow(/missing expiration/);
    expect(() => decodePolicy(b64('{"expiration":"2030-01-01T00:00:00Z"}'))).toThrow(/missing conditions/);
    expect(() => decodePolicy(b64('{"expiration":"tomorrow","conditions":[]}'))).toThrow(/expiration/);
    expect(() => decodePolicy(b64('{"expiration":"2030-01-01T00:00:00Z","conditions":[["in","$key","a"]]}'))).toThrow(/Invalid Condition/);
    expect(() => decodePolicy(b64('{"expiration":"2030-01-01T00:00:00Z","conditions":[["eq","key","a"]]}'))).toThrow(/Invalid Condition/);
    expect(() => decodePolicy(b64('{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",-1,5]]}'))).toThrow(
      /Invalid Condition/,
    );
  });
});

describe('verifyPostPolicy', () => {
  it('accepts the genuine fields', () => {
    const v = verifyPostPolicy(base());
    expect(v).toMatchObject({ ok: true, key: KEY });
  });

  it('accepts the size bounds themselves and field names in any case', () => {
    expect(verifyPostPolicy(base({ fileSize: MIN })).ok).toBe(true);
    expect(verifyPostPolicy(base({ fileSize: MAX })).ok).toBe(true);
    const lower = Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v] as const);
    expect(verifyPostPolicy(base({ fields: lower })).ok).toBe(true);
  });

  it('ignores x-ignore- fields', () => {
    expect(verifyPostPolicy(base({ fields: { ...fields, 'x-ignore-note': 'hi' } })).ok).toBe(true);
  });

  it('rejects a tampered signature: 403 SignatureDoesNotMatch', () => {
    const sig = fields['X-Amz-Signature'] ?? '';
    const tampered = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(verifyPostPolicy(base({ fields: { ...fields, 'X-Amz-Signature': tampered } }))).toMatchObject({
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('rejects a tampered policy (wider size range re-encoded): 403 SignatureDoesNotMatch', () => {
    const doc = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as { conditions: unknown[] };
    doc.conditions = doc.conditions.map((c) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 0, 10 ** 12] : c,
    );
    const forged = Buffer.from(JSON.stringify(doc)).toString('base64');
    expect(verifyPostPolicy(base({ fields: { ...fields, Policy: forged }, fileSize: MAX + 1 }))).toMatchObject({
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('rejects a policy signed with another secret: 403 SignatureDoesNotMatch', () => {
    expect(verifyPostPolicy(base({ secretAccessKey: 'other' }))).toMatchObject({ ok: false, status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects an expired policy: 403 AccessDenied "Policy expired."', () => {
    const v = verifyPostPolicy(base({ now: new Date(Date.parse(policy.expiration) + 1000) }));
    expect(v).toEqual({ ok: false, status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    // Exactly at expiration is already expired.
    expect(verifyPostPolicy(base({ now: new Date(Date.parse(policy.expiration)) }))).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  it('rejects another key: 403 AccessDenied, condition failed', () => {
    const v = verifyPostPolicy(base({ fields: { ...fields, key: 'uploads/2026/UNIT-08/evil.json' } }));
    expect(v).toEqual({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "${KEY}"]`,
    });
    // A longer key with the genuine one as prefix is another key too.
    expect(verifyPostPolicy(base({ fields: { ...fields, key: `${KEY}.exe` } }))).toMatchObject({
      ok: false,
      status: 403,
      code: 'AccessDenied',
    });
  });

  it('rejects an oversize file: 400 EntityTooLarge', () => {
    expect(verifyPostPolicy(base({ fileSize: MAX + 1 }))).toEqual({
      ok: false,
      status: 400,
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      details: { ProposedSize: String(MAX + 1), MaxSizeAllowed: String(MAX) },
    });
  });

  it('rejects an undersize (empty) file: 400 EntityTooSmall', () => {
    expect(verifyPostPolicy(base({ fileSize: 0 }))).toEqual({
      ok: false,
      status: 400,
      code: 'EntityTooSmall',
      message: 'Your proposed upload is smaller than the minimum allowed size',
      details: { ProposedSize: '0', MinSizeAllowed: String(MIN) },
    });
  });

  it('rejects another content type: 403 AccessDenied', () => {
    expect(verifyPostPolicy(base({ fields: { ...fields, 'Content-Type': 'text/html' } }))).toEqual({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: `Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "${CONTENT_TYPE}"]`,
    });
  });

  it('rejects a missing content type field: 403 AccessDenied', () => {
    const { 'Content-Type': _ct, ...without } = fields;
    expect(verifyPostPolicy(base({ fields: without }))).toMatchObject({ ok: false, status: 403, code: 'AccessDenied' });
  });

  it('rejects an extra unlisted field: 403 AccessDenied "Extra input fields"', () => {
    expect(verifyPostPolicy(base({ fields: { ...fields, 'x-amz-meta-evil': '1' } }))).toEqual({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Extra input fields: x-amz-meta-evil',
    });
    expect(verifyPostPolicy(base({ fields: { ...fields, acl: 'public-read', success_action_status: '201' } }))).toMatchObject({
      ok: false,
      status: 403,
      message: 'Invalid according to Policy: Extra input fields: acl, success_action_status',
    });
  });

  it('rejects another bucket: 403 AccessDenied', () => {
    expect(verifyPostPolicy(base({ bucket: 'other-bucket' }))).toEqual({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "${BUCKET}"]`,
    });
  });

  it('rejects another region or access key, and missing fields', () => {
    expect(verifyPostPolicy(base({ region: 'us-east-1' }))).toMatchObject({ ok: false, status: 400, code: 'InvalidArgument' });
    expect(verifyPostPolicy(base({ accessKeyId: 'S3RVER' }))).toMatchObject({ ok: false, status: 403, code: 'InvalidAccessKeyId' });
    const { key: _k, ...noKey } = fields;
    expect(verifyPostPolicy(base({ fields: noKey }))).toMatchObject({ ok: false, status: 400, code: 'InvalidArgument' });
    const { 'X-Amz-Signature': _s, ...noSig } = fields;
    expect(verifyPostPolicy(base({ fields: noSig }))).toMatchObject({ ok: false, status: 400, code: 'InvalidArgument' });
    expect(verifyPostPolicy(base({ fields: { key: KEY } }))).toMatchObject({ ok: false, status: 403, code: 'AccessDenied' });
  });

  it('rejects duplicate fields and too much pre-file data', () => {
    const dup = [...Object.entries(fields), ['KEY', 'other'] as const];
    expect(verifyPostPolicy(base({ fields: dup }))).toMatchObject({ ok: false, status: 400, code: 'InvalidArgument' });
    expect(verifyPostPolicy(base({ fields: { ...fields, 'x-ignore-pad': 'x'.repeat(21 * 1024) } }))).toMatchObject({
      ok: false,
      status: 400,
      code: 'MaxPostPreDataLengthExceededError',
    });
  });

  it('reports an invalid policy document behind a valid signature: 400 InvalidPolicyDocument', () => {
    const bad = Buffer.from('{"expiration":"2030-01-01T00:00:00Z"}').toString('base64');
    const date = fields['X-Amz-Date']?.slice(0, 8) ?? '';
    const v = verifyPostPolicy(base({ fields: { ...fields, Policy: bad, 'X-Amz-Signature': signPostPolicy(bad, SECRET, date, REGION) } }));
    expect(v).toMatchObject({ ok: false, status: 400, code: 'InvalidPolicyDocument' });
  });
});
