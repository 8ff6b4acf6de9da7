import type { PeriodKey } from '../shared/domain/periodicity.js';
import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/emulators.js';
import { LOCAL_NAMES } from '../local/names.js';
import { tableAdapters } from '../shared/adapters/dynamodb.adapter.js';
import { keys } from '../shared/definitions/table.js';
import { periodDates } from '../shared/domain/calendar.js';
import type { Regime } from '../shared/domain/regime.js';
import { sampleReport } from '../shared/domain/sample-report.js';
import { deriveStatus, hasReported, summarizeFacts } from '../shared/domain/status.js';
import type { EventBus, Mailer, StoredVersion, SummaryStore, UnitStatusRecord } from '../shared/ports.js';
import { publishSummary } from '../shared/use-cases/publish-summary.js';
import { readStatus } from '../shared/use-cases/read-status.js';
import { keyFigures } from '../shared/use-cases/update-compliance.js';
import { startDynaliteProcess } from './lib/dynalite-process.js';
import { benchRegime, CommandRecorder, fixedClock, MemoryObjects, unitId } from './lib/fixtures.js';
import { mapLimit, median, num, progress, ratio, x } from './lib/stats.js';
import type { Row } from './lib/table.js';

type Item = Record<string, unknown>;
const CREDENTIALS = { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey };
const REGION = LOCAL_NAMES.region;
/** Report reads in flight in the floor: publishSummary's default. */
const CONCURRENCY = 16;
const DAY = 86_400_000;

/**
 * A period of `n` units as the pipeline leaves it a few days after the deadline: 85 % on time
 * (one in ten with a revision), 5 % late, 5 % rejected only, 5 % silent (no item at all). Items
 * have the adapters' shapes (status item + version items, keys from shared/definitions/table.ts).
 */
function seedItems(regime: Regime, period: PeriodKey, n: number): { items: Item[]; reported: number } {
  const dueAt = periodDates(regime, period).dueAt.getTime();
  const now = new Date(dueAt + 2 * DAY);
  const items: Item[] = [];
  let reported = 0;
  for (let i = 0; i < n; i++) {
    const id = unitId(i);
    const kind = i % 20 === 19 ? 'silent' : i % 20 === 18 ? 'rejected' : i % 20 === 17 ? 'late' : 'onTime';
    if (kind === 'silent') continue;
    const at = (t: number) => new Date(t).toISOString();
    const version = (k: number, receivedAt: string, valid: boolean): StoredVersion => {
      const uploadId = `up${String(i).padStart(6, '0')}v${k}aaaa`;
      const report = sampleReport(regime, id, period, k);
      return {
        period,
        unitId: id,
        uploadId,
        etag: `etag${i}v${k}`,
        key: `incoming/${period}/${id}/${uploadId}.json`,
        size: 1400,
        receivedAt,
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        format: 'json',
        valid,
        reasons: valid ? [] : [{ path: 'dissemination.sessions', message: 'Không được nhỏ hơn 0', label: 'Số hội nghị' }],
        ...(valid ? { report } : {}),
      };
    };
    const versions: StoredVersion[] =
      kind === 'rejected'
        ? [version(0, at(dueAt - 5 * DAY), false)]
        : kind === 'late'
          ? [version(0, at(dueAt + DAY), true)]
          : [version(0, at(dueAt - (2 + (i % 15)) * DAY), true), ...(i % 10 === 0 ? [version(1, at(dueAt - DAY), true)] : [])];
    const facts = summarizeFacts(versions, []);
    const status = deriveStatus(facts, { regime, period, now });
    if (hasReported(status)) reported++;
    const latest = versions.find((v) => v.uploadId === facts.latestValidUploadId);
    const record: UnitStatusRecord = {
      period,
      unitId: id,
      rev: 2,
      status,
      facts,
      uploadIds: versions.map((v) => v.uploadId),
      ...(latest?.report ? { keyFigures: keyFigures(latest.report) } : {}),
      announced: true,
      updatedAt: at(dueAt - DAY),
    };
    items.push({ ...keys.unitStatus(period, id), type: 'status', ...record });
    for (const v of versions) items.push({ ...keys.reportVersion(period, id, v.uploadId), type: 'version', ...v });
  }
  return { items, reported };
}

async function batchWrite(doc: DynamoDBDocumentClient, table: string, items: readonly Item[]): Promise<void> {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await mapLimit(chunks, 8, async (chunk) => {
    let pending: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
      [table]: chunk.map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending && Object.keys(pending).length) {
      const r = await doc.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = r.UnprocessedItems as typeof pending;
    }
  });
}

/** Every item of one partition (optionally an SK prefix) with bare QueryCommands: the floor. */
export async function rawQuery(
  client: DynamoDBClient,
  table: string,
  pk: string,
  skPrefix?: string,
): Promise<Record<string, AttributeValue>[]> {
  const out: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: skPrefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
        ExpressionAttributeValues: skPrefix ? { ':pk': { S: pk }, ':sk': { S: skPrefix } } : { ':pk': { S: pk } },
        ExclusiveStartKey,
      }),
    );
    out.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}

/** Wall time of one call, in milliseconds. */
export const elapsed = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

/** A port the consolidation never calls with send=false: a call is a bug. */
export const unused = (what: string) => () => {
  throw new Error(`${what} is not used with send=false`);
};

export interface ReadsOptions {
  sizes: readonly number[];
  period: PeriodKey;
}

/**
 * Issue 4 (status of every unit, Query only) and issue 6 (consolidation, linear) at growing sizes,
 * on dynalite in memory (its own process), each size in its own table. The adapters' client carries a middleware
 * that records every command name and the items each Query returned.
 */
export async function benchReads(opts: ReadsOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const dynamo = await startDynaliteProcess();
  const endpoint = dynamo.endpoint;
  const base = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const recorder = new CommandRecorder().attach(base);
  const doc = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  const raw = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const rawRecorder = new CommandRecorder().attach(raw);
  const statusRows: Row[] = [];
  const consolidationRows: Row[] = [];
  let scans = 0;
  const perUnit: { n: number; status: number; statusFloor: number; reads: number; readsFloor: number; total: number }[] = [];
  try {
    for (const n of opts.sizes) {
      const table = `bench-${n}`;
      const period = opts.period;
      const regime = benchRegime(n);
      const clock = fixedClock(new Date(periodDates(regime, period).dueAt.getTime() + 2 * DAY));
      await ensureTable(endpoint, table);
      const seedStart = performance.now();
      const { items, reported } = seedItems(regime, period, n);
      await batchWrite(doc, table, items);
      progress(`reads: ${n} units seeded (${items.length} items) in ${num((performance.now() - seedStart) / 1000)} s`);
      const t = tableAdapters(doc, table);

      // --- status read (issue 4) ---------------------------------------------------------
      const statusReps = n <= 100 ? 15 : n <= 1000 ? 7 : 3;
      const figure: number[] = [];
      const floor: number[] = [];
      let figureItems = 0;
      let floorItems = 0;
      let queries = 0;
      let pages = 0;
      let unitsListed = 0;
      for (let r = n === opts.sizes[0] ? -1 : 0; r < statusReps; r++) {
        recorder.reset();
        const ms = await elapsed(async () => {
          unitsListed = (await readStatus({ statuses: t.statuses, clock, regime }, { period })).units.length;
        });
        figureItems = recorder.itemsRead;
        queries = recorder.count('QueryCommand');
        scans += recorder.count('ScanCommand');
        rawRecorder.reset();
        const floorMs = await elapsed(() => rawQuery(raw, table, keys.periodPartition(period), 'UNIT#'));
        floorItems = rawRecorder.itemsRead;
        pages = rawRecorder.count('QueryCommand');
        if (r >= 0) {
          figure.push(ms);
          floor.push(floorMs);
        }
      }
      if (unitsListed !== n) throw new Error(`readStatus listed ${unitsListed} units, expected ${n}`);
      const fig = median(figure);
      const flo = median(floor);
      statusRows.push({
        section: '3 Status read',
        what: `readStatus, ${num(n, 0)} units (median of ${statusReps})`,
        measured: `${num(fig)} ms`,
        floor: `${num(flo)} ms raw Query`,
        ratio: x(ratio(fig, flo)),
        detail: `${num((fig * 1000) / n)} µs/unit (floor ${num((flo * 1000) / n)}); ${num(figureItems / n)} items read/unit (floor ${num(floorItems / n)}); ${queries} Query (${pages} pages), 0 Scan`,
      });
      progress(`reads: status of ${n} units ${num(fig)} ms vs raw ${num(flo)} ms`);

      // --- consolidation (issue 6) --------------------------------------------------------
      const consReps = n <= 100 ? 5 : n <= 1000 ? 2 : 1;
      const objects = new MemoryObjects();
      let readsDoneAt = 0;
      const summaries: SummaryStore = {
        latest: (p) => {
          readsDoneAt ||= performance.now();
          return t.summaries.latest(p);
        },
        put: (rec) => t.summaries.put(rec),
        update: (p, v, f) => t.summaries.update(p, v, f),
      };
      const bus: EventBus = { publish: unused('the bus') };
      const mailer: Mailer = { send: unused('the mailer') };
      const total: number[] = [];
      const readPhase: number[] = [];
      const buildPhase: number[] = [];
      const consFloor: number[] = [];
      let consItems = 0;
      let consFloorItems = 0;
      let consQueries = 0;
      let counted = 0;
      let fileBytes = 0;
      const rawConsolidationReads = () =>
        elapsed(async () => {
          const statusItems = await rawQuery(raw, table, keys.periodPartition(period), 'UNIT#');
          const reporting = statusItems.filter((i) => i.status?.S === 'ON_TIME' || i.status?.S === 'LATE');
          await mapLimit(reporting, CONCURRENCY, (i) => rawQuery(raw, table, keys.reportPartition(period, String(i.unitId?.S))));
        });
      const floorBefore = consReps === 1 ? await rawConsolidationReads() : undefined;
      // One warm-up run at the smallest size (JIT, module init); larger sizes run warm.
      for (let r = n === opts.sizes[0] ? -1 : 0; r < consReps; r++) {
        recorder.reset();
        objects.firstPutAt = undefined;
        readsDoneAt = 0;
        const start = performance.now();
        const result = await publishSummary(
          { statuses: t.statuses, reports: t.reports, summaries, ledger: t.notices, objects, mailer, bus, clock, regime },
          { period, send: false },
        );
        const end = performance.now();
        consItems = recorder.itemsRead;
        consQueries = recorder.count('QueryCommand');
        scans += recorder.count('ScanCommand');
        counted = result.consolidation.countedReports.total;
        fileBytes = (result.files?.xlsx.byteLength ?? 0) + (result.files?.docx.byteLength ?? 0);
        rawRecorder.reset();
        const floorMs = await rawConsolidationReads();
        consFloorItems = rawRecorder.itemsRead;
        if (r >= 0) {
          total.push(end - start);
          readPhase.push(readsDoneAt - start);
          buildPhase.push((objects.firstPutAt ?? end) - readsDoneAt);
          // A single run is bracketed: floor before and after, their mean, so drift hits both alike.
          consFloor.push(consReps === 1 && floorBefore !== undefined ? (floorBefore + floorMs) / 2 : floorMs);
        }
      }
      if (counted !== reported) throw new Error(`consolidation counted ${counted} reports, expected ${reported}`);
      const rd = median(readPhase);
      const bd = median(buildPhase);
      const tot = median(total);
      const cf = median(consFloor);
      perUnit.push({
        n,
        status: (fig * 1000) / n,
        statusFloor: (flo * 1000) / n,
        reads: (rd * 1000) / n,
        readsFloor: (cf * 1000) / n,
        total: (tot * 1000) / n,
      });
      const reps = consReps > 1 ? `median of ${consReps}` : 'one run, floor before and after';
      consolidationRows.push({
        section: '3 Consolidation',
        what: `publishSummary send=false, ${num(n, 0)} units: reads + consolidate (${reps})`,
        measured: `${num(rd)} ms`,
        floor: `${num(cf)} ms raw Query`,
        ratio: x(ratio(rd, cf)),
        detail: `${num((rd * 1000) / n)} µs/unit (floor ${num((cf * 1000) / n)}); ${num(consItems / n)} items read/unit (floor ${num(consFloorItems / n)}); ${consQueries} Query, 0 Scan; ${num(counted, 0)} reports counted`,
      });
      consolidationRows.push({
        section: '3 Consolidation',
        what: `… the same, whole run incl. building xlsx + docx`,
        measured: `${num(tot)} ms`,
        floor: `${num(cf)} ms raw Query`,
        ratio: x(ratio(tot, cf)),
        detail: `${num((tot * 1000) / n)} µs/unit; building the files ${num(bd)} ms (${num((bd * 1000) / n)} µs/unit), ${num(fileBytes / 1024, 0)} KB`,
      });
      progress(`reads: consolidation of ${n} units ${num(tot)} ms (reads ${num(rd)}, files ${num(bd)}) vs raw ${num(cf)} ms`);
    }
  } finally {
    base.destroy();
    raw.destroy();
    await dynamo.stop();
  }
  if (scans > 0) {
    for (const r of [...statusRows, ...consolidationRows]) {
      r.detail = r.detail.replace('0 Scan', `${scans} Scan`);
      r.flagged = true;
    }
  }
  return { rows: [...statusRows, ...consolidationRows], notes: linearity(perUnit, scans) };
}

/**
 * Time per unit across sizes. Linear means it does not grow with the size: from 1,000 units on,
 * the largest size's time per unit within 1.5× of the 1,000's (smaller is fixed cost amortised).
 */
function linearity(
  p: readonly { n: number; status: number; statusFloor: number; reads: number; readsFloor: number; total: number }[],
  scans: number,
): string[] {
  const series = (label: string, f: (r: (typeof p)[number]) => number) => {
    const values = p.map(f);
    const big = p.filter((r) => r.n >= 1000).map(f);
    const growth = big.length > 1 ? big[big.length - 1]! / big[0]! : 1;
    const verdict =
      growth <= 1.5
        ? `×${growth.toFixed(2)} per unit from 1,000 to ${num(p[p.length - 1]!.n, 0)}: linear`
        : `×${growth.toFixed(2)} per unit from 1,000 to ${num(p[p.length - 1]!.n, 0)}: NOT linear`;
    return `${label}: ${values.map((v, i) => `${num(v)} µs/unit at ${num(p[i]!.n, 0)}`).join(', ')} — ${verdict}.`;
  };
  return [
    series('Status read', (r) => r.status),
    series('Status read floor', (r) => r.statusFloor),
    series('Consolidation reads + consolidate', (r) => r.reads),
    series('Consolidation floor', (r) => r.readsFloor),
    series('Consolidation whole run', (r) => r.total),
    scans === 0
      ? "Every DynamoDB command the status read and the consolidation sent was recorded by a middleware on the adapters' client: Query only, no Scan."
      : `${scans} Scan commands were recorded: issue 4 and 6 require Query only.`,
  ];
}
