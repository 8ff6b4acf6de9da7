import { periodJson, type PeriodKey } from '../../shared/domain/periodicity.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';

/**
 * A size-valid but crafted report (issue 12): every known field of the wrong type, an unknown field
 * in every group, and 50,000 unknown fields at the top — about 930 KB, under the 1 MB JSON limit.
 */
export function craftedReport(unitId: string, period: PeriodKey, unknownFields = 50_000): Record<string, unknown> {
  const spoil = (v: unknown, depth: number): unknown =>
    v !== null && typeof v === 'object'
      ? { ...Object.fromEntries(Object.entries(v).map(([k, x]) => [k, spoil(x, depth + 1)])), [`extra${depth}`]: 1 }
      : typeof v === 'number'
        ? 'x'
        : typeof v === 'string'
          ? 1
          : 'x';
  const crafted = spoil(sampleReport(DEFAULT_REGIME, unitId, period), 0) as Record<string, unknown>;
  crafted.unitId = unitId;
  crafted.period = periodJson(period);
  for (let i = 0; i < unknownFields; i++) crafted[`field${i}`] = i;
  return crafted;
}
