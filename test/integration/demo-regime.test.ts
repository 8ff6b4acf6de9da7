import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPlan, type PlannedUnit } from '../../local/demo/plan.js';
import { runDemo, type DemoResult } from '../../local/demo/run.js';
import { localDate, periodDates } from '../../shared/domain/calendar.js';
import type { Regime } from '../../shared/domain/regime.js';
import type { ComplianceStatus } from '../../shared/domain/status.js';
import { readRegimeFile } from '../../shared/regime-file.js';

/*
 * Issue 15: `npm run demo -- --regime FILE` on two files — the every-field regime fixture (an annual
 * regime around test/fixtures/form-every-field.json, 9 expected units and one merged into its
 * successor) through runDemo, and the quarterly example through the command itself, one quarter
 * (its Điều 12 window and deadlineRule). Expectations come from the plan object (genericPlan) and
 * the file's dates, not from the pipeline's code.
 */
const PERIOD = '2026';
/** Window 15 Jun – 14 Sep 2026; due 3 working days after: Thu 17 Sep; consolidated Fri 18 Sep 08:00 (1–2 Sep: National Day). */
const QUARTER = '2026-Q3';
const ROOT = resolve('.');
const run = promisify(execFile);
/** The command is run from a temporary directory (it writes out/demo/ there): tsx by its path. */
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** What a unit ends as, from its planned actions: the last valid upload not returned, on time by the file's deadline. */
function expectedStatus(regime: Regime, unit: PlannedUnit, period = PERIOD): ComplianceStatus {
  let firstValid: Date | undefined;
  let returned = false;
  for (const a of unit.actions) {
    if (a.kind === 'return') returned = true;
    else if (a.valid) {
      firstValid ??= a.at;
      returned = false;
    }
  }
  if (returned) return 'RETURNED';
  if (!firstValid) return 'OVERDUE';
  return firstValid <= periodDates(regime, period).dueAt ? 'ON_TIME' : 'LATE';
}
const tally = <K extends string>(statuses: Iterable<K>) => {
  const out: Partial<Record<K, number>> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
};

describe('the every-field regime fixture (runDemo)', () => {
  const regime = readRegimeFile('test/fixtures/regime-every-field.json');
  const plan = demoPlan(regime, PERIOD);
  let outDir: string;
  let result: DemoResult;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'baocao-demo-regime-'));
    result = await runDemo({ outDir, quiet: true, period: PERIOD, regime });
  });
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('plans every role on the file’s own dates for its 9 expected units (the merged unit is not one)', () => {
    // assert
    expect(plan.script).toBe('generic');
    expect(plan.units.map((u) => u.unitId)).not.toContain('so-tai-nguyen');
    // The on-time unit fills in the Excel template of this form (its table is optional); the rest post JSON.
    expect(new Set(plan.units.flatMap((u) => u.actions.flatMap((a) => (a.kind === 'upload' ? [a.channel] : []))))).toEqual(
      new Set(['json', 'xlsx']),
    );
    expect(tally(plan.units.map((u) => u.role))).toEqual({
      returned: 1,
      'invalid-then-corrected': 2,
      late: 3,
      never: 2,
      'on-time': 1,
    });
  });

  it('ends with each unit ON_TIME, LATE or OVERDUE as planned: accepted, late and missing counts match', () => {
    // prepare
    const want = Object.fromEntries(plan.units.map((u) => [u.unitId, expectedStatus(regime, u)]));
    // assert
    expect(result.statuses).toEqual(want);
    expect(tally(Object.values(result.statuses))).toEqual({ ON_TIME: 3, LATE: 4, OVERDUE: 2 });
    expect(result.rates.overall).toMatchObject({ expected: 9, reported: 7, onTime: 3 });
  });

  it('rejects each invalid upload once, returns one report, and sends reminders, overdue notices and the escalation', () => {
    // prepare
    const kinds = tally(result.emails.map((e) => e.kind));
    // assert
    expect(kinds).toMatchObject({ rejection: 2, returned: 1, receipt: 8, escalation: 1 });
    expect(kinds.reminder).toBeGreaterThan(0);
    expect(kinds.overdue).toBeGreaterThan(0);
  });

  it('consolidates and sends the leadership the summary, then an update after the late report', () => {
    // assert
    const sent = result.emails.filter((e) => e.kind === 'summary');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(result.summary?.countedReports.total).toBe(7);
    expect(result.problems).toEqual([]);
  });
});

describe('the quarterly example, one quarter (npm run demo -- --regime examples/regime-quang-ngai-quarterly.json --period 2026-Q3)', () => {
  let cwd: string;
  let out: { stdout: string; stderr: string };
  let status: { period: unknown; regime: unknown; periodLabel: unknown; units: { unitId: string; status: ComplianceStatus }[] };

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'baocao-demo-cli-'));
    out = await run(
      TSX,
      [join(ROOT, 'local/demo.ts'), '--regime', join(ROOT, 'examples/regime-quang-ngai-quarterly.json'), '--period', QUARTER],
      { cwd, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, maxBuffer: 20 * 1024 * 1024 },
    );
    status = JSON.parse(await readFile(join(cwd, 'out/demo/status.json'), 'utf8')) as typeof status;
  });
  afterAll(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('plans the quarter on its own dates: the Điều 12 window, the deadline rule, the working days of September', () => {
    // prepare
    const regime = readRegimeFile('examples/regime-quang-ngai-quarterly.json');
    const plan = demoPlan(regime, QUARTER);
    const uploadDays = plan.units.flatMap((u) => u.actions.filter((a) => a.kind === 'upload').map((a) => localDate(a.at, regime.timeZone)));
    // assert
    expect(periodDates(regime, QUARTER)).toMatchObject({ cutOffFrom: '2026-06-15', cutOffTo: '2026-09-14', dueDate: '2026-09-17' });
    expect(plan).toMatchObject({ period: QUARTER, periodLabel: 'quý III năm 2026', script: 'generic', firstDay: '2026-09-03' });
    expect(uploadDays.every((d) => d >= '2026-09-03' && d <= plan.lastDay)).toBe(true);
    expect(plan.lastDay < '2026-10-15').toBe(true);
  });

  it('runs that quarter, not a year: statuses as planned, the summary on 18 Sep and its updates', () => {
    // prepare
    const regime = readRegimeFile('examples/regime-quang-ngai-quarterly.json');
    const plan = demoPlan(regime, QUARTER);
    const want = Object.fromEntries(plan.units.map((u) => [u.unitId, expectedStatus(regime, u, QUARTER)]));
    const reported = Object.values(want).filter((s) => s !== 'OVERDUE').length;
    // assert
    expect(out.stdout).toContain('frequency: quarterly');
    expect(out.stdout).not.toContain('chưa được định tuyến');
    expect(out.stdout).toContain('TÌNH HÌNH GỬI BÁO CÁO QUÝ III NĂM 2026 (đến hết ngày');
    expect(out.stdout).toContain(`Toàn tỉnh: đã báo cáo ${reported}/${plan.units.length}`);
    expect(out.stdout).toMatch(/Lãnh đạo đã nhận: v1 ngày 18\/09 \(bản đầu\), bản cập nhật v2 ngày \d\d\/09/);
    expect(out.stdout).toContain(`tong-hop-bao-cao-${QUARTER}-v`);
    expect(out.stderr).not.toContain('[demo] vấn đề');
    // GET /status as the demo saved it: the quarter's id on the wire, its label, every planned unit's status.
    expect(status).toMatchObject({ period: QUARTER, regime: regime.id, periodLabel: 'quý III năm 2026' });
    expect(Object.fromEntries(status.units.map((u) => [u.unitId, u.status]))).toEqual(want);
  });
});

describe('a bad regime file', () => {
  it('fails before starting anything, exit code 2, naming the file and the path of the bad field', async () => {
    // prepare
    const dir = await mkdtemp(join(tmpdir(), 'baocao-demo-bad-'));
    const file = join(dir, 'regime.json');
    const json = readRegimeFile('test/fixtures/regime-every-field.json') as unknown as {
      forms: { sections: { fields: { type: string }[] }[] }[];
    };
    json.forms[0]!.sections[0]!.fields[0]!.type = 'number';
    await writeFile(file, JSON.stringify(json));
    // act
    const failed = await run(TSX, [join(ROOT, 'local/demo.ts'), '--regime', file], { cwd: dir }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    await rm(dir, { recursive: true, force: true });
    // assert
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain(`${file}: `);
    expect(failed?.stderr).toContain('forms.0.sections.0.fields.0.type');
  });
});
