import { periodFields, periodKey, periodYear, previousComparablePeriod, splitPeriodKey, type PeriodKey } from '../domain/periodicity.js';
import { DETAIL_TYPES } from '../definitions/events.js';
import { requireKnownPeriod } from './periods.js';
import { objectKeys } from '../definitions/table.js';
import { buildSummaryDocx, DOCX_CONTENT_TYPE } from '../documents/summary-docx.js';
import { buildSummaryWorkbook, XLSX_CONTENT_TYPE } from '../documents/summary-workbook.js';
import {
  consolidate,
  contentHash,
  diffSummaries,
  parseSummarySnapshot,
  summarySnapshot,
  type Consolidation,
  type ConsolidationRow,
  type SummaryDiff,
} from '../domain/consolidation.js';
import { localDate, openPeriods } from '../domain/calendar.js';
import { isSummaryUpdateWindow } from '../domain/period-close.js';
import type { Regime } from '../domain/regime.js';
import { comparableConsolidation, type PriorFigures } from '../domain/reorganization.js';
import { hasReported } from '../domain/status.js';
import { summaryAttachments, summaryEmail, summaryFileNames } from '../email/summary-email.js';
import { ConcurrencyError, NoticeInFlightError } from '../errors.js';
import { staffActor, type StaffIdentity } from '../domain/staff.js';
import type {
  AuditLog,
  Clock,
  EventBus,
  Mailer,
  NoticeLedger,
  ObjectStore,
  ReportStore,
  StatusStore,
  SummaryRecord,
  SummaryStore,
} from '../ports.js';
import { readStatus } from './read-status.js';
import { sendOnce } from './send-once.js';

export interface PublishSummaryDeps {
  statuses: StatusStore;
  reports: ReportStore;
  summaries: SummaryStore;
  /** The notice ledger makes the leadership email at-most-once per version (sendOnce). */
  ledger: NoticeLedger;
  objects: ObjectStore;
  mailer: Mailer;
  bus: EventBus;
  clock: Clock;
  regime: Regime;
  appUrl?: string;
  /** Where a publication by a person is recorded (AUDIT#{period}#_summary); the schedule's runs are not. */
  audit?: AuditLog;
  /** Report reads in flight at once (default 16): still one Query per reported unit. */
  concurrency?: number;
}

export interface SummaryFiles {
  xlsx: Uint8Array;
  docx: Uint8Array;
}

export interface PublishSummaryResult {
  /**
   * published: this run claimed a new version (or resumed one that was never sent) and emailed it;
   * unchanged: the data equal the latest version's, nothing was sent (or another run is sending it);
   * preview: send was false — files built and stored under summaries/{period}/preview/, nothing else;
   * held: oncePerDay and a version was already claimed this local day — the change waits for tomorrow's run.
   */
  outcome: 'published' | 'unchanged' | 'preview' | 'held';
  period: PeriodKey;
  /** published/unchanged: the version in force; preview: the number these data would be published as. */
  version: number;
  hash: string;
  /** Do the data differ from the latest published version? (false for unchanged, true for held) */
  changed: boolean;
  /** This run emailed the leadership. */
  sent: boolean;
  messageId?: string;
  keys: { xlsx: string; docx: string };
  fileNames: { xlsx: string; docx: string };
  /** The bytes, when this run built them (published, preview). */
  files?: SummaryFiles;
  consolidation: Consolidation;
}

/** Pseudo unit id of the summary's entries in the notice ledger (unit ids are [a-z0-9-], so no clash). */
export const SUMMARY_LEDGER_UNIT = '_summary';
const MAX_ATTEMPTS = 5;
/** A stored snapshot is a few KB; anything larger is not ours. */
const MAX_SNAPSHOT_BYTES = 256 * 1024;

/** Next to a version's files: what the next version is compared with (SummarySnapshot). */
export function snapshotKey(period: PeriodKey, version: number): string {
  return `${objectKeys.summaries(period, version)}snapshot.json`;
}

/** Where a version's files live: summaries/{period}/v{n}/ (objectKeys.summaries) with stable names. */
export function summaryKeys(period: PeriodKey, version: number): { xlsx: string; docx: string } {
  const prefix = objectKeys.summaries(period, version);
  const names = summaryFileNames(period, version);
  return { xlsx: `${prefix}${names.xlsx}`, docx: `${prefix}${names.docx}` };
}

/** Previews (send=false) never take a version number: summaries/{period}/preview/, overwritten each time. */
export function previewKeys(period: PeriodKey, version: number): { xlsx: string; docx: string } {
  const prefix = `summaries/${period}/preview/`;
  const names = summaryFileNames(period, version);
  return { xlsx: `${prefix}${names.xlsx}`, docx: `${prefix}${names.docx}` };
}

export interface PublishSummaryInput {
  period: PeriodKey;
  send: boolean;
  actor?: StaffIdentity;
  /**
   * The daily update's guard: claim no new version when the latest one was claimed the same local
   * day (regime time zone). The claim is a conditional put of version n, so two runs of one day
   * cannot both pass: the loser re-reads, finds today's version and holds.
   */
  oncePerDay?: boolean;
}

/**
 * The annual consolidation, published to the leadership (schedule, admin API, CLI).
 * 1. Read every unit's status for the period (one Query on the period partition, as readStatus).
 * 2. For each ON_TIME / LATE unit, read its report facts (one Query per unit: linear) and take the
 *    report of its latest valid upload.
 * 3. Consolidate (pure) and hash the result (contentHash: `asOf` excluded).
 * 4. Read the latest SUMMARY item of the period. Same hash, already sent → `unchanged`, send nothing.
 * 5. Otherwise claim version n = latest + 1 with a conditional put of the SUMMARY item
 *    {n, hash, keys} BEFORE anything is sent; a run losing the claim re-reads and decides again
 *    (same data → `unchanged`, so a concurrent run never sends a version twice).
 * 6. Through the notice ledger (sendOnce, step v{n}): build the workbook and the draft (the draft
 *    marked as an update of n-1 when n > 1; both with last year's figures beside this year's, merged
 *    units' figures on their successors: priorFigures), store both under summaries/{period}/v{n}/ with the
 *    version's snapshot (snapshot.json: per-unit status and figures hash, indicator totals, ~3 KB),
 *    email the leadership (Sở Nội vụ in copy) with both attached — "bản cập nhật" in the subject
 *    from v2 on, with what changed since v{n-1} (diffSummaries against its snapshot).
 * 7. Record sentAt and the message id on the SUMMARY item, publish "Summary Published"
 *    {period, version, hash, keys, sent}, then record publishedAt.
 * With `oncePerDay` (the daily SummaryUpdate), step 5 claims nothing when the latest version was
 * claimed the same local day: the outcome is `held` and the next morning's run sends the change.
 * A version claimed but never sent (a crash, SES down) has the same hash on the next run, which
 * resumes it (step 6; the ledger takes over only a failed or stale claim) instead of skipping it.
 *
 * Without `send` (the CLI's preview): steps 1–3, then the files are built and stored under
 * summaries/{period}/preview/ with the names of the version the data would be published as, and
 * returned. No version is claimed, no email, no event: a preview never consumes a version number.
 */
export async function publishSummary(deps: PublishSummaryDeps, input: PublishSummaryInput): Promise<PublishSummaryResult> {
  const result = await publishOrPreview(deps, input);
  // 8. A publication asked by a person is audited under that person's verified identity.
  if (result.outcome === 'published' && input.actor && deps.audit) {
    await deps.audit.append(input.period, SUMMARY_LEDGER_UNIT, {
      at: deps.clock.now().toISOString(),
      eventId: `summary-v${result.version}`,
      action: 'SUMMARY_PUBLISHED',
      ...staffActor(input.actor),
      detail: { version: result.version, hash: result.hash, ...(result.messageId ? { messageId: result.messageId } : {}) },
    });
  }
  return result;
}

async function publishOrPreview(deps: PublishSummaryDeps, input: PublishSummaryInput): Promise<PublishSummaryResult> {
  const { period } = input;
  requireKnownPeriod(deps.regime, period, deps.clock.now());
  const consolidation = await consolidatePeriod(deps, period);
  const hash = contentHash(consolidation);
  const base = { period, hash, consolidation };

  if (!input.send) {
    const latest = await deps.summaries.latest(period);
    const changed = latest?.hash !== hash;
    const version = changed ? (latest?.version ?? 0) + 1 : latest.version;
    const files = await buildFiles(deps, consolidation, version);
    const keys = previewKeys(period, version);
    await storeFiles(deps.objects, keys, files);
    return { ...base, outcome: 'preview', version, changed, sent: false, keys, fileNames: summaryFileNames(period, version), files };
  }

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const latest = await deps.summaries.latest(period);
    if (latest && latest.hash === hash) {
      if (latest.sentAt) {
        await announce(deps, latest);
        return unchanged(base, latest);
      }
      return deliver(deps, consolidation, latest);
    }
    if (latest && input.oncePerDay && sameLocalDay(deps, latest.createdAt))
      return { ...unchanged(base, latest), outcome: 'held', changed: true };
    const version = (latest?.version ?? 0) + 1;
    const record: SummaryRecord = { period, version, hash, keys: summaryKeys(period, version), createdAt: deps.clock.now().toISOString() };
    if (await deps.summaries.put(record)) return deliver(deps, consolidation, record);
  }
  throw new ConcurrencyError(`summary version of ${period}`);
}

function unchanged(base: { period: PeriodKey; hash: string; consolidation: Consolidation }, record: SummaryRecord): PublishSummaryResult {
  return {
    ...base,
    outcome: 'unchanged',
    version: record.version,
    changed: false,
    sent: false,
    ...(record.messageId ? { messageId: record.messageId } : {}),
    keys: record.keys,
    fileNames: summaryFileNames(record.period, record.version),
  };
}

/** Steps 6–7 for a claimed version. */
async function deliver(deps: PublishSummaryDeps, c: Consolidation, record: SummaryRecord): Promise<PublishSummaryResult> {
  const { period, version } = record;
  const ledgerKey = { period, unitId: SUMMARY_LEDGER_UNIT, kind: 'summary' as const, step: `v${version}` };
  let files: SummaryFiles | undefined;
  const outcome = await sendOnce({ ledger: deps.ledger, clock: deps.clock }, ledgerKey, async () => {
    files = await buildFiles(deps, c, version);
    await storeFiles(deps.objects, record.keys, files);
    await deps.objects.put(snapshotKey(period, version), JSON.stringify(summarySnapshot(c)), 'application/json');
    const changes = version > 1 ? await changesSince(deps, c, version - 1) : undefined;
    const email = summaryEmail(c, deps.regime, {
      version,
      isUpdate: version > 1,
      ...(changes ? { changes, previousVersion: version - 1 } : {}),
      ...(deps.appUrl ? { appUrl: deps.appUrl } : {}),
    });
    const to = [...new Set(deps.regime.leadership.map((l) => l.email))];
    const cc = to.includes(deps.regime.receivingBody.email) ? [] : [deps.regime.receivingBody.email];
    return deps.mailer.send({ to, ...(cc.length ? { cc } : {}), ...email, attachments: summaryAttachments(files, period, version) });
  });

  const entry = await deps.ledger.get(period, SUMMARY_LEDGER_UNIT, 'summary', `v${version}`);
  const base = { period, hash: record.hash, consolidation: c };
  // Another run holds a fresh claim on this version, or died holding it: not done, so this run
  // fails and is retried (the claim is taken over once stale). Succeeding here would lose the
  // email of a run that died after its claim: the annual schedule would not come back for a year.
  if (entry?.state !== 'sent') throw new NoticeInFlightError(`summary ${period} v${version}`);
  const sentRecord: SummaryRecord = {
    ...record,
    sentAt: record.sentAt ?? deps.clock.now().toISOString(),
    ...(entry.messageId ? { messageId: entry.messageId } : {}),
  };
  await deps.summaries.update(period, version, { sentAt: sentRecord.sentAt, ...(entry.messageId ? { messageId: entry.messageId } : {}) });
  await announce(deps, sentRecord);
  if (outcome !== 'sent') return unchanged(base, sentRecord);
  return {
    ...base,
    outcome: 'published',
    version,
    changed: true,
    sent: true,
    ...(sentRecord.messageId ? { messageId: sentRecord.messageId } : {}),
    keys: record.keys,
    fileNames: summaryFileNames(period, version),
    ...(files ? { files } : {}),
  };
}

/** "Summary Published" once per sent version (an outbox: publishedAt is recorded after the event). */
async function announce(deps: PublishSummaryDeps, record: SummaryRecord): Promise<void> {
  if (record.publishedAt) return;
  await deps.bus.publish([
    {
      detailType: DETAIL_TYPES.summaryPublished,
      detail: {
        ...periodFields(record.period),
        version: record.version,
        hash: record.hash,
        keys: record.keys,
        sent: Boolean(record.sentAt),
      },
    },
  ]);
  await deps.summaries.update(record.period, record.version, { publishedAt: deps.clock.now().toISOString() });
}

function sameLocalDay(deps: PublishSummaryDeps, iso: string): boolean {
  const tz = deps.regime.timeZone;
  return localDate(new Date(iso), tz) === localDate(deps.clock.now(), tz);
}

/** The diff against version `previous`'s snapshot; undefined when it has none (a version sent before snapshots existed). */
async function changesSince(deps: PublishSummaryDeps, c: Consolidation, previous: number): Promise<SummaryDiff | undefined> {
  const key = snapshotKey(c.period, previous);
  if (!(await deps.objects.head(key))) return undefined;
  const snapshot = parseSummarySnapshot(new TextDecoder().decode(await deps.objects.read(key, MAX_SNAPSHOT_BYTES)));
  return snapshot ? diffSummaries(snapshot, c) : undefined;
}

export interface SummaryUpdateResult {
  period: PeriodKey;
  outcome: PublishSummaryResult['outcome'];
  version: number;
  sent: boolean;
}

/**
 * The daily update (schedule SummaryUpdate): every period between its consolidation date and its
 * close (period-close.ts) is consolidated again and, when its content changed, published as the
 * next version ("bản cập nhật"), at most one version a local day. Nothing before the consolidation
 * date (the annual run sends v1; if that run failed, the first daily run publishes it), nothing once
 * the period is closed, nothing when the data are those of the latest version.
 */
export async function updateSummaries(deps: PublishSummaryDeps): Promise<SummaryUpdateResult[]> {
  const now = deps.clock.now();
  const periods = openPeriods(deps.regime, now).filter((p) => isSummaryUpdateWindow(deps.regime, p, now));
  const out: SummaryUpdateResult[] = [];
  for (const period of periods) {
    const r = await publishSummary(deps, { period, send: true, oncePerDay: true });
    out.push({ period, outcome: r.outcome, version: r.version, sent: r.sent });
  }
  return out;
}

async function buildFiles(deps: PublishSummaryDeps, c: Consolidation, version: number): Promise<SummaryFiles> {
  const { regime } = deps;
  const prior = await priorFigures(deps, c);
  const [xlsx, docx] = await Promise.all([
    buildSummaryWorkbook(c, regime, prior),
    buildSummaryDocx(c, regime, { ...(version > 1 ? { updateOf: version - 1 } : {}), ...(prior ? { prior } : {}) }),
  ]);
  return { xlsx, docx };
}

async function storeFiles(objects: ObjectStore, keys: { xlsx: string; docx: string }, files: SummaryFiles): Promise<void> {
  await Promise.all([objects.put(keys.xlsx, files.xlsx, XLSX_CONTENT_TYPE), objects.put(keys.docx, files.docx, DOCX_CONTENT_TYPE)]);
}

/**
 * "Cùng kỳ năm trước" for the files: last year's accepted reports, read as this year's are (steps 1–2),
 * mapped onto this year's units (a merged unit's figures go to its successor). Undefined in the
 * regime's first year, or when no unit of this year carries a figure of last year. Read only when the
 * files are built, so a run that finds nothing new reads nothing more; not in the content hash.
 */
async function priorFigures(deps: PublishSummaryDeps, c: Consolidation): Promise<PriorFigures | undefined> {
  if (periodYear(c.period) <= deps.regime.firstPeriod) return undefined;
  const lastYear = periodKey(deps.regime, previousComparablePeriod(deps.regime.frequency, splitPeriodKey(c.period).id));
  const prior = comparableConsolidation(deps.regime, c, await consolidatePeriod(deps, lastYear));
  return prior.units.some((u) => u.from.length) ? prior : undefined;
}

/** Steps 1–3: Query only, one read per reported unit. */
async function consolidatePeriod(deps: PublishSummaryDeps, period: PeriodKey): Promise<Consolidation> {
  const status = await readStatus(deps, { period });
  const rows = await mapLimit(status.units, deps.concurrency ?? 16, async (u): Promise<ConsolidationRow> => {
    const row: ConsolidationRow = {
      unitId: u.unitId,
      status: u.status,
      versions: u.versions,
      ...(u.firstValidAt ? { firstValidAt: u.firstValidAt } : {}),
      ...(u.lastUploadAt ? { lastUploadAt: u.lastUploadAt } : {}),
    };
    if (!hasReported(u.status) || !u.latestValidUploadId) return row;
    const { versions } = await deps.reports.facts(period, u.unitId);
    // The same upload id can carry several etags (an overwritten key): the last received wins.
    const report = versions
      .filter((v) => v.uploadId === u.latestValidUploadId && v.valid && v.report)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
      .at(-1)?.report;
    return report ? { ...row, report } : row;
  });
  return consolidate({ regime: deps.regime, period, now: new Date(status.asOf), rows });
}

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
