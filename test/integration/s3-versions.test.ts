import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectTaggingCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { reusedUploadId } from '../../shared/use-cases/ingest-report.js';
import type { UnitReports } from '../../shared/use-cases/read-unit-reports.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { CONTENT_TYPES, issueLocalToken, localTables, uploadFile } from '../../local/upload-client.js';
import { LOCAL_NAMES } from '../../local/names.js';
import { mailbox, to } from '../support/mailbox.js';

/**
 * A presigned POST can be used more than once while it is valid, and S3 then keeps both objects
 * as versions of one key. On the local stack (s3rver behind the versioning front): the version
 * that was judged stays what the record, the board's link and the quarantine tag refer to.
 */
const PERIOD = '2026';
const NOW = new Date('2026-11-28T03:00:00Z');
const sha256 = (bytes: string) => createHash('sha256').update(bytes).digest('hex');
const unit = (id: string) => DEFAULT_REGIME.units.find((u) => u.id === id)!;
let stack: LocalStack;
let dataDir: string;
let s3: S3Client;

beforeAll(async () => {
  setVirtualNow(NOW);
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-s3-versions-'));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    quiet: true,
    scheduler: 'manual',
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
  });
  s3 = new S3Client({
    endpoint: stack.endpoints.s3,
    region: LOCAL_NAMES.region,
    forcePathStyle: true,
    credentials: { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey },
  });
});
afterAll(async () => {
  resetClock();
  s3?.destroy();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Posts `body` again with the fields of an earlier presigned POST, as a second browser tab could. */
async function repost(presign: { url: string; fields: Record<string, string> }, body: string): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(presign.fields)) form.append(k, v);
  form.append('file', new Blob([body], { type: CONTENT_TYPES.json }), 'bao-cao.json');
  return fetch(presign.url, { method: 'POST', body: form });
}

async function board(unitId: string): Promise<UnitReports> {
  const res = await fetch(`${stack.endpoints.app}/units/${unitId}/reports?period=${PERIOD}`, {
    headers: { authorization: `Bearer ${stack.endpoints.adminToken}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as UnitReports;
}

describe('a presigned POST used twice on the local stack', () => {
  it('keeps the accepted version’s raw link on its own bytes and gives the second object its own recorded verdict', async () => {
    // prepare
    const token = await issueLocalToken(stack.endpoints, 'so-tu-phap');
    const original = JSON.stringify(sampleReport(DEFAULT_REGIME, 'so-tu-phap', PERIOD));
    const up = await uploadFile(stack.endpoints.app, token, { period: PERIOD, body: original, kind: 'json' });
    await stack.bus.idle();
    if (!('key' in up.presign)) throw new Error('presign failed');
    const { key, uploadId } = up.presign;
    const replacement = JSON.stringify({ ...sampleReport(DEFAULT_REGIME, 'so-tu-phap', PERIOD), note: 'tệp gửi lần hai' });

    // act
    setVirtualNow(new Date(NOW.getTime() + 60_000));
    const second = await repost(up.presign, replacement);
    await stack.bus.idle();

    // assess: S3 took the second object as a new version of the key
    expect(second.status).toBe(204);
    const secondVersion = second.headers.get('x-amz-version-id');
    expect(secondVersion).toMatch(/^[0-9a-z]{32}$/);
    const { versions } = await localTables(stack.endpoints).reports.facts(PERIOD, 'so-tu-phap');
    expect(versions.map((v) => [v.uploadId, v.valid, v.sha256])).toEqual([
      [uploadId, true, sha256(original)],
      [reusedUploadId(uploadId, secondVersion!), false, sha256(replacement)],
    ]);
    const [first, refused] = versions;
    expect(first!.s3VersionId).not.toBe(secondVersion);
    expect(refused!.s3VersionId).toBe(secondVersion);
    expect(refused!.reasons[0]?.message).toContain(`Liên kết tải lên của lần nộp ${uploadId} đã được dùng`);

    // the board's raw link of the accepted version still serves the bytes that were judged
    const view = await board('so-tu-phap');
    expect(view.versions.map((v) => [v.uploadId, v.valid, v.sha256])).toEqual([
      [uploadId, true, sha256(original)],
      [refused!.uploadId, false, sha256(replacement)],
    ]);
    const raw = await fetch(view.versions[0]!.downloads.raw);
    expect(raw.status).toBe(200);
    expect(sha256(await raw.text())).toBe(first!.sha256);
    const rawSecond = await fetch(view.versions[1]!.downloads.raw);
    expect(sha256(await rawSecond.text())).toBe(refused!.sha256);

    // only the refused version is quarantined; the key itself now serves the second object
    const tags = async (versionId: string) =>
      (await s3.send(new GetObjectTaggingCommand({ Bucket: LOCAL_NAMES.bucket, Key: key, VersionId: versionId }))).TagSet ?? [];
    expect(await tags(first!.s3VersionId!)).toEqual([]);
    expect(await tags(secondVersion!)).toEqual([{ Key: 'baocao-outcome', Value: 'rejected' }]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: LOCAL_NAMES.bucket, Key: key }))).VersionId).toBe(secondVersion);

    // the unit is told: a receipt for the first, a rejection naming the reuse for the second; the audit has both
    const mails = (await mailbox(stack.endpoints.ses)).filter(to(unit('so-tu-phap').email));
    expect(mails).toHaveLength(2);
    expect(mails[1]!.body.text).toContain(`Liên kết tải lên của lần nộp ${uploadId} đã được dùng`);
    const audit = await localTables(stack.endpoints).audit.list(PERIOD, 'so-tu-phap');
    expect(audit.filter((e) => e.actor === 'system:ingest').map((e) => e.action)).toEqual(['REPORT_ACCEPTED', 'REPORT_REJECTED']);
    expect((await board('so-tu-phap')).status).toBe('ON_TIME');
  });

  it('a rejected second object never quarantine-tags the accepted first, even when its event is delivered again late', async () => {
    // prepare
    const token = await issueLocalToken(stack.endpoints, 'so-y-te');
    const valid = JSON.stringify(sampleReport(DEFAULT_REGIME, 'so-y-te', PERIOD));
    const up = await uploadFile(stack.endpoints.app, token, { period: PERIOD, body: valid, kind: 'json' });
    await stack.bus.idle();
    if (!('key' in up.presign)) throw new Error('presign failed');
    const { key } = up.presign;
    const bad = '{"formVersion": ';
    const second = await repost(up.presign, bad);
    await stack.bus.idle();
    const created = stack.bus.published.filter(
      (p) => p.bus === 'default' && (p.event.detail as { object?: { key?: string } }).object?.key === key,
    );
    expect(created).toHaveLength(2);

    // act: both objects' events delivered again, the second one last
    for (const p of created) stack.bus.deliver(p.event, 'default');
    await stack.bus.idle();

    // assess
    const [firstVersion, secondVersion] = created.map((p) => (p.event.detail as { object: { 'version-id': string } }).object['version-id']);
    expect(secondVersion).toBe(second.headers.get('x-amz-version-id'));
    const tagSet = async (versionId: string) =>
      (await s3.send(new GetObjectTaggingCommand({ Bucket: LOCAL_NAMES.bucket, Key: key, VersionId: versionId }))).TagSet ?? [];
    expect(await tagSet(firstVersion!)).toEqual([]);
    expect(await tagSet(secondVersion!)).toEqual([{ Key: 'baocao-outcome', Value: 'rejected' }]);
    const { versions } = await localTables(stack.endpoints).reports.facts(PERIOD, 'so-y-te');
    expect(versions.map((v) => [v.s3VersionId, v.valid, v.sha256])).toEqual([
      [firstVersion, true, sha256(valid)],
      [secondVersion, false, sha256(bad)],
    ]);
    expect((await mailbox(stack.endpoints.ses)).filter(to(unit('so-y-te').email))).toHaveLength(2);
    expect((await board('so-y-te')).status).toBe('ON_TIME');
  });

  it('an Object Created event without a version id (an unversioned bucket) is not judged: it fails to the dead letters and stores nothing', async () => {
    // prepare
    const token = await issueLocalToken(stack.endpoints, 'so-noi-vu');
    const up = await uploadFile(stack.endpoints.app, token, {
      period: PERIOD,
      body: JSON.stringify(sampleReport(DEFAULT_REGIME, 'so-noi-vu', PERIOD)),
      kind: 'json',
    });
    await stack.bus.idle();
    if (!('key' in up.presign)) throw new Error('presign failed');
    const { key } = up.presign;
    const delivered = stack.bus.published.find(
      (p) => p.bus === 'default' && (p.event.detail as { object?: { key?: string } }).object?.key === key,
    )!;
    const detail = structuredClone(delivered.event.detail) as { object: Record<string, unknown> };
    delete detail.object['version-id'];
    const deadBefore = stack.bus.deadLetters.length;

    // act
    stack.bus.deliver({ ...delivered.event, id: 'no-version', detail }, 'default');
    await stack.bus.idle();

    // assess
    expect(stack.bus.deadLetters.length).toBe(deadBefore + 1);
    expect(stack.bus.deadLetters.at(-1)!.error).toContain('version-id');
    const { versions } = await localTables(stack.endpoints).reports.facts(PERIOD, 'so-noi-vu');
    expect(versions.map((v) => v.key)).toEqual([key]);
  });
});
