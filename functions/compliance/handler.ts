import { busConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { updateCompliance } from '../../shared/use-cases/update-compliance.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import { UnitEventDetail } from '../../shared/definitions/event-details.js';
import { regimeFor } from '../../shared/domain/regimes.js';

/** "Report Accepted/Rejected/Reviewed" → recompute the unit's status (idempotent). */
const fn = composeFunction('compliance', busConfig);
const bus = busFrom(fn.config);

export const handler = fn.onEvent(UnitEventDetail, async (detail) => {
  fn.logger.appendKeys({ unitId: detail.unitId });
  const result = await updateCompliance(
    {
      bus,
      reports: fn.tables.reports,
      statuses: fn.tables.statuses,
      audit: fn.tables.audit,
      clock: fn.clock,
      regime: regimeFor(await fn.regimes(), detail.period),
    },
    { period: detail.period, unitId: detail.unitId },
  );
  return { changed: result.changed, status: result.record?.status ?? null };
});
