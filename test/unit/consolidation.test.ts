import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/domain/canonical.js';
import {
  consolidate,
  contentHash,
  indicatorTotal,
  regimeShortName,
  regimeSubject,
  sha256Hex,
  viNumber,
  viPercent,
  type ConsolidationRow,
} from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';
import { reportIndicators, type AnnualReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';

/**
 * A small regime: 3 provincial + 2 district units expected for 2026, plus one dissolved unit
 * (validTo 2025) and one created later (validFrom 2027) that must not count.
 */
const unit = (id: string, name: string, group: 'province' | 'district', extra: { validFrom?: number; validTo?: number } = {}) => ({
  id,
  name,
  group,
  email: `vanthu.${id}@kontum.gov.example`,
  validFrom: extra.validFrom ?? 2019,
  ...(extra.validTo ? { validTo: extra.validTo } : {}),
});
const regime: Regime = parseRegime({
  ...DEFAULT_REGIME,
  units: [
    unit('so-a', 'Sở A', 'province'),
    unit('huyen-x', 'UBND huyện X', 'district'),
    unit('so-b', 'Sở B', 'province'),
    unit('so-cu', 'Sở Cũ (đã sáp nhập)', 'province', { validTo: 2025 }),
    unit('so-c', 'Sở C', 'province'),
    unit('so-moi', 'Sở Mới', 'province', { validFrom: 2027 }),
    unit('huyen-y', 'UBND huyện Y', 'district'),
  ],
});

/** A report whose every count is `base`, with some counts overridden. */
function report(
  unitId: string,
  base: number,
  over: Record<string, number> = {},
  narrative: Partial<AnnualReport['narrative']> = {},
  planIssued = true,
): AnnualReport {
  const r = structuredClone(sampleReport(regime, unitId, '2026'));
  for (const ind of reportIndicators()) (r[ind.section] as Record<string, unknown>)[ind.field] = over[ind.path] ?? base;
  r.planAndSolutions.planIssued = planIssued;
  r.narrative = { results: '', limitations: '', proposals: '', ...narrative };
  return r;
}

// The deadline is the end of 18 Dec 2026 (ICT); the summary runs on 20 Dec 08:00 ICT.
const now = new Date('2026-12-20T01:00:00Z');

const rows: ConsolidationRow[] = [
  {
    unitId: 'so-a',
    status: 'ON_TIME',
    firstValidAt: '2026-12-10T03:00:00Z',
    lastUploadAt: '2026-12-10T03:00:00Z',
    versions: 1,
    report: report(
      'so-a',
      1,
      {
        'dissemination.sessions': 60,
        'dissemination.participantsOfficials': 1200,
        'planAndSolutions.petitionsReceived': 20,
        'planAndSolutions.petitionsResolved': 15,
      },
      { proposals: 'Đề nghị A', limitations: 'Hạn chế A' },
    ),
  },
  {
    unitId: 'so-b',
    status: 'LATE',
    firstValidAt: '2026-12-19T02:30:00Z',
    lastUploadAt: '2026-12-19T02:30:00Z',
    versions: 3,
    report: report(
      'so-b',
      2,
      {
        'dissemination.sessions': 40,
        'dissemination.participantsOfficials': 2467,
        'planAndSolutions.petitionsReceived': 8,
        'planAndSolutions.petitionsResolved': 8,
      },
      { proposals: '   ', limitations: 'Hạn chế B' },
      false,
    ),
  },
  // so-c: no row at all (never uploaded) — overdue by the clock.
  {
    unitId: 'huyen-x',
    status: 'ON_TIME',
    firstValidAt: '2026-12-15T09:00:00Z',
    lastUploadAt: '2026-12-16T09:00:00Z',
    versions: 2,
    report: report('huyen-x', 3, { 'dissemination.sessions': 23, 'dissemination.participantsOfficials': 900 }, { proposals: 'Đề nghị X' }),
  },
  // Returned for revision: its figures and text stay out of the totals.
  {
    unitId: 'huyen-y',
    status: 'RETURNED',
    firstValidAt: '2026-12-12T01:00:00Z',
    lastUploadAt: '2026-12-12T01:00:00Z',
    versions: 1,
    report: report('huyen-y', 100, {}, { proposals: 'Đề nghị Y' }),
  },
  // Outside their validity, and unknown: ignored.
  { unitId: 'so-cu', status: 'ON_TIME', firstValidAt: '2026-12-01T01:00:00Z', versions: 1, report: report('so-cu', 1000) },
  { unitId: 'so-moi', status: 'ON_TIME', firstValidAt: '2026-12-01T01:00:00Z', versions: 1, report: report('so-moi', 1000) },
  { unitId: 'ghost', status: 'ON_TIME', firstValidAt: '2026-12-01T01:00:00Z', versions: 1, report: report('so-a', 1000) },
];

describe('consolidate', () => {
  const c = consolidate({ regime, period: '2026', now, rows });

  it('totals every indicator overall and per group from the reported units only', () => {
    // Sessions: Sở A 60 + Sở B 40 = 100 (province); huyện X 23 (district); 123 in all.
    expect(indicatorTotal(c, 'dissemination.sessions')).toMatchObject({ total: 123, province: 100, district: 23 });
    // Participants: 1,200 + 2,467 = 3,667 (province); 900 (district); 4,567 in all.
    expect(indicatorTotal(c, 'dissemination.participantsOfficials')).toMatchObject({ total: 4567, province: 3667, district: 900 });
    // Petitions received: 20 + 8 = 28 (province); huyện X base 3; 31 in all. Resolved: 15 + 8 = 23; 3; 26.
    expect(indicatorTotal(c, 'planAndSolutions.petitionsReceived')).toMatchObject({ total: 31, province: 28, district: 3 });
    expect(indicatorTotal(c, 'planAndSolutions.petitionsResolved')).toMatchObject({ total: 26, province: 23, district: 3 });
    // Any other count takes the base values: Sở A 1 + Sở B 2 = 3 (province); huyện X 3; 6 in all.
    expect(indicatorTotal(c, 'emulation.individualsCommended')).toMatchObject({ total: 6, province: 3, district: 3 });
    expect(indicatorTotal(c, 'programmes.commentsReceived')).toMatchObject({ total: 6, province: 3, district: 3 });
  });

  it('lists one total per indicator in form order, with its label', () => {
    expect(c.indicators.map((i) => i.path)).toEqual(reportIndicators().map((i) => i.path));
    expect(indicatorTotal(c, 'dissemination.sessions').label).toBe('Số hội nghị, buổi phổ biến, quán triệt');
  });

  it('keeps only the units expected for the period, province first, in regime order', () => {
    expect(c.units.map((u) => u.unitId)).toEqual(['so-a', 'so-b', 'so-c', 'huyen-x', 'huyen-y']);
    expect(c.units.map((u) => u.group)).toEqual(['province', 'province', 'province', 'district', 'district']);
  });

  it('gives per-unit rows with status, submission, timeliness, versions and values', () => {
    const [a, b, cc, x, y] = c.units;
    expect(a).toMatchObject({
      name: 'Sở A',
      status: 'ON_TIME',
      onTime: true,
      submittedAt: '2026-12-10T03:00:00Z',
      versions: 1,
      counted: true,
      planIssued: true,
    });
    expect(a!.values['dissemination.sessions']).toBe(60);
    expect(b).toMatchObject({ status: 'LATE', onTime: false, versions: 3, counted: true, planIssued: false });
    expect(b!.values['dissemination.participantsOfficials']).toBe(2467);
    expect(cc).toMatchObject({ status: 'OVERDUE', onTime: null, submittedAt: null, versions: 0, counted: false, planIssued: null });
    expect(Object.values(cc!.values).every((v) => v === null)).toBe(true);
    expect(x!.lastUploadAt).toBe('2026-12-16T09:00:00Z');
    expect(y).toMatchObject({ status: 'RETURNED', onTime: null, counted: false });
    expect(y!.values['dissemination.sessions']).toBeNull();
    expect(Object.keys(a!.values)).toHaveLength(reportIndicators().length);
  });

  it('computes the rates overall and per group', () => {
    // Expected 5; reported Sở A, Sở B, huyện X = 3 → 0.6; on time Sở A, huyện X = 2 → 0.4.
    expect(c.rates.overall).toEqual({ expected: 5, reported: 3, onTime: 2, reportingRate: 0.6, onTimeRate: 0.4 });
    // Province: 3 expected, 2 reported (2/3 = 0.6667), 1 on time (1/3 = 0.3333).
    expect(c.rates.province).toEqual({ expected: 3, reported: 2, onTime: 1, reportingRate: 0.6667, onTimeRate: 0.3333 });
    // District: 2 expected, 1 reported, 1 on time.
    expect(c.rates.district).toEqual({ expected: 2, reported: 1, onTime: 1, reportingRate: 0.5, onTimeRate: 0.5 });
    expect(c.statusCounts).toMatchObject({ ON_TIME: 2, LATE: 1, OVERDUE: 1, RETURNED: 1, PENDING: 0 });
  });

  it('lists the units that have not reported, with their contact', () => {
    expect(c.notReported).toEqual([
      { unitId: 'so-c', name: 'Sở C', group: 'province', email: 'vanthu.so-c@kontum.gov.example', status: 'OVERDUE' },
      { unitId: 'huyen-y', name: 'UBND huyện Y', group: 'district', email: 'vanthu.huyen-y@kontum.gov.example', status: 'RETURNED' },
    ]);
  });

  it('collects the non-empty proposals and limitations per unit', () => {
    expect(c.proposals).toEqual([
      { unitId: 'so-a', name: 'Sở A', group: 'province', text: 'Đề nghị A' },
      { unitId: 'huyen-x', name: 'UBND huyện X', group: 'district', text: 'Đề nghị X' },
    ]);
    expect(c.limitations.map((l) => [l.unitId, l.text])).toEqual([
      ['so-a', 'Hạn chế A'],
      ['so-b', 'Hạn chế B'],
    ]);
  });

  it('counts reports, issued plans and programme progress per group', () => {
    expect(c.countedReports).toEqual({ total: 3, province: 2, district: 1 });
    // Sở B issued no plan.
    expect(c.plansIssued).toEqual({ total: 2, province: 1, district: 1 });
    // sampleReport: 739 in progress, 740 completed, for each of the 3 counted reports.
    expect(c.programmes.plan739).toEqual({ NOT_STARTED: 0, IN_PROGRESS: 3, COMPLETED: 0 });
    expect(c.programmes.plan740).toEqual({ NOT_STARTED: 0, IN_PROGRESS: 0, COMPLETED: 3 });
  });

  it('flags an accepted unit that came without its report, and counts nothing for it', () => {
    const c2 = consolidate({
      regime,
      period: '2026',
      now,
      rows: [{ unitId: 'so-a', status: 'ON_TIME', firstValidAt: '2026-12-10T03:00:00Z', versions: 1 }],
    });
    expect(c2.withoutFigures).toEqual(['so-a']);
    expect(c2.rates.overall.reported).toBe(1);
    expect(indicatorTotal(c2, 'dissemination.sessions').total).toBe(0);
    expect(c.withoutFigures).toEqual([]);
  });

  it('before the deadline, a unit that has sent nothing is pending, not overdue', () => {
    const early = consolidate({ regime, period: '2026', now: new Date('2026-12-01T01:00:00Z'), rows: [] });
    expect(early.units.every((u) => u.status === 'PENDING')).toBe(true);
    expect(early.notReported).toHaveLength(5);
  });

  it('is linear: 10,000 units consolidate quickly and add up', () => {
    const big = parseRegime({
      ...regime,
      units: Array.from({ length: 10_000 }, (_, i) => unit(`u-${i}`, `Đơn vị ${i}`, i % 2 ? 'district' : 'province')),
    });
    const r = report('u-0', 1, { 'dissemination.sessions': 2 });
    const bigRows = big.units.map((u) => ({
      unitId: u.id,
      status: 'ON_TIME' as const,
      firstValidAt: '2026-12-10T03:00:00Z',
      versions: 1,
      report: r,
    }));
    const t0 = performance.now();
    const out = consolidate({ regime: big, period: '2026', now, rows: bigRows });
    const ms = performance.now() - t0;
    // 5,000 units per group × 2 sessions each.
    expect(indicatorTotal(out, 'dissemination.sessions')).toMatchObject({ total: 20_000, province: 10_000, district: 10_000 });
    expect(ms).toBeLessThan(2_000);
  });
});

describe('contentHash', () => {
  const c = consolidate({ regime, period: '2026', now, rows });

  it('is the same for the same data at another time and in another row order', () => {
    const later = consolidate({ regime, period: '2026', now: new Date('2026-12-21T05:00:00Z'), rows: [...rows].reverse() });
    expect(later.asOf).not.toBe(c.asOf);
    expect(contentHash(later)).toBe(contentHash(c));
    expect(contentHash(c)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a figure or a status changes', () => {
    const changed = rows.map((r) => (r.unitId === 'so-a' ? { ...r, report: report('so-a', 1, { 'dissemination.sessions': 61 }) } : r));
    expect(contentHash(consolidate({ regime, period: '2026', now, rows: changed }))).not.toBe(contentHash(c));
    const late = [
      ...rows,
      { unitId: 'so-c', status: 'LATE' as const, firstValidAt: '2026-12-19T10:00:00Z', versions: 1, report: report('so-c', 0) },
    ];
    expect(contentHash(consolidate({ regime, period: '2026', now, rows: late }))).not.toBe(contentHash(c));
  });

  it('hashes the main regime’s year as summaries published before period keys were strings did: no spurious update', () => {
    const reported = ['so-tu-phap', 'so-y-te', 'dak-ha'].map((u): ConsolidationRow => ({
      unitId: u,
      status: 'ON_TIME',
      firstValidAt: '2026-12-10T03:00:00Z',
      versions: 1,
      report: sampleReport(DEFAULT_REGIME, u, '2026'),
    }));
    const seed = consolidate({ regime: DEFAULT_REGIME, period: '2026', now, rows: reported });
    // Computed by the code of commit 275b147, where the period was the number 2026: a SUMMARY item stored then holds it.
    expect(contentHash(seed)).toBe('0d504345268f02a2033583be0c35dc642f718a71807eaeaf3d3623523c162a6a');
    // Under another regime the same period id is another summary.
    expect(contentHash({ ...seed, period: 'qn-quy/2026' })).not.toBe(contentHash(seed));
  });

  it('hashes canonical JSON: key order and undefined members do not matter', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: undefined, c: 'x' }] })).toBe('{"a":[1,{"c":"x"}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('sha256Hex agrees with node:crypto, across block boundaries and UTF-8', () => {
    const inputs = [
      '',
      'abc',
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'a'.repeat(1000),
      'Kon Tum — Sở Nội vụ: báo cáo năm 2026 ✓',
      canonicalJson(c),
    ];
    for (const s of inputs) expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    // FIPS 180-4 example.
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('Vietnamese presentation helpers', () => {
  it('writes numbers with "." thousands and percentages with a decimal comma', () => {
    expect(viNumber(0)).toBe('0');
    expect(viNumber(999)).toBe('999');
    expect(viNumber(4567)).toBe('4.567');
    expect(viNumber(1234567)).toBe('1.234.567');
    expect(viPercent(0.6667)).toBe('66,7%');
    expect(viPercent(1)).toBe('100,0%');
  });

  it('derives the subject and the short name from the regime name', () => {
    expect(regimeSubject(DEFAULT_REGIME)).toBe('kết quả thực hiện công tác dân vận chính quyền');
    expect(regimeShortName(DEFAULT_REGIME)).toBe('Báo cáo dân vận chính quyền');
  });
});
