import type { PeriodKey } from '../shared/domain/periodicity.js';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTION_DEFAULTS } from '../infra/defaults.js';
import { FUNCTION_SPECS } from '../infra/functions.js';
import { MANAGED_RULE_GROUPS } from '../infra/stacks/edge-stack.js';
import { runDemo, type DayProgress } from '../local/demo/run.js';
import { EVENT_ROUTES, FUNCTION_NAMES, type FunctionName } from '../shared/definitions/events.js';
import { schedules } from '../shared/definitions/schedules.js';
import { SITE_DIR } from '../shared/definitions/site.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { hasReported } from '../shared/domain/status.js';
import { parseRegime, type Regime } from '../shared/domain/regime.js';
import { METRICS } from '../shared/metrics.js';
import {
  addUsage,
  fixedMonthly,
  periodsPerYear,
  priceUsage,
  PriceTableSchema,
  provinceYear,
  regimeCount,
  scaleUsage,
  shares,
  subtractUsage,
  total,
  usageFromRun,
  type Assumptions,
  type Deployment,
  type PriceTable,
  type RegimeMixEntry,
  type Usage,
} from './lib/cost-model.js';
import { Meter, meteredLoader } from './lib/meter.js';
import { num, progress, x } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { benchReads } from './reads.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECTION = '6 Cost';

/** A province: the seed's 31 departments and district PCs plus generated commune-level PCs, 130 units in all. */
export const PROVINCE_UNITS = 130;
/** Issue 15's target: the per-use cost of one accepted report, fixed monthly costs apart. */
export const TARGET_PER_REPORT = 0.001;
export const PROVINCES = 34;

/** The assumed regimes of one province (issue 15: 10 regimes, a mix of frequencies): 40 periods a year. */
export const REGIME_MIX: readonly RegimeMixEntry[] = [
  { frequency: 'annual', regimes: 4 },
  { frequency: 'six-monthly', regimes: 2 },
  { frequency: 'quarterly', regimes: 2 },
  { frequency: 'monthly', regimes: 2 },
];

/** The form's GET /me calls per upload (on opening, after the upload): modelled, see benchCost. */
const ME_PER_UPLOAD = 2;

/** Staff who sign in in a month per province (Sở Nội vụ's team, a few leadership readers). */
const STAFF_MAU = 10;

/**
 * The province-sized regime: the default regime's units (their scripted demo roles: invalid then
 * corrected, late, returned, never) plus generated commune-level units, marked as generated examples.
 */
export function provinceRegime(units = PROVINCE_UNITS): Regime {
  const extra = Array.from({ length: units - DEFAULT_REGIME.units.length }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    const id = `xa-vi-du-${n}`;
    return {
      id,
      name: `UBND xã Ví Dụ ${n} (đơn vị mẫu sinh tự động)`,
      group: 'district' as const,
      email: `vanthu.${id}@kontum.gov.example`,
      validFrom: 2019,
    };
  });
  return parseRegime({ ...DEFAULT_REGIME, units: [...DEFAULT_REGIME.units, ...extra] });
}

export function loadPrices(): PriceTable {
  return PriceTableSchema.parse(JSON.parse(readFileSync(join(ROOT, 'bench', 'aws-prices.json'), 'utf8')));
}

export const memoryMb = (fn: string): number => FUNCTION_SPECS[fn as FunctionName]?.memorySize ?? FUNCTION_DEFAULTS.memorySize;

/** The form page as a browser fetches it: index.html and the files it links (uncompressed, an upper bound). */
function formPage(): { requests: number; bytes: number } {
  const dir = join(ROOT, SITE_DIR);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const linked = [...html.matchAll(/(?:src|href)="\/([\w.-]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const bytes = [join(dir, 'index.html'), ...linked.map((f) => join(dir, f))].reduce((s, f) => s + statSync(f).size, 0);
  return { requests: 1 + linked.length, bytes };
}

/** What the infrastructure holds by the month (counted from the same definitions CDK builds from). */
export function deployment(regime: Regime): Deployment {
  const asyncTargets = new Set<string>([...schedules(regime).map((s) => s.target), ...EVENT_ROUTES.map((r) => r.target)]);
  // infra/constructs/alarms.ts: errors and throttles per function; one per dead-letter queue (each
  // schedule, each event route, each asynchronous target's on-failure queue, the undelivered alarm
  // emails); two on SES reputation.
  const alarms = 2 * FUNCTION_NAMES.length + schedules(regime).length + EVENT_ROUTES.length + asyncTargets.size + 1 + 2;
  return {
    wafRules: MANAGED_RULE_GROUPS.length + 1,
    staffMau: STAFF_MAU,
    cognitoPlan: 'plus',
    kmsKeys: 1,
    alarms,
    customMetrics: Object.keys(METRICS).length,
    hostedZones: 1,
  };
}

const usd = (d: number) => (d >= 100 ? `$${num(d, 0)}` : d >= 1 ? `$${d.toFixed(2)}` : d >= 0.01 ? `$${d.toFixed(4)}` : `$${d.toFixed(6)}`);
const pct = (s: number) => `${(s * 100).toFixed(s < 0.1 ? 1 : 0)} %`;

export interface CostResult {
  rows: Row[];
  notes: string[];
  reading: string[];
}

/**
 * Issue 15: one province-sized period through the real local stack, every AWS call counted, then
 * priced and scaled to a province's year and to all 34.
 * 1. The demo's year (local/demo: invalid then corrected, late, returned, never; reminders, overdue
 *    notices, escalation, the consolidation and its daily updates) on a 130-unit regime, every
 *    function loaded through the meter (bench/lib/meter.ts); a mark at the end of each simulated day.
 * 2. Usage of the whole run and of each day; the quietest day stands for a day with nothing to do.
 * 3. Per period = run − quiet days; a province's year = 40 periods + 10 regimes' quiet days all year.
 * 4. The status read and the consolidation at 130 units against their raw-Query floors (bench/reads.ts).
 */
export async function benchCost(opts: { period: PeriodKey }): Promise<CostResult> {
  const prices = loadPrices();
  const regime = provinceRegime();
  const meter = new Meter();
  const loader = meteredLoader(meter);
  const outDir = await mkdtemp(join(tmpdir(), 'baocao-cost-'));
  const days: DayProgress[] = [];
  const started = performance.now();
  let result: Awaited<ReturnType<typeof runDemo>>;
  try {
    result = await runDemo({
      outDir,
      quiet: true,
      regime,
      period: opts.period,
      loadFunction: loader.loadFunction,
      onDay: (p) => {
        meter.mark();
        days.push(p);
        if (p.index % 10 === 0 || p.index === p.days)
          progress(`cost: day ${p.index}/${p.days} (${p.day}), ${p.reported}/${p.expected} reported`);
      },
    });
  } finally {
    await loader.close();
    await rm(outDir, { recursive: true, force: true });
  }
  const runS = (performance.now() - started) / 1000;
  // The SES emulator keeps one store per process: after the ingest section its receipts are there
  // too and the demo finds them without a ledger entry. Emails are counted at the meter instead.
  const problems = result.problems.filter((p) => !/in the SES store have no notice-ledger entry/.test(p));
  if (problems.length) progress(`cost: the run had problems: ${problems.slice(0, 3).join('; ')}`);

  const page = formPage();
  const assumptions: Assumptions = {
    memoryMb,
    initMsPerInvocation: 250,
    logBytesPerInvocation: 2048,
    siteRequestsPerPage: page.requests,
    siteBytesPerPage: page.bytes,
    pageFunctions: ['presign', 'status'],
    storageMonths: 12,
  };
  // Each upload is one browser POST to S3 (the presign calls that answered).
  const uploadsIn = (from: number, to: number) =>
    meter.invocations.slice(from, to).filter((i) => i.fn === 'presign' && i.trigger === 'api').length;
  // Not in the run: the form's GET /me (the unit function) on opening and after the upload, which the
  // demo's uploads skip. Priced as the run's mean presign call (the same token touch, audit append and
  // regime read; its page's site files counted once, with the presign).
  const presigns = meter.invocations.filter((i) => i.fn === 'presign');
  const presignMean = scaleUsage(
    usageFromRun(
      meter.calls.filter((c) => c.fn === 'presign'),
      presigns,
      0,
      { ...assumptions, pageFunctions: [] },
    ),
    1 / Math.max(1, presigns.length),
  );
  const usageOf = (from: { calls: number; invocations: number }, to: { calls: number; invocations: number }) => {
    const uploads = uploadsIn(from.invocations, to.invocations);
    return addUsage(
      usageFromRun(
        meter.calls.slice(from.calls, to.calls),
        meter.invocations.slice(from.invocations, to.invocations),
        uploads,
        assumptions,
      ),
      scaleUsage(presignMean, ME_PER_UPLOAD * uploads),
    );
  };
  const start = { calls: 0, invocations: 0 };
  const end = { calls: meter.calls.length, invocations: meter.invocations.length };
  const run = usageOf(start, end);
  const counted = usageFromRun(meter.calls, meter.invocations, uploadsIn(0, meter.invocations.length), assumptions);
  const daily = meter.marks.map((m, i) => usageOf(i === 0 ? start : meter.marks[i - 1]!, m));
  const dailyCost = daily.map((u) => total(priceUsage(u, prices)));
  const quietIndex = dailyCost.indexOf(Math.min(...dailyCost));
  const quietDay = daily[quietIndex]!;
  const perPeriod = subtractUsage(run, scaleUsage(quietDay, days.length));

  const accepted = Object.values(result.statuses).filter((s) => hasReported(s)).length;
  const yearVar = provinceYear(perPeriod, quietDay, REGIME_MIX);
  const reportsPerYear = periodsPerYear(REGIME_MIX) * accepted;
  const yearDollars = priceUsage(yearVar, prices);
  const perReport = total(yearDollars) / reportsPerYear;
  const periodDollars = total(priceUsage(perPeriod, prices));
  const fixed = fixedMonthly(deployment(regime), prices);
  const fixedYear = fixed.reduce((s, f) => s + f.monthly, 0) * 12;
  const provinceAllIn = total(yearDollars) + fixedYear;
  const split = shares(yearDollars).filter((s) => s.dollars > 0);

  const rejected = days.reduce((s, d) => s + d.rejected, 0);
  const notices = days.reduce((s, d) => s + d.notices.reminder + d.notices.overdue + d.notices.escalation, 0);
  const late = Object.values(result.statuses).filter((s) => s === 'LATE').length;
  const ops = (u: Usage) =>
    `${num(u.lambdaRequests, 0)} invocations, ${num(u.lambdaGbSeconds, 1)} GB-s, ${num(u.dynamodbRru, 0)} RRU, ${num(u.dynamodbWru, 0)} WRU, ` +
    `${num(u.s3PutPostList + u.s3GetHead, 0)} S3 requests, ${num(u.customEvents, 0)} events, ${num(u.sesMessages, 0)} emails, ${num(u.apiRequests, 0)} API requests`;

  const byFn = new Map<string, { n: number; ms: number }>();
  for (const i of meter.invocations) {
    const f = byFn.get(i.fn) ?? { n: 0, ms: 0 };
    f.n += 1;
    f.ms += i.ms;
    byFn.set(i.fn, f);
  }
  const fnLine = [...byFn.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([fn, f]) => `${fn} ${f.n}× ${num(f.ms / f.n)} ms (${memoryMb(fn)} MB)`)
    .join(', ');
  const per = (u: number) => num(u / accepted, 1);

  const rows: Row[] = [
    {
      section: SECTION,
      what: `one annual period, ${regime.units.length} units, through the local stack (every function's AWS calls counted)`,
      measured: `${num(runS, 0)} s`,
      floor: '—',
      ratio: '—',
      detail: `${result.timings.simulatedDays} simulated days; ${result.timings.uploads} uploads (${rejected} rejected, corrected later), ${result.timings.reviews} returned, ${late} late, ${regime.units.length - accepted} never; ${notices} notices; ${num(counted.sesMessages, 0)} emails; summary v${result.summary?.version ?? '—'}; ${problems.length} problems`,
      flagged: problems.length > 0,
    },
    {
      section: SECTION,
      what: 'counted in the run',
      measured: `${num(counted.lambdaRequests, 0)} invocations`,
      floor: '—',
      ratio: '—',
      detail: ops(counted),
    },
    {
      section: SECTION,
      what: 'per accepted report (variable cost, fixed costs apart)',
      measured: `${per(perPeriod.dynamodbRru)} RRU · ${per(perPeriod.dynamodbWru)} WRU`,
      floor: '—',
      ratio: '—',
      detail: `${per(perPeriod.lambdaRequests)} invocations, ${num((perPeriod.lambdaGbSeconds / accepted) * 1000, 0)} GB-ms, ${per(perPeriod.s3PutPostList + perPeriod.s3GetHead)} S3 requests, ${per(perPeriod.customEvents)} events, ${per(perPeriod.sesMessages)} emails, ${per(perPeriod.apiRequests)} API requests (the period beyond its quiet days, ÷ ${accepted} accepted)`,
    },
    {
      section: SECTION,
      what: 'cost per accepted report, all-in beyond the fixed costs',
      measured: usd(perReport),
      floor: `${usd(TARGET_PER_REPORT)} target`,
      ratio: x(perReport / TARGET_PER_REPORT),
      detail: `a province's year of variable cost ÷ ${num(reportsPerYear, 0)} accepted reports (${periodsPerYear(REGIME_MIX)} periods × ${accepted}); quiet days included`,
      flagged: perReport > TARGET_PER_REPORT,
    },
    {
      section: SECTION,
      what: `cost per period (${regime.units.length} units), beyond the quiet days`,
      measured: usd(periodDollars),
      floor: '—',
      ratio: '—',
      detail: `a quiet day (the schedules finding nothing to do; day ${quietIndex + 1}, ${days[quietIndex]?.day ?? '?'}): ${usd(dailyCost[quietIndex]!)} per regime (${ops(quietDay)})`,
    },
    {
      section: SECTION,
      what: `one province, a year: ${regimeCount(REGIME_MIX)} regimes, ${periodsPerYear(REGIME_MIX)} periods`,
      measured: usd(provinceAllIn),
      floor: '—',
      ratio: '—',
      detail: `variable ${usd(total(yearDollars))} + fixed ${usd(fixedYear)} (${usd(fixedYear / 12)}/month: ${fixed.map((f) => `${f.what} ${usd(f.monthly)}`).join('; ')})`,
    },
    {
      section: SECTION,
      what: `all ${PROVINCES} provinces, a year (one deployment each)`,
      measured: usd(provinceAllIn * PROVINCES),
      floor: '—',
      ratio: '—',
      detail: `variable ${usd(total(yearDollars) * PROVINCES)} + fixed ${usd(fixedYear * PROVINCES)}; ${num(reportsPerYear * PROVINCES, 0)} reports`,
    },
    ...split.map((s): Row => ({
      section: SECTION,
      what: `where the variable cost goes: ${s.service}`,
      measured: pct(s.share),
      floor: '—',
      ratio: '—',
      detail: `${usd(s.dollars / reportsPerYear)} per report, ${usd(s.dollars)} per province-year`,
    })),
  ];

  // The status read and the consolidation at this size, against their raw-Query floors.
  const reads = await benchReads({ sizes: [PROVINCE_UNITS], period: opts.period });
  rows.push(
    ...reads.rows.map((r) => ({
      ...r,
      section: SECTION,
      what: `${r.section.replace(/^\d+\s*/, '')} (${PROVINCE_UNITS} units): ${r.what}`,
    })),
  );

  const top = split.slice(0, 3);
  const notes = [
    `Cost: prices of ${prices.region} as of ${prices.asOf} (bench/aws-prices.json; written without internet access, from the published list prices).`,
    `Cost: functions in the run (count, mean duration, configured memory): ${fnLine}.`,
    `Cost: assumed — ${assumptions.initMsPerInvocation} ms of billed INIT on every invocation (sparse traffic: nearly every one is a cold start); ` +
      `${assumptions.logBytesPerInvocation} B of logs and one X-Ray trace per invocation; ${page.requests} CloudFront requests and ${num(page.bytes / 1024, 0)} KB per page opened (form or board); ` +
      `the form's ${ME_PER_UPLOAD} GET /me per upload priced as a presign call; storage billed for 12 months; no free tier; regime mix ${REGIME_MIX.map((m) => `${m.regimes} ${m.frequency}`).join(', ')}.`,
    ...reads.notes,
  ];
  const reading = [
    `**Cost** (issue 15): one accepted report costs ${usd(perReport)} in AWS usage all-in beyond the fixed costs — ` +
      `${perReport <= TARGET_PER_REPORT ? `within the ${usd(TARGET_PER_REPORT)} target (${x(perReport / TARGET_PER_REPORT)})` : `over the ${usd(TARGET_PER_REPORT)} target (${x(perReport / TARGET_PER_REPORT)})`}. ` +
      `The money goes to ${top.map((s) => `${s.service} (${pct(s.share)})`).join(', ')}. ` +
      `A province with ${regimeCount(REGIME_MIX)} regimes (${periodsPerYear(REGIME_MIX)} periods, ${num(reportsPerYear, 0)} reports) costs ${usd(total(yearDollars))} a year in usage and ` +
      `${usd(fixedYear)} in fixed costs (${usd(fixedYear / 12)} a month, ${pct(fixedYear / provinceAllIn)} of the total: WAF first); all ${PROVINCES} provinces ${usd(provinceAllIn * PROVINCES)} a year. ` +
      `Per-use costs are so small that the fixed costs decide the bill; see docs/COSTS.md.`,
  ];
  return { rows, notes, reading };
}
