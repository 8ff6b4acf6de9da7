import type { PeriodKey } from './periodicity.js';
import { addDays, localDate, periodDates, zonedTime } from './calendar.js';
import type { Regime } from './regime.js';

/**
 * When a period is closed: the consolidation date plus a grace window (`regime.closeAfterDays`,
 * default 30 days). Until then late reports, returns and replacements still change the summary and
 * the daily update re-sends it; from then on the period's figures are final — no summary update is
 * sent and late uploads may be refused. One definition, so both agree on the same instant.
 */
export const DEFAULT_CLOSE_AFTER_DAYS = 30;

export function closeAfterDays(regime: Regime): number {
  return regime.closeAfterDays ?? DEFAULT_CLOSE_AFTER_DAYS;
}

/** The instant the period closes: the consolidation's local wall-clock time, `closeAfterDays` calendar days later. */
export function periodClosesAt(regime: Regime, period: PeriodKey): Date {
  const tz = regime.timeZone;
  const { consolidationAt } = periodDates(regime, period);
  const [y, m, d] = addDays(localDate(consolidationAt, tz), closeAfterDays(regime)).split('-').map(Number) as [number, number, number];
  return zonedTime(tz, y, m, d, regime.consolidation.hour);
}

export function isPeriodClosed(regime: Regime, period: PeriodKey, now: Date): boolean {
  return now >= periodClosesAt(regime, period);
}

/** Consolidated at least once and not yet closed: the window in which the summary is kept current. */
export function isSummaryUpdateWindow(regime: Regime, period: PeriodKey, now: Date): boolean {
  return now >= periodDates(regime, period).consolidationAt && !isPeriodClosed(regime, period, now);
}
