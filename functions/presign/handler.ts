import { bucketConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { bearerToken, json, readJsonBody } from '../../shared/http/api.js';
import { createUpload } from '../../shared/use-cases/create-upload.js';
import { uploadSignerFrom } from '../../shared/adapters/s3-upload-signer.js';

/** POST /uploads — a presigned POST for the token's unit. */
const fn = composeFunction('presign', bucketConfig);
const objects = uploadSignerFrom(fn.config);

export const handler = fn.http(async (event) => {
  const result = await createUpload(
    { tokens: fn.tables.tokens, audit: fn.tables.audit, reports: fn.tables.reports, objects, clock: fn.clock, regimes: await fn.regimes() },
    // The body is read only once the token is accepted (401 first, issue 12).
    { token: bearerToken(event), readBody: () => readJsonBody(event) },
  );
  return json(200, result);
});
