import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calendarCommand, CalendarCommandError, type CalendarYear } from '../../local/commands/calendar.js';
import { main } from '../../local/cli.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, RegimeInvalidError, type Regime } from '../../shared/domain/regime.js';
import { createWorkingCalendar, workingCalendar } from '../../shared/domain/working-calendar.js';
import { readRegimeFile, RegimeFileError } from '../../shared/regime-file.js';

/** The 2025 arrangement as announced: Friday 2 May off, worked back on Saturday 26 April. */
const SWAP_2025 = {
  '2025': {
    daysOff: [{ date: '2025-05-02', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4)' }],
    workingDays: [{ date: '2025-04-26', name: 'Làm bù cho thứ Sáu 2/5' }],
  },
};

function regimeWith(calendar: unknown, holidays: string[] = []): Regime {
  return parseRegime({ ...DEFAULT_REGIME, holidays, calendar });
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseRegime(input);
  } catch (e) {
    if (e instanceof RegimeInvalidError) return e.issues;
    throw e;
  }
  throw new Error('parsed');
}

describe('the working calendar of a regime', () => {
  it('knows Tết and the other holidays of any year without a list (2027 onwards included)', () => {
    // prepare
    const cal = workingCalendar(DEFAULT_REGIME);
    // act / assess
    expect(['2027-01-01', '2027-02-08', '2027-04-16', '2035-09-03', '2040-01-02'].map((d) => cal.isWorkingDay(d))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['2027-01-04', '2027-02-11', '2035-09-05'].map((d) => cal.isWorkingDay(d))).toEqual([true, true, true]);
  });

  it('counts the working days of a year: weekdays less the eleven days off', () => {
    const cal = workingCalendar(DEFAULT_REGIME);
    // 2026 and 2027 each have 261 weekdays
    expect([cal.workingDays(2026), cal.workingDays(2027)]).toEqual([250, 250]);
  });

  it("applies a year's arrangement: a swapped day off and a Saturday worked (làm bù)", () => {
    // prepare
    const cal = workingCalendar(regimeWith(SWAP_2025));
    // act / assess
    expect(cal.isWorkingDay('2025-05-02')).toBe(false);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(cal.isWorkingDay('2025-04-30')).toBe(false); // the computed days stay
    expect(
      cal
        .daysOff(2025)
        .map((d) => d.date)
        .filter((d) => d.startsWith('2025-05')),
    ).toEqual(['2025-05-01', '2025-05-02']);
    // one weekday more off, one Saturday more worked
    expect([cal.workingDays(2025), workingCalendar(DEFAULT_REGIME).workingDays(2025)]).toEqual([250, 250]);
    expect(cal.daysOff(2025)).toHaveLength(12);
  });

  it('moves a computed day the government placed elsewhere: a working day cancels it, a day off adds the new one', () => {
    // prepare: say the 2027 notice picks Wed 3 – Tue 9 February for Tết instead of Thu 4 – Wed 10
    const cal = workingCalendar(
      regimeWith({
        '2027': {
          daysOff: [{ date: '2027-02-03', name: 'Tết Nguyên đán (27 tháng Chạp)' }],
          workingDays: [{ date: '2027-02-10', name: 'Đi làm mùng 5 Tết' }],
        },
      }),
    );
    // act / assess
    expect(cal.isWorkingDay('2027-02-03')).toBe(false);
    expect(cal.isWorkingDay('2027-02-10')).toBe(true);
    expect(
      cal
        .daysOff(2027)
        .filter((d) => d.date.startsWith('2027-02'))
        .map((d) => d.date),
    ).toEqual(['2027-02-03', '2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09']);
  });

  it('replaces the computed year entirely when the arrangement says so, and leaves other years alone', () => {
    const cal = workingCalendar(
      regimeWith({ '2031': { replacesDefault: true, daysOff: [{ date: '2031-01-01', name: 'Tết Dương lịch' }] } }),
    );
    expect(cal.daysOff(2031)).toEqual([{ date: '2031-01-01', name: 'Tết Dương lịch' }]);
    expect(cal.isWorkingDay('2031-04-30')).toBe(true);
    expect(cal.daysOff(2032)).toHaveLength(11);
  });

  it("still honours the regime's explicit holidays list (older regime files), weekends left out of the listing", () => {
    const cal = createWorkingCalendar({ holidays: ['2026-12-21', '2026-12-19'] });
    expect(cal.isWorkingDay('2026-12-21')).toBe(false);
    expect(cal.daysOff(2026).filter((d) => d.date.startsWith('2026-12'))).toEqual([
      { date: '2026-12-21', name: 'Ngày nghỉ theo danh sách của chế độ báo cáo' },
    ]);
  });

  it('loads a regime file without holidays or calendar (both optional)', () => {
    const { holidays: _h, ...rest } = DEFAULT_REGIME;
    expect(parseRegime(rest).holidays).toEqual([]);
  });
});

describe('a bad yearly arrangement fails at load, naming the field', () => {
  const base = { ...DEFAULT_REGIME };
  it.each([
    ['an impossible date', { '2027': { daysOff: [{ date: '2027-02-30', name: 'Tết' }] } }, 'calendar.2027.daysOff.0.date', 'no such date'],
    [
      'a date outside its year',
      { '2027': { workingDays: [{ date: '2028-02-05', name: 'Làm bù' }] } },
      'calendar.2027.workingDays.0.date',
      'the date is not in 2027',
    ],
    [
      'a day both off and worked',
      { '2027': { daysOff: [{ date: '2027-02-03', name: 'Tết' }], workingDays: [{ date: '2027-02-03', name: 'Làm' }] } },
      'calendar.2027.workingDays.0.date',
      'both',
    ],
    ['a missing name', { '2027': { daysOff: [{ date: '2027-02-03' }] } }, 'calendar.2027.daysOff.0.name', ''],
    ['an unknown field', { '2027': { holidays: [] } }, 'calendar.2027', 'holidays'],
    ['a key that is not a year', { '27': { daysOff: [] } }, 'calendar.27', 'YYYY'],
  ])('%s', (_label, calendar, path, message) => {
    // act
    const issues = issuesOf({ ...base, calendar });
    // assess
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it('names the file and the field when read from a regime file', () => {
    // prepare
    const file = join(mkdtempSync(join(tmpdir(), 'regime-')), 'regime.json');
    writeFileSync(file, JSON.stringify({ ...base, calendar: { '2027': { daysOff: [{ date: '2027-13-01', name: 'Sai' }] } } }));
    // act / assess
    expect(() => readRegimeFile(file)).toThrow(RegimeFileError);
    expect(() => readRegimeFile(file)).toThrow(`${file}: Invalid reporting regime: calendar.2027.daysOff.0.date`);
  });
});

describe('npm run cli -- calendar', () => {
  it('prints {year, holidays: [{date, name}], workingDays} with --json, every weekday off listed', async () => {
    // prepare
    const lines: string[] = [];
    // act
    await main(['calendar', '--year', '2027', '--json'], (l) => lines.push(l));
    // assess
    const out = JSON.parse(lines.join('\n')) as CalendarYear;
    expect(Object.keys(out)).toEqual(['year', 'holidays', 'workingDays']);
    expect(out.year).toBe(2027);
    expect(out.workingDays).toBe(250);
    expect(out.holidays).toHaveLength(11);
    for (const h of out.holidays) {
      expect(Object.keys(h)).toEqual(['date', 'name']);
      expect(h.date).toMatch(/^2027-\d{2}-\d{2}$/);
      expect([0, 6]).not.toContain(new Date(`${h.date}T00:00:00Z`).getUTCDay());
    }
    expect(out.holidays[0]).toEqual({ date: '2027-01-01', name: 'Tết Dương lịch' });
  });

  it("reads a deployer's regime file and shows its arrangement, in Vietnamese without --json", () => {
    // prepare
    const file = join(mkdtempSync(join(tmpdir(), 'regime-')), 'regime.json');
    writeFileSync(file, JSON.stringify({ ...DEFAULT_REGIME, calendar: SWAP_2025 }));
    const lines: string[] = [];
    // act
    calendarCommand(['--year', '2025', '--regime', file], (l) => lines.push(l));
    // assess
    expect(lines[0]).toBe(`Lịch làm việc năm 2025 (theo ${file}): 12 ngày nghỉ lễ, tết, nghỉ bù trong tuần; 250 ngày làm việc`);
    expect(lines).toContain('  Thứ Sáu  02/05/2025  Nghỉ hoán đổi (làm bù thứ Bảy 26/4)');
  });

  it('refuses a missing or out-of-range year', () => {
    expect(() => calendarCommand([], () => {})).toThrow(CalendarCommandError);
    expect(() => calendarCommand(['--year', '20x7'], () => {})).toThrow('Cần --year YYYY');
    expect(() => calendarCommand(['--year', '1800'], () => {})).toThrow('Năm phải từ 1900 đến 2199');
  });
});
