import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusEnvelope } from '../../local/event-bus.js';
import { LOCAL_BUCKET, type LocalStack } from '../../local/stack.js';
import { localTables } from '../../local/upload-client.js';
import { setVirtualNow } from '../../shared/clock.js';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { StatusChange } from '../../shared/ports.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { mailbox, to } from '../support/mailbox.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/**
 * 50 uploads from the 31 units of the default regime, racing: their "Object Created" events are
 * held, then delivered all at once in a shuffled order (a unit's second upload may arrive before
 * its first), a third of them twice and some three times, as S3 → EventBridge may. The end state
 * must be exactly what the inputs imply: one version per upload, each unit's status, one email per
 * upload (a receipt or the rejection), nothing dead-lettered.
 */
const PERIOD = '2026';
const REGIME = DEFAULT_REGIME;
const ids = REGIME.units.map((u) => u.id);
const emailOf = (unitId: string) => REGIME.units.find((u) => u.id === unitId)!.email;

let t: TestStack | undefined;
let stack: LocalStack;
let s3: S3Client;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // Racing deliveries conflict (status revisions; a notice another delivery has claimed and not yet
  // sent fails the event, to be retried): measured up to 8 attempts for a receipt on a loaded
  // 2-core machine, so a generous budget (EventBridge itself retries for a day).
  t = await startTestStack('race', new Date('2026-11-20T03:00:00Z'), {
    scheduler: 'manual',
    retry: { attempts: 16, baseDelayMs: 10, maxDelayMs: 500 },
  });
  ({ stack, s3 } = t);
});

afterAll(() => stopTestStack(t));

/** A small deterministic PRNG (mulberry32): the shuffle is the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Upload {
  unitId: string;
  valid: boolean;
  uploadId: string;
}

describe('50 uploads from 31 units racing, duplicated and out of order', () => {
  it('end in exactly the versions, statuses and emails the inputs imply', async () => {
    // The inputs, in upload order (each a second apart).
    const plan: { unitId: string; valid: boolean }[] = [
      ...ids.slice(0, 18).map((unitId) => ({ unitId, valid: true })), // one valid
      ...ids.slice(18, 24).map((unitId) => ({ unitId, valid: false })), // one invalid
      ...ids.slice(24, 28).flatMap((unitId) => [
        { unitId, valid: false },
        { unitId, valid: true },
      ]), // rejected, then corrected
      ...ids.slice(28, 31).flatMap((unitId) => [
        { unitId, valid: true },
        { unitId, valid: true },
      ]), // sent twice
      ...ids.slice(0, 12).map((unitId) => ({ unitId, valid: true })), // a revised report later
    ];
    expect(plan).toHaveLength(50);
    expect(new Set(plan.map((p) => p.unitId)).size).toBe(31);

    const uploads: Upload[] = [];
    const held: BusEnvelope[] = [];
    const original = stack.bus.deliver.bind(stack.bus);
    const spy = vi.spyOn(stack.bus, 'deliver').mockImplementation((event, bus) => {
      if (bus === 'default') held.push(event);
      else original(event, bus);
    });
    try {
      let t = Date.parse('2026-11-20T03:00:00Z');
      for (const [i, p] of plan.entries()) {
        setVirtualNow(new Date((t += 1_000)));
        const uploadId = newUploadId(new Date(t));
        const body = p.valid
          ? sampleReport(REGIME, p.unitId, PERIOD, i)
          : {
              ...sampleReport(REGIME, p.unitId, PERIOD),
              dissemination: { ...sampleReport(REGIME, p.unitId, PERIOD).dissemination, sessions: -1 },
            };
        await s3.send(
          new PutObjectCommand({
            Bucket: LOCAL_BUCKET,
            Key: objectKeys.incoming(PERIOD, p.unitId, uploadId, 'json'),
            Body: JSON.stringify(body),
            ContentType: 'application/json',
          }),
        );
        uploads.push({ ...p, uploadId });
      }
    } finally {
      spy.mockRestore();
    }
    expect(held).toHaveLength(50);

    // Every third event twice, every seventh three times; then shuffled and all delivered at once.
    const rand = random(12);
    const deliveries = held.flatMap((e, i) => [e, ...(i % 3 === 0 ? [e] : []), ...(i % 7 === 0 ? [e] : [])]);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const position = (uploadId: string) => deliveries.findIndex((e) => (e.detail.object as { key: string }).key.includes(uploadId));
    // The shuffle really reorders: some unit's later upload is delivered before its earlier one.
    expect(
      uploads.some((u, i) => uploads.slice(0, i).some((x) => x.unitId === u.unitId && position(u.uploadId) < position(x.uploadId))),
    ).toBe(true);
    for (const e of deliveries) stack.bus.deliver(e, 'default');
    await stack.bus.idle();

    expect(stack.bus.deadLetters).toEqual([]);
    const t = localTables(stack.endpoints);
    const mail = await mailbox(stack.endpoints.ses);
    for (const unitId of ids) {
      const mine = uploads.filter((u) => u.unitId === unitId);
      const { versions } = await t.reports.facts(PERIOD, unitId);
      expect(versions.map((v) => [v.uploadId, v.valid]).sort(), unitId).toEqual(mine.map((u) => [u.uploadId, u.valid]).sort());

      const status = await t.statuses.get(PERIOD, unitId);
      expect([status?.status, status?.announced, [...(status?.uploadIds ?? [])].sort()], unitId).toEqual([
        mine.some((u) => u.valid) ? 'ON_TIME' : 'REJECTED',
        true,
        mine.map((u) => u.uploadId).sort(),
      ]);

      // One email per upload, of the right kind, and the ledger agrees.
      const notices = await t.notices.list(PERIOD, unitId);
      expect(notices.map((n) => [n.kind, n.step, n.state]).sort(), unitId).toEqual(
        mine.map((u) => [u.valid ? 'receipt' : 'rejection', u.uploadId, 'sent']).sort(),
      );
      expect(mail.filter(to(emailOf(unitId))), unitId).toHaveLength(mine.length);

      // Every upload was announced; a change may be announced again (at-least-once), never differently.
      const changes = stack.bus.published
        .filter((p) => p.event['detail-type'] === DETAIL_TYPES.unitStatusChanged && p.event.detail.unitId === unitId)
        .map((p) => p.event.detail as unknown as StatusChange);
      expect(new Set(changes.flatMap((c) => c.newUploads.map((u) => u.uploadId)))).toEqual(new Set(mine.map((u) => u.uploadId)));

      const audit = await t.audit.list(PERIOD, unitId);
      expect(audit.filter((a) => a.action === 'NOTICE_SENT')).toHaveLength(mine.length);
      expect(
        audit
          .filter((a) => a.action === 'REPORT_ACCEPTED' || a.action === 'REPORT_REJECTED')
          .map((a) => a.eventId)
          .sort(),
      ).toEqual(mine.map((u) => `ingest-${u.uploadId}`).sort());
    }
  });
});
