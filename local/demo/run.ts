import {
  periodContaining,
  periodFields,
  periodKey,
  periodSlug,
  periodYear,
  splitPeriodKey,
  type PeriodKey,
} from '../../shared/domain/periodicity.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { tableAdapters } from '../../shared/adapters/dynamodb.adapter.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { SHEET_NAMES } from '../../shared/documents/summary-workbook.js';
import { addDays, localDate, vietnameseDateTime, zonedTime } from '../../shared/domain/calendar.js';
import type { GroupTotals } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { Regime, UnitGroup } from '../../shared/domain/regime.js';
import type { FormDefinition } from '../../shared/domain/form-definition.js';
import { currentForm, reportIndicators } from '../../shared/domain/report.js';
import type { ComplianceStatus, Rates } from '../../shared/domain/status.js';
import type { PeriodStatus } from '../../shared/use-cases/read-status.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import type { Firing } from '../scheduler.js';
import { LOCAL_NAMES } from '../names.js';
import { LOCAL_BUCKET, LOCAL_TABLE, startLocalStack, type LocalStack, type LocalStackOptions } from '../stack.js';
import { uploadFile } from '../upload-client.js';
import { uploadBody } from './bodies.js';
import { collectEmails, readSesStore, tallyEmails, writeEmails, type DemoEmail, type EmailKind } from './emails.js';
import { progressReporter } from './report.js';
import { actionsOn, demoPlan, type DemoPlan, type PlannedUnit, type ReturnAction, type UploadAction } from './plan.js';

export interface RunDemoOptions {
  /** Cleared first, then filled: emails/, summary/, status.json, plan.json, result.json. */
  outDir: string;
  /** No progress output. */
  quiet?: boolean;
  /** Default: the current year in the regime's time zone. */
  /** A period key of the regime (its current period when omitted). */
  period?: PeriodKey;
  /** Default: the Kon Tum regime. */
  regime?: Regime;
  /** Called after every simulated day; default (unless quiet): a progress bar on stderr. */
  onDay?: (p: DayProgress) => void;
  /** Passed to startLocalStack: the cost benchmark meters every function this way (bench/lib/meter.ts). */
  loadFunction?: LocalStackOptions['loadFunction'];
}

export interface DayProgress {
  day: string;
  /** 1-based. */
  index: number;
  days: number;
  uploads: number;
  rejected: number;
  returns: number;
  notices: Record<'reminder' | 'overdue' | 'escalation', number>;
  /** The consolidation's version, when it ran that day. */
  summaryVersion?: number;
  /** Units with an accepted report (not returned) at the end of the day. */
  reported: number;
  expected: number;
  /** Emails sent so far. */
  emails: number;
}

export interface DemoRow {
  unitId: string;
  name: string;
  group: UnitGroup;
  status: ComplianceStatus;
  firstValidAt: string | null;
  versions: number;
}

export interface DemoResult {
  period: PeriodKey;
  plan: DemoPlan;
  /** Final status per unit (GET /status at the end of the last simulated day). */
  statuses: Record<string, ComplianceStatus>;
  table: DemoRow[];
  rates: { overall: Rates; province: Rates; district: Rates };
  emails: DemoEmail[];
  /** Ledger unit ('*' = escalation digest, '_summary' = consolidation) → kind → count. */
  emailsByUnitAndKind: Record<string, Partial<Record<EmailKind, number>>>;
  /** The latest published summary version, or null when none was published. */
  summary: { version: number; keys: { xlsx: string; docx: string }; countedReports: GroupTotals } | null;
  /** Indicator path → totals, read back from the downloaded workbook's summary sheet. */
  summaryTotals: Record<string, GroupTotals>;
  files: {
    outDir: string;
    emailsDir: string;
    emailIndex: string;
    emls: string[];
    workbook: string | null;
    draft: string | null;
    status: string;
    plan: string;
    result: string;
  };
  /** Anything that went wrong without stopping the run (dead letters, failed firings, unmatched emails). */
  problems: string[];
  timings: { realMs: number; simulatedDays: number; uploads: number; reviews: number };
  /** SHA-256 (12 hex) of the run-independent part of the result: equal across runs. */
  fingerprint: string;
}

const SETTLE_TIMEOUT_MS = 20_000;

/** The current reporting year in the regime's zone, by the real clock. */
/** The regime's period containing today's date (the demo's default), never before its first. */
export function currentPeriod(regime: Regime): PeriodKey {
  const today = localDate(new Date(), regime.timeZone);
  const year = Math.max(Number(today.slice(0, 4)), regime.firstPeriod);
  return periodKey(regime, periodContaining(regime.frequency, year === Number(today.slice(0, 4)) ? today : `${year}-06-01`));
}

/**
 * One reporting year, end to end, on a fresh temporary local stack.
 * 1. Plan the year (demoPlan: deterministic), clear outDir, start the stack in a temp dir with a
 *    manual scheduler; issue every unit its link (token) on the first morning.
 * 2. For each simulated day: 08:00 tick (the DailyNotices, on its date the AnnualSummary, and the
 *    SummaryUpdate schedules — the same definitions CDK deploys; after 20 Dec each morning that
 *    follows a late report sends the leadership the next version, "bản cập nhật"), then the day's uploads and reviews at their
 *    hours through the real interfaces (POST /uploads + presigned POST; POST /units/{id}/review),
 *    each settled (status updated, receipts sent), then an end-of-day tick; the bus idles in between.
 * 3. Read GET /status, the SES store and the notice ledger; write the emails (.eml + index.md),
 *    the latest summary version's workbook and draft, the status JSON, the plan and the result.
 */
export async function runDemo(opts: RunDemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const regime = opts.regime ?? DEFAULT_REGIME;
  const period = opts.period ?? currentPeriod(regime);
  const plan = demoPlan(regime, period);
  const tz = regime.timeZone;
  const at = (day: string, hour: number, minute = 0) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return zonedTime(tz, y, m, d, hour, minute);
  };
  const onDay = opts.onDay ?? (opts.quiet ? undefined : progressReporter());

  await rm(opts.outDir, { recursive: true, force: true });
  await mkdir(opts.outDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'baocao-demo-'));
  setVirtualNow(at(plan.firstDay, 7, 30));

  let stack: LocalStack | undefined;
  let ddb: DynamoDBClient | undefined;
  let s3: S3Client | undefined;
  try {
    stack = await startLocalStack({
      dataDir,
      port: 0,
      quiet: true,
      regime,
      scheduler: 'manual',
      retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
      ...(opts.loadFunction ? { loadFunction: opts.loadFunction } : {}),
    });
    const st = stack;
    const credentials = { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey };
    ddb = new DynamoDBClient({ endpoint: st.endpoints.dynamodb, region: LOCAL_NAMES.region, credentials });
    s3 = new S3Client({ endpoint: st.endpoints.s3, region: LOCAL_NAMES.region, credentials, forcePathStyle: true });
    const tables = tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_TABLE);
    const problems: string[] = [];

    // 1. Every unit's personal link, as the invitation sends it when the period opens.
    const tokens = new Map<string, string>();
    for (const u of plan.units)
      tokens.set(
        u.unitId,
        (
          await issueToken(
            { tokens: tables.tokens, clock: systemClock, regimes: regimeSet(regime) },
            { unitId: u.unitId, periods: [periodYear(period)] },
          )
        ).token,
      );

    /** Bounded wait until `check` holds, letting the bus drain between looks. */
    const settle = async (what: string, check: () => Promise<boolean>) => {
      const until = Date.now() + SETTLE_TIMEOUT_MS;
      for (;;) {
        await st.bus.idle();
        if (await check()) return;
        if (Date.now() > until) throw new Error(`demo: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const validUploads = new Map<string, string[]>();
    const returned = new Set<string>();
    let uploads = 0;
    let reviews = 0;

    const doUpload = async (unit: PlannedUnit, action: UploadAction) => {
      const body = await uploadBody(regime, period, unit.unitId, action, plan.script);
      const fileName = `bao-cao-${periodSlug(period)}-${unit.unitId}.${action.channel}`;
      const out = await uploadFile(st.endpoints.app, tokens.get(unit.unitId)!, { period, body, kind: action.channel, fileName });
      if ('error' in out.presign)
        throw new Error(`POST /uploads for ${unit.unitId}: ${out.presignStatus} ${out.presign.error.code}: ${out.presign.error.message}`);
      if (!out.postStatus || out.postStatus >= 300)
        throw new Error(`presigned POST for ${unit.unitId}: ${out.postStatus} ${out.postBody ?? ''}`);
      const { uploadId } = out.presign;
      await settle(`${unit.unitId}'s upload ${uploadId} to be reflected and announced`, async () => {
        const s = await tables.statuses.get(period, unit.unitId);
        return Boolean(s?.announced && s.uploadIds.includes(uploadId));
      });
      uploads += 1;
      if (action.valid) {
        validUploads.set(unit.unitId, [...(validUploads.get(unit.unitId) ?? []), uploadId]);
        returned.delete(unit.unitId);
      }
    };

    const doReturn = async (unit: PlannedUnit, action: ReturnAction) => {
      const uploadId = validUploads.get(unit.unitId)?.at(-1);
      if (!uploadId) throw new Error(`demo plan: ${unit.unitId} is returned before it has a valid upload`);
      const res = await fetch(`${st.endpoints.app}/units/${encodeURIComponent(unit.unitId)}/review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${st.endpoints.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...periodFields(period), uploadId, decision: 'RETURN', reason: action.reason, reviewer: action.reviewer }),
      });
      if (res.status !== 201) {
        throw new Error(
          `POST /units/${unit.unitId}/review answered ${res.status}: ${await res.text()} (functions/admin/handler.ts, shared/use-cases/review-report.ts)`,
        );
      }
      await settle(`${unit.unitId} to be RETURNED and announced`, async () => {
        const s = await tables.statuses.get(period, unit.unitId);
        return Boolean(s?.announced && s.status === 'RETURNED');
      });
      reviews += 1;
      returned.add(unit.unitId);
    };

    const tick = async (t: Date): Promise<Firing[]> => {
      setVirtualNow(t);
      const firings = await st.scheduler.tick(t);
      await st.bus.idle();
      for (const f of firings)
        if (!f.ok)
          problems.push(`${localDate(t, tz)}: schedule ${f.scheduleId} → ${f.target} failed after ${f.attempts} attempts: ${f.error}`);
      return firings;
    };

    // 2. The year, day by day.
    const days: string[] = [];
    for (let d = plan.firstDay; d <= plan.lastDay; d = addDays(d, 1)) days.push(d);
    for (const [i, day] of days.entries()) {
      const progress: DayProgress = {
        day,
        index: i + 1,
        days: days.length,
        uploads: 0,
        rejected: 0,
        returns: 0,
        notices: { reminder: 0, overdue: 0, escalation: 0 },
        reported: 0,
        expected: plan.units.length,
        emails: 0,
      };
      const count = (firings: Firing[]) => {
        for (const f of firings) {
          const r = f.result as
            | {
                counts?: Partial<Record<'reminder' | 'overdue' | 'escalation', number>>;
                version?: number;
                sent?: boolean;
                results?: { version: number; sent: boolean }[];
              }
            | undefined;
          if (f.target === 'notices' && r?.counts)
            for (const k of ['reminder', 'overdue', 'escalation'] as const) progress.notices[k] += r.counts[k] ?? 0;
          if (f.target === 'summary' && r?.version !== undefined) progress.summaryVersion = r.version;
          // The daily SummaryUpdate: only a version it sent is news for the day.
          for (const u of r?.results ?? []) if (u.sent) progress.summaryVersion = u.version;
        }
      };
      count(await tick(at(day, 8)));
      for (const { unit, action } of actionsOn(plan, day)) {
        setVirtualNow(action.at);
        if (action.kind === 'upload') {
          await doUpload(unit, action);
          progress.uploads += 1;
          if (!action.valid) progress.rejected += 1;
        } else {
          await doReturn(unit, action);
          progress.returns += 1;
        }
      }
      count(await tick(at(day, 23, 59)));
      if (onDay) {
        progress.reported = [...validUploads.keys()].filter((u) => !returned.has(u)).length;
        progress.emails = (await readSesStore(st.endpoints.ses)).length;
        onDay(progress);
      }
    }

    // 3. What came out.
    const statusRes = await fetch(`${st.endpoints.app}/status?period=${splitPeriodKey(period).id}`, {
      headers: { authorization: `Bearer ${st.endpoints.adminToken}` },
    });
    if (!statusRes.ok) throw new Error(`GET /status answered ${statusRes.status}: ${await statusRes.text()}`);
    const status = (await statusRes.json()) as PeriodStatus;
    const statusFile = join(opts.outDir, 'status.json');
    await writeFile(statusFile, JSON.stringify(status, null, 2) + '\n');

    const collected = await collectEmails({ ses: st.endpoints.ses, ledger: tables.notices, regime, period });
    if (collected.unmatched > 0) problems.push(`${collected.unmatched} email(s) in the SES store have no notice-ledger entry`);
    const emailsDir = join(opts.outDir, 'emails');
    const written = await writeEmails(emailsDir, collected.emails, collected.messages, regime, period);

    const latest = await tables.summaries.latest(period);
    let workbook: string | null = null;
    let draft: string | null = null;
    let summaryTotals: Record<string, GroupTotals> = {};
    let countedReports: GroupTotals = { total: 0, province: 0, district: 0 };
    if (latest) {
      const dir = join(opts.outDir, 'summary');
      await mkdir(dir, { recursive: true });
      const download = async (key: string) => {
        const got = await s3!.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: key }));
        const path = join(dir, basename(key));
        await writeFile(path, await got.Body!.transformToByteArray());
        return path;
      };
      try {
        workbook = await download(latest.keys.xlsx);
        draft = await download(latest.keys.docx);
        ({ totals: summaryTotals, countedReports } = await readWorkbookTotals(workbook, currentForm(regime)));
      } catch (e) {
        problems.push(`summary v${latest.version} recorded but its files could not be read: ${(e as Error).message}`);
      }
    } else {
      problems.push(`no summary was published for ${period}`);
    }
    for (const dl of st.bus.deadLetters) problems.push(`dead letter: ${JSON.stringify(dl).slice(0, 300)}`);

    const table: DemoRow[] = status.units.map((u) => ({
      unitId: u.unitId,
      name: u.name,
      group: u.group,
      status: u.status,
      firstValidAt: u.firstValidAt,
      versions: u.versions,
    }));
    const result: DemoResult = {
      period,
      plan,
      statuses: Object.fromEntries(status.units.map((u) => [u.unitId, u.status])),
      table,
      rates: { overall: stripRates(status.rates), province: status.rates.byGroup.province, district: status.rates.byGroup.district },
      emails: collected.emails,
      emailsByUnitAndKind: tallyEmails(collected.emails),
      summary: latest ? { version: latest.version, keys: latest.keys, countedReports } : null,
      summaryTotals,
      files: {
        outDir: opts.outDir,
        emailsDir,
        emailIndex: written.index,
        emls: written.files,
        workbook,
        draft,
        status: statusFile,
        plan: join(opts.outDir, 'plan.json'),
        result: join(opts.outDir, 'result.json'),
      },
      problems,
      timings: { realMs: 0, simulatedDays: days.length, uploads, reviews },
      fingerprint: '',
    };
    const stable = stablePart(result);
    result.fingerprint = createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 12);
    await writeFile(result.files.plan, JSON.stringify(plan, null, 2) + '\n');
    await writeFile(result.files.result, JSON.stringify({ fingerprint: result.fingerprint, ...stable, problems }, null, 2) + '\n');
    result.timings.realMs = Math.round(performance.now() - started);
    return result;
  } finally {
    s3?.destroy();
    ddb?.destroy();
    await stack?.stop();
    resetClock();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const stripRates = (r: PeriodStatus['rates']): Rates => ({
  expected: r.expected,
  reported: r.reported,
  onTime: r.onTime,
  reportingRate: r.reportingRate,
  onTimeRate: r.onTimeRate,
});

const STABLE_STEP_KINDS: ReadonlySet<EmailKind> = new Set(['reminder', 'overdue', 'escalation', 'summary']);

/**
 * What must be equal across runs: statuses, first valid times to the minute (the virtual clock
 * runs on with real time between the planned instants), versions, emails per unit and kind,
 * rates and the summary's totals. Ids, hashes and exact timestamps are left out.
 */
export function stablePart(r: DemoResult) {
  const tz = r.plan.timeZone;
  return {
    period: r.period,
    units: r.table.map((u) => ({
      unitId: u.unitId,
      status: u.status,
      firstValidAt: u.firstValidAt ? vietnameseDateTime(new Date(u.firstValidAt), tz) : null,
      versions: u.versions,
    })),
    rates: r.rates,
    emailsByUnitAndKind: Object.fromEntries(Object.entries(r.emailsByUnitAndKind).sort(([a], [b]) => a.localeCompare(b))),
    // Receipt, rejection and return steps carry upload ids or times: only the notice steps are kept.
    emailSteps: r.emails.map(
      (e) => `${localDate(new Date(e.at), tz)} ${e.kind} ${e.unitId}${STABLE_STEP_KINDS.has(e.kind) ? ` ${e.step}` : ''}`,
    ),
    summary: r.summary ? { version: r.summary.version, countedReports: r.summary.countedReports } : null,
    summaryTotals: r.summaryTotals,
  };
}

/** The summary sheet: row 4 is the number of counted reports, then one row per indicator (label in B; total, province, district in C–E). */
async function readWorkbookTotals(
  path: string,
  form: FormDefinition,
): Promise<{ totals: Record<string, GroupTotals>; countedReports: GroupTotals }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const sheet = wb.getWorksheet(SHEET_NAMES.summary);
  if (!sheet) throw new Error(`${path}: no sheet "${SHEET_NAMES.summary}"`);
  const num = (v: ExcelJS.CellValue) =>
    typeof v === 'number' ? v : v && typeof v === 'object' && 'result' in v && typeof v.result === 'number' ? v.result : NaN;
  const triple = (row: number): GroupTotals => ({
    total: num(sheet.getCell(row, 3).value),
    province: num(sheet.getCell(row, 4).value),
    district: num(sheet.getCell(row, 5).value),
  });
  const byLabel = new Map<string, number>();
  sheet.eachRow((row, n) => {
    const label = row.getCell(2).value;
    if (typeof label === 'string' && n > 4 && !byLabel.has(label)) byLabel.set(label, n);
  });
  const totals: Record<string, GroupTotals> = {};
  for (const ind of reportIndicators(form)) {
    const row = byLabel.get(ind.label);
    if (row !== undefined) totals[ind.path] = triple(row);
  }
  return { totals, countedReports: triple(4) };
}
