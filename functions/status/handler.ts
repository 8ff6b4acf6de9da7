import { adminConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { bearerToken, json, optionalQueryPeriod } from '../../shared/http/api.js';
import { readStatus } from '../../shared/use-cases/read-status.js';
import { authenticateAdmin } from '../../shared/use-cases/tokens.js';

/** GET /status[?period=YYYY] — every expected unit's status and the rates (admin token); the current period when none is given. */
const fn = composeFunction('status', adminConfig);

export const handler = fn.http(async (event) => {
  authenticateAdmin(fn.config[ENV.adminTokenSha256], bearerToken(event));
  const period = optionalQueryPeriod(event);
  return json(200, await readStatus({ statuses: fn.tables.statuses, clock: fn.clock, regime: await fn.regime() }, { period }));
});
