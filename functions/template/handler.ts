import * as z from '../../shared/zod-mini.js';
import { composeFunction } from '../../shared/compose.js';
import { bearerToken, regimePeriodQuery } from '../../shared/http/api.js';
import { CONTENT_TYPES } from '../../shared/domain/file-type.js';
import { contentDisposition } from '../../shared/http/content-disposition.js';
import { downloadTemplate } from '../../shared/use-cases/download-template.js';
import type { buildTemplate } from '../../shared/xlsx/template.js';

/** GET /template.xlsx[?regime=ID][&period=ID] — the Excel template; prefilled with the unit when a unit token is sent. */
const fn = composeFunction('template', z.object({}));

/** The template module (the report's fields, the workbook writer) loads on the first download, not at cold start. */
const buildOnFirstUse: typeof buildTemplate = async (input) => (await import('../../shared/xlsx/template.js')).buildTemplate(input);

export const handler = fn.http(async (event) => {
  const file = await downloadTemplate(
    { tokens: fn.tables.tokens, audit: fn.tables.audit, clock: fn.clock, regimes: await fn.regimes(), build: buildOnFirstUse },
    { token: bearerToken(event), ...regimePeriodQuery(event) },
  );
  return {
    statusCode: 200,
    isBase64Encoded: true,
    headers: {
      'content-type': CONTENT_TYPES.xlsx,
      'content-disposition': contentDisposition(file.fileName),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // Prefilled with a unit when a token came: never kept by a shared cache.
      'cache-control': 'no-store',
    },
    body: Buffer.from(file.bytes).toString('base64'),
  };
});
