import { describe, expect, it } from 'vitest';
import { addDays, isWorkingDay, zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { workingCalendar } from '../../shared/domain/working-calendar.js';
import { dueNotices, escalationDate, type DueNotice, type EscalationNotice, type NoticeUnitInput } from '../../shared/domain/notices.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';
import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { deriveStatus, summarizeFacts, type ReviewFact, type VersionFact } from '../../shared/domain/status.js';

/*
 * Hand-checked calendar (`date -d`): 2026-12-11 Fri, 12-17 Thu, 12-18 Fri (the deadline),
 * 12-21 Mon, 12-25 Fri, 12-29 Tue, 2027-01-01 Fri (holiday), 01-04 Mon, 01-08 Fri, 01-15 Fri,
 * 01-18 Mon; 2027-12-10 Fri, 12-11 Sat, 12-17 Fri, 12-18 Sat, 12-20 Mon, 12-28 Tue, 2028-01-03 Mon.
 * Computed days off (holidays.ts): Tết 2027 is Thu 4 – Wed 10 Feb 2027 (4, 5, 8, 9, 10 off);
 * 1 Jan 2028 is a Saturday, so Mon 3 Jan 2028 is its compensatory day.
 */
const TZ = 'Asia/Ho_Chi_Minh';

function smallRegime(overrides: { holidays?: string[]; escalationWorkingDaysAfter?: number } = {}): Regime {
  return parseRegime({
    ...DEFAULT_REGIME,
    holidays: overrides.holidays ?? ['2026-09-02', '2027-01-01'],
    notices: { ...DEFAULT_REGIME.notices, escalationWorkingDaysAfter: overrides.escalationWorkingDaysAfter ?? 7 },
    units: DEFAULT_REGIME.units.slice(0, 3),
  });
}

/** What happens to one unit over time; instants with an explicit +07:00 offset. */
interface Scenario {
  unitId: string;
  invalidAt?: string;
  validAt?: string;
  returnedAt?: string;
  extension?: { until: string; grantedAt: string };
}

const iso = (s: string) => new Date(s).toISOString();

/** The unit's status as of `now`, through the real status derivation. */
function unitInput(regime: Regime, period: PeriodKey, s: Scenario, now: Date): NoticeUnitInput {
  const seen = (at: string | undefined): at is string => at !== undefined && new Date(at) <= now;
  const versions: VersionFact[] = [];
  if (seen(s.invalidAt))
    versions.push({ uploadId: 'bad', receivedAt: iso(s.invalidAt), valid: false, reasons: [{ path: 'x', message: 'sai' }] });
  if (seen(s.validAt)) versions.push({ uploadId: 'good', receivedAt: iso(s.validAt), valid: true, reasons: [] });
  const reviews: ReviewFact[] = seen(s.returnedAt)
    ? [{ reviewId: 'r1', at: iso(s.returnedAt), decision: 'RETURN', uploadId: 'good', reason: 'Thiếu số liệu' }]
    : [];
  const ext =
    s.extension && seen(s.extension.grantedAt)
      ? { until: s.extension.until, reason: 'Gia hạn', grantedAt: iso(s.extension.grantedAt) }
      : undefined;
  const facts = summarizeFacts(versions, reviews, ext);
  const input: NoticeUnitInput = { unitId: s.unitId, status: deriveStatus(facts, { regime, period, now }) };
  if (facts.extensionUntil) input.extensionUntil = facts.extensionUntil;
  return input;
}

const at8 = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, 8);
};

/**
 * Runs the daily job at 08:00 local on every day of [from, to] (except skipped days) against a
 * simulated ledger: the first date each (unit, kind, step) came out is what would be sent.
 */
function simulate(
  regime: Regime,
  period: PeriodKey,
  scenarios: Scenario[],
  from: string,
  to: string,
  skip: (d: string) => boolean = () => false,
) {
  const sent = new Map<string, { date: string; notice: DueNotice }>();
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (skip(d)) continue;
    const now = at8(d);
    const notices = dueNotices({ regime, period, now, units: scenarios.map((s) => unitInput(regime, period, s, now)) });
    for (const n of notices) {
      const key = `${n.unitId}|${n.kind}:${n.step}`;
      if (!sent.has(key)) sent.set(key, { date: d, notice: n });
    }
  }
  const of = (unitId: string) =>
    Object.fromEntries([...sent].filter(([k]) => k.startsWith(`${unitId}|`)).map(([k, v]) => [k.slice(unitId.length + 1), v.date]));
  return { sent, of };
}

const overdueSteps = (dates: string[], suffix = '') => Object.fromEntries(dates.map((d, i) => [`overdue:overdue-${i + 1}${suffix}`, d]));

describe('dueNotices over a whole year (Mar 2026 – Feb 2027, deadline Fri 18 Dec 2026)', () => {
  const regime = smallRegime();
  const scenarios: Scenario[] = [
    { unitId: 'pending' },
    { unitId: 'rejected', invalidAt: '2026-12-10T15:00:00+07:00' },
    { unitId: 'reports-mid', validAt: '2026-12-14T10:00:00+07:00' },
    { unitId: 'early', validAt: '2026-11-20T09:00:00+07:00' },
    { unitId: 'late', validAt: '2026-12-23T10:00:00+07:00' },
    { unitId: 'returned', validAt: '2026-12-15T10:00:00+07:00', returnedAt: '2026-12-22T09:00:00+07:00' },
    { unitId: 'ext-short', extension: { until: '2026-12-24', grantedAt: '2026-12-15T09:00:00+07:00' } },
    { unitId: 'ext-long', extension: { until: '2027-01-15', grantedAt: '2026-11-10T09:00:00+07:00' } },
  ];
  const { sent, of } = simulate(regime, '2026', scenarios, '2026-03-01', '2027-02-28');
  // Mon 8 Feb 2027 is a Tết day (4–10 Feb off by default): that repeat waits for Thu 11 Feb.
  const everyOverdueMonday = [
    '2026-12-21',
    '2026-12-28',
    '2027-01-04',
    '2027-01-11',
    '2027-01-18',
    '2027-01-25',
    '2027-02-01',
    '2027-02-11',
    '2027-02-15',
    '2027-02-22',
  ];

  it('chases a unit that never reports: T−7, T−1 working day, then every 7 days from the first working day after', () => {
    expect(of('pending')).toEqual({
      'reminder:T-7': '2026-12-11',
      'reminder:T-1wd': '2026-12-17',
      ...overdueSteps(everyOverdueMonday),
    });
  });

  it('treats a unit whose only upload was rejected like one that has not reported', () => {
    expect(of('rejected')).toEqual(of('pending'));
  });

  it('stops once a unit reports between the reminder and the deadline', () => {
    expect(of('reports-mid')).toEqual({ 'reminder:T-7': '2026-12-11' });
  });

  it('sends nothing to a unit that reported early', () => {
    expect(of('early')).toEqual({});
  });

  it('stops the overdue notices once a late report arrives', () => {
    expect(of('late')).toEqual({ 'reminder:T-7': '2026-12-11', 'reminder:T-1wd': '2026-12-17', 'overdue:overdue-1': '2026-12-21' });
  });

  it('treats a report returned after the deadline as still owed (the due overdue step, then the repeats)', () => {
    expect(of('returned')).toEqual({
      'reminder:T-7': '2026-12-11',
      'overdue:overdue-1': '2026-12-23',
      ...Object.fromEntries(Object.entries(overdueSteps(everyOverdueMonday)).slice(1)),
    });
  });

  it('re-times reminders and overdue notices to an extension granted mid-way; a repeat on 1 Jan 2027 moves to Mon 4 Jan', () => {
    expect(of('ext-short')).toEqual({
      'reminder:T-7': '2026-12-11',
      'reminder:T-7@2026-12-24': '2026-12-17',
      'reminder:T-1wd@2026-12-24': '2026-12-23',
      ...overdueSteps(
        [
          '2026-12-25',
          '2027-01-04',
          '2027-01-08',
          '2027-01-15',
          '2027-01-22',
          '2027-01-29',
          '2027-02-11',
          '2027-02-12',
          '2027-02-19',
          '2027-02-26',
        ],
        '@2026-12-24',
      ),
    });
  });

  it('sends no overdue notice while an extension runs, and reminders relative to the extended date', () => {
    expect(of('ext-long')).toEqual({
      'reminder:T-7@2027-01-15': '2027-01-08',
      'reminder:T-1wd@2027-01-15': '2027-01-14',
      ...overdueSteps(['2027-01-18', '2027-01-25', '2027-02-01', '2027-02-11', '2027-02-15', '2027-02-22'], '@2027-01-15'),
    });
  });

  it('escalates once, at T+7 working days (Tue 29 Dec 2026), listing the overdue units with days overdue', () => {
    expect(of('*')).toEqual({ 'escalation:escalation': '2026-12-29' });
    const digest = sent.get('*|escalation:escalation')?.notice as EscalationNotice;
    expect(digest.overdue).toEqual([
      { unitId: 'pending', status: 'OVERDUE', deadline: '2026-12-18', daysOverdue: 11 },
      { unitId: 'rejected', status: 'OVERDUE', deadline: '2026-12-18', daysOverdue: 11 },
      { unitId: 'returned', status: 'RETURNED', deadline: '2026-12-18', daysOverdue: 11 },
      { unitId: 'ext-short', status: 'OVERDUE', deadline: '2026-12-24', daysOverdue: 5 },
    ]);
  });

  it('never sends on a weekend or holiday in daily running, and nothing before December', () => {
    const dates = [...sent.values()].map((v) => v.date);
    expect(dates.length).toBeGreaterThan(50);
    for (const d of dates) {
      expect(isWorkingDay(d, workingCalendar(regime)), d).toBe(true);
      expect(d >= '2026-12-11', d).toBe(true);
    }
  });
});

describe('dueNotices and the calendar', () => {
  it('moves working-day steps around a configured holiday (Thu 17 Dec and Mon 21 Dec 2026 off)', () => {
    const regime = smallRegime({ holidays: ['2026-12-17', '2026-12-21', '2027-01-01'] });
    const { of } = simulate(regime, '2026', [{ unitId: 'u' }], '2026-11-01', '2027-01-10');
    expect(of('u')).toEqual({
      'reminder:T-7': '2026-12-11',
      'reminder:T-1wd': '2026-12-16',
      ...overdueSteps(['2026-12-22', '2026-12-29', '2027-01-05']),
    });
    // T+7 working days, skipping Mon 21 Dec: 22, 23, 24, 25, 28, 29, 30.
    expect(of('*')).toEqual({ 'escalation:escalation': '2026-12-30' });
  });

  it('skips 1 Jan 2027 when counting working days for a later escalation, listed or not', () => {
    // 10 working days after Fri 18 Dec: 21–25, 28–31, (1 Jan off), Mon 4 Jan.
    expect(escalationDate(smallRegime({ escalationWorkingDaysAfter: 10 }), '2026')).toBe('2027-01-04');
    expect(escalationDate(smallRegime({ escalationWorkingDaysAfter: 10, holidays: [] }), '2026')).toBe('2027-01-04');
  });

  it('handles a deadline on a Saturday (18 Dec 2027): the T−7 reminder comes the Friday before; Sat 1 Jan 2028 gives Mon 3 Jan off', () => {
    const regime = smallRegime({ holidays: [] });
    const { of } = simulate(regime, '2027', [{ unitId: 'u' }], '2027-11-01', '2028-01-05');
    expect(of('u')).toEqual({
      'reminder:T-7': '2027-12-10',
      'reminder:T-1wd': '2027-12-17',
      ...overdueSteps(['2027-12-20', '2027-12-27', '2028-01-04']),
    });
    expect(of('*')).toEqual({ 'escalation:escalation': '2027-12-28' });
  });
});

/** A regime whose deadline sits just before a holiday block. */
function regimeDueOn(month: number, day: number, calendar?: unknown): Regime {
  return parseRegime({
    ...smallRegime({ holidays: [] }),
    cutOff: { from: { month: 1, day: 1, yearOffset: 0 }, to: { month: 1, day: 15, yearOffset: 0 } },
    opensOn: { month: 1, day: 1, yearOffset: 0 },
    deadline: { month, day, yearOffset: 0 },
    consolidation: { month: 12, day: 20, yearOffset: 0, hour: 8 },
    ...(calendar ? { calendar } : {}),
  });
}

describe('dueNotices across Tết and Quốc khánh (computed calendar, no holiday list)', () => {
  it('counts working-day steps over Tết 2027 (Thu 4 – Wed 10 Feb off): deadline Wed 3 Feb', () => {
    // prepare
    const regime = regimeDueOn(2, 3);
    // act
    const { of } = simulate(regime, '2027', [{ unitId: 'u' }], '2027-01-20', '2027-02-28');
    // assess: first working day after is Thu 11 Feb; T+7 working days 11, 12, 15–19 → Fri 19 Feb
    expect(of('u')).toEqual({
      'reminder:T-7': '2027-01-27',
      'reminder:T-1wd': '2027-02-02',
      ...overdueSteps(['2027-02-11', '2027-02-18', '2027-02-25']),
    });
    expect(of('*')).toEqual({ 'escalation:escalation': '2027-02-19' });
  });

  it('counts working-day steps over Quốc khánh 2026 (Tue 1 and Wed 2 Sep off): deadline Mon 31 Aug', () => {
    // prepare
    const regime = regimeDueOn(8, 31);
    // act
    const { of } = simulate(regime, '2026', [{ unitId: 'u' }], '2026-08-15', '2026-09-30');
    // assess: the T−7 reminder (Mon 24 Aug) and T−1 (Fri 28 Aug); overdue from Thu 3 Sep; T+7: 3, 4, 7–11 → Fri 11 Sep
    expect(of('u')).toEqual({
      'reminder:T-7': '2026-08-24',
      'reminder:T-1wd': '2026-08-28',
      ...overdueSteps(['2026-09-03', '2026-09-10', '2026-09-17', '2026-09-24']),
    });
    expect(of('*')).toEqual({ 'escalation:escalation': '2026-09-11' });
  });

  it("follows the year's arrangement: a reminder due on a worked Saturday (làm bù) goes out that day", () => {
    // prepare: the T−1 working day before Mon 1 Feb 2027 is Fri 29 Jan, unless Sat 30 Jan is worked
    const swapped = regimeDueOn(2, 1, {
      '2027': { workingDays: [{ date: '2027-01-30', name: 'Làm bù' }], daysOff: [{ date: '2027-02-03', name: 'Nghỉ bù' }] },
    });
    // act
    const plain = simulate(regimeDueOn(2, 1), '2027', [{ unitId: 'u' }], '2027-01-20', '2027-02-28').of('u');
    const withSwap = simulate(swapped, '2027', [{ unitId: 'u' }], '2027-01-20', '2027-02-28').of('u');
    // assess: and the escalation skips Wed 3 Feb, now a day off, as well as Tết:
    // 2, 3, 11, 12, 15, 16, 17 Feb without the arrangement; 2, 11, 12, 15, 16, 17, 18 with it
    expect([plain['reminder:T-1wd'], plain['overdue:overdue-1']]).toEqual(['2027-01-29', '2027-02-02']);
    expect([withSwap['reminder:T-1wd'], withSwap['overdue:overdue-1']]).toEqual(['2027-01-30', '2027-02-02']);
    expect(escalationDate(regimeDueOn(2, 1), '2027')).toBe('2027-02-17');
    expect(escalationDate(swapped, '2027')).toBe('2027-02-18');
  });
});

describe('dueNotices catch-up and guards', () => {
  const regime = smallRegime();
  const units = (now: Date, ss: Scenario[]) => ss.map((s) => unitInput(regime, '2026', s, now));

  it('after 10 days of downtime (12–21 Dec) returns only the latest due step per unit', () => {
    const ss: Scenario[] = [
      { unitId: 'pending' },
      { unitId: 'ext-short', extension: { until: '2026-12-24', grantedAt: '2026-11-02T09:00:00+07:00' } },
    ];
    const now = at8('2026-12-22');

    const due = dueNotices({ regime, period: '2026', now, units: units(now, ss) });

    expect(due).toEqual([
      { kind: 'overdue', step: 'overdue-1', unitId: 'pending', dueOn: '2026-12-21', deadline: '2026-12-18', repeat: 1, daysOverdue: 4 },
      { kind: 'reminder', step: 'T-7@2026-12-24', unitId: 'ext-short', dueOn: '2026-12-17', deadline: '2026-12-24' },
    ]);
    const { of } = simulate(regime, '2026', ss, '2026-11-01', '2026-12-23', (d) => d >= '2026-12-12' && d <= '2026-12-21');
    expect(of('pending')).toEqual({ 'reminder:T-7': '2026-12-11', 'overdue:overdue-1': '2026-12-22' });
  });

  it('after downtime across the escalation date returns the latest overdue step and the digest once', () => {
    const now = at8('2027-01-05');

    const due = dueNotices({
      regime,
      period: '2026',
      now,
      units: units(now, [{ unitId: 'pending' }, { unitId: 'done', validAt: '2026-12-01T09:00:00+07:00' }]),
    });

    expect(due.map((n) => [n.unitId, n.kind, n.step, n.dueOn])).toEqual([
      ['pending', 'overdue', 'overdue-3', '2027-01-04'],
      ['*', 'escalation', 'escalation', '2026-12-29'],
    ]);
  });

  it('sends nothing before the period opens, to NOT_OPEN units, or to reported units', () => {
    const before = at8('2026-10-31');
    expect(dueNotices({ regime, period: '2026', now: before, units: [{ unitId: 'a', status: 'PENDING' }] })).toEqual([]);
    const now = at8('2026-12-21');
    const statuses = ['NOT_OPEN', 'ON_TIME', 'LATE'] as const;
    expect(dueNotices({ regime, period: '2026', now, units: statuses.map((status, i) => ({ unitId: `u${i}`, status })) })).toEqual([]);
  });

  it('decides the phase from the dates, so a stale PENDING status after the deadline gets the overdue notice', () => {
    const due = dueNotices({ regime, period: '2026', now: at8('2026-12-21'), units: [{ unitId: 'a', status: 'PENDING' }] });
    expect(due.map((n) => n.step)).toEqual(['overdue-1']);
  });

  it('ignores an extension earlier than the regime deadline', () => {
    const due = dueNotices({
      regime,
      period: '2026',
      now: at8('2026-12-17'),
      units: [{ unitId: 'a', status: 'PENDING', extensionUntil: '2026-12-01' }],
    });
    expect(due.map((n) => n.step)).toEqual(['T-1wd']);
  });

  it('is trivial for 31 units × 365 days', () => {
    const units31 = DEFAULT_REGIME.units.map((u) => ({ unitId: u.id, status: 'PENDING' as const }));
    const t0 = performance.now();
    let count = 0;
    for (let d = '2026-03-01'; d <= '2027-02-28'; d = addDays(d, 1)) {
      const now = at8(d);
      const status = now > new Date('2026-12-18T17:00:00Z') ? ('OVERDUE' as const) : ('PENDING' as const);
      count += dueNotices({ regime: DEFAULT_REGIME, period: '2026', now, units: units31.map((u) => ({ ...u, status })) }).length;
    }
    const ms = performance.now() - t0;
    expect(units31).toHaveLength(31);
    expect(count).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1500);
  });
});
