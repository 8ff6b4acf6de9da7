import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { formPage } from '../../web/pages.js';

/** GET / — the unit's upload form (the token stays in the URL fragment, never sent here). */
export const handler = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src *; img-src 'self' data:",
  },
  body: formPage(),
});
