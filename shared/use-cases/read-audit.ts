import { periodFields, type PeriodKey } from '../domain/periodicity.js';
import type { Regimes } from '../domain/regimes.js';
import type { AuditEntry, AuditLog } from '../ports.js';
import { requireUnit } from './review-report.js';

/** Instants, not strings: event times carry whole seconds ("…:05Z"), the clock milliseconds ("…:05.120Z"). */
const instant = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * The audit trail of one unit for one period (GET /units/{id}/audit): uploads, validation
 * results, status changes, reviews, extensions, notices sent, token uses.
 * 1. The unit must exist (404).
 * 2. Read the unit's audit partition (one Query; the log is append-only).
 * 3. Order by time; entries of the same instant keep their stored order.
 */
export async function readAudit(
  deps: { audit: AuditLog; regimes: Regimes },
  input: { unitId: string; period: PeriodKey },
): Promise<{ period: number | string; regime?: string; unitId: string; entries: AuditEntry[] }> {
  const unit = requireUnit(deps.regimes, input.unitId);
  const entries = (await deps.audit.list(input.period, unit.id))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => instant(a.e.at) - instant(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
  return { ...periodFields(input.period), unitId: unit.id, entries };
}
