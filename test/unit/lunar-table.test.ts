import { describe, expect, it } from 'vitest';
import { lunarToSolar, solarToLunar } from '../../shared/domain/lunar.js';
import { FIRST_TABULATED_YEAR, gioToOf, LAST_TABULATED_YEAR, tetOf } from '../../shared/domain/lunar-table.js';

/** The table the functions carry is the lunar arithmetic's output, year by year. */
describe('lunar table', () => {
  it('holds, for every year 2000–2100, the dates the lunar arithmetic gives', () => {
    for (let year = FIRST_TABULATED_YEAR; year <= LAST_TABULATED_YEAR; year++) {
      const mung1 = lunarToSolar(1, 1, year);
      const dayBefore = new Date(Date.parse(`${mung1}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect(tetOf(year), String(year)).toEqual({ mung1, lastMonthDays: solarToLunar(dayBefore).day });
      expect(gioToOf(year), String(year)).toBe(lunarToSolar(10, 3, year));
    }
  });

  it('knows Tết 2026 and 2027 as published (17 February 2026, 6 February 2027)', () => {
    expect(tetOf(2026).mung1).toBe('2026-02-17');
    expect(tetOf(2027).mung1).toBe('2027-02-06');
    expect(gioToOf(2026)).toBe('2026-04-26');
  });

  it('refuses a year outside the table', () => {
    expect(() => tetOf(1999)).toThrow(RangeError);
    expect(() => gioToOf(2101)).toThrow(RangeError);
  });
});
