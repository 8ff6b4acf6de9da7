import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPlan, SCRIPTED, type DemoPlan, type PlannedUnit } from '../../local/demo/plan.js';
import { runDemo, type DemoResult } from '../../local/demo/run.js';
import { SHEET_NAMES } from '../../shared/documents/summary-workbook.js';
import { addDays, localDate, zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { periodClosesAt } from '../../shared/domain/period-close.js';
import type { AnnualReport } from '../../shared/domain/report.js';
import { reportIndicators } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ComplianceStatus } from '../../shared/domain/status.js';

/*
 * `npm run demo`'s core, run once on a fresh stack for the 2026 period, and checked against
 * expectations derived here from the plan object and a hand-computed calendar — never by running
 * the pipeline's own notice or status code again.
 *
 * Hand-computed calendar (deadline Fri 18 Dec 2026, consolidation Sun 20 Dec 08:00, holiday Fri 1 Jan 2027):
 *   reminders T−7 Fri 11 Dec, T−1wd Thu 17 Dec; overdue-1 Mon 21 Dec (first working day after),
 *   then every 7 days: Mon 28 Dec, Mon 4 Jan (11 Jan is after the last simulated day, 8 Jan);
 *   escalation digest Tue 29 Dec (7 working days after 18 Dec: 21 22 23 24 25 28 29).
 * The daily job runs at 08:00: a unit "owes" a report on a day when, at 08:00, it has no valid
 * upload yet or its latest valid one was returned; it gets the latest step due, once.
 */
const PERIOD = '2026';
const TZ = 'Asia/Ho_Chi_Minh';
const regime = DEFAULT_REGIME;
const DEADLINE_END = new Date(zonedTime(TZ, 2026, 12, 19).getTime() - 1);
const CONSOLIDATION = zonedTime(TZ, 2026, 12, 20, 8);
const REMINDERS = [
  { step: 'T-7', day: '2026-12-11' },
  { step: 'T-1wd', day: '2026-12-17' },
];
const OVERDUES = [
  { step: 'overdue-1', day: '2026-12-21' },
  { step: 'overdue-2', day: '2026-12-28' },
  { step: 'overdue-3', day: '2027-01-04' },
];
const ESCALATION_DAY = '2026-12-29';

const at8 = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, 8);
};

/** The unit's situation at an instant, from its planned actions before it. */
function situation(unit: PlannedUnit, t: Date): { firstValid?: Date; owes: boolean; returned: boolean; variant?: number } {
  let firstValid: Date | undefined;
  let variant: number | undefined;
  let returned = false;
  for (const a of unit.actions) {
    if (a.at >= t) break;
    if (a.kind === 'return') returned = true;
    else if (a.valid) {
      firstValid ??= a.at;
      variant = a.variant;
      returned = false;
    }
  }
  return { ...(firstValid ? { firstValid } : {}), ...(variant !== undefined ? { variant } : {}), returned, owes: !firstValid || returned };
}

function expectedStatus(unit: PlannedUnit, end: Date): ComplianceStatus {
  const s = situation(unit, end);
  if (s.returned) return 'RETURNED';
  if (!s.firstValid) return 'OVERDUE';
  return s.firstValid <= DEADLINE_END ? 'ON_TIME' : 'LATE';
}

/** The notice emails the calendar above gives: `day kind unit step`. */
function expectedNotices(plan: DemoPlan): string[] {
  const out: string[] = [];
  const days: string[] = [];
  for (let d = plan.firstDay; d <= plan.lastDay; d = addDays(d, 1)) days.push(d);
  for (const unit of plan.units) {
    const sent = new Set<string>();
    for (const day of days) {
      if (!situation(unit, at8(day)).owes) continue;
      const steps =
        day <= '2026-12-18' ? REMINDERS.map((s) => ({ ...s, kind: 'reminder' })) : OVERDUES.map((s) => ({ ...s, kind: 'overdue' }));
      const latest = steps.filter((s) => s.day <= day).at(-1);
      if (latest && !sent.has(latest.step)) {
        sent.add(latest.step);
        out.push(`${day} ${latest.kind} ${unit.unitId} ${latest.step}`);
      }
    }
  }
  if (plan.units.some((u) => situation(u, at8(ESCALATION_DAY)).owes)) out.push(`${ESCALATION_DAY} escalation * escalation`);
  return out.sort();
}

/** Sum of every indicator over the units counted at `t`, from the sample reports they uploaded. */
function expectedTotals(plan: DemoPlan, t: Date) {
  const counted = plan.units.flatMap((u) => {
    const s = situation(u, t);
    return s.owes || s.variant === undefined ? [] : [{ group: u.group, report: sampleReport(regime, u.unitId, PERIOD, s.variant) }];
  });
  const value = (r: AnnualReport, path: string) => {
    const [section, field] = path.split('.') as [keyof AnnualReport, string];
    return (r[section] as unknown as Record<string, number>)[field]!;
  };
  const totals = Object.fromEntries(
    reportIndicators().map((ind) => {
      const province = counted.filter((c) => c.group === 'province').reduce((s, c) => s + value(c.report, ind.path), 0);
      const district = counted.filter((c) => c.group === 'district').reduce((s, c) => s + value(c.report, ind.path), 0);
      return [ind.path, { total: province + district, province, district }];
    }),
  );
  const province = counted.filter((c) => c.group === 'province').length;
  return { totals, counted: { total: counted.length, province, district: counted.length - province } };
}

/**
 * The mornings a summary version goes out: the consolidation date (v1), then each later morning,
 * until the period closes, on which the counted reports differ from the version sent before
 * (SummaryUpdate: at most one a day). Statuses of the units that owe a report do not move after
 * the deadline, so the counted set and each report's variant and timeliness are what can change.
 */
function expectedSummaryDays(plan: DemoPlan): string[] {
  const picture = (t: Date) =>
    JSON.stringify(
      plan.units.map((u) => {
        const s = situation(u, t);
        return s.owes ? null : [s.variant, s.firstValid! <= DEADLINE_END, s.firstValid!.getTime()];
      }),
    );
  const days = [localDate(CONSOLIDATION, TZ)];
  let sent = picture(CONSOLIDATION);
  for (let d = addDays(days[0]!, 1); d <= plan.lastDay && at8(d) < periodClosesAt(regime, PERIOD); d = addDays(d, 1)) {
    const now = picture(at8(d));
    if (now === sent) continue;
    days.push(d);
    sent = now;
  }
  return days;
}

const cellNumber = (v: ExcelJS.CellValue): number | undefined =>
  typeof v === 'number' ? v : v && typeof v === 'object' && 'result' in v && typeof v.result === 'number' ? v.result : undefined;

let outDir: string;
let result: DemoResult;
const plan = demoPlan(regime, PERIOD);
const byRole = (role: PlannedUnit['role']) => plan.units.filter((u) => u.role === role);

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'baocao-demo-test-'));
  result = await runDemo({ outDir, quiet: true, period: PERIOD });
});

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('the demo plan', () => {
  it('is deterministic and has the roles the demo promises for the 31 units', () => {
    const again = demoPlan(regime, PERIOD);

    expect(again).toEqual(plan);
    expect(plan.units).toHaveLength(31);
    expect([plan.firstDay, plan.lastDay]).toEqual(['2026-11-02', '2027-01-08']);
    expect(
      byRole('never')
        .map((u) => u.unitId)
        .sort(),
    ).toEqual([...SCRIPTED.never].sort());
    expect(byRole('returned').map((u) => u.unitId)).toEqual([SCRIPTED.returned]);
    expect(
      byRole('invalid-then-corrected')
        .map((u) => u.unitId)
        .sort(),
    ).toEqual([SCRIPTED.invalidAfterDeadline, SCRIPTED.invalidBeforeDeadline].sort());
    expect(byRole('late').length).toBeGreaterThanOrEqual(3);
    expect(byRole('on-time').length).toBeGreaterThan(31 / 2);
    // Both paths are used, and every on-time upload is inside the window.
    const channels = new Set(plan.units.flatMap((u) => u.actions.flatMap((a) => (a.kind === 'upload' ? [a.channel] : []))));
    expect([...channels].sort()).toEqual(['json', 'xlsx']);
    for (const u of byRole('on-time')) expect(u.actions.every((a) => a.at <= DEADLINE_END && a.at >= at8(plan.firstDay))).toBe(true);
  });
});

describe('npm run demo (runDemo) on a fresh local stack', () => {
  it('ran cleanly: no dead letters, no failed schedule, every email accounted for', () => {
    expect(result.problems).toEqual([]);
    expect(result.timings.simulatedDays).toBe(68);
    expect(result.timings.reviews).toBe(1);
  });

  it('ends with each unit ON_TIME, LATE or OVERDUE exactly as planned', () => {
    const end = zonedTime(TZ, 2027, 1, 9);
    const want = Object.fromEntries(plan.units.map((u) => [u.unitId, expectedStatus(u, end)]));

    expect(result.statuses).toEqual(want);
    expect(Object.values(want).filter((s) => s === 'OVERDUE')).toHaveLength(3);
    for (const u of byRole('late')) expect(result.statuses[u.unitId]).toBe('LATE');
    const versions = Object.fromEntries(plan.units.map((u) => [u.unitId, u.actions.filter((a) => a.kind === 'upload').length]));
    expect(Object.fromEntries(result.table.map((r) => [r.unitId, r.versions]))).toEqual(versions);
    const onTime = Object.values(want).filter((s) => s === 'ON_TIME').length;
    const reported = Object.values(want).filter((s) => s === 'ON_TIME' || s === 'LATE').length;
    expect(result.rates.overall).toMatchObject({ expected: 31, reported, onTime });
    expect(result.rates.province.expected + result.rates.district.expected).toBe(31);
  });

  it('sends the returned unit the return email and ends it ON_TIME or LATE after its resubmission', () => {
    const unit = SCRIPTED.returned;
    const ret = result.emails.filter((e) => e.unitId === unit && e.kind === 'returned');

    expect(['ON_TIME', 'LATE']).toContain(result.statuses[unit]);
    expect(ret).toHaveLength(1);
    expect(localDate(new Date(ret[0]!.at), TZ)).toBe('2026-12-15');
    expect(ret[0]!.to).toEqual([regime.units.find((u) => u.id === unit)!.email]);
    expect(result.emailsByUnitAndKind[unit]).toMatchObject({ receipt: 2, returned: 1 });
  });

  it('sends each invalid-then-corrected unit one rejection and one receipt, in that order', () => {
    for (const unit of [SCRIPTED.invalidBeforeDeadline, SCRIPTED.invalidAfterDeadline]) {
      const mine = result.emails.filter((e) => e.unitId === unit && (e.kind === 'rejection' || e.kind === 'receipt'));
      expect(
        mine.map((e) => e.kind),
        unit,
      ).toEqual(['rejection', 'receipt']);
    }
  });

  it('sends exactly the expected receipts, rejections, returns, reminders, overdue notices and one escalation digest', () => {
    const counts: Record<string, Record<string, number>> = {};
    const add = (unit: string, kind: string, n = 1) => {
      if (n === 0) return;
      const row = (counts[unit] ??= {});
      row[kind] = (row[kind] ?? 0) + n;
    };
    for (const u of plan.units) {
      add(u.unitId, 'receipt', u.actions.filter((a) => a.kind === 'upload' && a.valid).length);
      add(u.unitId, 'rejection', u.actions.filter((a) => a.kind === 'upload' && !a.valid).length);
      add(u.unitId, 'returned', u.actions.filter((a) => a.kind === 'return').length);
    }
    const notices = expectedNotices(plan);
    for (const n of notices) {
      const [, kind, unit] = n.split(' ') as [string, string, string];
      add(unit, kind);
    }
    add('_summary', 'summary', expectedSummaryDays(plan).length);

    expect(result.emailsByUnitAndKind).toEqual(counts);
    const sentNotices = result.emails
      .filter((e) => e.kind === 'reminder' || e.kind === 'overdue' || e.kind === 'escalation')
      .map((e) => `${localDate(new Date(e.at), TZ)} ${e.kind} ${e.unitId} ${e.step}`)
      .sort();
    expect(sentNotices).toEqual(notices);
    // Spot checks of the hand-derived calendar: a unit that never reports gets 2 reminders and 3 overdue notices.
    for (const unit of SCRIPTED.never) expect(counts[unit]).toEqual({ reminder: 2, overdue: 3 });
    expect(counts[SCRIPTED.lateAfterEscalation]).toEqual({ reminder: 2, overdue: 2, receipt: 1 });

    const digest = result.emails.find((e) => e.kind === 'escalation')!;
    const listed = plan.units.filter((u) => situation(u, at8(ESCALATION_DAY)).owes).length;
    expect(listed).toBe(4);
    expect(digest.to).toEqual([regime.receivingBody.email]);
    expect(digest.cc.sort()).toEqual(
      regime.leadership
        .map((l) => l.email)
        .filter((e) => e !== regime.receivingBody.email)
        .sort(),
    );
    expect(digest.subject).toMatch(new RegExp(`\\b${listed} đơn vị`));
    for (const e of result.emails.filter((x) => plan.units.some((u) => u.unitId === x.unitId))) {
      expect(e.to, e.file).toEqual([regime.units.find((u) => u.id === e.unitId)!.email]);
    }
  });

  it('publishes the consolidation on 20 Dec, then one update the morning after each late report: the last workbook has every report counted', async () => {
    const want = expectedTotals(plan, at8(addDays(plan.lastDay, 1)));
    const summaryMail = result.emails.filter((e) => e.kind === 'summary');
    const days = expectedSummaryDays(plan);

    // dak-glei 21/12, so-giao-thong corrected 22/12, kon-plong 28/12, ban-quan-ly-kkt 30/12.
    expect(days).toEqual(['2026-12-20', '2026-12-22', '2026-12-23', '2026-12-29', '2026-12-31']);
    expect(summaryMail.map((e) => [localDate(new Date(e.at), TZ), e.step])).toEqual(days.map((d, i) => [d, `v${i + 1}`]));
    expect(summaryMail.slice(1).every((e) => e.subject.includes('bản cập nhật'))).toBe(true);
    expect(summaryMail[0]!.subject).not.toContain('bản cập nhật');
    expect(result.summary?.version).toBe(days.length);
    expect(summaryMail.at(-1)!.attachments.sort()).toEqual([basename(result.files.workbook!), basename(result.files.draft!)].sort());
    expect(result.summaryTotals).toEqual(want.totals);
    expect(want.counted.total).toBe(28);

    // Read back independently from the file the demo downloaded from S3.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(result.files.workbook!)) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet(SHEET_NAMES.summary)!;
    expect([3, 4, 5].map((c) => cellNumber(sheet.getCell(4, c).value))).toEqual([
      want.counted.total,
      want.counted.province,
      want.counted.district,
    ]);
    for (const ind of reportIndicators()) {
      let row = 0;
      sheet.eachRow((r, n) => {
        if (n > 4 && row === 0 && r.getCell(2).value === ind.label) row = n;
      });
      expect(row, ind.label).toBeGreaterThan(4);
      const w = want.totals[ind.path]!;
      expect(
        [3, 4, 5].map((c) => cellNumber(sheet.getCell(row, c).value)),
        ind.path,
      ).toEqual([w.total, w.province, w.district]);
    }
    const docx = await readFile(result.files.draft!);
    expect(docx.subarray(0, 2).toString()).toBe('PK');
  });

  it('writes every email as an .eml with an index, and the status JSON', async () => {
    const emailFiles = (await readdir(result.files.emailsDir)).filter((f) => f.endsWith('.eml')).sort();
    const index = await readFile(result.files.emailIndex, 'utf8');
    const status = JSON.parse(await readFile(result.files.status, 'utf8')) as {
      period: number;
      units: { unitId: string; status: string }[];
    };

    expect(emailFiles).toEqual(result.emails.map((e) => e.file).sort());
    expect(emailFiles.length).toBe(
      Object.values(result.emailsByUnitAndKind)
        .flatMap((r) => Object.values(r))
        .reduce((a, b) => a + b, 0),
    );
    for (const e of result.emails) expect(index).toContain(e.file);
    const eml = await readFile(join(result.files.emailsDir, result.emails.find((e) => e.kind === 'summary')!.file), 'utf8');
    expect(eml).toMatch(/^Subject: /m);
    expect(eml).toMatch(/^Date: Sun, 20 Dec 2026 01:00:\d\d \+0000$/m);
    expect(eml).toContain('Content-Disposition: attachment');
    // The wire form: a year stays a number for the annual main regime.
    expect(status.period).toBe(2026);
    expect(Object.fromEntries(status.units.map((u) => [u.unitId, u.status]))).toEqual(result.statuses);
    await access(join(outDir, 'plan.json'));
    await access(join(outDir, 'result.json'));
  });
});
