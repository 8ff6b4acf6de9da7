import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { statutoryDaysOff } from '../../shared/domain/holidays.js';
import { lunarToSolar, solarToLunar, tetDate } from '../../shared/domain/lunar.js';

const YEARS = Array.from({ length: 15 }, (_, i) => 2026 + i);
const dow = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string) => dow(date) === 0 || dow(date) === 6;

/*
 * Every weekday off of 2026–2040 by the defaults of holidays.ts, checked by hand against a
 * calendar (`cal`): Tết's five weekdays end on the last weekday on or before mùng 5; 1/1, Giỗ Tổ,
 * 30/4, 1/5 and the two Quốc khánh days, each moved to the next free working day when it falls on
 * a weekend or another holiday.
 */
const EXPECTED: Record<number, string[]> = {
  2026: ['01-01', '02-16', '02-17', '02-18', '02-19', '02-20', '04-27', '04-30', '05-01', '09-01', '09-02'],
  2027: ['01-01', '02-04', '02-05', '02-08', '02-09', '02-10', '04-16', '04-30', '05-03', '09-02', '09-03'],
  2028: ['01-03', '01-24', '01-25', '01-26', '01-27', '01-28', '04-04', '05-01', '05-02', '09-01', '09-04'],
  2029: ['01-01', '02-12', '02-13', '02-14', '02-15', '02-16', '04-23', '04-30', '05-01', '09-03', '09-04'],
  2030: ['01-01', '01-31', '02-01', '02-04', '02-05', '02-06', '04-12', '04-30', '05-01', '09-02', '09-03'],
  2031: ['01-01', '01-21', '01-22', '01-23', '01-24', '01-27', '04-01', '04-30', '05-01', '09-01', '09-02'],
  2032: ['01-01', '02-09', '02-10', '02-11', '02-12', '02-13', '04-19', '04-30', '05-03', '09-02', '09-03'],
  2033: ['01-03', '01-31', '02-01', '02-02', '02-03', '02-04', '04-11', '05-02', '05-03', '09-01', '09-02'],
  2034: ['01-02', '02-17', '02-20', '02-21', '02-22', '02-23', '04-28', '05-01', '05-02', '09-01', '09-04'],
  2035: ['01-01', '02-06', '02-07', '02-08', '02-09', '02-12', '04-17', '04-30', '05-01', '09-03', '09-04'],
  2036: ['01-01', '01-28', '01-29', '01-30', '01-31', '02-01', '04-07', '04-30', '05-01', '09-01', '09-02'],
  2037: ['01-01', '02-13', '02-16', '02-17', '02-18', '02-19', '04-24', '04-30', '05-01', '09-01', '09-02'],
  2038: ['01-01', '02-02', '02-03', '02-04', '02-05', '02-08', '04-13', '04-30', '05-03', '09-02', '09-03'],
  2039: ['01-03', '01-24', '01-25', '01-26', '01-27', '01-28', '04-04', '05-02', '05-03', '09-01', '09-02'],
  2040: ['01-02', '02-10', '02-13', '02-14', '02-15', '02-16', '04-20', '04-30', '05-01', '09-03', '09-04'],
};

describe('the Vietnamese lunar calendar (UTC+7)', () => {
  it('gives the published first day of Tết', () => {
    // prepare: Tết Nguyên đán as announced (2030: 2 February in Vietnam, 3 February in China)
    const published = { 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-02' };
    // act
    const computed = Object.fromEntries(Object.keys(published).map((y) => [y, tetDate(Number(y))]));
    // assess
    expect(computed).toEqual(published);
  });

  it('differs from the Chinese calendar (UTC+8) where the new moon falls between 16:00 and 17:00 UTC', () => {
    // act / assess: Tết Mậu Thân 1968, Ất Sửu 1985 (a whole month apart), Đinh Hợi 2007, Canh Tuất 2030
    expect([tetDate(1968), tetDate(1968, 8)]).toEqual(['1968-01-29', '1968-01-30']);
    expect([tetDate(1985), tetDate(1985, 8)]).toEqual(['1985-01-21', '1985-02-20']);
    expect([tetDate(2007), tetDate(2007, 8)]).toEqual(['2007-02-17', '2007-02-18']);
    expect([tetDate(2030), tetDate(2030, 8)]).toEqual(['2030-02-02', '2030-02-03']);
    // and Giỗ Tổ in 2037 and 2038
    expect([lunarToSolar(10, 3, 2037), lunarToSolar(10, 3, 2037, false, 8)]).toEqual(['2037-04-24', '2037-04-25']);
    expect([lunarToSolar(10, 3, 2038), lunarToSolar(10, 3, 2038, false, 8)]).toEqual(['2038-04-13', '2038-04-14']);
  });

  it('agrees with date-holidays (VN) on mùng 1 Tết and Giỗ Tổ for every year 2026–2040', () => {
    // prepare: an independent implementation (a devDependency, too heavy for the Lambda bundles)
    const hd = new Holidays('VN');
    for (const year of YEARS) {
      const theirs = hd.getHolidays(year);
      const dateOf = (rule: string) => theirs.find((h) => h.rule === rule)?.date.slice(0, 10);
      // act / assess
      expect(tetDate(year), `Tết ${year}`).toBe(dateOf('vietnamese 1-0-1'));
      expect(lunarToSolar(10, 3, year), `Giỗ Tổ ${year}`).toBe(dateOf('vietnamese 3-0-10'));
    }
  });

  it('converts both ways: a solar date back to the same lunar date, leap months included', () => {
    // 2025 has a leap 6th month (tháng 6 nhuận), starting 25 July 2025
    expect(solarToLunar('2025-07-25')).toEqual({ day: 1, month: 6, year: 2025, leap: true });
    expect(lunarToSolar(1, 6, 2025, true)).toBe('2025-07-25');
    expect(solarToLunar('2026-02-16')).toEqual({ day: 29, month: 12, year: 2025, leap: false });
    expect(() => lunarToSolar(1, 3, 2025, true)).toThrow(RangeError);
    for (let d = '2026-01-01'; d < '2041-01-01'; d = new Date(Date.parse(d) + 17 * 86_400_000).toISOString().slice(0, 10)) {
      const l = solarToLunar(d);
      expect(lunarToSolar(l.day, l.month, l.year, l.leap), d).toBe(d);
    }
  });
});

describe('statutory days off (Bộ luật Lao động 2019, Điều 112)', () => {
  it.each(YEARS)('lists every weekday off of %i', (year) => {
    // act
    const days = statutoryDaysOff(year).map((d) => d.date);
    // assess
    expect(days).toEqual(EXPECTED[year]?.map((md) => `${year}-${md}`));
  });

  it.each(YEARS)('gives %i eleven weekdays off: Tết five (around mùng 1), the others one each, Quốc khánh two', (year) => {
    // act
    const days = statutoryDaysOff(year);
    // assess
    expect(days).toHaveLength(11);
    for (const d of days) expect(isWeekend(d.date), d.date).toBe(false);
    const tet = days.filter((d) => d.name.startsWith('Tết Nguyên đán'));
    expect(tet).toHaveLength(5);
    const mung1 = Date.parse(tetDate(year));
    for (const d of tet) expect(Math.abs(Date.parse(d.date) - mung1) / 86_400_000, d.date).toBeLessThanOrEqual(6);
    expect(days.filter((d) => d.name.includes('Quốc khánh'))).toHaveLength(2);
    expect(days.filter((d) => d.name.includes('Tết Dương lịch'))).toHaveLength(1);
    expect(days.filter((d) => d.name.includes('Giỗ Tổ'))).toHaveLength(1);
  });

  it('names the compensatory day of a holiday on a weekend: Giỗ Tổ on Sunday 26 April 2026 gives Monday 27 April', () => {
    const days = statutoryDaysOff(2026);
    expect(days.find((d) => d.date === '2026-04-27')?.name).toBe('Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)');
    expect(days.some((d) => d.date === '2026-04-26')).toBe(false);
  });

  it('gives two compensatory days in a row when 30/4 is a Saturday and 1/5 a Sunday (2033)', () => {
    const days = statutoryDaysOff(2033).filter((d) => d.date >= '2033-04-30' && d.date <= '2033-05-31');
    expect(days).toEqual([
      { date: '2033-05-02', name: 'Nghỉ bù Ngày Chiến thắng (30/4)' },
      { date: '2033-05-03', name: 'Nghỉ bù Ngày Quốc tế Lao động (1/5)' },
    ]);
  });

  it('moves a holiday falling on another one: 30/4/2034 is a Sunday and Monday is 1/5, so Tuesday 2/5', () => {
    const days = statutoryDaysOff(2034).filter((d) => d.date.startsWith('2034-05'));
    expect(days.map((d) => [d.date, d.name])).toEqual([
      ['2034-05-01', 'Ngày Quốc tế Lao động (1/5)'],
      ['2034-05-02', 'Nghỉ bù Ngày Chiến thắng (30/4)'],
    ]);
  });

  it('takes Quốc khánh on the side that joins a weekend, and compensates 2/9 on a Saturday or Sunday', () => {
    const qk = (year: number) =>
      statutoryDaysOff(year)
        .filter((d) => d.date.startsWith(`${year}-09`))
        .map((d) => d.date.slice(5));
    expect(qk(2027)).toEqual(['09-02', '09-03']); // Thursday: and Friday
    expect(qk(2025)).toEqual(['09-01', '09-02']); // Tuesday: and Monday
    expect(qk(2028)).toEqual(['09-01', '09-04']); // Saturday: Friday before, Monday in compensation
    expect(qk(2040)).toEqual(['09-03', '09-04']); // Sunday: Monday, and Tuesday in compensation
  });

  it("matches the government's Tết and Quốc khánh arrangements of 2022–2026", () => {
    const of = (year: number, month: string) =>
      statutoryDaysOff(year)
        .filter((d) => d.date.slice(5, 7) === month)
        .map((d) => d.date.slice(5));
    expect([...of(2022, '01'), ...of(2022, '02')]).toEqual(['01-03', '01-31', '02-01', '02-02', '02-03', '02-04']);
    expect(of(2023, '01')).toEqual(['01-02', '01-20', '01-23', '01-24', '01-25', '01-26']);
    expect(of(2024, '02')).toEqual(['02-08', '02-09', '02-12', '02-13', '02-14']);
    expect(of(2025, '01')).toEqual(['01-01', '01-27', '01-28', '01-29', '01-30', '01-31']);
    expect(of(2026, '02')).toEqual(['02-16', '02-17', '02-18', '02-19', '02-20']);
    expect([of(2022, '09'), of(2023, '09'), of(2024, '09')]).toEqual([
      ['09-01', '09-02'],
      ['09-01', '09-04'],
      ['09-02', '09-03'],
    ]);
  });

  it('names the Tết days by their lunar date', () => {
    expect(
      statutoryDaysOff(2026)
        .filter((d) => d.date.startsWith('2026-02'))
        .map((d) => d.name),
    ).toEqual([
      'Tết Nguyên đán (29 tháng Chạp)',
      'Tết Nguyên đán (mùng 1 Tết)',
      'Tết Nguyên đán (mùng 2 Tết)',
      'Tết Nguyên đán (mùng 3 Tết)',
      'Tết Nguyên đán (mùng 4 Tết)',
    ]);
  });
});
