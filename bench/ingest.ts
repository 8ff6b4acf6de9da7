import { regimeSet } from '../shared/domain/regimes.js';
import type { PeriodKey } from '../shared/domain/periodicity.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Delivery } from '../local/event-bus.js';
import { LOCAL_NAMES } from '../local/names.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { CONTENT_TYPES, uploadFile } from '../local/upload-client.js';
import { tableAdapters } from '../shared/adapters/dynamodb.adapter.js';
import { systemClock } from '../shared/clock.js';
import { sampleReport } from '../shared/domain/sample-report.js';
import { summarizeFacts, hasReported } from '../shared/domain/status.js';
import type { StoredVersion, UnitStatusRecord } from '../shared/ports.js';
import { issueToken } from '../shared/use-cases/tokens.js';
import { benchRegime, unitId } from './lib/fixtures.js';
import { mapLimit, num, progress, quantile, ratio, x } from './lib/stats.js';
import type { Row } from './lib/table.js';

export interface IngestOptions {
  reports: number;
  concurrency: number;
  period: PeriodKey;
}

const CREDENTIALS = { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey };
/** Not counted: the first reports load the handler modules (a cold start per function). */
const WARMUP = 8;
/** Far from any real period, so the floor's items never meet the pipeline's. */
const FLOOR_PERIOD = '2099';
const WAIT_MS = 60_000;

interface Sample {
  latencyMs: number;
  uploadMs: number;
}

/**
 * Issue 8, ingest: reports travel token → POST /uploads → multipart POST through the S3 front →
 * S3 event → ingest → compliance → receipt on the local stack, one unit per report, `concurrency`
 * units in flight (each waits for its status before the next upload). Latency ends when the
 * compliance handler has written and announced the unit's status (its delivery on the bus).
 * The floor: the same emulators doing the bare I/O a report needs — PutObject, GetObject and the
 * three DynamoDB writes (version, status, audit) — at the same concurrency, half before and half
 * after the pipeline so drift on a noisy machine hits both.
 */
export async function benchIngest(opts: IngestOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const units = opts.reports + WARMUP;
  const regime = benchRegime(units);
  const { period } = opts;
  const dataDir = await mkdtemp(join(tmpdir(), 'baocao-bench-ingest-'));
  let stack: LocalStack | undefined;
  const clients: { destroy(): void }[] = [];
  try {
    stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual', regime });
    const { endpoints, bus } = stack;
    const ddb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: LOCAL_NAMES.region, credentials: CREDENTIALS });
    const s3 = new S3Client({ endpoint: endpoints.s3, region: LOCAL_NAMES.region, credentials: CREDENTIALS, forcePathStyle: true });
    clients.push(ddb, s3);
    const tables = tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_NAMES.table);

    const ids = Array.from({ length: units }, (_, i) => unitId(i));
    const bodies = new Map(ids.map((id) => [id, JSON.stringify(sampleReport(regime, id, period))]));
    const tokens = new Map<string, string>();
    await mapLimit(ids, 8, async (id) => {
      tokens.set(id, (await issueToken({ tokens: tables.tokens, clock: systemClock, regimes: regimeSet(regime) }, { unitId: id })).token);
    });
    progress(`ingest: stack up, ${units} tokens issued`);

    // --- observation ------------------------------------------------------------------------
    const statusDone = new Map<string, (at: number) => void>();
    const delivered = { ingest: 0, compliance: 0, receipt: 0 };
    let deadLetters = 0;
    bus.on('delivered', (d: Delivery) => {
      if (d.target === 'ingest' || d.target === 'compliance' || d.target === 'receipt') delivered[d.target]++;
      if (d.target === 'compliance') statusDone.get(String(d.event.detail.unitId))?.(performance.now());
    });
    bus.on('dead-letter', () => deadLetters++);

    let failures = 0;
    const pipeline = async (id: string): Promise<Sample | null> => {
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<number>((resolve, reject) => {
        statusDone.set(id, resolve);
        timer = setTimeout(() => reject(new Error(`no status for ${id} within ${WAIT_MS} ms`)), WAIT_MS);
      });
      done.catch(() => undefined); // observed below, or abandoned when the upload itself failed
      const start = performance.now();
      const up = await uploadFile(endpoints.app, tokens.get(id)!, { period, body: bodies.get(id)!, kind: 'json' });
      const uploaded = performance.now();
      if (up.presignStatus !== 200 || up.postStatus !== 204) {
        failures++;
        clearTimeout(timer);
        statusDone.delete(id);
        progress(
          `ingest: upload for ${id} failed: ${up.presignStatus}/${up.postStatus ?? '-'} ${JSON.stringify(up.presign).slice(0, 200)}`,
        );
        return null;
      }
      try {
        const at = await done;
        return { latencyMs: at - start, uploadMs: uploaded - start };
      } catch (e) {
        failures++;
        progress(`ingest: ${(e as Error).message}`);
        return null;
      } finally {
        clearTimeout(timer);
        statusDone.delete(id);
      }
    };

    const floorOne = async (id: string, n: number): Promise<number> => {
      const body = bodies.get(id)!;
      const start = performance.now();
      const key = `bench-floor/${FLOOR_PERIOD}/${id}/${n}.json`;
      const put = await s3.send(
        new PutObjectCommand({ Bucket: LOCAL_NAMES.bucket, Key: key, Body: body, ContentType: CONTENT_TYPES.json }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.bucket, Key: key }));
      const bytes = await got.Body!.transformToByteArray();
      const at = new Date().toISOString();
      const uploadId = `floor${String(n).padStart(6, '0')}`;
      const version: StoredVersion = {
        period: FLOOR_PERIOD,
        unitId: id,
        uploadId,
        etag: (put.ETag ?? '').replaceAll('"', ''),
        key,
        size: bytes.byteLength,
        receivedAt: at,
        sha256: '',
        format: 'json',
        valid: true,
        reasons: [],
        report: JSON.parse(body) as NonNullable<StoredVersion['report']>,
      };
      await tables.reports.putVersion(version);
      const facts = summarizeFacts([version], []);
      const record: UnitStatusRecord = {
        period: FLOOR_PERIOD,
        unitId: id,
        rev: 1,
        status: 'ON_TIME',
        facts,
        uploadIds: [uploadId],
        announced: true,
        updatedAt: at,
      };
      await tables.statuses.put(record, null);
      await tables.audit.append(FLOOR_PERIOD, id, {
        at,
        eventId: `floor-${n}`,
        action: 'REPORT_ACCEPTED',
        actor: 'bench',
        detail: { key },
      });
      return performance.now() - start;
    };
    const floorRun = async (from: number, to: number) => {
      const start = performance.now();
      const lat = await mapLimit(ids.slice(WARMUP + from, WARMUP + to), opts.concurrency, (id, i) => floorOne(id, from + i));
      return { lat, ms: performance.now() - start };
    };

    // --- warm-up: handler modules load, JIT --------------------------------------------------
    await mapLimit(ids.slice(0, WARMUP), opts.concurrency, pipeline);
    await bus.idle();
    await mapLimit(ids.slice(0, WARMUP), opts.concurrency, (id, i) => floorOne(id, 1_000_000 + i));
    const warmFailures = failures;
    failures = 0;
    if (warmFailures) throw new Error(`ingest warm-up: ${warmFailures} of ${WARMUP} reports failed`);

    // --- floor (first half), pipeline, floor (second half) ----------------------------------
    const half = Math.floor(opts.reports / 2);
    const floorA = await floorRun(0, half);
    progress(`ingest: floor, first half (${half}) in ${num(floorA.ms / 1000)} s`);

    const measured = ids.slice(WARMUP);
    let finished = 0;
    const start = performance.now();
    const samples = await mapLimit(measured, opts.concurrency, async (id) => {
      const s = await pipeline(id);
      if (++finished % 100 === 0) progress(`ingest: ${finished}/${measured.length} reports through the pipeline`);
      return s;
    });
    await bus.idle();
    const pipelineMs = performance.now() - start;

    const floorB = await floorRun(half, opts.reports);
    progress(`ingest: floor, second half (${opts.reports - half}) in ${num(floorB.ms / 1000)} s`);

    // --- outcome check: every unit has reported, every receipt went out ---------------------
    const statuses = await tables.statuses.list(period);
    const reported = statuses.filter((s) => s.unitId.startsWith('u') && hasReported(s.status)).length;
    const ok = samples.filter((s): s is Sample => s !== null);
    const lat = ok.map((s) => s.latencyMs);
    const floorLat = [...floorA.lat, ...floorB.lat];
    const throughput = (ok.length * 1000) / pipelineMs;
    const floorThroughput = (floorLat.length * 1000) / (floorA.ms + floorB.ms);
    const outcome = `${reported}/${units} units ON_TIME/LATE, ${delivered.receipt} receipts, ${deadLetters} dead letters, ${failures} failures`;
    progress(`ingest: ${outcome}`);

    const p50 = quantile(lat, 0.5);
    const p95 = quantile(lat, 0.95);
    const f50 = quantile(floorLat, 0.5);
    const f95 = quantile(floorLat, 0.95);
    const bad = failures > 0 || deadLetters > 0 || reported !== units;
    const rows: Row[] = [
      {
        section: '1 Ingest',
        what: `latency p50, upload start → status written (${ok.length} reports, ${opts.concurrency} in flight)`,
        measured: `${num(p50)} ms`,
        floor: `${num(f50)} ms bare I/O`,
        ratio: x(ratio(p50, f50)),
        detail: `of which presign + S3 POST p50 ${num(
          quantile(
            ok.map((s) => s.uploadMs),
            0.5,
          ),
        )} ms; floor = PutObject + GetObject + putVersion + status put + audit append`,
        flagged: bad,
      },
      {
        section: '1 Ingest',
        what: 'latency p95',
        measured: `${num(p95)} ms`,
        floor: `${num(f95)} ms bare I/O`,
        ratio: x(ratio(p95, f95)),
        detail: `max ${num(Math.max(...lat))} ms (floor ${num(Math.max(...floorLat))} ms)`,
        flagged: bad,
      },
      {
        section: '1 Ingest',
        what: 'throughput, until the bus is idle (receipts sent)',
        measured: `${num(throughput)} reports/s`,
        floor: `${num(floorThroughput)} reports/s`,
        ratio: x(ratio(floorThroughput, throughput)),
        detail: `${num(pipelineMs / 1000)} s for ${ok.length}; ${outcome}`,
        flagged: bad,
      },
    ];
    const notes = [`Ingest: ${outcome}.${bad ? ' The pipeline LOST reports: the figures above do not describe a working pipeline.' : ''}`];
    return { rows, notes };
  } finally {
    for (const c of clients) c.destroy();
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
