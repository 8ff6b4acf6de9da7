import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DecodedPostPolicy, PostPolicyCondition } from '../shared/adapters/post-policy.js';

/**
 * Verifies a submitted presigned-POST form exactly as S3 does, for the local S3 front
 * (local/s3-post-front.ts): s3rver ignores POST policies. The rules are listed in
 * shared/adapters/post-policy.ts, which builds the policies this checks.
 */

const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3 refuses a POST whose fields before the file exceed 20 KB. */
export const MAX_POST_PRE_DATA_BYTES = 20 * 1024;
/** S3 object keys are at most 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

// ---------------------------------------------------------------------------------------------
// Decoding

export class InvalidPolicyDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPolicyDocumentError';
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** Decodes and validates a base64 POST policy; throws InvalidPolicyDocumentError (S3: 400 InvalidPolicyDocument). */
export function decodePolicy(policyBase64: string): DecodedPostPolicy {
  if (!BASE64.test(policyBase64)) throw new InvalidPolicyDocumentError('Invalid Policy: Invalid Base64 Encoding.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8'));
  } catch {
    throw new InvalidPolicyDocumentError('Invalid Policy: Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidPolicyDocumentError('Invalid Policy: Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw new InvalidPolicyDocumentError('Invalid Policy: Policy missing expiration.');
  if (typeof expiration !== 'string' || !ISO_UTC.test(expiration) || Number.isNaN(Date.parse(expiration))) {
    throw new InvalidPolicyDocumentError(`Invalid Policy: Invalid 'expiration' value: '${JSON.stringify(expiration) ?? 'undefined'}'`);
  }
  if (conditions === undefined) throw new InvalidPolicyDocumentError('Invalid Policy: Policy missing conditions.');
  if (!Array.isArray(conditions)) throw new InvalidPolicyDocumentError("Invalid Policy: Invalid 'conditions' value: must be a List.");
  for (const key of Object.keys(doc)) {
    if (key !== 'expiration' && key !== 'conditions') throw new InvalidPolicyDocumentError(`Invalid Policy: Unexpected field: '${key}'.`);
  }
  return { expiration, conditions: conditions.map(parseCondition) };
}

/**
 * A condition as the error message shows it: JSON, cut at 1 KB. A policy nested thousands deep
 * parses (JSON.parse is iterative) but JSON.stringify recurses and runs out of stack: that must
 * stay an InvalidPolicyDocument, not escape as a RangeError.
 */
function shown(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Array.isArray(raw) ? '[…]' : '{…}';
  }
  return text.length > 1024 ? `${text.slice(0, 1024)}…` : text;
}

function parseCondition(raw: unknown): PostPolicyCondition {
  const bad = () => new InvalidPolicyDocumentError(`Invalid Policy: Invalid Condition: ${shown(raw)}`);
  if (Array.isArray(raw)) {
    if (raw.length !== 3) throw bad();
    const [op, a, b] = raw as [unknown, unknown, unknown];
    const opName = typeof op === 'string' ? op.toLowerCase() : '';
    if (opName === 'eq' || opName === 'starts-with') {
      if (typeof a !== 'string' || !a.startsWith('$') || a.length < 2 || typeof b !== 'string') throw bad();
      return [opName, a, b];
    }
    if (opName === 'content-length-range') {
      const min = toLength(a);
      const max = toLength(b);
      if (min === null || max === null) throw bad();
      return ['content-length-range', min, max];
    }
    throw bad();
  }
  if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw);
    if (entries.length === 0) throw bad();
    for (const [, v] of entries) if (typeof v !== 'string') throw bad();
    return Object.fromEntries(entries);
  }
  throw bad();
}

function toLength(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Signing

/** The SigV4 signing key: HMAC chain over date (YYYYMMDD), region, service, 'aws4_request'. */
export function sigV4SigningKey(secretAccessKey: string, shortDate: string, region: string, service = 's3'): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(shortDate, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  return createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
}

/** hex(HMAC-SHA256(signingKey, policyBase64)): the `X-Amz-Signature` of a SigV4 POST. */
export function signPostPolicy(policyBase64: string, secretAccessKey: string, shortDate: string, region: string): string {
  return createHmac('sha256', sigV4SigningKey(secretAccessKey, shortDate, region))
    .update(policyBase64, 'utf8')
    .digest('hex');
}

export interface PostCredential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Parses `AKID/YYYYMMDD/region/s3/aws4_request`; null when malformed. */
export function parseCredential(value: string): PostCredential | null {
  const parts = value.split('/');
  if (parts.length !== 5) return null;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || service !== 's3' || terminator !== 'aws4_request') return null;
  return { accessKeyId, date, region, service };
}

// ---------------------------------------------------------------------------------------------
// Verification

export type PostPolicyErrorCode =
  | 'AccessDenied'
  | 'InvalidPolicyDocument'
  | 'EntityTooLarge'
  | 'EntityTooSmall'
  | 'SignatureDoesNotMatch'
  | 'InvalidArgument'
  | 'InvalidAccessKeyId'
  | 'MaxPostPreDataLengthExceededError'
  | 'IncorrectNumberOfFilesInPostRequest'
  | 'MalformedPOSTRequest'
  | 'KeyTooLongError';

export type PostPolicyFailure = {
  ok: false;
  status: 400 | 403;
  code: PostPolicyErrorCode;
  message: string;
  /** Extra elements S3 puts in the error XML (e.g. ProposedSize, MaxSizeAllowed). */
  details?: Record<string, string>;
};

export type PostPolicyVerdict = { ok: true; key: string; policy: DecodedPostPolicy } | PostPolicyFailure;

export interface VerifyPostPolicyInput {
  /**
   * The multipart form fields before the file, in order (S3 ignores fields after `file`), the
   * file itself excluded. An array of pairs keeps duplicates visible.
   */
  fields: Record<string, string> | ReadonlyArray<readonly [string, string]>;
  /** The real size of the uploaded file in bytes. */
  fileSize: number;
  /** The file part's filename, substituted for `${filename}` in the key. */
  fileName?: string;
  /** The bucket the form was posted to (from the URL). */
  bucket: string;
  secretAccessKey: string;
  /** When given, the credential's access key id must be this one. */
  accessKeyId?: string;
  region: string;
  now: Date;
}

/** Field names a policy need not mention (compared lower-case). */
const EXEMPT_FIELDS = new Set(['x-amz-signature', 'file', 'policy']);

function fail(status: 400 | 403, code: PostPolicyErrorCode, message: string, details?: Record<string, string>): PostPolicyFailure {
  return details ? { ok: false, status, code, message, details } : { ok: false, status, code, message };
}

function missingField(name: string): PostPolicyFailure {
  return fail(
    400,
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    {
      ArgumentName: name,
      ArgumentValue: '',
    },
  );
}

function conditionText(c: ReadonlyArray<string | number>): string {
  return `[${c.map((x) => JSON.stringify(x)).join(', ')}]`;
}

/** Verifies a SigV4 presigned-POST form as S3 does; the first failure S3 would report. */
export function verifyPostPolicy(input: VerifyPostPolicyInput): PostPolicyVerdict {
  const pairs: ReadonlyArray<readonly [string, string]> = Array.isArray(input.fields)
    ? (input.fields as ReadonlyArray<readonly [string, string]>)
    : Object.entries(input.fields as Record<string, string>);

  // Field names are case-insensitive.
  const form = new Map<string, string>();
  let preDataBytes = 0;
  const tooLarge = () =>
    fail(400, 'MaxPostPreDataLengthExceededError', 'Your POST request fields preceeding the upload file was too large.', {
      MaxPostPreDataLength: String(MAX_POST_PRE_DATA_BYTES),
    });
  for (const [name, value] of pairs) {
    // Sized before anything echoes a field back: no message carries more than the 20 KB S3 reads.
    preDataBytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
    if (preDataBytes > MAX_POST_PRE_DATA_BYTES) return tooLarge();
    const lower = name.toLowerCase();
    if (form.has(lower)) {
      return fail(400, 'InvalidArgument', `Duplicate form field: '${name}'.`, { ArgumentName: name, ArgumentValue: value });
    }
    form.set(lower, value);
  }
  if (!Number.isSafeInteger(input.fileSize) || input.fileSize < 0) {
    return fail(400, 'IncorrectNumberOfFilesInPostRequest', 'POST requires exactly one file upload per request.');
  }

  const rawKey = form.get('key');
  if (rawKey === undefined) return missingField('key');
  // The file's name is the sender's: substituted once per "${filename}" it could make a key of
  // gigabytes from a 20 KB form. S3 refuses keys over 1,024 bytes, so the size is known first.
  const substitutions = input.fileName === undefined ? 0 : rawKey.split('${filename}').length - 1;
  if (
    substitutions > 0 &&
    Buffer.byteLength(rawKey, 'utf8') + substitutions * (Buffer.byteLength(input.fileName ?? '', 'utf8') - 11) > MAX_KEY_BYTES
  ) {
    return fail(400, 'KeyTooLongError', 'Your key is too long', { MaxSizeAllowed: String(MAX_KEY_BYTES) });
  }
  const key = substitutions > 0 ? rawKey.replaceAll('${filename}', input.fileName ?? '') : rawKey;
  if (key.length === 0)
    return fail(400, 'InvalidArgument', 'User key must have a length greater than 0.', { ArgumentName: 'key', ArgumentValue: '' });

  // Authentication: without any credential field the request is anonymous, which a private bucket refuses.
  const policyB64 = form.get('policy');
  const algorithm = form.get('x-amz-algorithm');
  const credentialText = form.get('x-amz-credential');
  const signature = form.get('x-amz-signature');
  const amzDate = form.get('x-amz-date');
  if (policyB64 === undefined && algorithm === undefined && credentialText === undefined && signature === undefined) {
    return fail(403, 'AccessDenied', 'Access Denied');
  }
  if (algorithm === undefined) return missingField('x-amz-algorithm');
  if (algorithm !== SIGV4_ALGORITHM) {
    return fail(400, 'InvalidArgument', `Unsupported algorithm: '${algorithm}'; only ${SIGV4_ALGORITHM} is supported.`, {
      ArgumentName: 'x-amz-algorithm',
      ArgumentValue: algorithm,
    });
  }
  if (credentialText === undefined) return missingField('x-amz-credential');
  if (amzDate === undefined) return missingField('x-amz-date');
  if (signature === undefined) return missingField('x-amz-signature');
  if (policyB64 === undefined) return missingField('policy');

  const credential = parseCredential(credentialText);
  if (!credential) {
    return fail(
      400,
      'InvalidArgument',
      `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
      {
        ArgumentName: 'x-amz-credential',
        ArgumentValue: credentialText,
      },
    );
  }
  if (credential.region !== input.region) {
    return fail(
      400,
      'InvalidArgument',
      `Error parsing the X-Amz-Credential parameter; the region '${credential.region}' is wrong; expecting '${input.region}'`,
      {
        ArgumentName: 'x-amz-credential',
        ArgumentValue: credentialText,
      },
    );
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== credential.date) {
    return fail(
      400,
      'InvalidArgument',
      `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'" and match the credential date.`,
      {
        ArgumentName: 'x-amz-date',
        ArgumentValue: amzDate,
      },
    );
  }
  if (input.accessKeyId !== undefined && credential.accessKeyId !== input.accessKeyId) {
    return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: credential.accessKeyId,
    });
  }

  const expected = Buffer.from(signPostPolicy(policyB64, input.secretAccessKey, credential.date, input.region), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: credential.accessKeyId,
      },
    );
  }

  let policy: DecodedPostPolicy;
  try {
    policy = decodePolicy(policyB64);
  } catch (e) {
    return fail(400, 'InvalidPolicyDocument', e instanceof InvalidPolicyDocumentError ? e.message : 'Invalid Policy: Invalid JSON.');
  }

  if (input.now.getTime() >= Date.parse(policy.expiration)) {
    return fail(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  }

  // Every condition must hold; collect the field names the policy covers.
  const covered = new Set<string>();
  const valueOf = (name: string): string | undefined => (name === 'bucket' ? input.bucket : name === 'key' ? key : form.get(name));
  const ranges: Array<[number, number]> = [];
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      if (c[0] === 'content-length-range') {
        ranges.push([c[1], c[2]]);
        continue;
      }
      const [op, ref, expectedValue] = c;
      const name = ref.slice(1).toLowerCase();
      covered.add(name);
      const actual = valueOf(name);
      const holds = op === 'eq' ? actual === expectedValue : (actual ?? '').startsWith(expectedValue);
      if (!holds) return fail(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${conditionText(c)}`);
    } else {
      for (const [fieldName, expectedValue] of Object.entries(c)) {
        const name = fieldName.toLowerCase();
        covered.add(name);
        if (valueOf(name) !== expectedValue) {
          return fail(
            403,
            'AccessDenied',
            `Invalid according to Policy: Policy Condition failed: ${conditionText(['eq', `$${fieldName}`, expectedValue])}`,
          );
        }
      }
    }
  }

  const extra = pairs
    .map(([name]) => name)
    .filter((name) => {
      const lower = name.toLowerCase();
      return !EXEMPT_FIELDS.has(lower) && !lower.startsWith('x-ignore-') && !covered.has(lower);
    });
  if (extra.length > 0) return fail(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);

  for (const [min, max] of ranges) {
    if (input.fileSize > max) {
      return fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        ProposedSize: String(input.fileSize),
        MaxSizeAllowed: String(max),
      });
    }
    if (input.fileSize < min) {
      return fail(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: String(input.fileSize),
        MinSizeAllowed: String(min),
      });
    }
  }

  return { ok: true, key, policy };
}

/** The S3 error document for a failure. */
export function s3ErrorXml(code: string, message: string, details: Record<string, string> = {}, requestId?: string): string {
  const esc = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const extra = Object.entries(details)
    .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
    .join('');
  const rid = requestId ? `<RequestId>${esc(requestId)}</RequestId>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message>${extra}${rid}</Error>`;
}
