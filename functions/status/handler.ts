import { composeFunction } from '../../shared/compose.js';
import { requireRole } from '../../shared/domain/staff.js';
import { json, optionalQueryPeriod, staffIdentity } from '../../shared/http/api.js';
import { readStatus } from '../../shared/use-cases/read-status.js';
import * as z from '../../shared/zod-mini.js';

/** GET /status[?period=YYYY] — every expected unit's status and the rates (staff, any role); the current period when none is given. */
const fn = composeFunction('status', z.object({}));

export const handler = fn.http(async (event) => {
  requireRole(staffIdentity(event), 'readStatus');
  const period = optionalQueryPeriod(event);
  return json(200, await readStatus({ statuses: fn.tables.statuses, clock: fn.clock, regime: await fn.regime() }, { period }));
});
