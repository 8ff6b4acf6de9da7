import { currentPeriod, lastKnownPeriod, openPeriods } from '../domain/calendar.js';
import { expectedUnits, type Regime, type Unit } from '../domain/regime.js';
import { RequestError } from '../errors.js';

/** 400 INVALID_PERIOD for a period the regime does not know (before its first, or past next year). */
export function requireKnownPeriod(regime: Regime, period: number, now: Date): void {
  const last = lastKnownPeriod(regime, now);
  if (period < regime.firstPeriod || period > last) {
    throw new RequestError(400, 'INVALID_PERIOD', `Kỳ báo cáo ${period} không tồn tại (từ ${regime.firstPeriod} đến ${last})`);
  }
}

/** The open periods in which the unit is expected to report, newest first. */
export function unitPeriods(regime: Regime, unit: Unit, now: Date): number[] {
  return openPeriods(regime, now).filter((p) => expectedUnits(regime, p).some((u) => u.id === unit.id));
}

/** The period a unit's page and template open on: its latest open period, else the current one. */
export function unitDefaultPeriod(regime: Regime, unit: Unit | undefined, now: Date): number {
  return (unit && unitPeriods(regime, unit, now)[0]) ?? currentPeriod(regime, now);
}
