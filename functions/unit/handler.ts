import { composeFunction } from '../../shared/compose.js';
import { bearerToken, json, regimePeriodQuery } from '../../shared/http/api.js';
import { readUnitView } from '../../shared/use-cases/read-unit-view.js';
import * as z from '../../shared/zod-mini.js';

/** GET /me[?regime=ID][&period=ID] — the clerk's view of their unit: dates, status, previous versions, every report it owes (unit token). */
const fn = composeFunction('unit', z.object({}));

export const handler = fn.http(async (event) => {
  const view = await readUnitView(
    {
      tokens: fn.tables.tokens,
      statuses: fn.tables.statuses,
      reports: fn.tables.reports,
      audit: fn.tables.audit,
      clock: fn.clock,
      regimes: await fn.regimes(),
    },
    { token: bearerToken(event), ...regimePeriodQuery(event) },
  );
  return json(200, view);
});
