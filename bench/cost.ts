import { periodYear, type PeriodKey } from '../shared/domain/periodicity.js';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTION_DEFAULTS } from '../infra/defaults.js';
import { FUNCTION_SPECS } from '../infra/functions.js';
import { MANAGED_RULE_GROUPS } from '../infra/stacks/edge-stack.js';
import { LOCAL_NAMES } from '../local/names.js';
import { LOCAL_TABLE } from '../local/stack.js';
import { tableAdapters } from '../shared/adapters/dynamodb.adapter.js';
import { systemClock } from '../shared/clock.js';
import { EVENT_ROUTES, FUNCTION_NAMES, type FunctionName } from '../shared/definitions/events.js';
import { schedules } from '../shared/definitions/schedules.js';
import { SITE_DIR } from '../shared/definitions/site.js';
import { keys } from '../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { parseRegime, type Regime } from '../shared/domain/regime.js';
import type { EventBus, Mailer } from '../shared/ports.js';
import { METRICS } from '../shared/metrics.js';
import { publishSummary } from '../shared/use-cases/publish-summary.js';
import { readStatus } from '../shared/use-cases/read-status.js';
import {
  addUsage,
  fixedMonthly,
  priceUsage,
  PriceTableSchema,
  scaleUsage,
  shares,
  subtractUsage,
  total,
  usageFromRun,
  type Assumptions,
  type Deployment,
  type PriceTable,
  type Usage,
} from './lib/cost-model.js';
import { CommandRecorder, fixedClock, MemoryObjects } from './lib/fixtures.js';
import { Meter, meteredLoader } from './lib/meter.js';
import { PROVINCE_SHAPE, periodsOfYear, provinceRegimes, runProvinceYear, type ProvinceYearResult } from './lib/province-year.js';
import { mapLimit, median, num, progress, ratio, x } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { elapsed, rawQuery, unused } from './reads.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECTION = '6 Cost';

/** A province: the seed's 31 departments and district PCs plus generated commune-level PCs, 130 units in all. */
export const PROVINCE_UNITS = 130;
/** Issue 15's target: the per-use cost of one accepted report, fixed monthly costs apart. */
export const TARGET_PER_REPORT = 0.001;
export const PROVINCES = 34;

/** The form's GET /me calls per upload (on opening, after the upload): modelled, see benchCost. */
const ME_PER_UPLOAD = 2;

/** Staff who sign in in a month per province (Sở Nội vụ's team, a few leadership readers). */
const STAFF_MAU = 10;

/** Units ahead of the consolidation's reads in the floor: publishSummary's default. */
const CONCURRENCY = 16;

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
 * Per regime, on the stack the year left behind: the status read and the consolidation of its
 * busiest period of the year (the most accepted reports; the latest on a tie) against their
 * raw-Query floors, measured as bench/reads.ts measures them (the harness's own client, straight
 * to the emulator, not metered; the floors with bare QueryCommands on the same table).
 */
async function regimeReads(endpoint: string, result: ProvinceYearResult): Promise<Row[]> {
  const credentials = { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey };
  const base = new DynamoDBClient({ endpoint, region: LOCAL_NAMES.region, credentials });
  const recorder = new CommandRecorder().attach(base);
  const doc = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_NAMES.region, credentials });
  const t = tableAdapters(doc, LOCAL_TABLE);
  const clock = fixedClock(systemClock.now());
  const rows: Row[] = [];
  try {
    for (const [ri, regime] of result.regimes.all.entries()) {
      const outcomes = result.periods.filter((p) => p.regime.id === regime.id);
      const busiest = [...outcomes].sort((a, b) => b.accepted - a.accepted || b.period.localeCompare(a.period))[0];
      if (!busiest) continue;
      const { period } = busiest;
      // Status read: median of 7 (one warm-up for the first regime), the floor right after each.
      const figure: number[] = [];
      const floor: number[] = [];
      let units = 0;
      let queries = 0;
      for (let r = ri === 0 ? -1 : 0; r < 7; r++) {
        recorder.reset();
        const ms = await elapsed(async () => {
          units = (await readStatus({ statuses: t.statuses, clock, regime }, { period })).units.length;
        });
        queries = recorder.count('QueryCommand') + recorder.count('ScanCommand') * 1000;
        const floorMs = await elapsed(() => rawQuery(raw, LOCAL_TABLE, keys.periodPartition(period), 'UNIT#'));
        if (r >= 0) {
          figure.push(ms);
          floor.push(floorMs);
        }
      }
      // Consolidation (send=false: reads, consolidate, build the files into memory): median of 3.
      const objects = new MemoryObjects();
      let readsDoneAt = 0;
      const summaries = {
        latest: (p: PeriodKey) => {
          readsDoneAt ||= performance.now();
          return t.summaries.latest(p);
        },
        put: unused('summaries.put'),
        update: unused('summaries.update'),
      };
      const bus: EventBus = { publish: unused('the bus') };
      const mailer: Mailer = { send: unused('the mailer') };
      const reads: number[] = [];
      const whole: number[] = [];
      const consFloor: number[] = [];
      let counted = 0;
      let scans = 0;
      for (let r = ri === 0 ? -1 : 0; r < 3; r++) {
        recorder.reset();
        readsDoneAt = 0;
        const start = performance.now();
        const res = await publishSummary(
          { statuses: t.statuses, reports: t.reports, summaries, ledger: t.notices, objects, mailer, bus, clock, regime },
          { period, send: false },
        );
        const end = performance.now();
        counted = res.consolidation.countedReports.total;
        scans = recorder.count('ScanCommand');
        const floorMs = await elapsed(async () => {
          const items = await rawQuery(raw, LOCAL_TABLE, keys.periodPartition(period), 'UNIT#');
          const reporting = items.filter((i) => i.status?.S === 'ON_TIME' || i.status?.S === 'LATE');
          await mapLimit(reporting, CONCURRENCY, (i) => rawQuery(raw, LOCAL_TABLE, keys.reportPartition(period, String(i.unitId?.S))));
        });
        if (r >= 0) {
          reads.push(readsDoneAt - start);
          whole.push(end - start);
          consFloor.push(floorMs);
        }
      }
      const [fig, flo, rd, tot, cf] = [median(figure), median(floor), median(reads), median(whole), median(consFloor)];
      const label = `${regime.id} (${regime.frequency}, ${regime.units.length} units), ${period}`;
      rows.push(
        {
          section: SECTION,
          what: `status read: ${label}`,
          measured: `${num(fig)} ms`,
          floor: `${num(flo)} ms raw Query`,
          ratio: x(ratio(fig, flo)),
          detail: `readStatus, median of 7: ${units} units listed; ${queries} Query, ${scans} Scan`,
          flagged: scans > 0,
        },
        {
          section: SECTION,
          what: `consolidation: ${label}`,
          measured: `${num(rd)} ms`,
          floor: `${num(cf)} ms raw Query`,
          ratio: x(ratio(rd, cf)),
          detail: `publishSummary send=false, reads + consolidate, median of 3; ${counted} reports counted; whole run with the xlsx + docx ${num(tot)} ms (${x(ratio(tot, cf))})`,
          flagged: scans > 0,
        },
      );
      progress(`cost: reads of ${period}: status ${num(fig)} ms (floor ${num(flo)}), consolidation ${num(rd)} ms (floor ${num(cf)})`);
    }
  } finally {
    base.destroy();
    raw.destroy();
  }
  return rows;
}

/**
 * Issue 15: a province's year — ten regimes side by side on one local stack, every period of the
 * year, every function's AWS calls counted — priced, for one province and for all 34.
 * 1. runProvinceYear (bench/lib/province-year.ts): the seed regime as the main one (130 units) and
 *    nine built from it (3 annual, 2 six-monthly, 2 quarterly, 2 monthly, each listing a share of
 *    the units: PROVINCE_SHAPE), 40 periods, every day from the first opening to the last plan's
 *    end, every function loaded through the meter (bench/lib/meter.ts); a mark after each day.
 * 2. Usage of the whole run: the province's year as run (days beyond 365 taken off as quiet days).
 *    The quietest day stands for a day with nothing to do; beyond those, the report-driven part.
 * 3. Per accepted report = the year's variable cost ÷ the reports accepted in it (all-in, the daily
 *    jobs included); a province with every regime listing all 130 units extrapolated from the
 *    report-driven part; 34 provinces = 34 deployments.
 * 4. Per regime: the status read and the consolidation against their raw-Query floors (regimeReads).
 */
export async function benchCost(opts: { period: PeriodKey }): Promise<CostResult> {
  const prices = loadPrices();
  const year = periodYear(opts.period);
  const { main, others } = provinceRegimes(provinceRegime(), year);
  const meter = new Meter();
  const loader = meteredLoader(meter);
  const started = performance.now();
  let result: ProvinceYearResult;
  let readRows: Row[] = [];
  try {
    result = await runProvinceYear({
      main,
      others,
      year,
      loadFunction: loader.loadFunction,
      onDay: (d) => {
        meter.mark();
        if (d.index % 30 === 0 || d.index === d.days)
          progress(
            `cost: day ${d.index}/${d.days} (${d.day}), ${meter.invocations.length} invocations, ${num((performance.now() - started) / 1000, 0)} s`,
          );
      },
      after: async (stack, r) => {
        readRows = await regimeReads(stack.endpoints.dynamodb, r);
      },
    });
  } finally {
    await loader.close();
  }
  const runS = result.yearMs / 1000;
  const problems = result.problems;
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
  // harness's uploads skip. Priced as the run's mean presign call (the same token touch, audit append and
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
  const days = result.days.length;
  // The province's year: the run, less the days beyond 365 as quiet days.
  const yearUsage = subtractUsage(run, scaleUsage(quietDay, Math.max(0, days - 365)));
  const quietYear = scaleUsage(quietDay, 365);
  const reportDriven = subtractUsage(yearUsage, quietYear);

  const accepted = result.periods.reduce((s, p) => s + p.accepted, 0);
  const expected = result.periods.reduce((s, p) => s + p.expected, 0);
  const periodCount = result.periods.length;
  const yearDollars = priceUsage(yearUsage, prices);
  const yearVar = total(yearDollars);
  const perReport = yearVar / accepted;
  const perReportDriven = total(priceUsage(reportDriven, prices)) / accepted;
  const quietYearDollars = total(priceUsage(quietYear, prices));
  const fixed = fixedMonthly(deployment(main), prices);
  const fixedYear = fixed.reduce((s, f) => s + f.monthly, 0) * 12;
  const provinceAllIn = yearVar + fixedYear;
  // Every regime listing all 130 units, the same share accepted: the report-driven part scaled.
  const fullReports = result.regimes.all.reduce((s, r) => s + periodsOfYear(r, year).length, 0) * PROVINCE_UNITS * (accepted / expected);
  const fullVar = quietYearDollars + perReportDriven * fullReports;
  const split = shares(yearDollars).filter((s) => s.dollars > 0);
  const late = result.periods.reduce((s, p) => s + p.late, 0);

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
  const mix = result.regimes.all.map((r) => `${r.id.replace(`${main.id}-`, '')} ${r.frequency} ${r.units.length}`).join(', ');

  const rows: Row[] = [
    {
      section: SECTION,
      what: `a province's year through one local stack: ${result.regimes.all.length} regimes, ${periodCount} periods (every function's AWS calls counted)`,
      measured: `${num(runS, 0)} s`,
      floor: '—',
      ratio: '—',
      detail: `${days} simulated days; ${num(result.uploads, 0)} uploads (${result.rejected} rejected, corrected later), ${result.returns} returned, ${late} late, ${num(expected - accepted, 0)} never; ${num(accepted, 0)} of ${num(expected, 0)} expected reports accepted; ${result.notices} notices; ${result.summariesSent} summaries sent; ${problems.length} problems`,
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
      what: 'per accepted report, all-in (the daily jobs included)',
      measured: `${per(yearUsage.dynamodbRru)} RRU · ${per(yearUsage.dynamodbWru)} WRU`,
      floor: '—',
      ratio: '—',
      detail: `${per(yearUsage.lambdaRequests)} invocations, ${num((yearUsage.lambdaGbSeconds / accepted) * 1000, 0)} GB-ms, ${per(yearUsage.s3PutPostList + yearUsage.s3GetHead)} S3 requests, ${per(yearUsage.customEvents)} events, ${per(yearUsage.sesMessages)} emails, ${per(yearUsage.apiRequests)} API requests (the year ÷ ${num(accepted, 0)} accepted)`,
    },
    {
      section: SECTION,
      what: 'cost per accepted report, all-in beyond the fixed costs',
      measured: usd(perReport),
      floor: `${usd(TARGET_PER_REPORT)} target`,
      ratio: x(perReport / TARGET_PER_REPORT),
      detail: `the year's variable cost ${usd(yearVar)} ÷ ${num(accepted, 0)} accepted reports; of which the daily jobs on quiet days ${usd(quietYearDollars / accepted)}, the reports themselves ${usd(perReportDriven)}`,
      flagged: perReport > TARGET_PER_REPORT,
    },
    {
      section: SECTION,
      what: 'a quiet day (the jobs of all 10 regimes finding nothing to do)',
      measured: usd(dailyCost[quietIndex]!),
      floor: '—',
      ratio: '—',
      detail: `day ${quietIndex + 1}, ${result.days[quietIndex]?.day ?? '?'}: ${ops(quietDay)}; ${usd(quietYearDollars)} for 365 of them`,
    },
    {
      section: SECTION,
      what: `one province, a year: these ${result.regimes.all.length} regimes, ${periodCount} periods, ${num(accepted, 0)} reports`,
      measured: usd(provinceAllIn),
      floor: '—',
      ratio: '—',
      detail: `variable ${usd(yearVar)} + fixed ${usd(fixedYear)} (${usd(fixedYear / 12)}/month: ${fixed.map((f) => `${f.what} ${usd(f.monthly)}`).join('; ')})`,
    },
    {
      section: SECTION,
      what: `… every regime listing all ${PROVINCE_UNITS} units (${num(fullReports, 0)} reports; extrapolated)`,
      measured: usd(fullVar + fixedYear),
      floor: '—',
      ratio: '—',
      detail: `variable ${usd(fullVar)} (quiet days ${usd(quietYearDollars)} + ${usd(perReportDriven)} × ${num(fullReports, 0)} reports) + fixed ${usd(fixedYear)}; ${usd((fullVar + fixedYear) * PROVINCES)} for ${PROVINCES} provinces`,
    },
    {
      section: SECTION,
      what: `all ${PROVINCES} provinces, a year (one deployment each, as run)`,
      measured: usd(provinceAllIn * PROVINCES),
      floor: '—',
      ratio: '—',
      detail: `variable ${usd(yearVar * PROVINCES)} + fixed ${usd(fixedYear * PROVINCES)}; ${num(accepted * PROVINCES, 0)} reports`,
    },
    ...split.map((s): Row => ({
      section: SECTION,
      what: `where the variable cost goes: ${s.service}`,
      measured: pct(s.share),
      floor: '—',
      ratio: '—',
      detail: `${usd(s.dollars / accepted)} per report, ${usd(s.dollars)} per province-year`,
    })),
    ...readRows,
  ];

  const top = split.slice(0, 3);
  const notes = [
    `Cost: prices of ${prices.region} as of ${prices.asOf} (bench/aws-prices.json; written without internet access, from the published list prices).`,
    `Cost: the regimes (id suffix, frequency, units): ${mix}; PROVINCE_SHAPE in bench/lib/province-year.ts.`,
    `Cost: functions in the run (count, mean duration, configured memory): ${fnLine}.`,
    `Cost: assumed — ${assumptions.initMsPerInvocation} ms of billed INIT on every invocation (sparse traffic: nearly every one is a cold start); ` +
      `${assumptions.logBytesPerInvocation} B of logs and one X-Ray trace per invocation; ${page.requests} CloudFront requests and ${num(page.bytes / 1024, 0)} KB per page opened (form or board); ` +
      `the form's ${ME_PER_UPLOAD} GET /me per upload priced as a presign call; storage billed for 12 months; no free tier.`,
  ];
  const reading = [
    `**Cost** (issue 15): a province's year — ${result.regimes.all.length} regimes side by side, ${periodCount} periods, ${num(accepted, 0)} accepted reports — measured on one local stack: ` +
      `one accepted report costs ${usd(perReport)} in AWS usage all-in beyond the fixed costs — ` +
      `${perReport <= TARGET_PER_REPORT ? `within the ${usd(TARGET_PER_REPORT)} target (${x(perReport / TARGET_PER_REPORT)})` : `over the ${usd(TARGET_PER_REPORT)} target (${x(perReport / TARGET_PER_REPORT)})`}. ` +
      `The money goes to ${top.map((s) => `${s.service} (${pct(s.share)})`).join(', ')}. ` +
      `The province costs ${usd(yearVar)} a year in usage and ${usd(fixedYear)} in fixed costs (${usd(fixedYear / 12)} a month, ${pct(fixedYear / provinceAllIn)} of the total); ` +
      `all ${PROVINCES} provinces ${usd(provinceAllIn * PROVINCES)} a year. Per-use costs are so small that the fixed costs decide the bill; see docs/COSTS.md.`,
  ];
  return { rows, notes, reading };
}

export { PROVINCE_SHAPE };
