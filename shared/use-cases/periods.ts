import { currentPeriod, lastKnownYear, openPeriods } from '../domain/calendar.js';
import { parsePeriodId, periodKey, PeriodIdError, splitPeriodKey, type PeriodKey } from '../domain/periodicity.js';
import { expectedUnits, type Regime, type Unit } from '../domain/regime.js';
import { regimeById, type Regimes } from '../domain/regimes.js';
import { RequestError } from '../errors.js';

/** A period as a request names it: a year as a number (`period: 2026`, the annual contract) or any period id as text. */
export type PeriodParam = number | string;

/** 404 UNKNOWN_REGIME unless the deployment runs a regime with that id (none given: the main one). */
export function requireRegime(set: Regimes, id: string | undefined): Regime {
  const regime = regimeById(set, id);
  if (!regime) {
    const known = set.all.map((r) => `"${r.id}"`).join(', ');
    throw new RequestError(
      404,
      'UNKNOWN_REGIME',
      `Không có chế độ báo cáo mã "${String(id).slice(0, 64)}" (triển khai này chạy chế độ ${known})`,
    );
  }
  return regime;
}

/**
 * A request's regime and period (DESIGN.md section 3): the regime by id (absent: the main one), the
 * period as an id of the regime's periodicity (`2026`, `2026-H1`, `2026-Q3`, `2026-11`), known to the
 * regime (from its first period to next year); absent: the regime's current period.
 * 404 UNKNOWN_REGIME, 400 INVALID_PERIOD, with Vietnamese messages.
 */
export function resolvePeriod(
  set: Regimes,
  input: { regime?: string; period?: PeriodParam },
  now: Date,
): { regime: Regime; period: PeriodKey } {
  const regime = requireRegime(set, input.regime);
  if (input.period === undefined) return { regime, period: currentPeriod(regime, now) };
  const id = String(input.period).slice(0, 40);
  try {
    parsePeriodId(regime.frequency, id);
  } catch (e) {
    if (e instanceof PeriodIdError) throw new RequestError(400, 'INVALID_PERIOD', e.message);
    throw e;
  }
  const period = periodKey(regime, id);
  requireKnownPeriod(regime, period, now);
  return { regime, period };
}

/** 400 INVALID_PERIOD for a period the regime does not know (before its first, or past next year). */
export function requireKnownPeriod(regime: Regime, period: PeriodKey, now: Date): void {
  const last = lastKnownYear(regime, now);
  const year = parsePeriodId(regime.frequency, splitPeriodKey(period).id).year;
  if (year < regime.firstPeriod || year > last) {
    throw new RequestError(
      400,
      'INVALID_PERIOD',
      `Kỳ báo cáo ${splitPeriodKey(period).id} không tồn tại (từ ${regime.firstPeriod} đến ${last})`,
    );
  }
}

/** The open periods in which the unit is expected to report, newest first. */
export function unitPeriods(regime: Regime, unit: Unit, now: Date): PeriodKey[] {
  return openPeriods(regime, now).filter((p) => expectedUnits(regime, p).some((u) => u.id === unit.id));
}

/** The period a unit's page and template open on: its latest open period, else the current one. */
export function unitDefaultPeriod(regime: Regime, unit: Unit | undefined, now: Date): PeriodKey {
  return (unit && unitPeriods(regime, unit, now)[0]) ?? currentPeriod(regime, now);
}
