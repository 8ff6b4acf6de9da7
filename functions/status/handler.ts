import { composeFunction } from '../../shared/compose.js';
import { requireRole } from '../../shared/domain/staff.js';
import { json, queryRegimePeriod, staffIdentity } from '../../shared/http/api.js';
import { readStatus } from '../../shared/use-cases/read-status.js';
import * as z from '../../shared/zod-mini.js';

/** GET /status[?period=ID][&regime=ID] — every expected unit's status and the rates (staff, any role); the regime's current period when none is given. */
const fn = composeFunction('status', z.object({}));

export const handler = fn.http(async (event) => {
  requireRole(staffIdentity(event), 'readStatus');
  const regimes = await fn.regimes();
  const { regime, period } = queryRegimePeriod(event, regimes, fn.clock.now());
  return json(200, await readStatus({ statuses: fn.tables.statuses, clock: fn.clock, regime, regimes }, { period }));
});
