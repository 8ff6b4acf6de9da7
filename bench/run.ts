/**
 * `npm run bench`: one table, every figure next to a floor measured in the same run (issue 8).
 * 1. Validation: validateReport vs JSON.parse of the same bytes (pure CPU, first while the machine is quiet).
 * 2. Bundles (issue 7): each function bundled as CDK bundles it, size and cold module load vs its own floor bundle
 *    (an empty handler importing the same SDK clients, read from the function's metafile).
 * 3. Status read (issue 4) and consolidation (issue 6) at 100 / 1,000 / 10,000 units vs raw Queries.
 * 4. Ingest: 500 reports through the local stack end to end vs the bare I/O on the same emulators.
 * 5. The xlsx guard (issue 12) on the worst shapes found, ms/MB vs plain inflate of the same bytes.
 * 6. Cost (issue 15): a province's year (10 regimes, 40 periods) through one local stack, every AWS call
 *    counted, priced with bench/aws-prices.json for one province and all 34 (docs/COSTS.md).
 * `npm run bench -- --only cost` (or any words of section titles, comma-separated) runs only those
 * sections and prints their table without writing docs/BENCHMARKS.md.
 * Progress goes to stderr, the table to stdout and, with the machine described, to docs/BENCHMARKS.md.
 * Numbers are reported, never asserted: the exit code is non-zero only when a benchmark could not run
 * or the pipeline lost reports.
 */
// Before any SDK client or handler module exists: no Node 20 notice on every client, and the
// handlers' JSON logs (Powertools, stdout) would mix into the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

import type { PeriodKey } from '../shared/domain/periodicity.js';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { benchBundles, SLACK_BYTES, TARGET, type BundleVerdict } from './bundles.js';
import { benchCost } from './cost.js';
import { benchGuard } from './guard.js';
import { benchIngest } from './ingest.js';
import { openPeriod } from './lib/fixtures.js';
import { num, progress, x } from './lib/stats.js';
import { describeMachine, renderTable, type Row } from './lib/table.js';
import { benchReads } from './reads.js';
import { benchValidation } from './validation.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'BENCHMARKS.md');

/** Sizes can be lowered for a quick look (BENCH_QUICK=1); the committed results use the defaults. */
const quick = process.env.BENCH_QUICK === '1';
const CONFIG = {
  reports: quick ? 50 : 500,
  concurrency: 8,
  sizes: quick ? [100, 1000] : [100, 1000, 10_000],
  loadRuns: quick ? 3 : 21,
  guardRuns: quick ? 3 : 7,
};

interface Section {
  title: string;
  run: () => Promise<{ rows: Row[]; notes?: string[]; reading?: string[] }>;
}

/** `--only cost,ingest`: sections whose title contains one of the words (case-insensitive). */
function onlyFilter(argv: readonly string[]): string[] | undefined {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return undefined;
  const value = argv[i]!.includes('=') ? argv[i]!.slice('--only='.length) : (argv[i + 1] ?? '');
  const words = value
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (!words.length) throw new Error('--only needs section words, e.g. --only cost');
  return words;
}

async function main(): Promise<number> {
  const started = performance.now();
  const loadAtStart = describeMachine().load;
  const code = describeCode();
  let verdict: BundleVerdict | undefined;
  const period = openPeriod(DEFAULT_REGIME);
  const sections: Section[] = [
    { title: '2 Validation', run: async () => ({ rows: benchValidation(period) }) },
    { title: '5 xlsx guard', run: async () => benchGuard({ runs: CONFIG.guardRuns }) },
    {
      title: '4 Bundles',
      run: async () => {
        const r = await benchBundles({ runs: CONFIG.loadRuns });
        verdict = r.verdict;
        return r;
      },
    },
    { title: '3 Status read / consolidation', run: () => benchReads({ sizes: CONFIG.sizes, period }) },
    { title: '1 Ingest', run: () => benchIngest({ reports: CONFIG.reports, concurrency: CONFIG.concurrency, period }) },
    { title: '6 Cost', run: () => benchCost({ period }) },
  ];
  const only = onlyFilter(process.argv.slice(2));
  const chosen = only ? sections.filter((s) => only.some((w) => s.title.toLowerCase().includes(w))) : sections;
  if (!chosen.length) throw new Error(`--only ${only?.join(',')}: no section matches (${sections.map((s) => s.title).join(', ')})`);
  const rows: Row[] = [];
  const notes: string[] = [];
  const readings: string[] = [];
  let failed = false;
  for (const s of chosen) {
    const t = performance.now();
    try {
      const r = await s.run();
      rows.push(...r.rows);
      notes.push(...(r.notes ?? []));
      readings.push(...(r.reading ?? []));
      if (s.title === '1 Ingest' && r.rows.some((row) => row.flagged)) failed = true;
    } catch (e) {
      failed = true;
      const message = e instanceof Error ? e.message : String(e);
      progress(`${s.title} FAILED: ${e instanceof Error ? (e.stack ?? message) : message}`);
      rows.push({
        section: s.title,
        what: 'benchmark failed',
        measured: 'n/a',
        floor: 'n/a',
        ratio: 'n/a',
        detail: message.slice(0, 300),
        flagged: true,
      });
    }
    progress(`${s.title}: ${num((performance.now() - t) / 1000)} s`);
  }

  // By section number only: the order within a section is the benchmark's own (stable sort).
  rows.sort((a, b) => parseInt(a.section, 10) - parseInt(b.section, 10));
  const table = renderTable(rows);
  const totalS = (performance.now() - started) / 1000;
  process.stdout.write(`${table}\n`);
  if (readings.length) process.stdout.write(`\n${readings.join('\n\n')}\n`);
  if (only) {
    progress(`done in ${num(totalS)} s; --only: ${OUT} left as it was`);
    return failed ? 1 : 0;
  }
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, markdown(table, notes, readings, totalS, period, loadAtStart, code, verdict));
  progress(`done in ${num(totalS)} s; written to ${OUT}`);
  return failed ? 1 : 0;
}

/** The commit measured, and whether the working tree differed from it (bench/ and this file aside). */
function describeCode(): string {
  try {
    // trimEnd only: a porcelain line starts with a space when the index is clean.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trimEnd();
    const head = git('log', '-1', '--format=%h "%s"');
    const changed = git('status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .map((l) => l.slice(3))
      .filter((p) => p && !p.startsWith('bench/') && p !== 'docs/BENCHMARKS.md' && p !== 'node_modules');
    if (!changed.length) return head;
    const shown = changed.slice(0, 8).join(', ');
    return `${head} plus uncommitted changes in ${changed.length} files (${shown}${changed.length > 8 ? ', …' : ''})`;
  } catch {
    return 'unknown (no git)';
  }
}

const names = (list: readonly string[]) => (list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`);
const range = (values: readonly number[]) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo.toFixed(2) === hi.toFixed(2) ? x(lo) : `${lo.toFixed(2)}–${x(hi)}`;
};

/**
 * "Reading the results", from this run's figures: which functions meet issue 7's target and, for
 * the others, what they carry beyond their floor and what meeting it would take.
 */
function reading(v: BundleVerdict | undefined): string {
  if (!v) return 'The bundle benchmark did not run; see the table.';
  const out: string[] = [];
  const target = `**Issue 7** (each function ≤ ${TARGET}× its own floor in size and cold module-load time)`;
  const isOver = (f: BundleVerdict['functions'][number]) => f.over;
  const within = v.functions.filter((f) => !isOver(f));
  const over = v.functions.filter(isOver);
  // Sub-kilobyte bundles pass within SLACK_BYTES of their floor (bench/bundles.ts): named apart, not in the ranges.
  const tiny = within.filter((f) => f.sizeRatio > TARGET);
  const ranged = within.filter((f) => f.sizeRatio <= TARGET);
  if (within.length) {
    out.push(
      `${target} is met by ${over.length ? names(within.map((f) => f.name)) : `all ${within.length} functions`}: sizes ${range(ranged.map((f) => f.sizeRatio))} ` +
        `and load times ${range(ranged.map((f) => f.loadRatio))} their floors${
          tiny.length ? ` (${names(tiny.map((f) => f.name))} apart: under 1 KB, within ${SLACK_BYTES} B of an empty handler)` : ''
        }.${over.length ? '' : ' The table names what each carries beyond its floor: zod/mini, the Powertools logger, the app’s own code.'}`,
    );
  }
  if (over.length) {
    out.push(
      `${within.length ? 'Not' : `${target} is not`} met by ${names(
        over.map(
          (o) =>
            `${o.name} (${x(o.sizeRatio)} · ${x(o.loadRatio)}; beyond its floor ${
              o.beyond
                .slice(0, 3)
                .map(([p, d]) => `${p} +${num(d / 1024, 0)} KB`)
                .join(', ') || 'nothing large'
            })`,
        ),
      )}. ` +
        'Load times move from run to run on this shared machine; a ratio within a few hundredths of the target on load time alone is worth a rerun before a change.',
    );
  }
  for (const l of v.lazy) {
    out.push(
      `${l.name} imports ${names(l.targets)} when first needed, not at cold start: cold load ${num(l.loadMs)} ms against ` +
        `${num(l.eagerMs)} ms with the import made static (${x(l.loadMs / l.floorMs)} instead of ${x(l.eagerMs / l.floorMs)} its floor); ` +
        `without code splitting the ${num(l.lazyKb, 0)} KB behind it stay in the file and count in its size.`,
    );
  }
  out.push('No other row has a stated target: the ratios there compare against the least work the same result needs.');
  return out.join('\n\n');
}

function markdown(
  table: string,
  notes: readonly string[],
  readings: readonly string[],
  totalS: number,
  period: PeriodKey,
  loadAtStart: number,
  code: string,
  verdict: BundleVerdict | undefined,
): string {
  const m = describeMachine();
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); rerun it rather than editing this file. Every figure
sits next to its floor — the least work the same result needs — measured in the same run on the
same machine, so the ratio (× floor) means more than the absolute number on a noisy machine.
Nothing here is asserted in tests.

- **Machine**: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}
- **Node**: ${m.node}
- **Date**: ${m.date}
- **Code**: ${code}
- **Run**: ${num(totalS)} s in all${quick ? ' (BENCH_QUICK: reduced sizes)' : ''}; reporting period ${period}; load average ${loadAtStart} at the start, ${m.load} at the end (other work on the machine)

## Results

${table}

**× floor** is the cost relative to the floor: time ÷ floor time, or floor rate ÷ rate, or size ÷
floor size; above 1 is slower or bigger. ⚠ marks a figure over a stated target (issue 7: each
function ≤ ${TARGET}× its floor) or a run that lost reports.

## Reading the results

${[reading(verdict), ...readings].join('\n\n')}

## What was measured

1. **Ingest** (issue 8): ${CONFIG.reports} reports through the local stack (\`startLocalStack\`, temporary
   data dir, the regime's units replaced by ${CONFIG.reports} + 8 clones u00001…, one report per unit): a token, POST
   /uploads, the multipart POST to the presigned URL through the policy-checking S3 front, the S3
   event, ingest, compliance, receipt. ${CONFIG.concurrency} units in flight; each waits until the compliance handler
   has written and announced its status (its delivery on the local bus) before the next upload. The
   first 8 reports load the handler modules and are not counted. Throughput runs until the bus is
   idle, receipts sent. **Floor**: the same emulators doing the bare I/O per report — PutObject,
   GetObject, \`putVersion\`, status put, audit append — at the same concurrency, half before and
   half after the pipeline. Handler logs are at WARN (their JSON would mix into this table).
2. **Validation**: \`validateReport\` (schema, cross-field and context rules, Vietnamese messages)
   on a parsed sample report, valid and invalid, warm; median of alternating ~40 ms batches.
   **Floor**: \`JSON.parse\` of the same bytes, which ingest does anyway. The detail shows the zod
   schema alone, to tell the schema's cost from the rules', and one \`periodDates()\` call (the
   calendar arithmetic behind the plan-date rule and every status derivation): memoised per
   regime and period as the functions call it, and uncached (a fresh copy of the regime each call).
3. **Status read** (issue 4) and **consolidation** (issue 6) at ${CONFIG.sizes.map((n) => num(n, 0)).join(' / ')} units, each size in its
   own table of dynalite (in memory, in its own process), seeded with BatchWrite in the adapters'
   item shapes: 85 % on time (one in ten with a revision), 5 % late, 5 % rejected, 5 % never
   uploaded; the clock two days after the deadline. \`readStatus\` through \`DynamoStatusStore\`;
   \`publishSummary\` with \`send: false\` (reads, \`consolidate()\`, hash, then the xlsx and docx built
   and stored in memory), timed in two phases. A middleware on the adapters' DynamoDB client
   records every command and the items each returned. **Floor**: bare paginated \`QueryCommand\`s
   for the same items (the period partition; for the consolidation also one Query per reporting
   unit, 16 in flight as \`publishSummary\` does). A size measured once (the largest consolidation)
   has its floor run before and after it, and the mean taken.
4. **Bundles** (issue 7): each \`functions/<name>/handler.ts\` of FUNCTION_NAMES bundled with esbuild
   as the CDK function construct does (ESM, node22, minified, SDK bundled, createRequire banner; size
   of the .mjs, no source map). Module load: median of ${CONFIG.loadRuns} fresh \`node\` processes importing the bundle
   with dummy configuration (the handler is not invoked), round-robin with every floor. **Floor**, per
   function: an empty handler importing and constructing the same SDK clients at module scope (the
   DynamoDB document client as the adapters build it), nothing else. The clients are read from the
   function's esbuild metafile — every \`@aws-sdk/client-*\` package and \`@aws-sdk/lib-dynamodb\` in
   the output (the credential chain's \`nested-clients\` come with any client) — and one floor is
   built per distinct set; the detail names the floor's clients. A function with no SDK client (web)
   gets the empty handler. "Beyond the floor" is the function's bytes per package minus its floor's.
   Code the function only reaches through a dynamic import is in the size but not evaluated at
   load; such a function is also built with those imports made static, to show what the lazy
   import saves at cold start.
5. **xlsx guard** (issue 12): \`guardXlsx\` on crafted uploads built in memory — the shapes that
   made the old regular expressions rescan to the end of a part (unterminated tags, attribute
   lists without "=", an unclosed quote, entity-like text without ";", a date format of unclosed
   "["), each at the largest size the limits let through (~99,000 elements, or a 9.5 MB part with
   a little random text so that it passes the compression-ratio check), plus a 607 KB upload of
   unterminated tags between random letters (the shape reported in the issue) and a well-formed
   sheet for comparison; median of ${CONFIG.guardRuns} runs each. **Floor**: node:zlib \`inflateRawSync\` of the same
   parts deflated as the upload holds them, without the guard's checks. Per MB of XML (inflated);
   the detail gives the outcome and the work the guard's meter counted per byte (the tests assert
   on that count, never on time).
6. **Cost** (issue 15; the model, the prices and the assumptions in docs/COSTS.md): a province's
   year on one local stack — the seed regime as the main one (130 units: the seed's 31 with their
   scripted demo roles plus 99 generated commune-level examples) and nine regimes built from it (3
   annual, 2 six-monthly, 2 quarterly, 2 monthly, each listing a share of the units), every period of
   the year (40) planned as \`npm run demo\` plans one (invalid then corrected, late, returned, never),
   uploads through POST /uploads and the presigned POST, the schedules fired every simulated day;
   every function loaded through a meter (bench/lib/meter.ts: per-function proxies in front of the
   emulators, as the fault tests use) that counts each AWS call and what it is billed on — DynamoDB
   request units from the item sizes, S3 request classes and bytes, SES messages, PutEvents
   entries — and times every invocation. Priced with bench/aws-prices.json (dated), for one province
   and for 34; fixed monthly costs apart. Then, per regime, the status read and the consolidation of
   its busiest period on the same table, against raw Queries as in section 3.

## Notes from this run

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
