import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodePolicy,
  InvalidPolicyDocumentError,
  MAX_POST_PRE_DATA_BYTES,
  signPostPolicy,
  verifyPostPolicy,
  type PostPolicyVerdict,
  type VerifyPostPolicyInput,
} from '../../local/post-policy-verifier.js';

/**
 * The POST-policy verifier, fuzzed: whatever form a client posts — arbitrary fields, sizes and
 * file names, or a correctly signed policy of arbitrary content — the verifier returns a verdict
 * (accepted with a key, or an S3 error code, status and message) and never throws; the verdict
 * stays small whatever the form held. Fixed seeds.
 */

const REGION = 'ap-southeast-1';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DATE = '20261128';
const NOW = new Date('2026-11-28T03:00:00Z');
const CREDENTIAL = `AKIDEXAMPLE/${DATE}/${REGION}/s3/aws4_request`;
const CODES = [
  'AccessDenied',
  'InvalidPolicyDocument',
  'EntityTooLarge',
  'EntityTooSmall',
  'SignatureDoesNotMatch',
  'InvalidArgument',
  'InvalidAccessKeyId',
  'MaxPostPreDataLengthExceededError',
  'IncorrectNumberOfFilesInPostRequest',
  'MalformedPOSTRequest',
  'KeyTooLongError',
];
/** Far above anything a verdict should carry: the form before the file is at most 20 KB. */
const MAX_VERDICT_BYTES = 64 * 1024;

function assertVerdict(verdict: PostPolicyVerdict): void {
  expect(typeof verdict.ok).toBe('boolean');
  if (verdict.ok) {
    expect(verdict.key.length).toBeGreaterThan(0);
  } else {
    expect([400, 403]).toContain(verdict.status);
    expect(CODES).toContain(verdict.code);
    expect(verdict.message.length).toBeGreaterThan(0);
  }
  expect(Buffer.byteLength(JSON.stringify(verdict))).toBeLessThan(MAX_VERDICT_BYTES);
}

const base = (policy: string, extra: ReadonlyArray<readonly [string, string]> = []): Array<readonly [string, string]> => [
  ['key', 'incoming/2026/u/x.json'],
  ['Content-Type', 'application/json'],
  ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
  ['X-Amz-Credential', CREDENTIAL],
  ['X-Amz-Date', `${DATE}T030000Z`],
  ['Policy', policy],
  ['X-Amz-Signature', signPostPolicy(policy, SECRET, DATE, REGION)],
  ...extra,
];

const input = (fields: VerifyPostPolicyInput['fields'], fileSize: number, fileName?: string): VerifyPostPolicyInput => ({
  fields,
  fileSize,
  ...(fileName !== undefined ? { fileName } : {}),
  bucket: 'baocao-uploads',
  secretAccessKey: SECRET,
  region: REGION,
  now: NOW,
});

const fieldName = fc.oneof(
  fc.constantFrom(
    'key',
    'Key',
    'policy',
    'Policy',
    'x-amz-algorithm',
    'X-Amz-Credential',
    'x-amz-date',
    'x-amz-signature',
    'Content-Type',
    'bucket',
    'x-ignore-me',
    'file',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 20 }),
);
const fieldValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('AWS4-HMAC-SHA256', CREDENTIAL, `${DATE}T030000Z`, '${filename}', 'x'.repeat(30_000)),
  fc.base64String({ maxLength: 200 }),
);
const fileSize = fc.oneof(
  fc.integer({ min: -10, max: 20 * 1024 * 1024 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.MAX_SAFE_INTEGER + 2),
);
const fileName = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constant('n'.repeat(100_000))), { nil: undefined });

/** Policy documents of any content, signed correctly so that decoding and the conditions are reached. */
const condition = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.tuple(
    fc.constantFrom('eq', 'starts-with', 'EQ', 'content-length-range', 'other'),
    fc.jsonValue({ maxDepth: 1 }),
    fc.jsonValue({ maxDepth: 1 }),
  ),
  fc.tuple(
    fc.constantFrom('eq', 'starts-with'),
    fc.constantFrom('$key', '$bucket', '$Content-Type', '$x-amz-date', '$'),
    fc.string({ maxLength: 30 }),
  ),
  fc.tuple(
    fc.constant('content-length-range'),
    fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
    fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
  ),
  fc.dictionary(fc.constantFrom('bucket', 'key', 'Content-Type', 'x-amz-algorithm'), fc.oneof(fc.string({ maxLength: 30 }), fc.integer())),
  fc.integer({ min: 1, max: 4_000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
);
const policyDocument = fc.oneof(
  fc.record({
    expiration: fc.oneof(fc.constant('2026-11-28T04:00:00Z'), fc.constant('2026-11-28T02:00:00.000Z'), fc.string({ maxLength: 30 })),
    conditions: fc.array(condition, { maxLength: 6 }),
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('POST-policy verifier, fuzzed', () => {
  it('returns a small verdict for any form fields, file size and file name', () => {
    const fields = fc.oneof(
      fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 12 }),
      fc.dictionary(fieldName, fieldValue, { maxKeys: 12 }),
      fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 4 }).map((extra) => base(Buffer.from('{}').toString('base64'), extra)),
    );
    fc.assert(
      fc.property(fields, fileSize, fileName, (f, size, name) => {
        assertVerdict(verifyPostPolicy(input(f, size, name)));
      }),
      { numRuns: 600, seed: 4001 },
    );
  });

  it('returns a small verdict for a correctly signed policy of any content', () => {
    fc.assert(
      fc.property(
        policyDocument,
        fc.array(fc.tuple(fieldName, fc.string({ maxLength: 30 })), { maxLength: 3 }),
        fileSize,
        fileName,
        (doc, extra, size, name) => {
          const policy = Buffer.from(JSON.stringify(doc)).toString('base64');
          const verdict = verifyPostPolicy(input(base(policy, extra), size, name));
          assertVerdict(verdict);
          if (Buffer.byteLength(policy) > MAX_POST_PRE_DATA_BYTES)
            expect(verdict).toMatchObject({ ok: false, code: 'MaxPostPreDataLengthExceededError' });
        },
      ),
      { numRuns: 600, seed: 4002 },
    );
  });

  it('decodes any text as a policy or refuses it with InvalidPolicyDocumentError only', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.base64String({ maxLength: 200 }),
      policyDocument.map((doc) => Buffer.from(JSON.stringify(doc)).toString('base64')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          decodePolicy(t);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidPolicyDocumentError);
          expect((e as Error).message.length).toBeLessThan(2_048);
        }
      }),
      { numRuns: 600, seed: 4003 },
    );
  });

  it('refuses a key that ${filename} would stretch past 1,024 bytes, before building it', () => {
    const key = `incoming/${'${filename}'.repeat(1_800)}`;
    const verdict = verifyPostPolicy(
      input(
        base(Buffer.from('{}').toString('base64')).map(([n, v]) => [n, n === 'key' ? key : v] as const),
        10,
        'n'.repeat(1_000_000),
      ),
    );

    expect(verdict).toMatchObject({ ok: false, status: 400, code: 'KeyTooLongError' });
  });

  it('refuses a condition nested thousands deep as an invalid policy document', () => {
    const policy = Buffer.from(`{"expiration":"2026-11-28T04:00:00Z","conditions":[${'['.repeat(5_000)}${']'.repeat(5_000)}]}`).toString(
      'base64',
    );

    expect(() => decodePolicy(policy)).toThrow(InvalidPolicyDocumentError);
    expect(verifyPostPolicy(input(base(policy), 10))).toMatchObject({ ok: false, code: 'InvalidPolicyDocument' });
  });
});
