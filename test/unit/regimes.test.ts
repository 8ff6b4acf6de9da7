import { describe, expect, it } from 'vitest';
import { currentPeriod, openPeriods, periodDates } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { statutoryDaysOff } from '../../shared/domain/holidays.js';
import { periodFields, periodKey, periodKeyOf, periodLabel, splitPeriodKey } from '../../shared/domain/periodicity.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';
import { regimeFor, regimeOfPeriod, regimeSet, regimesOfUnit, RegimeSetError, unitIn } from '../../shared/domain/regimes.js';
import { summarizeFacts } from '../../shared/domain/status.js';
import { RequestError } from '../../shared/errors.js';
import { createUpload } from '../../shared/use-cases/create-upload.js';
import { resolvePeriod } from '../../shared/use-cases/periods.js';
import { readUnitView } from '../../shared/use-cases/read-unit-view.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import { memoryWorld } from '../support/memory-ports.js';

/** A unit the main (annual) regime and the quarterly one both list, and one only the quarterly one lists. */
const SHARED = DEFAULT_REGIME.units.find((u) => u.id === 'so-tu-phap')!;
const ONLY_QUARTERLY = {
  id: 'ban-qly-du-an',
  name: 'Ban Quản lý dự án',
  group: 'province' as const,
  email: 'vanthu.ban-qly-du-an@kontum.gov.example',
  validFrom: 2025,
};

const quarterly: Regime = parseRegime({
  ...DEFAULT_REGIME,
  id: 'qn-quy',
  name: 'Báo cáo công tác dân vận hằng quý',
  frequency: 'quarterly',
  // 5 calendar days after the cut-off, moved past days off.
  deadlineRule: { afterCutOff: { days: 5 } },
  firstPeriod: 2025,
  units: [SHARED, ONLY_QUARTERLY],
});
const monthly: Regime = parseRegime({
  ...DEFAULT_REGIME,
  id: 'qn-thang',
  name: 'Báo cáo công tác dân vận hằng tháng',
  frequency: 'monthly',
  // The 15th working day after the cut-off.
  deadlineRule: { afterCutOff: { workingDays: 15 } },
  firstPeriod: 2025,
  units: [SHARED],
});
const set = regimeSet(DEFAULT_REGIME, [quarterly, monthly]);
const QUY = set.all[1]!;
const THANG = set.all[2]!;

function requestError(f: () => unknown): RequestError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RequestError);
    return e as RequestError;
  }
  throw new Error('expected a RequestError');
}

describe('regimeSet', () => {
  it('puts the main regime first, unscoped, and marks every other one scoped', () => {
    expect(set.main.id).toBe(DEFAULT_REGIME.id);
    expect(set.all.map((r) => [r.id, r.scoped])).toEqual([
      [DEFAULT_REGIME.id, false],
      ['qn-quy', true],
      ['qn-thang', true],
    ]);
    expect(quarterly.scoped).toBeUndefined();
  });

  it('refuses two regimes with one id, the main one’s included', () => {
    expect(() => regimeSet(DEFAULT_REGIME, [quarterly, { ...monthly, id: 'qn-quy' }])).toThrow(RegimeSetError);
    expect(() => regimeSet(DEFAULT_REGIME, [{ ...quarterly, id: DEFAULT_REGIME.id }])).toThrow(/two regimes have the id/);
  });

  it('refuses a unit id naming a unit with another name or email in another regime, and takes the same unit twice', () => {
    const renamed = { ...quarterly, units: [{ ...SHARED, name: 'Sở Tư pháp mới' }] };
    const readdressed = { ...quarterly, units: [{ ...SHARED, email: 'khac@kontum.gov.example' }] };

    expect(() => regimeSet(DEFAULT_REGIME, [renamed])).toThrow(RegimeSetError);
    expect(() => regimeSet(DEFAULT_REGIME, [readdressed])).toThrow(/so-tu-phap/);
    expect(regimeSet(DEFAULT_REGIME, [quarterly]).all).toHaveLength(2);
  });
});

describe('finding regimes and units in a set', () => {
  it('regimeOfPeriod and regimeFor: a bare id is the main regime’s, a prefixed one its regime’s, an unknown prefix none', () => {
    expect(regimeOfPeriod(set, '2026')).toBe(set.main);
    expect(regimeOfPeriod(set, 'qn-quy/2026-Q3')).toBe(QUY);
    expect(regimeOfPeriod(set, 'qn-thang/2026-11')).toBe(THANG);
    expect(regimeOfPeriod(set, 'khong-co/2026')).toBeUndefined();
    // The main regime's periods are never prefixed.
    expect(regimeOfPeriod(set, `${DEFAULT_REGIME.id}/2026`)).toBeUndefined();
    expect(regimeFor(set, 'qn-quy/2026-Q3')).toBe(QUY);
    expect(() => regimeFor(set, 'khong-co/2026')).toThrow(/khong-co\/2026/);
  });

  it('unitIn finds a unit in any regime; regimesOfUnit lists the regimes listing it, main first', () => {
    expect(unitIn(set, ONLY_QUARTERLY.id)?.name).toBe('Ban Quản lý dự án');
    expect(unitIn(set, 'dak-ha')?.id).toBe('dak-ha');
    expect(unitIn(set, 'khong-co')).toBeUndefined();
    expect(regimesOfUnit(set, SHARED.id).map((r) => r.id)).toEqual([DEFAULT_REGIME.id, 'qn-quy', 'qn-thang']);
    expect(regimesOfUnit(set, ONLY_QUARTERLY.id).map((r) => r.id)).toEqual(['qn-quy']);
    expect(regimesOfUnit(set, 'dak-ha').map((r) => r.id)).toEqual([DEFAULT_REGIME.id]);
    expect(regimesOfUnit(set, 'khong-co')).toEqual([]);
  });
});

describe('period keys', () => {
  it('are the bare id for the main regime and regime/id for another, and split back', () => {
    expect(periodKey(set.main, '2026')).toBe('2026');
    expect(periodKey(QUY, '2026-Q3')).toBe('qn-quy/2026-Q3');
    expect(splitPeriodKey('2026')).toEqual({ id: '2026' });
    expect(splitPeriodKey('qn-quy/2026-Q3')).toEqual({ regimeId: 'qn-quy', id: '2026-Q3' });
  });

  it('go on the wire as period (a year as a number) plus regime for another regime, and come back unchanged', () => {
    expect(periodFields('2026')).toEqual({ period: 2026 });
    expect(periodFields('qn-quy/2026-Q3')).toEqual({ regime: 'qn-quy', period: '2026-Q3' });
    expect(periodFields('qn-thang/2026-11')).toEqual({ regime: 'qn-thang', period: '2026-11' });
    for (const key of ['2026', '2019', 'qn-quy/2026-Q3', 'qn-thang/2026-01', 'x/2026-H2']) {
      const wire = JSON.parse(JSON.stringify(periodFields(key))) as { period: number | string; regime?: string };
      expect(periodKeyOf(wire)).toBe(key);
    }
  });

  it('are labelled in Vietnamese for every periodicity', () => {
    expect(periodLabel('annual', '2026')).toBe('năm 2026');
    expect(periodLabel('six-monthly', '2026-H1')).toBe('6 tháng đầu năm 2026');
    expect(periodLabel('six-monthly', 'x/2026-H2')).toBe('6 tháng cuối năm 2026');
    expect(periodLabel('quarterly', 'qn-quy/2026-Q3')).toBe('quý III năm 2026');
    expect(periodLabel('quarterly', '2027-Q4')).toBe('quý IV năm 2027');
    expect(periodLabel('monthly', 'qn-thang/2026-11')).toBe('tháng 11 năm 2026');
    expect(periodLabel('monthly', '2026-01')).toBe('tháng 1 năm 2026');
  });
});

describe('resolvePeriod', () => {
  const now = new Date('2026-09-10T03:00:00Z');

  it('resolves a regime and a period id to the key, a year as a number for the annual main regime', () => {
    expect(resolvePeriod(set, { period: 2026 }, now)).toEqual({ regime: set.main, period: '2026' });
    expect(resolvePeriod(set, { period: '2026' }, now).period).toBe('2026');
    expect(resolvePeriod(set, { regime: 'qn-quy', period: '2026-Q3' }, now)).toEqual({ regime: QUY, period: 'qn-quy/2026-Q3' });
    expect(resolvePeriod(set, { regime: 'qn-thang', period: '2027-12' }, now).period).toBe('qn-thang/2027-12');
  });

  it('takes the regime’s current period when none is given', () => {
    expect(resolvePeriod(set, { regime: 'qn-quy' }, now).period).toBe('qn-quy/2026-Q3');
    expect(resolvePeriod(set, {}, now).period).toBe('2025');
  });

  it('is a 404 UNKNOWN_REGIME for a regime the deployment does not run', () => {
    const e = requestError(() => resolvePeriod(set, { regime: 'khong-co', period: '2026' }, now));
    expect([e.status, e.code]).toEqual([404, 'UNKNOWN_REGIME']);
    expect(e.message).toContain('Không có chế độ báo cáo mã "khong-co"');
  });

  it('is a 400 INVALID_PERIOD for an id of another shape and for a year outside firstPeriod..next year', () => {
    const codes = (input: { regime?: string; period?: number | string }) => {
      const e = requestError(() => resolvePeriod(set, input, now));
      return [e.status, e.code];
    };
    expect(codes({ regime: 'qn-quy', period: '2026-Q5' })).toEqual([400, 'INVALID_PERIOD']);
    expect(codes({ regime: 'qn-quy', period: 2026 })).toEqual([400, 'INVALID_PERIOD']);
    expect(codes({ regime: 'qn-quy', period: '2024-Q4' })).toEqual([400, 'INVALID_PERIOD']);
    expect(codes({ regime: 'qn-quy', period: '2028-Q1' })).toEqual([400, 'INVALID_PERIOD']);
    expect(codes({ period: '2026-Q3' })).toEqual([400, 'INVALID_PERIOD']);
    expect(codes({ period: 2018 })).toEqual([400, 'INVALID_PERIOD']);
    expect(resolvePeriod(set, { regime: 'qn-quy', period: '2027-Q4' }, now).period).toBe('qn-quy/2027-Q4');
  });
});

describe('periodDates of non-annual periods', () => {
  it('Tết 2027 (mùng 1 on Saturday 6 Feb) gives the weekdays 4, 5, 8, 9 and 10 February off', () => {
    expect(
      statutoryDaysOff(2027)
        .filter((d) => d.date.startsWith('2027-02'))
        .map((d) => d.date),
    ).toEqual(['2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10']);
  });

  it('a quarterly period: Điều 12 window, due 5 days after the cut-off moved off the weekend, opens the 1st of its last month', () => {
    const d = periodDates(QUY, 'qn-quy/2026-Q3');
    // Mon 14 Sep + 5 days = Sat 19 Sep → Mon 21 Sep; consolidated Tue 22 Sep at 08:00 local.
    expect(d).toMatchObject({ period: 'qn-quy/2026-Q3', cutOffFrom: '2026-06-15', cutOffTo: '2026-09-14', dueDate: '2026-09-21' });
    expect(d.opensAt.toISOString()).toBe('2026-08-31T17:00:00.000Z');
    expect(d.dueAt.toISOString()).toBe('2026-09-21T16:59:59.999Z');
    expect(d.consolidationAt.toISOString()).toBe('2026-09-22T01:00:00.000Z');
  });

  it('a monthly period whose 15th working day after the cut-off is pushed past Tết 2027', () => {
    const d = periodDates(THANG, 'qn-thang/2027-01');
    // Thu 14 Jan 2027, then 14 working days to Wed 3 Feb; 4–10 Feb are Tết and a weekend: the 15th is Thu 11 Feb.
    expect(d).toMatchObject({ cutOffFrom: '2026-12-15', cutOffTo: '2027-01-14', dueDate: '2027-02-11' });
    expect(d.opensAt.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(d.dueAt.toISOString()).toBe('2027-02-11T16:59:59.999Z');
    expect(d.consolidationAt.toISOString()).toBe('2027-02-12T01:00:00.000Z');
  });
});

describe('currentPeriod and openPeriods of a quarterly regime', () => {
  it('at 10 Sep 2026: 2026-Q3 (opened 1 Sep) is current; every opened quarter back to the first, newest first', () => {
    const now = new Date('2026-09-10T03:00:00Z');
    expect(currentPeriod(QUY, now)).toBe('qn-quy/2026-Q3');
    expect(openPeriods(QUY, now)).toEqual(
      ['2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1'].map((p) => `qn-quy/${p}`),
    );
    // The last millisecond of 31 Aug local time: 2026-Q3 is not open yet.
    expect(currentPeriod(QUY, new Date('2026-08-31T16:59:59.999Z'))).toBe('qn-quy/2026-Q2');
  });
});

describe('a unit listed in two regimes', () => {
  const world = (at: string) => ({ ...memoryWorld(at, DEFAULT_REGIME), regimes: regimeSet(DEFAULT_REGIME, [quarterly]) });
  const request = { regime: 'qn-quy', period: '2026-Q4', fileName: 'bao-cao.json', contentType: 'application/json', size: 2048 };

  it('GET /me lists what it owes under each regime, with each regime’s status', async () => {
    const w = world('2026-12-05T03:00:00Z');
    const { token } = await issueToken(w, { unitId: SHARED.id });
    await w.statuses.put(
      {
        period: 'qn-quy/2026-Q4',
        unitId: SHARED.id,
        rev: 1,
        status: 'ON_TIME',
        facts: summarizeFacts([{ uploadId: 'u1', receivedAt: '2026-12-04T02:00:00Z', valid: true, reasons: [] }], []),
        uploadIds: ['u1'],
        announced: true,
        updatedAt: '2026-12-04T02:00:01Z',
      },
      null,
    );

    const view = await readUnitView(w, { token });

    // 2026-Q3 is closed (consolidated 22 Sep, 30 days' grace); 2026-Q4: Mon 14 Dec + 5 = Sat 19 → Mon 21 Dec.
    expect(view.owed).toEqual([
      {
        regime: DEFAULT_REGIME.id,
        regimeName: DEFAULT_REGIME.name,
        period: 2026,
        periodLabel: 'năm 2026',
        dueDate: '2026-12-18',
        status: 'PENDING',
      },
      {
        regime: 'qn-quy',
        regimeName: 'Báo cáo công tác dân vận hằng quý',
        period: '2026-Q4',
        periodLabel: 'quý IV năm 2026',
        dueDate: '2026-12-21',
        status: 'ON_TIME',
      },
    ]);
    expect(view.period).toBe(2026);
    expect(view.regime.id).toBe(DEFAULT_REGIME.id);
    const quarter = await readUnitView(w, { token, regime: 'qn-quy', period: '2026-Q4' });
    expect([quarter.period, quarter.regime.id, quarter.status, quarter.dates.dueDate]).toEqual([
      '2026-Q4',
      'qn-quy',
      'ON_TIME',
      '2026-12-21',
    ]);
  });

  it('POST /uploads for the quarterly regime presigns a key under its period, with a link bound to the year', async () => {
    const w = world('2026-12-05T03:00:00Z');
    const { token } = await issueToken(w, { unitId: SHARED.id, periods: [2026] });

    const r = await createUpload(w, { token, readBody: () => request });

    expect(r.key).toMatch(new RegExp(`^incoming/qn-quy/2026-Q4/${SHARED.id}/[0-9a-z]{25}\\.json$`));
    expect((await w.audit.list('qn-quy/2026-Q4', SHARED.id)).map((e) => e.action)).toEqual(['UPLOAD_AUTHORIZED']);
    expect(await w.audit.list('2026', SHARED.id)).toHaveLength(1); // TOKEN_ISSUED only
  });

  it('refuses a quarter of a year the link is not bound to (403 PERIOD_NOT_BOUND): a 2026 link cannot file 2025-Q4', async () => {
    const w = world('2026-12-05T03:00:00Z');
    const { token, periods } = await issueToken(w, { unitId: SHARED.id });

    const e = await createUpload(w, { token, readBody: () => ({ ...request, period: '2025-Q4' }) }).then(
      () => null,
      (x: unknown) => x,
    );

    expect(e).toBeInstanceOf(RequestError);
    expect([(e as RequestError).status, (e as RequestError).code]).toEqual([403, 'PERIOD_NOT_BOUND']);
    expect(periods).toEqual([2026]);
    expect(await w.audit.list('qn-quy/2025-Q4', SHARED.id)).toEqual([]);
  });
});
