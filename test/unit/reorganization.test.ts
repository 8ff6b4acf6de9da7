import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstPeriodOfYear, periodDates } from '../../shared/domain/calendar.js';
import { consolidate, type ConsolidationRow } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { periodsBetween, periodsPerYear, regimePeriod } from '../../shared/domain/periodicity.js';
import {
  expectedUnits,
  expectedUnitsAt,
  groupLabel,
  parseRegime,
  RegimeInvalidError,
  type Regime,
  type Unit,
} from '../../shared/domain/regime.js';
import { reportIndicators } from '../../shared/domain/report.js';
import {
  comparableConsolidation,
  comparableFigures,
  comparablePeriod,
  predecessorsOf,
  priorNotes,
  successorOf,
} from '../../shared/domain/reorganization.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { readRegimeFile, RegimeFileError } from '../../shared/regime-file.js';

const EXAMPLE = 'examples/regime-quang-ngai-quarterly.json';

const unit = (id: string, group: Unit['group'], validFrom: number | string, more: Partial<Unit> = {}): Unit => ({
  id,
  name: `Đơn vị ${id}`,
  group,
  email: `${id}@example.gov.example`,
  validFrom,
  ...more,
});

/** The default regime with another unit list: A and B merge into C on 2025-07-01; D goes on; E is dissolved. */
function mergedRegime(): Regime {
  return parseRegime({
    ...JSON.parse(JSON.stringify(DEFAULT_REGIME)),
    units: [
      unit('so-a', 'province', 2019),
      unit('xa-a', 'district', 2019, { validTo: '2025-06-30', successor: 'xa-c' }),
      unit('xa-b', 'district', 2019, { validTo: '2025-06-30', successor: 'xa-c' }),
      unit('xa-c', 'district', '2025-07-01'),
      unit('xa-d', 'district', 2019),
      unit('xa-e', 'district', 2019, { validTo: '2025-06-30' }),
    ],
  });
}

function invalid(units: Unit[]): RegimeInvalidError {
  try {
    parseRegime({ ...JSON.parse(JSON.stringify(DEFAULT_REGIME)), units });
  } catch (e) {
    if (e instanceof RegimeInvalidError) return e;
    throw e;
  }
  throw new Error('expected parseRegime to reject the units');
}

describe('units valid at a date', () => {
  it('expects the merged units up to the day before the merger and their successor from that day', () => {
    const regime = mergedRegime();

    expect(expectedUnitsAt(regime, '2025-06-30').map((u) => u.id)).toEqual(['so-a', 'xa-a', 'xa-b', 'xa-d', 'xa-e']);
    expect(expectedUnitsAt(regime, '2025-07-01').map((u) => u.id)).toEqual(['so-a', 'xa-c', 'xa-d']);
  });

  it('judges an annual period by the end of its cut-off window (14/12): 2025 already has the successor', () => {
    const regime = mergedRegime();

    expect(expectedUnits(regime, '2024').map((u) => u.id)).toEqual(['so-a', 'xa-a', 'xa-b', 'xa-d', 'xa-e']);
    expect(expectedUnits(regime, '2025').map((u) => u.id)).toEqual(['so-a', 'xa-c', 'xa-d']);
  });

  it('expects, for the shipped regimes, exactly the units valid at the end of each period’s cut-off window', () => {
    for (const regime of [DEFAULT_REGIME, readRegimeFile(EXAMPLE), mergedRegime()]) {
      // Every period of 2019–2030 in the regime's own periodicity (the example is quarterly).
      const periods = periodsBetween(regime.frequency, firstPeriodOfYear(regime, 2019), firstPeriodOfYear(regime, 2031)).slice(0, -1);
      expect(periods).toHaveLength(12 * periodsPerYear(regime.frequency));
      for (const period of periods) {
        const ids = (units: Unit[]) => units.map((u) => u.id);
        expect(ids(expectedUnits(regime, period)), `${regime.id} ${period}`).toEqual(
          ids(expectedUnitsAt(regime, periodDates(regime, period).cutOffTo)),
        );
      }
    }
  });

  it('keeps the default regime expecting all 31 units of its years', () => {
    expect(expectedUnits(DEFAULT_REGIME, '2026')).toHaveLength(31);
    expect(expectedUnits(DEFAULT_REGIME, '2018')).toHaveLength(0);
  });
});

describe('successors', () => {
  it('maps a merged unit to its successor from the merger on, and to itself before', () => {
    const regime = mergedRegime();

    expect(successorOf(regime, 'xa-a', '2025-06-30')?.id).toBe('xa-a');
    expect(successorOf(regime, 'xa-a', '2025-07-01')?.id).toBe('xa-c');
    expect(successorOf(regime, 'xa-d', '2026-12-14')?.id).toBe('xa-d');
    expect(successorOf(regime, 'xa-e', '2026-12-14')).toBeUndefined();
    expect(successorOf(regime, 'no-such-unit', '2026-12-14')).toBeUndefined();
  });

  it('follows a chain of mergers to the unit that exists at the date', () => {
    const regime = parseRegime({
      ...JSON.parse(JSON.stringify(DEFAULT_REGIME)),
      units: [
        unit('xa-a', 'district', 2019, { validTo: 2022, successor: 'xa-b' }),
        unit('xa-b', 'district', 2023, { validTo: '2025-06-30', successor: 'xa-c' }),
        unit('xa-c', 'district', '2025-07-01'),
      ],
    });

    expect(successorOf(regime, 'xa-a', '2023-06-01')?.id).toBe('xa-b');
    expect(successorOf(regime, 'xa-a', '2026-01-01')?.id).toBe('xa-c');
    expect(predecessorsOf(regime, 'xa-c').map((u) => u.id)).toEqual(['xa-b', 'xa-a']);
  });
});

describe('cùng kỳ năm trước', () => {
  it('sums the merged units’ figures into their successor and totals them by group', () => {
    const regime = mergedRegime();
    const atDate = '2026-12-14';

    const c = comparableFigures({
      regime,
      units: expectedUnitsAt(regime, atDate),
      atDate,
      paths: ['sessions', 'people'],
      previous: [
        { unitId: 'so-a', values: { sessions: 4, people: 100 } },
        { unitId: 'xa-a', values: { sessions: 2, people: 30 } },
        { unitId: 'xa-b', values: { sessions: 3, people: null } },
        { unitId: 'xa-d', values: { sessions: null, people: null } },
        { unitId: 'xa-e', values: { sessions: 7, people: 70 } },
      ],
    });

    expect(c.units).toEqual([
      { unitId: 'so-a', group: 'province', from: ['so-a'], values: { sessions: 4, people: 100 } },
      { unitId: 'xa-c', group: 'district', from: ['xa-a', 'xa-b'], values: { sessions: 5, people: 30 } },
      { unitId: 'xa-d', group: 'district', from: [], values: { sessions: null, people: null } },
    ]);
    expect(c.totals).toEqual({ sessions: { total: 9, province: 4, district: 5 }, people: { total: 130, province: 100, district: 30 } });
    expect(c.unmapped).toEqual(['xa-e']);
  });

  it('counts a unit listed twice in last period’s figures once', () => {
    const regime = mergedRegime();

    const c = comparableFigures({
      regime,
      units: expectedUnitsAt(regime, '2026-12-14'),
      atDate: '2026-12-14',
      paths: ['sessions'],
      previous: [
        { unitId: 'xa-a', values: { sessions: 2 } },
        { unitId: 'xa-a', values: { sessions: 2 } },
      ],
    });

    expect(c.totals['sessions']).toEqual({ total: 2, province: 0, district: 2 });
  });
});

describe('cùng kỳ năm trước of an annual consolidation', () => {
  /** An accepted report whose every count is `base`. */
  const row = (regime: Regime, unitId: string, period: string, base: number): ConsolidationRow => {
    const report = structuredClone(sampleReport(regime, unitId, period));
    for (const ind of reportIndicators()) (report[ind.section] as Record<string, unknown>)[ind.field] = base;
    return { unitId, status: 'ON_TIME', versions: 1, report };
  };

  it('shows 2024’s figures of the two merged communes on their successor in 2025', () => {
    const regime = mergedRegime();
    const previous = consolidate({
      regime,
      period: '2024',
      now: new Date('2024-12-20T01:00:00Z'),
      rows: [
        row(regime, 'so-a', '2024', 10),
        row(regime, 'xa-a', '2024', 2),
        row(regime, 'xa-b', '2024', 3),
        row(regime, 'xa-e', '2024', 7),
      ],
    });
    const current = consolidate({ regime, period: '2025', now: new Date('2025-12-20T01:00:00Z'), rows: [row(regime, 'xa-c', '2025', 1)] });

    const c = comparableConsolidation(regime, current, previous);

    expect(c.units.map((u) => [u.unitId, u.from, u.values['dissemination.sessions']])).toEqual([
      ['so-a', ['so-a'], 10],
      ['xa-c', ['xa-a', 'xa-b'], 5],
      ['xa-d', [], null],
    ]);
    expect(c.totals['dissemination.sessions']).toEqual({ total: 15, province: 10, district: 5 });
    expect(c.unmapped).toEqual(['xa-e']);
  });
});

describe('a merged unit’s figures map to its successor', () => {
  /** A and B merge into C mid-year, E is dissolved without a successor, F is renamed G (one successor), so-a goes on. */
  const reorganized = () =>
    parseRegime({
      ...JSON.parse(JSON.stringify(DEFAULT_REGIME)),
      units: [
        unit('so-a', 'province', 2019),
        unit('so-f', 'province', 2019, { validTo: 2024, successor: 'so-g' }),
        unit('so-g', 'province', 2025),
        unit('xa-a', 'district', 2019, { validTo: '2025-06-30', successor: 'xa-c' }),
        unit('xa-b', 'district', 2019, { validTo: '2025-06-30', successor: 'xa-c' }),
        unit('xa-c', 'district', '2025-07-01'),
        unit('xa-e', 'district', 2019, { validTo: '2025-06-30' }),
      ],
    });
  const row = (regime: Regime, unitId: string, period: string, base: number): ConsolidationRow => {
    const report = structuredClone(sampleReport(regime, unitId, period));
    for (const ind of reportIndicators()) (report[ind.section] as Record<string, unknown>)[ind.field] = base;
    return { unitId, status: 'ON_TIME', versions: 1, report };
  };

  it('sums the merged units into their successor, carries the renamed unit to its new id and leaves the dissolved one out', () => {
    const regime = reorganized();
    const at = (y: number) => new Date(`${y}-12-20T01:00:00Z`);
    const previous = consolidate({
      regime,
      period: '2024',
      now: at(2024),
      rows: ['so-a', 'so-f', 'xa-a', 'xa-b', 'xa-e'].map((id, i) => row(regime, id, '2024', 10 ** i)),
    });
    const current = consolidate({ regime, period: '2025', now: at(2025), rows: [row(regime, 'xa-c', '2025', 7)] });

    const prior = comparableConsolidation(regime, current, previous);

    // so-a 1, so-f 10, xa-a 100, xa-b 1000, xa-e 10000 (dissolved: nowhere).
    expect(prior.period).toBe('2024');
    expect(prior.units.map((u) => [u.unitId, u.from, u.values['dissemination.sessions']])).toEqual([
      ['so-a', ['so-a'], 1],
      ['so-g', ['so-f'], 10],
      ['xa-c', ['xa-a', 'xa-b'], 1100],
    ]);
    expect(prior.totals['dissemination.sessions']).toEqual({ total: 1111, province: 11, district: 1100 });
    expect(prior.unmapped).toEqual(['xa-e']);
    expect(priorNotes(regime, prior)).toEqual([
      'Cùng kỳ năm trước: số liệu năm 2024 của các cơ quan, đơn vị nay còn hoạt động, tính theo đơn vị hiện nay.',
      'Số liệu năm 2024 của Đơn vị so-f được tính vào Đơn vị so-g (tổ chức lại từ 01/01/2025).',
      'Số liệu năm 2024 của Đơn vị xa-a, Đơn vị xa-b được tính vào Đơn vị xa-c (sáp nhập từ 01/07/2025).',
      'Không tính số liệu năm 2024 của Đơn vị xa-e (không có đơn vị kế thừa).',
    ]);
  });

  it('maps a quarter of the example regime onto the same quarter a year later (2025-Q2 → 2026-Q2)', () => {
    const regime = readRegimeFile(EXAMPLE);
    const { previous, atDate } = comparablePeriod(regime, '2026-Q2');
    // Every unit expected in 2025-Q2 (the predecessors among them) reported 1 session.
    const before = expectedUnitsAt(regime, regimePeriod(regime, previous).to);

    const prior = comparableFigures({
      regime,
      units: expectedUnitsAt(regime, atDate),
      atDate,
      paths: ['sessions'],
      previous: before.map((u) => ({ unitId: u.id, values: { sessions: 1 } })),
    });

    expect({ previous, atDate }).toEqual({ previous: '2025-Q2', atDate: '2026-06-14' });
    const byId = new Map(prior.units.map((u) => [u.unitId, u]));
    expect(byId.get('phuong-kon-tum')).toMatchObject({
      from: ['cu-phuong-quyet-thang', 'cu-phuong-thang-loi', 'cu-phuong-thong-nhat'],
      values: { sessions: 3 },
    });
    expect(byId.get('so-nong-nghiep-moi-truong')?.values['sessions']).toBe(2);
    expect(byId.get('xa-dak-long')).toMatchObject({ from: ['xa-dak-long'], values: { sessions: 1 } });
    expect(prior.unmapped).toEqual([]);
    // Nothing is lost or counted twice: every 2025-Q2 figure lands on one 2026-Q2 unit.
    expect(prior.totals['sessions']!.total).toBe(before.length);
  });

  it('has no comparable period before the ids’ first year', () => {
    expect(() => comparablePeriod(readRegimeFile(EXAMPLE), '2000-Q1')).toThrow('không có cùng kỳ năm trước');
  });
});

describe('reorganization rules at load', () => {
  it('refuses a successor that does not exist, naming the field', () => {
    const e = invalid([unit('xa-a', 'district', 2019, { validTo: '2025-06-30', successor: 'xa-z' })]);

    expect(e.issues).toContainEqual({ path: 'units.0.successor', message: 'no unit has the id xa-z' });
  });

  it('refuses a unit that succeeds itself and a chain that loops', () => {
    const self = invalid([unit('xa-a', 'district', 2019, { validTo: 2020, successor: 'xa-a' })]);
    const loop = invalid([
      unit('xa-a', 'district', 2019, { validTo: 2020, successor: 'xa-b' }),
      unit('xa-b', 'district', 2019, { validTo: 2020, successor: 'xa-a' }),
    ]);

    expect(self.issues.map((i) => i.path)).toContain('units.0.successor');
    expect(loop.issues).toContainEqual({ path: 'units.0.successor', message: 'the chain of successors loops back to this unit' });
  });

  it('refuses dates out of order and a successor missing on the day after the merger', () => {
    const e = invalid([
      unit('xa-a', 'district', '2025-07-01', { validTo: '2025-06-30' }),
      unit('xa-b', 'district', 2019, { validTo: '2025-06-30', successor: 'xa-c' }),
      unit('xa-c', 'district', '2025-08-01'),
      unit('xa-d', 'district', 2019, { successor: 'xa-c' }),
    ]);

    expect(e.issues).toContainEqual({ path: 'units.0.validTo', message: 'validTo comes before validFrom' });
    expect(e.issues).toContainEqual({
      path: 'units.1.successor',
      message: 'the successor xa-c must exist on 2025-07-01, the day after this unit ends',
    });
    expect(e.issues).toContainEqual({ path: 'units.3.validTo', message: 'a unit with a successor needs validTo' });
  });

  it('refuses a date that does not exist in validTo', () => {
    const e = invalid([unit('xa-a', 'district', 2019, { validTo: '2025-02-30' })]);

    expect(e.issues.map((i) => i.path)).toContain('units.0.validTo');
  });

  it('requires a deadline rule of a quarterly regime and refuses one on an annual regime', () => {
    const base = JSON.parse(JSON.stringify(DEFAULT_REGIME)) as Record<string, unknown>;

    expect(() => parseRegime({ ...base, frequency: 'quarterly' })).toThrow('deadlineRule: a quarterly regime needs a deadlineRule');
    expect(() => parseRegime({ ...base, deadlineRule: { afterCutOff: { days: 3 } } })).toThrow(
      'deadlineRule: an annual regime sets its deadline in `deadline`',
    );
    expect(() => parseRegime({ ...base, frequency: 'weekly' })).toThrow('frequency');
  });
});

describe('the shipped example regime (quarterly, departments and commune-level PCs)', () => {
  it('loads through the same loader as REGIME_FILE', () => {
    const regime = readRegimeFile(EXAMPLE);

    expect(regime.frequency).toBe('quarterly');
    expect(groupLabel(regime, 'district')).toBe('UBND các xã, phường, đặc khu');
    expect(groupLabel(DEFAULT_REGIME, 'district')).toBe('UBND các huyện, thành phố');
  });

  it('expects the predecessors in 2025-Q2 and their successors from 2025-Q3', () => {
    const regime = readRegimeFile(EXAMPLE);
    const ids = (period: string) => expectedUnitsAt(regime, regimePeriod(regime, period).to).map((u) => u.id);

    expect(ids('2025-Q2')).toEqual(
      expect.arrayContaining(['cu-phuong-quyet-thang', 'cu-phuong-thang-loi', 'cu-phuong-thong-nhat', 'cu-xa-chu-hreng']),
    );
    expect(ids('2025-Q2')).not.toContain('phuong-kon-tum');
    expect(ids('2025-Q3')).toContain('phuong-kon-tum');
    expect(ids('2025-Q3').filter((id) => id.startsWith('cu-') || id.startsWith('kt-') || id.startsWith('qn-'))).toEqual([]);
    expect(ids('2025-Q3')).toHaveLength(25);
  });

  it('maps the merged wards to phường Kon Tum and the two departments to Sở Nông nghiệp và Môi trường', () => {
    const regime = readRegimeFile(EXAMPLE);

    expect(predecessorsOf(regime, 'phuong-kon-tum').map((u) => u.id)).toEqual([
      'cu-phuong-quyet-thang',
      'cu-phuong-thang-loi',
      'cu-phuong-thong-nhat',
    ]);
    expect(predecessorsOf(regime, 'xa-dak-ro-wa').map((u) => u.id)).toEqual(['cu-xa-dak-ro-wa', 'cu-xa-chu-hreng']);
    expect(successorOf(regime, 'kt-so-nong-nghiep-moi-truong', '2026-03-14')?.id).toBe('so-nong-nghiep-moi-truong');
    expect(successorOf(regime, 'qn-so-nong-nghiep-moi-truong', '2026-03-14')?.id).toBe('so-nong-nghiep-moi-truong');
  });

  it('gives 2026-Q3 its Điều 12 window and a deadline three working days after it', () => {
    // 14/9/2026 Mon → Tue 15, Wed 16, Thu 17.
    expect(regimePeriod(readRegimeFile(EXAMPLE), '2026-Q3')).toEqual({
      id: '2026-Q3',
      from: '2026-06-15',
      to: '2026-09-14',
      dueDate: '2026-09-17',
    });
  });

  it('fails at load naming the file and the path of a bad definition', () => {
    const json = JSON.parse(JSON.stringify(readRegimeFile(EXAMPLE))) as { units: Unit[] };
    const i = json.units.findIndex((u) => u.id === 'cu-phuong-thang-loi');
    json.units[i]!.successor = 'phuong-khong-co';
    const file = join(mkdtempSync(join(tmpdir(), 'regime-')), 'bad.json');
    writeFileSync(file, JSON.stringify(json));

    expect(() => readRegimeFile(file)).toThrow(RegimeFileError);
    expect(() => readRegimeFile(file)).toThrow(
      `${file}: Invalid reporting regime: units.${i}.successor: no unit has the id phuong-khong-co`,
    );
  });
});
