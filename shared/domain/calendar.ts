import {
  dueDateAfter,
  formatPeriodId,
  parsePeriodId,
  periodKey,
  periodsPerYear,
  periodWindow,
  shiftPeriod,
  splitPeriodKey,
  type PeriodKey,
} from './periodicity.js';
import type { Regime } from './regime.js';
import { workingCalendar } from './working-calendar.js';

/**
 * Time-zone and working-day arithmetic. Pure: every function takes its instants and the zone.
 * Local calendar dates are 'YYYY-MM-DD' strings; instants are Date.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

function wallClock(instant: Date, tz: string) {
  const parts = formatter(tz).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The wall-clock time of an instant in `tz`, to the second, as a Date whose UTC fields show it (Excel has no zones). */
export function wallClockAsUtc(instant: Date, tz: string): Date {
  const w = wallClock(instant, tz);
  return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
}

function offsetMs(instant: Date, tz: string): number {
  return wallClockAsUtc(instant, tz).getTime() - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant at which the wall clock in `tz` shows the given local time. */
export function zonedTime(tz: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const first = offsetMs(new Date(guess), tz);
  const second2 = offsetMs(new Date(guess - first), tz);
  return new Date(guess - second2);
}

/** The local calendar date (YYYY-MM-DD) of an instant in `tz`. */
export function localDate(instant: Date, tz: string): string {
  const w = wallClock(instant, tz);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Which days are worked: a regime's calendar (`workingCalendar(regime)` in working-calendar.ts,
 * what every rule uses) or, in tests, a bare list of days off on top of weekends.
 */
export type WorkingDays = readonly string[] | { isWorkingDay(date: string): boolean };

export function isWorkingDay(date: string, days: WorkingDays): boolean {
  if (!Array.isArray(days)) return (days as { isWorkingDay(date: string): boolean }).isWorkingDay(date);
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !days.includes(date);
}

/** The n-th working day after (n > 0) or before (n < 0) `date`, not counting `date` itself. */
export function addWorkingDays(date: string, n: number, holidays: WorkingDays): string {
  const step = n >= 0 ? 1 : -1;
  let left = Math.abs(n);
  let d = date;
  while (left > 0) {
    d = addDays(d, step);
    if (isWorkingDay(d, holidays)) left -= 1;
  }
  return d;
}

/** How many working days come after `from` up to and including `to` (0 when `to` is not later). */
export function workingDaysBetween(from: string, to: string, days: WorkingDays): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, days)) n += 1;
  return n;
}

/** The key dates of one reporting period, as instants and local dates. */
export interface PeriodDates {
  period: PeriodKey;
  opensAt: Date;
  cutOffFrom: string;
  cutOffTo: string;
  /** Local date of the deadline; the deadline is the end of that day. */
  dueDate: string;
  dueAt: Date;
  consolidationAt: Date;
}

/** Computed once per (regime, period): each costs several Intl look-ups and every status and validation needs it. */
const periodCache = new WeakMap<Regime, Map<PeriodKey, Readonly<PeriodDates>>>();

/**
 * The dates of one of the regime's periods (a PeriodKey, periodicity.ts); throws PeriodIdError for a
 * period id the regime's periodicity cannot name.
 */
export function periodDates(regime: Regime, period: PeriodKey): Readonly<PeriodDates> {
  let byPeriod = periodCache.get(regime);
  if (!byPeriod) periodCache.set(regime, (byPeriod = new Map<PeriodKey, Readonly<PeriodDates>>()));
  let dates = byPeriod.get(period);
  if (!dates) byPeriod.set(period, (dates = Object.freeze(computePeriodDates(regime, period))));
  return dates;
}

/**
 * An annual regime keeps its own month/day dates (cutOff, opensOn, deadline, consolidation), so the
 * default regime's periods are exactly what they always were. A six-monthly, quarterly or monthly one
 * has Nghị định 09, Điều 12's window, its `deadlineRule` on its working-day calendar, opens on the
 * first day of the window's last month, and is consolidated on the first working day after the
 * deadline at the regime's consolidation hour.
 */
function computePeriodDates(regime: Regime, period: PeriodKey): PeriodDates {
  const tz = regime.timeZone;
  const id = splitPeriodKey(period).id;
  const ref = parsePeriodId(regime.frequency, id);
  const localAt = (date: string, h = 0) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return zonedTime(tz, y, m, d, h);
  };
  if (regime.frequency !== 'annual' && regime.deadlineRule) {
    const window = periodWindow(regime.frequency, id);
    const days = workingCalendar(regime);
    const dueDate = dueDateAfter(window, regime.deadlineRule, days);
    return {
      period,
      opensAt: localAt(`${window.to.slice(0, 8)}01`),
      cutOffFrom: window.from,
      cutOffTo: window.to,
      dueDate,
      dueAt: endOfLocalDay(dueDate, tz),
      consolidationAt: localAt(addWorkingDays(dueDate, 1, days), regime.consolidation.hour),
    };
  }
  const year = ref.year;
  const md = (x: { month: number; day: number; yearOffset: number }) =>
    `${year + x.yearOffset}-${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}`;
  const dueDate = md(regime.deadline);
  return {
    period,
    opensAt: localAt(md(regime.opensOn)),
    cutOffFrom: md(regime.cutOff.from),
    cutOffTo: md(regime.cutOff.to),
    dueDate,
    dueAt: endOfLocalDay(dueDate, tz),
    consolidationAt: localAt(md(regime.consolidation), regime.consolidation.hour),
  };
}

/** The last millisecond of a local date. */
export function endOfLocalDay(date: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(zonedTime(tz, y, m, d + 1).getTime() - 1);
}

/**
 * "ngày 18 tháng 12 năm 2026". Nghị định 30/2020/NĐ-CP (Phụ lục I): a day below 10 and the
 * months 1 and 2 take a leading zero, other months do not — "ngày 05 tháng 01", "ngày 05 tháng 3".
 */
export function vietnameseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `ngày ${String(d).padStart(2, '0')} tháng ${m <= 2 ? String(m).padStart(2, '0') : m} năm ${y}`;
}

/** "08:15 ngày 18/12/2026" in the regime's zone. */
export function vietnameseDateTime(instant: Date, tz: string): string {
  const w = wallClock(instant, tz);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(w.hour)}:${p(w.minute)} ngày ${p(w.day)}/${p(w.month)}/${w.year}`;
}

/**
 * The current period — the one rule for "which period now": the latest whose window has opened at
 * `now` (never before the regime's first period). The board and the status API open on it, the
 * notices chase it, the scheduled summary consolidates it, the form and the template default to it.
 */
export function currentPeriod(regime: Regime, now: Date): PeriodKey {
  const first = firstPeriodOf(regime);
  // The period containing next year's first day, then back: bounded by the periods of two years.
  let p = periodKey(regime, periodIdContaining(regime, `${Number(localDate(now, regime.timeZone).slice(0, 4)) + 1}-12-14`));
  for (let i = 0; i < 30 && p !== first; i++, p = previousPeriod(regime, p)) if (periodDates(regime, p).opensAt <= now) return p;
  return first;
}

/** Every period whose window has opened at `now`, newest first (the board's period list), at most `limit`. */
export function openPeriods(regime: Regime, now: Date, limit = 60): PeriodKey[] {
  const periods: PeriodKey[] = [];
  const first = firstPeriodOf(regime);
  for (let p: PeriodKey | undefined = currentPeriod(regime, now); p !== undefined && periods.length < limit;) {
    if (periodDates(regime, p).opensAt <= now) periods.push(p);
    p = p === first ? undefined : previousPeriod(regime, p);
  }
  return periods;
}

/** The first period of a year: the year itself for an annual regime, else H1, Q1 or month 01. */
export const firstPeriodOfYear = (regime: Regime, year: number): PeriodKey =>
  periodKey(regime, formatPeriodId({ periodicity: regime.frequency, year, index: 1 }));

/** The regime's first period: the first period of its firstPeriod year. */
export const firstPeriodOf = (regime: Regime): PeriodKey => firstPeriodOfYear(regime, regime.firstPeriod);

/** The period before one (its key). */
export const previousPeriod = (regime: Regime, period: PeriodKey): PeriodKey =>
  periodKey(regime, shiftPeriod(regime.frequency, splitPeriodKey(period).id, -1));

/** The id of the regime's period whose calendar months contain a date (an annual period is its calendar year). */
function periodIdContaining(regime: Regime, date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return formatPeriodId({ periodicity: regime.frequency, year, index: Math.ceil((month * periodsPerYear(regime.frequency)) / 12) });
}

/** The latest year a request may name: next year's periods can be asked for before they open (and then refused as not open). */
export const lastKnownYear = (regime: Regime, now: Date): number => Number(localDate(now, regime.timeZone).slice(0, 4)) + 1;
