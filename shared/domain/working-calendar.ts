import { statutoryDaysOff, type DayOff } from './holidays.js';
import type { Regime } from './regime.js';

/**
 * The one working-day calendar every rule uses (deadlines, notices, the form, the demo): Monday to
 * Friday, less the statutory days off computed for the year (holidays.ts), with the government's
 * yearly arrangement (the regime's `calendar`) applied on top, plus the regime's explicit
 * `holidays` list (kept as a plain extra list, as before).
 */
export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** The year's days off falling on a weekday (a làm bù Saturday is not one), in date order. */
  daysOff(year: number): readonly DayOff[];
  /** How many working days the year has. */
  workingDays(year: number): number;
}

/** The calendar part of a regime (so the CLI and tests can build one without the rest). */
export type CalendarSource = Pick<Regime, 'holidays' | 'calendar'>;

interface Year {
  off: Map<string, DayOff>;
  /** Dates worked although a weekend or a computed holiday (làm bù, or a day the government moved). */
  worked: Set<string>;
}

const EXTRA_DAY_NAME = 'Ngày nghỉ theo danh sách của chế độ báo cáo';
const isWeekend = (date: string) => {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
};

function buildYear(source: CalendarSource, year: number): Year {
  const arrangement = source.calendar?.[String(year)];
  const off = new Map<string, DayOff>();
  if (!arrangement?.replacesDefault) for (const d of statutoryDaysOff(year)) off.set(d.date, d);
  const worked = new Set<string>();
  for (const d of arrangement?.workingDays ?? []) {
    off.delete(d.date);
    worked.add(d.date);
  }
  for (const d of arrangement?.daysOff ?? []) if (!isWeekend(d.date)) off.set(d.date, d);
  const prefix = `${year}-`;
  for (const date of source.holidays)
    if (date.startsWith(prefix) && !isWeekend(date) && !off.has(date)) off.set(date, { date, name: EXTRA_DAY_NAME });
  return { off: new Map([...off].sort(([a], [b]) => a.localeCompare(b))), worked };
}

export function createWorkingCalendar(source: CalendarSource): WorkingCalendar {
  const years = new Map<number, Year>();
  const yearOf = (y: number) => {
    let built = years.get(y);
    if (!built) years.set(y, (built = buildYear(source, y)));
    return built;
  };
  return {
    isWorkingDay(date) {
      const y = yearOf(Number(date.slice(0, 4)));
      if (y.worked.has(date)) return true;
      return !isWeekend(date) && !y.off.has(date);
    },
    daysOff(year) {
      return [...yearOf(year).off.values()];
    },
    workingDays(year) {
      let n = 0;
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        if (this.isWorkingDay(new Date(t).toISOString().slice(0, 10))) n += 1;
      }
      return n;
    },
  };
}

/** Built once per regime object (regimes are immutable once loaded); each year on first use. */
const calendars = new WeakMap<CalendarSource, WorkingCalendar>();

export function workingCalendar(regime: CalendarSource): WorkingCalendar {
  let c = calendars.get(regime);
  if (!c) calendars.set(regime, (c = createWorkingCalendar(regime)));
  return c;
}
