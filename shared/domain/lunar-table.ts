/**
 * The lunar dates the holidays need (holidays.ts), for the years a regime may name (2000–2100):
 * mùng 1 Tết, the length of the old year's last month (29 or 30 days: which day before Tết is
 * "30 tháng Chạp"), and 10/3 âm lịch (Giỗ Tổ Hùng Vương). Tabulated from the lunar arithmetic in
 * lunar.ts, which stays the source: test/unit/lunar-table.test.ts recomputes every entry from it.
 * Hand-written as a table rather than bundled as arithmetic: every function that derives a status
 * needs the working-day calendar, and the arithmetic (sines of the Moon and the Sun) is 2.6 KB
 * against each function's bundle budget (issue 7); this is 0.3 KB.
 *
 * One character per year from 2000. TET: mùng 1 Tết is 21 January plus n days, n = the character's
 * index in DIGITS, less 31 when the old year's last month has 30 days. GIO_TO: 20 March plus n days.
 */
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TET = 'f3RbwO8rMATI2kFYiCVKzRbwP8rg5nc2lFYNCUJ3mbwPEWLATc2lGsNCpJ3mH0jDWfATdxQFYMBpK3mHwODWgATdyk9XhBpK4RGvO';
const GIO_TO = 'pexmDtiBqfynbukDrhApdwlEtiBrfyncukDshzoevlEuiBqfxmcvkDshzodwlbujBqfymcvkCrgzodwmatiBpexncvkDrgzodwmEt';
export const FIRST_TABULATED_YEAR = 2000;
export const LAST_TABULATED_YEAR = 2100;

function entry(table: string, year: number): number {
  const n = DIGITS.indexOf(table.charAt(year - FIRST_TABULATED_YEAR));
  if (year < FIRST_TABULATED_YEAR || year > LAST_TABULATED_YEAR || n < 0)
    throw new RangeError(`no lunar dates tabulated for ${year} (${FIRST_TABULATED_YEAR}–${LAST_TABULATED_YEAR})`);
  return n;
}

const plusDays = (year: number, month: number, day: number, n: number) =>
  new Date(Date.UTC(year, month - 1, day + n)).toISOString().slice(0, 10);

/** Mùng 1 Tết of `year` (YYYY-MM-DD) and the number of days of the old lunar year's last month. */
export function tetOf(year: number): { mung1: string; lastMonthDays: 29 | 30 } {
  const n = entry(TET, year);
  return n >= 31 ? { mung1: plusDays(year, 1, 21, n - 31), lastMonthDays: 30 } : { mung1: plusDays(year, 1, 21, n), lastMonthDays: 29 };
}

/** 10/3 âm lịch of `year` (YYYY-MM-DD). */
export const gioToOf = (year: number): string => plusDays(year, 3, 20, entry(GIO_TO, year));
