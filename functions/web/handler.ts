import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ENV } from '../../shared/definitions/env-keys.js';
import { FORM_SCRIPT } from '../../web/generated/form-bundle.js';
import { formPage } from '../../web/pages.js';
import { FORM_CSS } from '../../web/styles.js';

/**
 * GET / — the unit's upload form. The page is static (the token stays in the URL fragment and is
 * never sent here), so it is rendered, hashed and compressed once per cold start.
 */
const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** Where the browser POSTs uploads: the local front of s3rver, or S3 itself on AWS. */
const s3Origin = (() => {
  const endpoint = process.env[ENV.s3PublicEndpoint] ?? process.env[ENV.s3Endpoint];
  return endpoint ? new URL(endpoint).origin : 'https://*.amazonaws.com';
})();

const html = formPage({ script: FORM_SCRIPT, css: FORM_CSS });
const gzipped = gzipSync(html, { level: 9 }).toString('base64');

const headers = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  vary: 'accept-encoding',
  // Only this page's own script and style run (by hash, not 'unsafe-inline'); fetches go to the API and the bucket.
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${sha256(FORM_SCRIPT)}`,
    `style-src ${sha256(FORM_CSS)}`,
    `connect-src 'self' ${s3Origin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
};

export const handler = async (event?: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const accepts = event?.headers?.['accept-encoding'] ?? event?.headers?.['Accept-Encoding'] ?? '';
  if (/\bgzip\b/i.test(accepts)) {
    return { statusCode: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipped, isBase64Encoded: true };
  }
  return { statusCode: 200, headers, body: html };
};
