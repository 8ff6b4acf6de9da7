import { composeFunction } from '../../shared/compose.js';
import { bearerToken, json, queryPeriod } from '../../shared/http/api.js';
import { readUnitView } from '../../shared/use-cases/read-unit-view.js';
import * as z from '../../shared/zod-mini.js';

/** GET /me?period=YYYY — the clerk's view of their unit: dates, status, previous versions (unit token). */
const fn = composeFunction('unit', z.object({}));

export const handler = fn.http(async (event) => {
  const period = event.queryStringParameters?.period === undefined ? undefined : queryPeriod(event);
  const view = await readUnitView(
    {
      tokens: fn.tables.tokens,
      statuses: fn.tables.statuses,
      reports: fn.tables.reports,
      audit: fn.tables.audit,
      clock: fn.clock,
      regime: await fn.regime(),
    },
    { token: bearerToken(event), ...(period === undefined ? {} : { period }) },
  );
  return json(200, view);
});
