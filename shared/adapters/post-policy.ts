/**
 * S3 browser-upload (presigned POST, SigV4) policy: the conditions the presign function signs.
 * Verifying a submitted form as S3 does is the local S3 front's job (local/post-policy-verifier.ts):
 * only it needs the verifier, so no function bundles it.
 *
 * S3 rules implemented (docs: "POST Policy" / "Browser-Based Upload using HTTP POST (SigV4)"):
 *  - the policy is base64(JSON { expiration, conditions }); the signature is
 *    hex(HMAC-SHA256(signingKey, policyBase64)) with signingKey derived from the secret, the
 *    credential date, region, 's3' and 'aws4_request';
 *  - the policy is refused once `expiration` is reached;
 *  - every condition must hold: exact match (`{ field: value }` or `["eq", "$field", value]`),
 *    `["starts-with", "$field", prefix]`, `["content-length-range", min, max]` on the real file size;
 *    `$bucket` is the bucket the form is posted to;
 *  - every form field must be named by a condition, except `x-amz-signature`, `file`, `policy` and
 *    fields starting with `x-ignore-`;
 *  - form field names are case-insensitive, values are case-sensitive.
 */

/** One POST-policy condition, in the shapes `createPresignedPost` accepts. */
export type PostPolicyCondition =
  ['eq', string, string] | ['starts-with', string, string] | ['content-length-range', number, number] | Record<string, string>;

export interface DecodedPostPolicy {
  /** As written in the policy (ISO 8601, UTC). */
  expiration: string;
  conditions: PostPolicyCondition[];
}

export interface UploadPolicyInput {
  bucket: string;
  /** The exact, server-generated object key (no `${filename}`). */
  key: string;
  contentType: string;
  minSize: number;
  maxSize: number;
}

/**
 * The conditions of an upload's presigned POST: the bucket, the exact key (eq, never starts-with),
 * the size range and the exact content type. `createPresignedPost` then adds an exact condition for
 * each of its own fields (`bucket`, `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, and
 * `X-Amz-Security-Token` with temporary credentials) and for every entry of `Fields`; it dedupes
 * identical conditions, so `{ key }` and `{ bucket }` appear once.
 */
export function uploadConditions(input: UploadPolicyInput): PostPolicyCondition[] {
  assertUploadInput(input);
  return [
    { bucket: input.bucket },
    { key: input.key },
    ['content-length-range', input.minSize, input.maxSize],
    { 'Content-Type': input.contentType },
  ];
}

/** The form fields (besides the SDK's own) a browser must send: exactly those named by uploadConditions. */
export function uploadFields(input: Pick<UploadPolicyInput, 'contentType'>): Record<string, string> {
  return { 'Content-Type': input.contentType };
}

/**
 * The whole `createPresignedPost(client, …)` options object for an upload (structurally
 * `PresignedPostOptions` of @aws-sdk/s3-presigned-post; no SDK import here).
 */
export function presignedPostOptions(input: UploadPolicyInput & { expiresSeconds: number }): {
  Bucket: string;
  Key: string;
  Conditions: PostPolicyCondition[];
  Fields: Record<string, string>;
  Expires: number;
} {
  if (!Number.isSafeInteger(input.expiresSeconds) || input.expiresSeconds <= 0) {
    throw new RangeError(`expiresSeconds must be a positive integer, got ${input.expiresSeconds}`);
  }
  return {
    Bucket: input.bucket,
    Key: input.key,
    Conditions: uploadConditions(input),
    Fields: uploadFields(input),
    Expires: input.expiresSeconds,
  };
}

function assertUploadInput(input: UploadPolicyInput): void {
  if (!input.bucket) throw new RangeError('bucket is required');
  if (!input.key) throw new RangeError('key is required');
  if (input.key.includes('${filename}')) throw new RangeError('the key must be exact: ${filename} is not allowed');
  if (!input.contentType) throw new RangeError('contentType is required');
  if (!Number.isSafeInteger(input.minSize) || !Number.isSafeInteger(input.maxSize) || input.minSize < 0 || input.maxSize < input.minSize) {
    throw new RangeError(`invalid size range [${input.minSize}, ${input.maxSize}]`);
  }
}
