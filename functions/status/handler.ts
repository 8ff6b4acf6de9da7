import { composeFunction } from '../../shared/compose.js';
import { requireRole } from '../../shared/domain/staff.js';
import { json, optionalQueryPeriod, requireQueryRegime, staffIdentity } from '../../shared/http/api.js';
import { readStatus } from '../../shared/use-cases/read-status.js';
import * as z from '../../shared/zod-mini.js';

/** GET /status[?period=YYYY][&regime=ID] — every expected unit's status and the rates (staff, any role); the current period when none is given. */
const fn = composeFunction('status', z.object({}));

export const handler = fn.http(async (event) => {
  requireRole(staffIdentity(event), 'readStatus');
  const period = optionalQueryPeriod(event);
  const regime = await fn.regime();
  requireQueryRegime(event, regime.id);
  return json(200, await readStatus({ statuses: fn.tables.statuses, clock: fn.clock, regime }, { period }));
});
