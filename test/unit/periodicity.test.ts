import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import {
  dueDateAfter,
  formatPeriodId,
  parsePeriodId,
  periodContaining,
  PeriodIdError,
  periodsBetween,
  periodWindow,
  previousComparablePeriod,
  regimePeriod,
  type DeadlineRule,
  type Periodicity,
} from '../../shared/domain/periodicity.js';
import { parseRegime } from '../../shared/domain/regime.js';
import { workingCalendar } from '../../shared/domain/working-calendar.js';

// The computed calendar (holidays.ts): Tết 2026 off Mon 16 – Fri 20 Feb, Tết 2027 off Thu 4 – Wed 10
// Feb; 30/4 and 1/5/2026 Thu–Fri; Hùng Kings' day 2026 observed Mon 27 Apr. No arrangement added.
const calendar = workingCalendar({ holidays: [], calendar: undefined });
const working = (n: number): DeadlineRule => ({ afterCutOff: { workingDays: n } });
const days = (n: number): DeadlineRule => ({ afterCutOff: { days: n } });
const due = (periodicity: Periodicity, id: string, rule: DeadlineRule) => dueDateAfter(periodWindow(periodicity, id), rule, calendar);

describe('period ids', () => {
  it.each([
    ['annual', '2026', { year: 2026, index: 1 }],
    ['six-monthly', '2026-H1', { year: 2026, index: 1 }],
    ['six-monthly', '2026-H2', { year: 2026, index: 2 }],
    ['quarterly', '2026-Q3', { year: 2026, index: 3 }],
    ['monthly', '2026-11', { year: 2026, index: 11 }],
    ['monthly', '2026-01', { year: 2026, index: 1 }],
  ] as const)('reads %s id %s and writes it back unchanged', (periodicity, id, ref) => {
    const parsed = parsePeriodId(periodicity, id);

    expect(parsed).toEqual({ periodicity, ...ref });
    expect(formatPeriodId(parsed)).toBe(id);
  });

  it.each([
    ['annual', '2026-Q1'],
    ['six-monthly', '2026-H3'],
    ['quarterly', '2026-Q5'],
    ['quarterly', '2026-q1'],
    ['quarterly', '2026'],
    ['monthly', '2026-13'],
    ['monthly', '2026-1'],
    ['monthly', '2026-00'],
    ['annual', '1999'],
    ['annual', ' 2026'],
  ] as const)('refuses a %s id %j with a Vietnamese message naming it', (periodicity, id) => {
    expect(() => parsePeriodId(periodicity, id)).toThrow(PeriodIdError);
    expect(() => parsePeriodId(periodicity, id)).toThrow(`Kỳ báo cáo "${id}" không hợp lệ`);
  });

  it('says what a quarterly id looks like', () => {
    expect(() => parsePeriodId('quarterly', '2026-Q5')).toThrow(
      'kỳ báo cáo quý ghi dạng NNNN-Qn (n từ 1 đến 4), năm từ 2000 đến 2100, ví dụ 2026-Q3.',
    );
  });

  it('cuts a very long id short in the message (the message stays bounded)', () => {
    const error = (() => {
      try {
        parsePeriodId('monthly', 'x'.repeat(10_000));
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a PeriodIdError');
    })();

    expect(error.message.length).toBeLessThan(200);
  });
});

describe('cut-off windows (Nghị định 09/2019/NĐ-CP, Điều 12)', () => {
  it.each([
    ['annual', '2026', '2025-12-15', '2026-12-14'],
    ['six-monthly', '2026-H1', '2025-12-15', '2026-06-14'],
    ['six-monthly', '2026-H2', '2026-06-15', '2026-12-14'],
    ['quarterly', '2026-Q1', '2025-12-15', '2026-03-14'],
    ['quarterly', '2026-Q2', '2026-03-15', '2026-06-14'],
    ['quarterly', '2026-Q3', '2026-06-15', '2026-09-14'],
    ['quarterly', '2026-Q4', '2026-09-15', '2026-12-14'],
    ['monthly', '2026-01', '2025-12-15', '2026-01-14'],
    ['monthly', '2026-02', '2026-01-15', '2026-02-14'],
    ['monthly', '2026-11', '2026-10-15', '2026-11-14'],
    ['monthly', '2026-12', '2026-11-15', '2026-12-14'],
  ] as const)('%s %s runs from %s to %s', (periodicity, id, from, to) => {
    expect(periodWindow(periodicity, id)).toEqual({ from, to });
  });

  it.each([
    ['quarterly', '2025-12-14', '2025-Q4'],
    ['quarterly', '2025-12-15', '2026-Q1'],
    ['quarterly', '2026-03-14', '2026-Q1'],
    ['quarterly', '2026-03-15', '2026-Q2'],
    ['monthly', '2026-12-15', '2027-01'],
    ['six-monthly', '2026-06-15', '2026-H2'],
    ['annual', '2025-12-20', '2026'],
  ] as const)('finds the %s period containing %s: %s', (periodicity, date, id) => {
    const found = periodContaining(periodicity, date);

    expect(found).toBe(id);
    const w = periodWindow(periodicity, found);
    expect(w.from <= date && date <= w.to).toBe(true);
  });
});

describe('deadlines on the working-day calendar', () => {
  it('counts working days after a Saturday cut-off across the whole of Tết (monthly 2026-02)', () => {
    // 14/2/2026 Sat; 15 Sun; 16–20 Tết; 21–22 weekend; 23 (1), 24 (2), 25 (3).
    expect(due('monthly', '2026-02', working(3))).toBe('2026-02-25');
  });

  it('moves a quarterly deadline that falls in Tết to the first working day after it (2026-Q4, 52 days)', () => {
    // 14/12/2026 + 52 days = Thu 4/2/2027, Tết off to Wed 10/2 (6–7 a weekend) → Thu 11/2/2027.
    expect(due('quarterly', '2026-Q4', days(52))).toBe('2027-02-11');
  });

  it('counts a quarter whose cut-off falls on a Sunday from the Monday (2026-Q2)', () => {
    // 14/6/2026 Sun: the 1st working day after it is Mon 15/6; 3 calendar days is Wed 17/6.
    expect(due('quarterly', '2026-Q2', working(1))).toBe('2026-06-15');
    expect(due('quarterly', '2026-Q2', days(3))).toBe('2026-06-17');
  });

  it('moves a calendar-day deadline off a weekend (2026-Q2, 6 days → Sat 20/6 → Mon 22/6)', () => {
    expect(due('quarterly', '2026-Q2', days(6))).toBe('2026-06-22');
  });

  it('counts five working days after a Monday cut-off over one weekend (2026-Q3 → Mon 21/9)', () => {
    expect(due('quarterly', '2026-Q3', working(5))).toBe('2026-09-21');
  });

  it('skips 30/4 and 1/5 and the weekend after them (monthly 2026-04, 16 days → Mon 4/5)', () => {
    // 14/4/2026 + 16 = Thu 30/4 (off), Fri 1/5 (off), 2–3 weekend.
    expect(due('monthly', '2026-04', days(16))).toBe('2026-05-04');
  });

  it('counts across the new year (monthly 2027-01: Thu 14/1/2027 + 2 working days → Mon 18/1)', () => {
    expect(periodWindow('monthly', '2027-01')).toEqual({ from: '2026-12-15', to: '2027-01-14' });
    expect(due('monthly', '2027-01', working(2))).toBe('2027-01-18');
  });

  it('follows the government arrangement the regime records (a swapped day off moves the deadline)', () => {
    const arranged = workingCalendar({
      holidays: [],
      calendar: { '2026': { replacesDefault: false, daysOff: [{ date: '2026-09-15', name: 'Nghỉ bù' }], workingDays: [] } },
    });

    expect(dueDateAfter(periodWindow('quarterly', '2026-Q3'), working(1), arranged)).toBe('2026-09-16');
  });
});

describe('period sequences', () => {
  it('lists the quarters from 2025-Q3 to 2026-Q2 in order', () => {
    expect(periodsBetween('quarterly', '2025-Q3', '2026-Q2')).toEqual(['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2']);
  });

  it('lists months across a year end and nothing when the range is reversed', () => {
    expect(periodsBetween('monthly', '2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(periodsBetween('monthly', '2027-02', '2026-11')).toEqual([]);
    expect(periodsBetween('six-monthly', '2026-H2', '2026-H2')).toEqual(['2026-H2']);
  });

  it('gives the same period one year earlier as "cùng kỳ năm trước"', () => {
    expect(previousComparablePeriod('quarterly', '2026-Q3')).toBe('2025-Q3');
    expect(previousComparablePeriod('monthly', '2026-01')).toBe('2025-01');
    expect(previousComparablePeriod('six-monthly', '2026-H2')).toBe('2025-H2');
    expect(previousComparablePeriod('annual', '2026')).toBe('2025');
    expect(() => previousComparablePeriod('annual', '2000')).toThrow(PeriodIdError);
  });
});

describe('periods of a regime', () => {
  it('keeps the default annual regime on its own dates (deadline 18/12, as before)', () => {
    expect(regimePeriod(DEFAULT_REGIME, '2026')).toEqual({ id: '2026', from: '2025-12-15', to: '2026-12-14', dueDate: '2026-12-18' });
  });

  it('gives a quarterly regime Điều 12 windows and its deadline rule on its calendar', () => {
    const quarterly = parseRegime({
      ...JSON.parse(JSON.stringify(DEFAULT_REGIME)),
      frequency: 'quarterly',
      deadlineRule: { afterCutOff: { workingDays: 3 } },
    });

    // 14/3/2026 Sat → Mon 16, Tue 17, Wed 18.
    expect(regimePeriod(quarterly, '2026-Q1')).toEqual({ id: '2026-Q1', from: '2025-12-15', to: '2026-03-14', dueDate: '2026-03-18' });
    expect(() => regimePeriod(quarterly, '2026')).toThrow(PeriodIdError);
  });
});
