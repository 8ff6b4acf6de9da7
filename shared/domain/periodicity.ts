import { addDays, addWorkingDays, isWorkingDay, periodDates, type WorkingDays } from './calendar.js';
import type { Regime } from './regime.js';

/**
 * Reporting periods of any periodicity, after Nghị định 09/2019/NĐ-CP, Điều 12 (thời gian chốt số
 * liệu): every window ends on the 14th of the period's last month and starts on the 15th of the month
 * before its first month — annual 15/12 of the previous year → 14/12, six-monthly 15/12 → 14/6 (and
 * 15/6 → 14/12), quarterly 15/12 → 14/3, 15/3 → 14/6, 15/6 → 14/9, 15/9 → 14/12, monthly the 15th of
 * the previous month → the 14th. Pure: local dates are 'YYYY-MM-DD' strings, no clock is read.
 */
export const PERIODICITIES = ['annual', 'six-monthly', 'quarterly', 'monthly'] as const;
export type Periodicity = (typeof PERIODICITIES)[number];

/** A parsed period id: `2026` (index 1), `2026-H2` (2), `2026-Q3` (3), `2026-11` (11). */
export interface PeriodRef {
  periodicity: Periodicity;
  year: number;
  /** 1-based position of the period in its year. */
  index: number;
}

/** Local dates (inclusive) of a period's data cut-off window. */
export interface PeriodWindow {
  from: string;
  to: string;
}

/**
 * Thời hạn gửi báo cáo, counted from the end of the cut-off window: `workingDays` n is the n-th
 * working day after it (weekends, Tết and other days off skipped); `days` n is n calendar days after
 * it, moved to the next working day when it falls on a day off (as Bộ luật Dân sự 2015, Điều 148
 * khoản 5 ends a time limit whose last day is a day off).
 */
export interface DeadlineRule {
  afterCutOff: { workingDays: number } | { days: number };
}

export class PeriodIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodIdError';
  }
}

const SHAPE: Record<Periodicity, { months: number; pattern: RegExp; vi: string; example: string }> = {
  annual: { months: 12, pattern: /^(\d{4})$/, vi: 'năm ghi dạng NNNN', example: '2026' },
  'six-monthly': { months: 6, pattern: /^(\d{4})-H([12])$/, vi: '6 tháng ghi dạng NNNN-H1 hoặc NNNN-H2', example: '2026-H1' },
  quarterly: { months: 3, pattern: /^(\d{4})-Q([1-4])$/, vi: 'quý ghi dạng NNNN-Qn (n từ 1 đến 4)', example: '2026-Q3' },
  monthly: { months: 1, pattern: /^(\d{4})-(0[1-9]|1[0-2])$/, vi: 'tháng ghi dạng NNNN-MM (MM từ 01 đến 12)', example: '2026-11' },
};

/** Years a period id may name: the same bounds as the regime's firstPeriod and unit years. */
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/** Parses a period id of the given periodicity; anything else is refused with a Vietnamese message. */
export function parsePeriodId(periodicity: Periodicity, id: string): PeriodRef {
  const shape = SHAPE[periodicity];
  const m = shape.pattern.exec(id);
  const year = m ? Number(m[1]) : NaN;
  if (!m || year < MIN_YEAR || year > MAX_YEAR) {
    const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
    throw new PeriodIdError(
      `Kỳ báo cáo "${shown}" không hợp lệ: kỳ báo cáo ${shape.vi}, năm từ ${MIN_YEAR} đến ${MAX_YEAR}, ví dụ ${shape.example}.`,
    );
  }
  return { periodicity, year, index: periodicity === 'annual' ? 1 : Number(m[2]) };
}

export function formatPeriodId(ref: PeriodRef): string {
  switch (ref.periodicity) {
    case 'annual':
      return String(ref.year);
    case 'six-monthly':
      return `${ref.year}-H${ref.index}`;
    case 'quarterly':
      return `${ref.year}-Q${ref.index}`;
    case 'monthly':
      return `${ref.year}-${String(ref.index).padStart(2, '0')}`;
  }
}

export const periodsPerYear = (p: Periodicity) => 12 / SHAPE[p].months;
const ymd = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The cut-off window of a period (Điều 12): the 15th of the month before its first month → the 14th of its last month. */
export function periodWindow(periodicity: Periodicity, id: string): PeriodWindow {
  const { year, index } = parsePeriodId(periodicity, id);
  const lastMonth = index * SHAPE[periodicity].months;
  const monthBefore = lastMonth - SHAPE[periodicity].months;
  return {
    from: monthBefore === 0 ? ymd(year - 1, 12, 15) : ymd(year, monthBefore, 15),
    to: ymd(year, lastMonth, 14),
  };
}

/** The period whose cut-off window contains a local date: 15/12/2025 already belongs to 2026's first period. */
export function periodContaining(periodicity: Periodicity, date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const cutOffMonth = d >= 15 ? m + 1 : m;
  const year = cutOffMonth === 13 ? y + 1 : y;
  const month = cutOffMonth === 13 ? 1 : cutOffMonth;
  return formatPeriodId({ periodicity, year, index: Math.ceil(month / SHAPE[periodicity].months) });
}

/** The local due date: the deadline is the end of that day. */
export function dueDateAfter(window: PeriodWindow, rule: DeadlineRule, days: WorkingDays): string {
  const after = rule.afterCutOff;
  if ('workingDays' in after) return addWorkingDays(window.to, after.workingDays, days);
  let due = addDays(window.to, after.days);
  // Bounded: no run of days off in a year is anywhere near a year long.
  for (let i = 0; i < 366 && !isWorkingDay(due, days); i++) due = addDays(due, 1);
  return due;
}

/** The period after (step 1) or before (step -1) a period. */
export function shiftPeriod(periodicity: Periodicity, id: string, step: number): string {
  const { year, index } = parsePeriodId(periodicity, id);
  const n = periodsPerYear(periodicity);
  const ordinal = year * n + (index - 1) + step;
  return formatPeriodId({ periodicity, year: Math.floor(ordinal / n), index: (ordinal % n) + 1 });
}

/** Every period from `from` to `to`, both included, oldest first ([] when `to` comes first). Bounded by the id's year range. */
export function periodsBetween(periodicity: Periodicity, from: string, to: string): string[] {
  const ordinal = (id: string) => {
    const r = parsePeriodId(periodicity, id);
    return r.year * periodsPerYear(periodicity) + r.index - 1;
  };
  const count = ordinal(to) - ordinal(from) + 1;
  const out: string[] = [];
  let id = formatPeriodId(parsePeriodId(periodicity, from));
  for (let i = 0; i < count; i++) {
    out.push(id);
    if (i + 1 < count) id = shiftPeriod(periodicity, id, 1);
  }
  return out;
}

/** "Cùng kỳ năm trước": the same period one year earlier (2026-Q3 → 2025-Q3, 2026 → 2025). */
export function previousComparablePeriod(periodicity: Periodicity, id: string): string {
  const ref = parsePeriodId(periodicity, id);
  if (ref.year - 1 < MIN_YEAR) throw new PeriodIdError(`Kỳ báo cáo ${id} không có cùng kỳ năm trước.`);
  return formatPeriodId({ ...ref, year: ref.year - 1 });
}

/** The periodicity a regime names (Tần suất thực hiện báo cáo). */
export const regimePeriodicity = (regime: Regime): Periodicity => regime.frequency;

/**
 * A period as the pipeline names it in table keys, object keys, records and token grants: the period
 * id (`2026`, `2026-Q3`) for the deployment's main regime — so its keys are what they were before a
 * deployment could run several — and `{regimeId}/{periodId}` for every other regime it runs
 * (`regime.scoped`, set by the registry). At the edges (HTTP, CLI, events) it is the pair
 * `regime` + `period` of DESIGN.md section 3.
 */
export type PeriodKey = string;

export const periodKey = (regime: Pick<Regime, 'id' | 'scoped'>, id: string): PeriodKey => (regime.scoped ? `${regime.id}/${id}` : id);

/** The regime (absent: the main one) and the period id of a key. */
export function splitPeriodKey(key: PeriodKey): { regimeId?: string; id: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { id: key } : { regimeId: key.slice(0, slash), id: key.slice(slash + 1) };
}

/**
 * A period as the HTTP API, the events and the report write it (DESIGN.md section 3): a year as a
 * number (2026, as the annual contract always had it), any other id as text ('2026-Q3').
 */
export function periodJson(key: PeriodKey): number | string {
  const { id } = splitPeriodKey(key);
  return /^\d{4}$/.test(id) ? Number(id) : id;
}

/**
 * A key as hashes saw periods before they were keys: a year as the number (2026), any other key as
 * it is. Audit chains and summary hashes use it, so what was written before still verifies.
 */
export const hashedPeriod = (key: PeriodKey): number | string => (/^\d{4}$/.test(key) ? Number(key) : key);

/** The `regime` (only for a regime other than the main one) and `period` of an event about a period. */
export function periodFields(key: PeriodKey): { period: number | string; regime?: string } {
  const { regimeId } = splitPeriodKey(key);
  return regimeId === undefined ? { period: periodJson(key) } : { regime: regimeId, period: periodJson(key) };
}

/** The period key of an event's (or stored item's) `regime` and `period` (periodFields turned back). */
export const periodKeyOf = (fields: { period: number | string; regime?: string | undefined }): PeriodKey =>
  fields.regime === undefined ? String(fields.period) : `${fields.regime}/${fields.period}`;

/** A period key fit for a file name: 'qn-quy-2026-Q3' (no slash). */
export const periodSlug = (key: PeriodKey): string => key.replace('/', '-');

/** Whether an id names a period of the regime's periodicity. */
export function isPeriodOf(regime: Pick<Regime, 'frequency'>, id: string): boolean {
  try {
    parsePeriodId(regime.frequency, id);
    return true;
  } catch {
    return false;
  }
}

/** The calendar year a period belongs to (its id's first four digits). */
export const periodYear = (key: PeriodKey): number => Number(splitPeriodKey(key).id.slice(0, 4));

const ROMAN = ['I', 'II', 'III', 'IV'];
/** How a person reads the period: "năm 2026", "6 tháng đầu năm 2026", "quý III năm 2026", "tháng 11 năm 2026". */
export function periodLabel(periodicity: Periodicity, key: PeriodKey): string {
  const { year, index } = parsePeriodId(periodicity, splitPeriodKey(key).id);
  switch (periodicity) {
    case 'annual':
      return `năm ${year}`;
    case 'six-monthly':
      return `6 tháng ${index === 1 ? 'đầu' : 'cuối'} năm ${year}`;
    case 'quarterly':
      return `quý ${ROMAN[index - 1]} năm ${year}`;
    case 'monthly':
      return `tháng ${index} năm ${year}`;
  }
}

/** Cut-off window and due date of one period of a regime. */
export interface RegimePeriod extends PeriodWindow {
  id: string;
  dueDate: string;
}

/** A period of any regime by its id (periodDates in calendar.ts has every date of it). */
export function regimePeriod(regime: Regime, id: string): RegimePeriod {
  const d = periodDates(regime, periodKey(regime, id));
  return { id, from: d.cutOffFrom, to: d.cutOffTo, dueDate: d.dueDate };
}
