import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  daysBetween,
  endOfLocalDay,
  isWorkingDay,
  localDate,
  periodDates,
  vietnameseDate,
  vietnameseDateTime,
  zonedTime,
} from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { workingCalendar } from '../../shared/domain/working-calendar.js';

const TZ = 'Asia/Ho_Chi_Minh';

describe('time zone arithmetic in Asia/Ho_Chi_Minh (UTC+7)', () => {
  it('places local midnight at 17:00 UTC of the previous day', () => {
    // prepare
    const [year, month, day] = [2026, 12, 19];
    // act
    const instant = zonedTime(TZ, year, month, day);
    // assess
    expect(instant.toISOString()).toBe('2026-12-18T17:00:00.000Z');
  });

  it('keeps hours, minutes, seconds and milliseconds of a local wall-clock time', () => {
    // prepare
    const local = [2026, 12, 18, 23, 59, 59, 999] as const;
    // act
    const instant = zonedTime(TZ, ...local);
    // assess
    expect(instant.toISOString()).toBe('2026-12-18T16:59:59.999Z');
  });

  it('rolls a local date over at local midnight, not at UTC midnight', () => {
    // prepare
    const lastMs = new Date('2026-12-18T16:59:59.999Z');
    const firstMs = new Date('2026-12-18T17:00:00.000Z');
    const utcMidnight = new Date('2026-12-19T00:00:00.000Z');
    // act
    const dates = [lastMs, firstMs, utcMidnight].map((d) => localDate(d, TZ));
    // assess
    expect(dates).toEqual(['2026-12-18', '2026-12-19', '2026-12-19']);
  });

  it('rolls over a new year at local midnight', () => {
    // prepare
    const before = new Date('2026-12-31T16:59:59.999Z');
    const after = new Date('2026-12-31T17:00:00.000Z');
    // act
    const dates = [localDate(before, TZ), localDate(after, TZ)];
    // assess
    expect(dates).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('ends a local day at its last millisecond', () => {
    // prepare
    const date = '2026-12-18';
    // act
    const end = endOfLocalDay(date, TZ);
    // assess
    expect(end.toISOString()).toBe('2026-12-18T16:59:59.999Z');
    expect(localDate(end, TZ)).toBe(date);
    expect(localDate(new Date(end.getTime() + 1), TZ)).toBe('2026-12-19');
  });

  it('ends the last day of a month and of a year correctly', () => {
    // prepare
    const dates = ['2026-02-28', '2026-12-31'];
    // act
    const ends = dates.map((d) => endOfLocalDay(d, TZ).toISOString());
    // assess
    expect(ends).toEqual(['2026-02-28T16:59:59.999Z', '2026-12-31T16:59:59.999Z']);
  });
});

describe('periodDates for the default regime', () => {
  it('spans the 2026 cut-off window from 2025-12-15 to 2026-12-14', () => {
    // prepare
    const period = '2026';
    // act
    const d = periodDates(DEFAULT_REGIME, period);
    // assess
    expect(d.period).toBe('2026');
    expect(d.cutOffFrom).toBe('2025-12-15');
    expect(d.cutOffTo).toBe('2026-12-14');
  });

  it('is due at the end of 18 Dec 2026 local time', () => {
    // prepare
    const period = '2026';
    // act
    const d = periodDates(DEFAULT_REGIME, period);
    // assess
    expect(d.dueDate).toBe('2026-12-18');
    expect(d.dueAt.toISOString()).toBe('2026-12-18T16:59:59.999Z');
  });

  it('opens on 1 Nov 2026 at local midnight', () => {
    // prepare
    const period = '2026';
    // act
    const d = periodDates(DEFAULT_REGIME, period);
    // assess
    expect(d.opensAt.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(localDate(d.opensAt, TZ)).toBe('2026-11-01');
  });

  it('consolidates on 20 Dec 2026 at 08:00 local time', () => {
    // prepare
    const period = '2026';
    // act
    const d = periodDates(DEFAULT_REGIME, period);
    // assess
    expect(d.consolidationAt.toISOString()).toBe('2026-12-20T01:00:00.000Z');
  });

  it('leaves at least one working day between the cut-off and the deadline', () => {
    // prepare
    const d = periodDates(DEFAULT_REGIME, '2026');
    // act
    const firstWorkingDayAfterCutOff = addWorkingDays(d.cutOffTo, 1, workingCalendar(DEFAULT_REGIME));
    // assess
    expect(firstWorkingDayAfterCutOff <= d.dueDate).toBe(true);
  });
});

describe('working days', () => {
  const holidays = ['2026-12-21']; // a Monday, configured as a holiday for these tests

  it('counts Monday to Friday as working days and skips Saturday and Sunday', () => {
    // prepare
    const week = ['2026-12-14', '2026-12-15', '2026-12-16', '2026-12-17', '2026-12-18', '2026-12-19', '2026-12-20'];
    // act
    const working = week.map((d) => isWorkingDay(d, []));
    // assess
    expect(working).toEqual([true, true, true, true, true, false, false]);
  });

  it('skips a configured holiday that falls on a weekday', () => {
    // prepare
    const monday = '2026-12-21';
    // act
    const withHoliday = isWorkingDay(monday, holidays);
    const withoutHoliday = isWorkingDay(monday, []);
    // assess
    expect(withHoliday).toBe(false);
    expect(withoutHoliday).toBe(true);
  });

  it('moves forward from Friday over the weekend and a Monday holiday to Tuesday', () => {
    // prepare
    const friday = '2026-12-18';
    // act
    const next = addWorkingDays(friday, 1, holidays);
    const third = addWorkingDays(friday, 3, holidays);
    // assess
    expect(next).toBe('2026-12-22');
    expect(third).toBe('2026-12-24');
  });

  it('moves backward from Tuesday over a Monday holiday and the weekend to Friday', () => {
    // prepare
    const tuesday = '2026-12-22';
    // act
    const previous = addWorkingDays(tuesday, -1, holidays);
    const second = addWorkingDays(tuesday, -2, holidays);
    // assess
    expect(previous).toBe('2026-12-18');
    expect(second).toBe('2026-12-17');
  });

  it('does not count the starting day and returns it unchanged for zero', () => {
    // prepare
    const saturday = '2026-12-19';
    // act
    const zero = addWorkingDays(saturday, 0, holidays);
    const oneFromSaturday = addWorkingDays(saturday, 1, holidays);
    // assess
    expect(zero).toBe(saturday);
    expect(oneFromSaturday).toBe('2026-12-22');
  });

  it("skips the default regime's New Year holiday from 31 Dec 2026", () => {
    // prepare
    const thursday = '2026-12-31';
    // act
    const next = addWorkingDays(thursday, 1, workingCalendar(DEFAULT_REGIME));
    // assess
    expect(next).toBe('2027-01-04');
  });

  it('adds and counts calendar days across month and year ends', () => {
    // prepare
    const from = '2026-12-30';
    // act
    const later = addDays(from, 3);
    const earlier = addDays('2026-03-01', -1);
    const span = daysBetween('2025-12-15', '2026-12-14');
    // assess
    expect(later).toBe('2027-01-02');
    expect(earlier).toBe('2026-02-28');
    expect(span).toBe(364);
  });
});

describe('Vietnamese date formats', () => {
  it('writes a date as "ngày 18 tháng 12 năm 2026"', () => {
    // prepare
    const date = '2026-12-18';
    // act
    const text = vietnameseDate(date);
    // assess
    expect(text).toBe('ngày 18 tháng 12 năm 2026');
  });

  it('pads days below 10 and the months 1 and 2 only (Nghị định 30/2020/NĐ-CP)', () => {
    // prepare
    const dates = ['2027-01-05', '2026-02-09', '2026-03-05', '2026-11-01'];
    // act
    const texts = dates.map(vietnameseDate);
    // assess
    expect(texts).toEqual([
      'ngày 05 tháng 01 năm 2027',
      'ngày 09 tháng 02 năm 2026',
      'ngày 05 tháng 3 năm 2026',
      'ngày 01 tháng 11 năm 2026',
    ]);
  });

  it('writes an instant as local time and date', () => {
    // prepare
    const instant = new Date('2026-12-18T01:15:00.000Z');
    // act
    const text = vietnameseDateTime(instant, TZ);
    // assess
    expect(text).toBe('08:15 ngày 18/12/2026');
  });

  it('shows local midnight as 00:00, not 24:00', () => {
    // prepare
    const instant = new Date('2026-12-18T17:00:00.000Z');
    // act
    const text = vietnameseDateTime(instant, TZ);
    // assess
    expect(text).toBe('00:00 ngày 19/12/2026');
  });
});
