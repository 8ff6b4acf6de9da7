import { describe, expect, it } from 'vitest';
import {
  consolidate,
  diffSummaries,
  parseSummarySnapshot,
  summarySnapshot,
  type ConsolidationRow,
} from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { DEFAULT_CLOSE_AFTER_DAYS, isPeriodClosed, isSummaryUpdateWindow, periodClosesAt } from '../../shared/domain/period-close.js';
import { parseRegime } from '../../shared/domain/regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ComplianceStatus } from '../../shared/domain/status.js';
import { changeLines, MAX_CHANGE_LINES, pictureSentence } from '../../shared/email/summary-email.js';

const regime = DEFAULT_REGIME;
const PERIOD = '2026';
const NOW = new Date('2026-12-23T01:00:00Z');

const row = (unitId: string, status: ComplianceStatus, variant = 0): ConsolidationRow => ({
  unitId,
  status,
  versions: 1,
  ...(status === 'ON_TIME' || status === 'LATE' ? { report: sampleReport(regime, unitId, PERIOD, variant) } : {}),
});
const consolidation = (rows: ConsolidationRow[]) => consolidate({ regime, period: PERIOD, now: NOW, rows });
const unitName = (id: string) => regime.units.find((u) => u.id === id)!.name;

describe('diffSummaries: what changed since the version the leadership has', () => {
  const v1 = consolidation([row('so-tu-phap', 'ON_TIME'), row('so-y-te', 'ON_TIME'), row('dak-ha', 'ON_TIME')]);

  it('finds nothing between a consolidation and its own snapshot', () => {
    const d = diffSummaries(summarySnapshot(v1), v1);

    expect(d).toMatchObject({ changed: false, added: [], removed: [], replaced: [], statusChanged: [], figures: [] });
    expect(d.stillMissing).toHaveLength(regime.units.length - 3);
  });

  it('a late report accepted: the unit is added and every moved total is listed old → new', () => {
    const v2 = consolidation([row('so-tu-phap', 'ON_TIME'), row('so-y-te', 'ON_TIME'), row('dak-ha', 'ON_TIME'), row('ngoc-hoi', 'LATE')]);

    const d = diffSummaries(summarySnapshot(v1), v2);

    expect(d.added).toEqual([{ unitId: 'ngoc-hoi', name: unitName('ngoc-hoi'), group: 'district', from: 'OVERDUE', to: 'LATE' }]);
    expect(d.figures.length).toBeGreaterThan(0);
    for (const f of d.figures) expect(f.to - f.from).toBe(v2.units.find((u) => u.unitId === 'ngoc-hoi')!.values[f.path]);
    expect(d.changed).toBe(true);
  });

  it('a report returned is removed, a replacing upload is replaced, a status-only move is listed on its own', () => {
    const v2 = consolidation([
      row('so-tu-phap', 'RETURNED'),
      row('so-y-te', 'ON_TIME', 1),
      row('dak-ha', 'ON_TIME'),
      row('kon-ray', 'PENDING'),
    ]);
    const prev = summarySnapshot(v1);
    prev.units = prev.units.map((u) => (u[0] === 'kon-ray' ? [u[0], 'OVERDUE', null] : u));

    const d = diffSummaries(prev, v2);

    expect(d.removed.map((u) => [u.unitId, u.to])).toEqual([['so-tu-phap', 'RETURNED']]);
    expect(d.replaced.map((u) => u.unitId)).toEqual(['so-y-te']);
    expect(d.statusChanged.map((u) => [u.unitId, u.from, u.to])).toEqual([['kon-ray', 'OVERDUE', 'PENDING']]);
  });

  it('the snapshot is small and survives a JSON round trip; anything else reads as null', () => {
    const text = JSON.stringify(summarySnapshot(v1));

    expect(text.length).toBeLessThan(4_000);
    expect(parseSummarySnapshot(text)).toEqual(summarySnapshot(v1));
    expect(parseSummarySnapshot('{"v":1,"period":2026,"units":[["x","BOGUS",null]],"totals":[]}')).toBeNull();
    expect(parseSummarySnapshot('not json')).toBeNull();
  });

  it('reads a snapshot stored when the period was the year as a number, as the main regime’s key', () => {
    const stored = JSON.stringify({ ...summarySnapshot(v1), period: 2026 });

    expect(parseSummarySnapshot(stored)).toEqual(summarySnapshot(v1));
    expect(summarySnapshot(v1).period).toBe('2026');
  });
});

describe('changeLines and pictureSentence (Vietnamese, bounded)', () => {
  it('says each change in one line and the units still missing last', () => {
    const v1 = consolidation([row('so-tu-phap', 'ON_TIME')]);
    const v2 = consolidation([row('so-tu-phap', 'ON_TIME'), row('ngoc-hoi', 'LATE')]);

    const lines = changeLines(diffSummaries(summarySnapshot(v1), v2));

    expect(lines[0]).toBe(`Tính thêm số liệu của ${unitName('ngoc-hoi')} (nộp trễ hạn).`);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^Còn ${regime.units.length - 2} cơ quan, đơn vị chưa gửi báo cáo: .+ và ${regime.units.length - 12} đơn vị khác\\.$`),
    );
  });

  it('stops at MAX_CHANGE_LINES with "… và N thay đổi khác"', () => {
    const v1 = consolidation([]);
    const all = regime.units.map((u) => row(u.id, 'LATE'));
    const d = diffSummaries(summarySnapshot(v1), consolidation(all));
    const total = d.added.length + d.figures.length;

    const lines = changeLines(d);

    expect(total).toBeGreaterThan(MAX_CHANGE_LINES);
    expect(lines).toHaveLength(MAX_CHANGE_LINES + 1);
    expect(lines[MAX_CHANGE_LINES - 1]).toBe(`… và ${total - MAX_CHANGE_LINES + 1} thay đổi khác.`);
    expect(lines.at(-1)).toBe('Không còn cơ quan, đơn vị nào chưa gửi báo cáo.');
  });

  it('one sentence from the rates: overall, by group, late and missing', () => {
    const c = consolidation([row('so-tu-phap', 'ON_TIME'), row('so-y-te', 'LATE'), row('dak-ha', 'ON_TIME')]);
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1).replace('.', ',')}%`;
    const province = regime.units.filter((u) => u.group === 'province').length;
    const district = regime.units.length - province;

    expect(pictureSentence(c)).toBe(
      `Tỷ lệ báo cáo chung ${pct(3, regime.units.length)}: khối sở, ban, ngành ${pct(2, province)}, khối huyện, thành phố ${pct(1, district)}; 1 đơn vị nộp trễ hạn, ${regime.units.length - 3} đơn vị chưa gửi báo cáo.`,
    );
  });
});

describe('periodClosesAt: the consolidation date plus the grace window', () => {
  it('defaults to 30 days after the consolidation, at the same local hour', () => {
    expect(DEFAULT_CLOSE_AFTER_DAYS).toBe(30);
    expect(periodClosesAt(regime, '2026').toISOString()).toBe('2027-01-19T01:00:00.000Z');
    expect(isPeriodClosed(regime, '2026', new Date('2027-01-19T00:59:59Z'))).toBe(false);
    expect(isPeriodClosed(regime, '2026', new Date('2027-01-19T01:00:00Z'))).toBe(true);
  });

  it('follows the regime’s closeAfterDays; the update window opens at the consolidation', () => {
    const short = parseRegime({ ...regime, closeAfterDays: 5 });

    expect(periodClosesAt(short, '2026').toISOString()).toBe('2026-12-25T01:00:00.000Z');
    expect(isSummaryUpdateWindow(regime, '2026', new Date('2026-12-20T00:59:59Z'))).toBe(false);
    expect(isSummaryUpdateWindow(regime, '2026', new Date('2026-12-20T01:00:00Z'))).toBe(true);
  });
});
