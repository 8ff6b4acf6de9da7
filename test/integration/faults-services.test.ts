import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import type { BusEnvelope } from '../../local/event-bus.js';
import { objectCreatedEvent } from '../../local/s3-events.js';
import { LOCAL_BUCKET, type LocalStack } from '../../local/stack.js';
import { localTables } from '../../local/upload-client.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { Faults, isWrite, on, startFaultyStack } from '../support/faults.js';
import { mailbox, to } from '../support/mailbox.js';

/**
 * The services misbehaving under the pipeline: SES refusing or throttling, DynamoDB throttling
 * (ProvisionedThroughputExceededException on the wire, as the SDK sees it from AWS), and the
 * emulators restarted in the middle of a batch. Each case uses its own units on one data dir.
 */
const PERIOD = '2026';
const REGIME = DEFAULT_REGIME;
const units = REGIME.units.map((u) => u.id);
const emailOf = (unitId: string) => REGIME.units.find((u) => u.id === unitId)!.email;
const RETRY = { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 };

let dir: string;
let stack: LocalStack;
let s3: S3Client;
const faults = new Faults();
let nextUnit = 0;

async function start(): Promise<void> {
  stack = await startFaultyStack({ dataDir: dir, port: 0, quiet: true, scheduler: 'manual', retry: RETRY }, faults);
  s3?.destroy();
  s3 = new S3Client({ endpoint: stack.endpoints.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-faults-services-'));
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  setVirtualNow(new Date('2026-11-20T03:00:00Z'));
  await start();
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  resetClock();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Stores a valid report where a presigned POST would; S3 emits "Object Created". */
async function put(unitId: string): Promise<string> {
  const uploadId = newUploadId(systemClock.now());
  const key = objectKeys.incoming(PERIOD, unitId, uploadId, 'json');
  await s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_BUCKET,
      Key: key,
      Body: JSON.stringify(sampleReport(REGIME, unitId, PERIOD)),
      ContentType: 'application/json',
    }),
  );
  return uploadId;
}

async function receiptsTo(unitId: string): Promise<number> {
  return (await mailbox(stack.endpoints.ses)).filter(to(emailOf(unitId))).length;
}

/** One version, ON_TIME and announced, one receipt in the ledger, sent. */
async function expectDone(unitId: string, uploadId: string): Promise<void> {
  const t = localTables(stack.endpoints);
  expect((await t.reports.facts(PERIOD, unitId)).versions.map((v) => v.uploadId)).toEqual([uploadId]);
  const status = await t.statuses.get(PERIOD, unitId);
  expect({ status: status?.status, announced: status?.announced, uploadIds: status?.uploadIds }, JSON.stringify(status)).toEqual({
    status: 'ON_TIME',
    announced: true,
    uploadIds: [uploadId],
  });
  expect((await t.notices.list(PERIOD, unitId)).map((n) => [n.kind, n.step, n.state])).toEqual([['receipt', uploadId, 'sent']]);
  expect(await receiptsTo(unitId)).toBe(1);
}

describe('SES failing or throttling', () => {
  it('throttled beyond the SDK retries: the receipt goes out on a later delivery, once', async () => {
    const unitId = units[nextUnit++]!;
    faults.clear();
    // The SDK tries 3 times per invocation: 4 throttles fail the first invocation and one retry of the second.
    faults.throttle(on('receipt', 'SendEmail'), 4);

    const uploadId = await put(unitId);
    await stack.bus.idle();

    expect(faults.unfired).toBe(0);
    const receiptAttempts = stack.bus.delivered
      .filter((d) => d.target === 'receipt' && d.event.detail.unitId === unitId)
      .map((d) => d.attempts);
    expect(receiptAttempts).toEqual([2]);
    await expectDone(unitId, uploadId);
    expect(stack.bus.deadLetters).toEqual([]);
  });

  it('refusing every send for longer than the retries: dead-lettered, nothing sent; redriven later, sent once', async () => {
    const unitId = units[nextUnit++]!;
    faults.clear();
    faults.fail(on('receipt', 'SendEmail'), 1_000);

    const uploadId = await put(unitId);
    await stack.bus.idle();

    const dead = stack.bus.deadLetters.filter((d) => d.target === 'receipt' && d.event.detail.unitId === unitId);
    expect(dead.map((d) => d.attempts)).toEqual([RETRY.attempts]);
    expect(await receiptsTo(unitId)).toBe(0);
    expect((await localTables(stack.endpoints).notices.list(PERIOD, unitId)).map((n) => n.state)).toEqual(['failed']);

    // SES is back; the operator redrives the dead letter (twice, by mistake).
    faults.clear();
    stack.bus.deadLetters.splice(0);
    stack.bus.deliver(dead[0]!.event, dead[0]!.bus);
    stack.bus.deliver(dead[0]!.event, dead[0]!.bus);
    await stack.bus.idle();

    await expectDone(unitId, uploadId);
    expect(stack.bus.deadLetters).toEqual([]);
  });
});

describe('DynamoDB throttling', () => {
  it('ProvisionedThroughputExceededException on writes of every function: retried by the SDK or the bus, nothing lost', async () => {
    const batch = units.slice(nextUnit, (nextUnit += 4));
    faults.clear();
    const dynamoWrite = (c: { service: string; operation: string }) => c.service === 'dynamodb' && isWrite(c);
    // Two in a row: the SDK's own retry absorbs them. Then three in a row: an invocation fails and the bus retries it.
    faults.throttle(dynamoWrite, 2).throttle(dynamoWrite, 3, { skip: 6 });
    const from = faults.calls.length;
    const firedBefore = faults.fired.length;

    const uploads = [];
    for (const unitId of batch) uploads.push([unitId, await put(unitId)] as const);
    await stack.bus.idle();

    expect(faults.unfired).toBe(0);
    const throttled = faults.fired.slice(firedBefore).filter((f) => f.startsWith('throttle ')).length;
    expect(throttled).toBe(5);
    // Every throttled write was sent again: the log holds each throttled body more than once.
    const bodies = faults.calls
      .slice(from)
      .filter(dynamoWrite)
      .map((c) => c.body);
    expect(bodies.length).toBeGreaterThanOrEqual(new Set(bodies).size + throttled);
    for (const [unitId, uploadId] of uploads) await expectDone(unitId, uploadId);
    expect(stack.bus.deadLetters).toEqual([]);
  });
});

describe('the emulators restarted in the middle of a batch', () => {
  /** What `reconcile` would replay: an "Object Created" for every report object in the bucket. */
  /** Delivers "Object Created" again for the current version of every upload of the period, as S3 would announce it. */
  async function replayIncoming(): Promise<void> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKET, Prefix: `incoming/${PERIOD}/` }));
    for (const o of listed.Contents ?? []) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: o.Key! }));
      const event = objectCreatedEvent(
        {
          bucket: LOCAL_BUCKET,
          key: o.Key!,
          versionId: head.VersionId!,
          size: o.Size ?? 0,
          etag: (o.ETag ?? '').replaceAll('"', ''),
          reason: 'PutObject',
          requestId: 'replay',
          sourceIp: '127.0.0.1',
          sequencer: '0',
        },
        { now: systemClock.now(), region: LOCAL_REGION },
      );
      stack.bus.deliver(event, 'default');
    }
    await stack.bus.idle();
  }

  /**
   * The events the bus accepts inside `fn` that match `lost` are dropped: they were queued when
   * the stack stopped. (Stopping at exactly that moment by timing would make the test flaky; the
   * local bus keeps queued deliveries in memory only, so a stop loses exactly these.)
   */
  async function losing(lost: (e: BusEnvelope) => boolean, fn: () => Promise<void>): Promise<BusEnvelope[]> {
    const dropped: BusEnvelope[] = [];
    const original = stack.bus.deliver.bind(stack.bus);
    const spy = vi.spyOn(stack.bus, 'deliver').mockImplementation((event, bus) => {
      if (lost(event)) dropped.push(event);
      else original(event, bus);
    });
    try {
      await fn();
    } finally {
      spy.mockRestore();
    }
    return dropped;
  }

  it('uploads whose events were queued when it stopped are stored, and a replay ingests them once', async () => {
    faults.clear();
    const batch = units.slice(nextUnit, (nextUnit += 6));
    const uploads: (readonly [string, string])[] = [];
    for (const unitId of batch.slice(0, 3)) uploads.push([unitId, await put(unitId)]);
    await stack.bus.idle();
    // The next three land in S3; their "Object Created" events are still queued when it stops.
    const dropped = await losing(
      (e) => e.source === 'aws.s3',
      async () => {
        for (const unitId of batch.slice(3)) uploads.push([unitId, await put(unitId)]);
      },
    );
    await stack.stop();
    await start();

    expect(dropped).toHaveLength(3);
    for (const [unitId] of uploads.slice(3))
      expect((await localTables(stack.endpoints).reports.facts(PERIOD, unitId)).versions).toEqual([]);
    // Dead letters outlive a restart (the earlier tests' are reloaded): only new ones count here.
    const earlier = stack.bus.deadLetters.length;
    // Replaying every upload (the three done ones too): the lost ones are ingested, nothing doubles.
    await replayIncoming();

    for (const [unitId, uploadId] of uploads) await expectDone(unitId, uploadId);
    expect(stack.bus.deadLetters.slice(earlier).map((d) => `${d.target} ${d.event['detail-type']}: ${d.error}`)).toEqual([]);
  });

  it('KNOWN GAP (local bus only): a status change announced but not yet delivered to receipt when the stack stops is not recovered by replaying the uploads', async () => {
    faults.clear();
    const unitId = units[nextUnit++]!;
    let uploadId = '';
    const dropped = await losing(
      (e) => e['detail-type'] === DETAIL_TYPES.unitStatusChanged && e.detail.unitId === unitId,
      async () => {
        uploadId = await put(unitId);
        await stack.bus.idle();
      },
    );
    await stack.stop();
    await start();

    await replayIncoming();

    expect(dropped).toHaveLength(1);
    const t = localTables(stack.endpoints);
    expect(await t.statuses.get(PERIOD, unitId)).toMatchObject({ status: 'ON_TIME', announced: true, uploadIds: [uploadId] });
    // Ingest re-emits "Report Accepted", compliance finds nothing new: no second change, and so
    // no receipt. Only a reconciliation that compares announced uploads with the notice ledger
    // (or a durable bus) can send it; on AWS EventBridge keeps the event, so this is local-only.
    expect(
      stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.unitStatusChanged && p.event.detail.unitId === unitId),
    ).toEqual([]);
    expect(await t.notices.list(PERIOD, unitId)).toEqual([]);
    expect(await receiptsTo(unitId)).toBe(0);
  });
});
