import type { PeriodKey } from '../shared/domain/periodicity.js';
import { periodDates } from '../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { reportSchema, validateReport, type ReportContext } from '../shared/domain/report.js';
import { sampleReport } from '../shared/domain/sample-report.js';
import { median, num, progress, ratio, x } from './lib/stats.js';
import type { Row } from './lib/table.js';

let sink = 0;

/** Calls per second of `fn`: batches of ~`batchMs`, alternated with the floor's batches by the caller. */
function batchSize(fn: () => unknown, batchMs: number): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 30) {
    fn();
    n++;
  }
  return Math.max(1, Math.round((n * batchMs) / (performance.now() - start)));
}

function runBatch(fn: () => unknown, n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) if (fn()) sink++;
  return (n * 1000) / (performance.now() - start);
}

/** Median rate of each function over `rounds` alternating batches (noise hits both alike). */
function rates(fns: readonly (() => unknown)[], rounds = 11, batchMs = 40): number[] {
  for (const fn of fns) for (let i = 0; i < 2_000; i++) fn(); // warm: JIT and zod's first-parse cost
  const sizes = fns.map((fn) => batchSize(fn, batchMs));
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) fns.forEach((fn, i) => samples[i]!.push(runBatch(fn, sizes[i]!)));
  return samples.map(median);
}

/**
 * Reports/s of validateReport (the schema plus cross-field and context rules) on a parsed sample
 * report, valid and invalid, against JSON.parse of the same bytes: the work ingest must do anyway.
 */
export function benchValidation(period: PeriodKey): Row[] {
  progress('validation: valid and invalid sample reports, warm');
  const regime = DEFAULT_REGIME;
  const unitId = 'so-tu-phap';
  const ctx: ReportContext = { regime, expected: { unitId, period } };
  const valid = sampleReport(regime, unitId, period);
  const invalid = sampleReport(regime, unitId, period);
  // The mistakes units make (as in the ingest spine test): a cross-field rule and a negative count,
  // plus a text in a number field and an unknown field.
  invalid.planAndSolutions.petitionsResolved = invalid.planAndSolutions.petitionsReceived + 5;
  (invalid.dissemination as Record<string, unknown>).sessions = -1;
  (invalid.emulation as Record<string, unknown>).movementsLaunched = 'ba';
  (invalid as Record<string, unknown>).extra = true;

  const rows: Row[] = [];
  for (const [label, report] of [
    ['valid', valid],
    ['invalid', invalid],
  ] as const) {
    const bytes = Buffer.from(JSON.stringify(report), 'utf8');
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    const check = validateReport(parsed, ctx);
    if (check.ok !== (label === 'valid'))
      throw new Error(`validation benchmark: the ${label} sample came out ${check.ok ? 'valid' : 'invalid'}`);
    const issues = check.ok ? 0 : check.issues.length;
    const [validate, schemaOnly, floor, dates, datesUncached] = rates([
      () => validateReport(parsed, ctx).ok,
      () => reportSchema().safeParse(parsed).success,
      () => JSON.parse(bytes.toString('utf8')) !== null,
      () => periodDates(regime, period).dueAt,
      // periodDates is memoised per regime object: a fresh (shallow) copy each call misses the cache.
      () => periodDates({ ...regime }, period).dueAt,
    ]);
    rows.push({
      section: '2 Validation',
      what: `validateReport, ${label} report (${bytes.byteLength} B${issues ? `, ${issues} issues` : ''})`,
      measured: `${num(validate!)} reports/s`,
      floor: `${num(floor!)} JSON.parse/s`,
      ratio: x(ratio(floor!, validate!)),
      detail: `${num(1e6 / validate!)} µs/report; schema alone (safeParse, no rules) ${num(1e6 / schemaOnly!)} µs; calendar periodDates() ${num(1e6 / dates!)} µs/call memoised, ${num(1e6 / datesUncached!)} µs uncached`,
    });
  }
  if (sink < 0) console.log(sink);
  return rows;
}
