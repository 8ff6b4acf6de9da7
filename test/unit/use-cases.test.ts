import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatusChangeDetail } from '../../shared/definitions/event-details.js';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { RequestError } from '../../shared/errors.js';
import type { StatusChange } from '../../shared/ports.js';
import { createUpload } from '../../shared/use-cases/create-upload.js';
import { ingestReport, reusedUploadId } from '../../shared/use-cases/ingest-report.js';
import { readUnitReports } from '../../shared/use-cases/read-unit-reports.js';
import { sendOnce } from '../../shared/use-cases/send-once.js';
import { sendReceipts } from '../../shared/use-cases/send-receipt.js';
import { issueToken, newToken } from '../../shared/use-cases/tokens.js';
import { MAX_KNOWN_UPLOADS, updateCompliance } from '../../shared/use-cases/update-compliance.js';
import { memoryWorld } from '../support/memory-ports.js';

const regime = DEFAULT_REGIME;
const UNIT = 'so-tu-phap';
const JSON_TYPE = 'application/json';

const world = (at = '2026-11-28T03:00:00Z') => ({ ...memoryWorld(at, regime), regimes: regimeSet(regime) });

async function rejection(p: Promise<unknown>): Promise<RequestError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RequestError);
  return e as RequestError;
}

describe('newToken', () => {
  it('never starts with "-" (a command line would take it for an option): such a draw is drawn again', () => {
    const draws = [Buffer.alloc(24, 0xfb), Buffer.alloc(24, 0)];
    let drawn = 0;

    const token = newToken(() => draws[drawn++]!);

    expect(Buffer.alloc(24, 0xfb).toString('base64url')).toMatch(/^-/);
    expect([token, drawn]).toEqual(['A'.repeat(32), 2]);
    expect(Array.from({ length: 2000 }, () => newToken()).filter((t) => t.startsWith('-'))).toEqual([]);
  });
});

describe('createUpload (POST /uploads)', () => {
  const request = { period: 2026, fileName: 'bao-cao.json', contentType: JSON_TYPE, size: 2048 };

  it('presigns a key under the token’s unit, whatever the client asks', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });

    const r = await createUpload(w, { token, readBody: () => request });

    expect(r.key).toMatch(new RegExp(`^incoming/2026/${UNIT}/[0-9a-z]{25}\\.json$`));
    expect(r.fields.key).toBe(r.key);
    expect(Date.parse(r.expiresAt) - w.clock.now().getTime()).toBe(300_000);
    expect((await w.audit.list('2026', UNIT)).map((e) => e.action)).toEqual(['TOKEN_ISSUED', 'UPLOAD_AUTHORIZED']);
  });

  it('refuses a period the link is not bound to (403, Vietnamese): a 2026 link cannot file 2020', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });

    const e = await rejection(createUpload(w, { token, readBody: () => ({ ...request, period: 2020 }) }));

    expect([e.status, e.code]).toEqual([403, 'PERIOD_NOT_BOUND']);
    expect(e.message).toContain('không dùng cho kỳ 2020');
    expect(await w.audit.list('2020', UNIT)).toEqual([]);
  });

  it('issuing a link revokes the unit’s other live link: one live link per unit', async () => {
    const w = world();
    const first = await issueToken(w, { unitId: UNIT });

    const second = await issueToken(w, { unitId: UNIT });

    expect((await rejection(createUpload(w, { token: first.token, readBody: () => request }))).code).toBe('REVOKED_TOKEN');
    expect((await createUpload(w, { token: second.token, readBody: () => request })).key).toContain(UNIT);
    expect(second.revoked).toHaveLength(1);
    expect((await w.audit.list('2026', UNIT)).map((e) => e.action)).toEqual([
      'TOKEN_ISSUED',
      'TOKEN_REVOKED',
      'TOKEN_ISSUED',
      'UPLOAD_AUTHORIZED',
    ]);
  });

  it('refuses an upload to a closed period (the summary plus the grace window) with a Vietnamese 409, unless the unit has an extension', async () => {
    const w = world('2027-01-25T03:00:00Z');
    const { token } = await issueToken(w, { unitId: UNIT, periods: [2026] });

    const closed = await rejection(createUpload(w, { token, readBody: () => request }));
    await w.reports.putExtension('2026', UNIT, { until: '2027-01-31', reason: 'Gia hạn', grantedAt: '2027-01-20T00:00:00Z' });
    const open = await createUpload(w, { token, readBody: () => request });

    expect([closed.status, closed.code]).toEqual([409, 'PERIOD_CLOSED']);
    expect(closed.message).toContain('đã khóa');
    expect(open.key).toContain('incoming/2026/');
  });

  it('refuses a missing, unknown, revoked or expired token with 401 and a code naming it', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT, expiresAt: new Date('2026-12-01T00:00:00Z') });

    expect((await rejection(createUpload(w, { token: null, readBody: () => request }))).code).toBe('MISSING_TOKEN');
    expect((await rejection(createUpload(w, { token: 'x'.repeat(32), readBody: () => request }))).code).toBe('INVALID_TOKEN');
    w.clock.set('2026-12-02T00:00:00Z');
    const expired = await rejection(createUpload(w, { token, readBody: () => request }));
    expect([expired.status, expired.code]).toEqual([401, 'EXPIRED_TOKEN']);
    w.clock.set('2026-11-28T03:00:00Z');
    const [rec] = await w.tokens.listByUnit(UNIT);
    await w.tokens.revoke(rec!.tokenHash, '2026-11-28T02:00:00Z');
    expect((await rejection(createUpload(w, { token, readBody: () => request }))).code).toBe('REVOKED_TOKEN');
  });

  it('checks the token before it reads the body: 401, and the body untouched', async () => {
    const w = world();
    let read = 0;
    const readBody = () => {
      read++;
      return {};
    };

    const missing = await rejection(createUpload(w, { token: null, readBody }));
    const unknown = await rejection(createUpload(w, { token: 'x'.repeat(32), readBody }));

    expect([missing.status, missing.code, unknown.status, unknown.code, read]).toEqual([401, 'MISSING_TOKEN', 401, 'INVALID_TOKEN', 0]);
  });

  it('refuses a bad body in Vietnamese, naming the fields, once the token is accepted', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });

    const e = await rejection(
      createUpload(w, { token, readBody: () => ({ period: true, fileName: '', contentType: JSON_TYPE, size: 0 }) }),
    );

    expect([e.status, e.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(e.message).toBe(
      'Yêu cầu không hợp lệ: period: Phải là năm dạng YYYY hoặc mã kỳ như 2026-Q3; fileName: Không được để trống; size: Không được nhỏ hơn 1',
    );
  });

  it('refuses a period not open yet, an unknown period, a wrong type and an oversize file', async () => {
    const w = world('2026-10-15T00:00:00Z');
    const { token } = await issueToken(w, { unitId: UNIT, periods: [2026] });

    expect((await rejection(createUpload(w, { token, readBody: () => request }))).code).toBe('PERIOD_NOT_OPEN');
    w.clock.set('2026-11-28T03:00:00Z');
    expect((await rejection(createUpload(w, { token, readBody: () => ({ ...request, period: 2015 }) }))).code).toBe('INVALID_PERIOD');
    const badType = await rejection(
      createUpload(w, { token, readBody: () => ({ ...request, contentType: 'text/html', fileName: 'x.html' }) }),
    );
    expect([badType.status, badType.code]).toEqual([415, 'UNSUPPORTED_TYPE']);
    const mismatch = await rejection(createUpload(w, { token, readBody: () => ({ ...request, fileName: 'x.exe' }) }));
    expect(mismatch.status).toBe(415);
    const big = await rejection(createUpload(w, { token, readBody: () => ({ ...request, size: 1024 * 1024 + 1 }) }));
    expect([big.status, big.code]).toEqual([413, 'FILE_TOO_LARGE']);
  });
});

describe('ingestReport', () => {
  const key = (id = '0mi1abcd0123456789abcdef0') => `incoming/2026/${UNIT}/${id}.json`;
  const event = (k: string, size: number, versionId: string) => ({
    bucket: 'b',
    key: k,
    size,
    etag: 'e1',
    versionId,
    time: '2026-12-01T02:00:00.000Z',
  });

  it('accepts a valid report, stores the version with its SHA-256 and emits Report Accepted', async () => {
    const w = world();
    const { versionId } = w.objects.putVersion(key(), JSON.stringify(sampleReport(regime, UNIT, '2026')), JSON_TYPE);

    const r = await ingestReport(w, event(key(), 100, versionId));

    expect(r.outcome).toBe('accepted');
    expect(r.version?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.version?.s3VersionId).toBe(versionId);
    expect(w.bus.events.map((e) => e.detailType)).toEqual([DETAIL_TYPES.reportAccepted]);
    expect((await w.reports.facts('2026', UNIT)).versions).toHaveLength(1);
    expect(w.objects.tagsOf(key())).toBeUndefined();
  });

  it('rejects a report naming another unit, with Vietnamese reasons, and keeps the raw object', async () => {
    const w = world();
    const { versionId } = w.objects.putVersion(key(), JSON.stringify(sampleReport(regime, 'so-y-te', '2026')), JSON_TYPE);

    const r = await ingestReport(w, event(key(), 100, versionId));

    expect(r.outcome).toBe('rejected');
    expect(r.version?.reasons.map((x) => x.message).join(' ')).toContain('đường dẫn nộp là của đơn vị');
    expect(w.bus.events[0]?.detailType).toBe(DETAIL_TYPES.reportRejected);
    expect(await w.objects.head(key())).not.toBeNull();
    expect(w.objects.tagsOf(key(), versionId)).toEqual({ 'baocao-outcome': 'rejected' });
  });

  it('rejects bytes that are neither JSON nor the Excel template, and malformed JSON', async () => {
    const w = world();
    const gif = w.objects.putVersion(key('0mi1abcd0123456789abcdef1'), 'GIF89a....', JSON_TYPE);
    const broken = w.objects.putVersion(key('0mi1abcd0123456789abcdef2'), '{"formVersion": ', JSON_TYPE);

    const a = await ingestReport(w, event(key('0mi1abcd0123456789abcdef1'), 10, gif.versionId));
    const b = await ingestReport(w, event(key('0mi1abcd0123456789abcdef2'), 16, broken.versionId));

    expect(a.version?.reasons[0]?.message).toContain('Không nhận dạng được');
    expect(b.version?.reasons[0]?.message).toMatch(/^Tệp JSON không đọc được: sai cú pháp JSON/);
    expect(b.version?.reasons[0]?.message).not.toMatch(/Unexpected|JSON input/);
  });

  it('stores a redelivered event once but emits again, so a crash between store and emit loses nothing', async () => {
    const w = world();
    const { versionId } = w.objects.putVersion(key(), JSON.stringify(sampleReport(regime, UNIT, '2026')), JSON_TYPE);
    w.bus.failNext = 1;

    await expect(ingestReport(w, event(key(), 100, versionId))).rejects.toThrow('bus unavailable');
    await ingestReport(w, event(key(), 100, versionId));

    expect((await w.reports.facts('2026', UNIT)).versions).toHaveLength(1);
    expect(w.bus.events).toHaveLength(1);
  });
});

describe('ingestReport: a presigned POST used twice (one key, two S3 versions)', () => {
  const uploadId = '0mi1abcd0123456789abcdef0';
  const key = `incoming/2026/${UNIT}/${uploadId}.json`;
  const event = (versionId: string, time = '2026-12-01T02:00:00.000Z') => ({
    bucket: 'b',
    key,
    size: 100,
    etag: `etag-${versionId}`,
    versionId,
    time,
  });
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const valid = JSON.stringify(sampleReport(regime, UNIT, '2026'));
  const other = JSON.stringify({
    ...sampleReport(regime, UNIT, '2026'),
    preparer: { ...sampleReport(regime, UNIT, '2026').preparer, name: 'Người khác' },
  });

  it('judges the version the event names, even when the key already holds a later object', async () => {
    const w = world();
    const first = w.objects.putVersion(key, valid, JSON_TYPE);
    w.objects.putVersion(key, 'GIF89a not a report', JSON_TYPE);

    const r = await ingestReport(w, event(first.versionId));

    expect(r.outcome).toBe('accepted');
    expect(r.version).toMatchObject({ uploadId, sha256: sha(valid), s3VersionId: first.versionId });
  });

  it('refuses and records a second object under an ingested upload id, leaving the first version untouched', async () => {
    const w = world();
    const first = w.objects.putVersion(key, valid, JSON_TYPE);
    await ingestReport(w, event(first.versionId));
    const second = w.objects.putVersion(key, other, JSON_TYPE);

    const r = await ingestReport(w, event(second.versionId, '2026-12-01T02:05:00.000Z'));

    expect(r.outcome).toBe('rejected');
    expect(r.version).toMatchObject({
      uploadId: reusedUploadId(uploadId, second.versionId),
      sha256: sha(other),
      s3VersionId: second.versionId,
      valid: false,
    });
    expect(r.version?.uploadId).toMatch(/^[0-9a-z]{10,40}$/);
    expect(r.version?.reasons.map((x) => x.message)).toEqual([
      expect.stringContaining(`Liên kết tải lên của lần nộp ${uploadId} đã được dùng`),
    ]);
    const { versions } = await w.reports.facts('2026', UNIT);
    expect(versions.map((v) => [v.uploadId, v.valid, v.sha256, v.s3VersionId])).toEqual([
      [uploadId, true, sha(valid), first.versionId],
      [reusedUploadId(uploadId, second.versionId), false, sha(other), second.versionId],
    ]);
    expect(w.bus.events.map((e) => [e.detailType, e.detail['uploadId'], e.detail['versionId']])).toEqual([
      [DETAIL_TYPES.reportAccepted, uploadId, first.versionId],
      [DETAIL_TYPES.reportRejected, reusedUploadId(uploadId, second.versionId), second.versionId],
    ]);
    const audit = await w.audit.list('2026', UNIT);
    expect(audit.find((e) => e.eventId === `ingest-${reusedUploadId(uploadId, second.versionId)}`)).toMatchObject({
      action: 'REPORT_REJECTED',
      detail: { versionId: second.versionId, reusedUploadId: uploadId, sha256: sha(other) },
    });
  });

  it('quarantine-tags only the rejected version: never the valid one under the same key', async () => {
    const w = world();
    const bad = w.objects.putVersion(key, 'GIF89a', JSON_TYPE);
    // The valid replacement lands while the first object is being judged (between read and tag).
    let later: { versionId: string } | undefined;
    const read = w.objects.read.bind(w.objects);
    w.objects.read = async (k, max, versionId) => {
      const bytes = await read(k, max, versionId);
      later ??= w.objects.putVersion(key, valid, JSON_TYPE);
      return bytes;
    };

    const r = await ingestReport(w, event(bad.versionId));

    expect(r.outcome).toBe('rejected');
    expect(w.objects.tagsOf(key, bad.versionId)).toEqual({ 'baocao-outcome': 'rejected' });
    expect(w.objects.tagsOf(key, later!.versionId)).toBeUndefined();

    const v = world();
    const accepted = v.objects.putVersion(key, valid, JSON_TYPE);
    await ingestReport(v, event(accepted.versionId));
    const rejected = v.objects.putVersion(key, 'GIF89a', JSON_TYPE);
    await ingestReport(v, event(rejected.versionId));
    expect(v.objects.tagsOf(key, accepted.versionId)).toBeUndefined();
    expect(v.objects.tagsOf(key, rejected.versionId)).toEqual({ 'baocao-outcome': 'rejected' });
  });

  it('a redelivered event of either object stores nothing new', async () => {
    const w = world();
    const first = w.objects.putVersion(key, valid, JSON_TYPE);
    const second = w.objects.putVersion(key, other, JSON_TYPE);
    for (const versionId of [first.versionId, second.versionId, first.versionId, second.versionId]) await ingestReport(w, event(versionId));

    const { versions } = await w.reports.facts('2026', UNIT);
    expect(versions.map((v) => v.s3VersionId)).toEqual([first.versionId, second.versionId]);
    expect(versions.map((v) => v.valid)).toEqual([true, false]);
  });

  it('the board links each version’s raw file by its S3 version id', async () => {
    const w = world('2026-12-01T03:00:00Z');
    const first = w.objects.putVersion(key, valid, JSON_TYPE);
    await ingestReport(w, event(first.versionId));
    const second = w.objects.putVersion(key, other, JSON_TYPE);
    await ingestReport(w, event(second.versionId, '2026-12-01T02:05:00.000Z'));

    const r = await readUnitReports(w, { unitId: UNIT, period: '2026' });

    expect(r.versions.map((v) => v.downloads.raw)).toEqual([
      `memory://bucket/${key}?versionId=${first.versionId}`,
      `memory://bucket/${key}?versionId=${second.versionId}`,
    ]);
  });
});

describe('updateCompliance', () => {
  async function store(w: ReturnType<typeof world>, uploadId: string, receivedAt: string, valid: boolean) {
    await w.reports.putVersion({
      period: '2026',
      unitId: UNIT,
      uploadId,
      etag: 'e',
      key: `incoming/2026/${UNIT}/${uploadId}.json`,
      size: 1,
      receivedAt,
      sha256: 'a'.repeat(64),
      format: 'json',
      valid,
      reasons: valid ? [] : [{ path: 'x', message: 'sai' }],
      ...(valid ? { report: sampleReport(regime, UNIT, '2026') } : {}),
    });
  }

  it('announces a change once; the same event again changes nothing', async () => {
    const w = world();
    await store(w, 'u1', '2026-12-01T02:00:00.000Z', true);

    const first = await updateCompliance(w, { period: '2026', unitId: UNIT });
    const again = await updateCompliance(w, { period: '2026', unitId: UNIT });

    expect(first.record?.status).toBe('ON_TIME');
    expect(again.changed).toBe(false);
    expect(w.bus.events).toHaveLength(1);
    const change = StatusChangeDetail.parse(w.bus.events[0]!.detail);
    expect(w.bus.events[0]!.detail).toMatchObject({ period: 2026, unitId: UNIT });
    expect(change).toMatchObject({ previousStatus: null, status: 'ON_TIME', newUploads: [{ uploadId: 'u1', valid: true }] });
  });

  it('a crash between the status write and its audit entry: the next delivery writes the entry, once', async () => {
    const w = world();
    await store(w, 'u1', '2026-12-01T02:00:00.000Z', true);
    const dying = { append: () => Promise.reject(new Error('crashed')), list: w.audit.list.bind(w.audit) };

    await expect(updateCompliance({ ...w, audit: dying }, { period: '2026', unitId: UNIT })).rejects.toThrow('crashed');
    await updateCompliance(w, { period: '2026', unitId: UNIT });
    await updateCompliance(w, { period: '2026', unitId: UNIT });

    expect((await w.audit.list('2026', UNIT)).filter((e) => e.action === 'STATUS_CHANGED').map((e) => e.detail)).toEqual([
      { from: null, to: 'ON_TIME', newUploads: ['u1'] },
    ]);
    expect(w.bus.events).toHaveLength(1);
  });

  it('is order-independent: a late-arriving older upload is still announced, timeliness by first valid', async () => {
    const w = world();
    await store(w, 'u2', '2026-12-20T02:00:00.000Z', true);
    await updateCompliance(w, { period: '2026', unitId: UNIT });
    await store(w, 'u1', '2026-12-10T02:00:00.000Z', true);

    const r = await updateCompliance(w, { period: '2026', unitId: UNIT });

    expect(r.record?.status).toBe('ON_TIME');
    expect(w.bus.events.flatMap((e) => StatusChangeDetail.parse(e.detail).newUploads.map((u) => u.uploadId))).toEqual(['u2', 'u1']);
  });

  it('re-announces after a crash between the status write and the publish', async () => {
    const w = world();
    await store(w, 'u1', '2026-12-01T02:00:00.000Z', false);
    w.bus.failNext = 1;

    await expect(updateCompliance(w, { period: '2026', unitId: UNIT })).rejects.toThrow();
    const retry = await updateCompliance(w, { period: '2026', unitId: UNIT });

    expect(retry.changed).toBe(true);
    expect(w.bus.events).toHaveLength(1);
    expect(StatusChangeDetail.parse(w.bus.events[0]!.detail).status).toBe('REJECTED');
  });

  it('keeps the status item bounded however many uploads a unit makes, and still announces each once', async () => {
    const w = world();
    const id = (i: number) => `u${String(i).padStart(5, '0')}`;
    for (let i = 0; i < MAX_KNOWN_UPLOADS + 5; i++) await store(w, id(i), '2026-12-01T02:00:00.000Z', false);

    const first = await updateCompliance(w, { period: '2026', unitId: UNIT });
    const again = await updateCompliance(w, { period: '2026', unitId: UNIT });
    await store(w, id(MAX_KNOWN_UPLOADS + 5), '2026-12-01T03:00:00.000Z', false);
    const later = await updateCompliance(w, { period: '2026', unitId: UNIT });

    expect(first.record?.uploadIds).toHaveLength(MAX_KNOWN_UPLOADS);
    expect(first.record?.uploadsThrough).toBe(id(4));
    expect(again.changed).toBe(false);
    expect(later.changed).toBe(true);
    const announced = w.bus.events.flatMap((e) => StatusChangeDetail.parse(e.detail).newUploads.map((u) => u.uploadId));
    expect(announced).toHaveLength(MAX_KNOWN_UPLOADS + 6);
    expect(new Set(announced).size).toBe(MAX_KNOWN_UPLOADS + 6);
  });

  it('never loses one of two racing updates (conditional writes on rev)', async () => {
    const w = world();
    await store(w, 'u1', '2026-12-01T02:00:00.000Z', false);
    await store(w, 'u2', '2026-12-02T02:00:00.000Z', true);

    await Promise.all([updateCompliance(w, { period: '2026', unitId: UNIT }), updateCompliance(w, { period: '2026', unitId: UNIT })]);

    const rec = await w.statuses.get('2026', UNIT);
    expect(rec?.uploadIds.sort()).toEqual(['u1', 'u2']);
    expect(rec?.announced).toBe(true);
    const announced = w.bus.events.flatMap((e) => StatusChangeDetail.parse(e.detail).newUploads.map((u) => u.uploadId));
    expect(new Set(announced)).toEqual(new Set(['u1', 'u2']));
  });
});

describe('sendOnce and receipts', () => {
  const key = { period: '2026', unitId: UNIT, kind: 'receipt' as const, step: 'u1' };

  it('sends once; a second call is skipped', async () => {
    const w = world();
    const send = () => w.mailer.send({ to: ['a@b.example'], subject: 's', html: 'h', text: 't' });

    expect(await sendOnce({ ledger: w.ledger, clock: w.clock }, key, send)).toBe('sent');
    expect(await sendOnce({ ledger: w.ledger, clock: w.clock }, key, send)).toBe('skipped');
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('retries a failed send, and takes over a stale claim left by a crash, without duplicating', async () => {
    const w = world();
    const send = () => w.mailer.send({ to: ['a@b.example'], subject: 's', html: 'h', text: 't' });
    w.mailer.failNext = 1;
    await expect(sendOnce({ ledger: w.ledger, clock: w.clock }, key, send)).rejects.toThrow('SES throttled');
    expect(await sendOnce({ ledger: w.ledger, clock: w.clock }, key, send)).toBe('sent');

    const crashed = { ...key, step: 'u2' };
    await w.ledger.claim({ ...crashed, claimedAt: w.clock.now().toISOString() });
    expect(await sendOnce({ ledger: w.ledger, clock: w.clock }, crashed, send)).toBe('skipped');
    w.clock.set('2026-11-28T03:05:00Z');
    expect(await sendOnce({ ledger: w.ledger, clock: w.clock }, crashed, send)).toBe('sent');
    expect(w.mailer.sent).toHaveLength(2);
  });

  it('emails a receipt or the rejection reasons to the unit only, never to the address typed into the report', async () => {
    const w = world();
    const report = sampleReport(regime, UNIT, '2026');
    await w.reports.putVersion({
      period: '2026',
      unitId: UNIT,
      uploadId: 'u1',
      etag: 'e',
      key: 'k1',
      size: 1,
      receivedAt: '2026-12-01T02:00:00.000Z',
      sha256: 'f'.repeat(64),
      format: 'json',
      valid: true,
      reasons: [],
      report,
    });
    await w.reports.putVersion({
      period: '2026',
      unitId: UNIT,
      uploadId: 'u0',
      etag: 'e',
      key: 'k0',
      size: 1,
      receivedAt: '2026-11-30T02:00:00.000Z',
      sha256: '0'.repeat(64),
      format: 'json',
      valid: false,
      reasons: [{ path: 'a', label: 'Số buổi', message: 'Không được nhỏ hơn 0' }],
    });
    const change: StatusChange = {
      period: '2026',
      unitId: UNIT,
      previousStatus: null,
      status: 'ON_TIME',
      newUploads: [
        { uploadId: 'u0', receivedAt: '', valid: false },
        { uploadId: 'u1', receivedAt: '', valid: true },
      ],
      at: '2026-12-01T02:00:01.000Z',
    };

    await sendReceipts({ ...w, appUrl: 'http://localhost:3000' }, change);
    await sendReceipts({ ...w, appUrl: 'http://localhost:3000' }, change);

    expect(w.mailer.sent).toHaveLength(2);
    const [rejected, receipt] = w.mailer.sent;
    expect(rejected!.text).toContain('Không được nhỏ hơn 0');
    expect(receipt!.to).toEqual([regime.units.find((u) => u.id === UNIT)!.email]);
    expect(receipt!.cc).toBeUndefined();
    expect(JSON.stringify(w.mailer.sent)).not.toContain(report.preparer.email);
    expect(receipt!.text).toContain('f'.repeat(64));
  });

  it('a receipt claimed by a sender that died is not taken as sent: the event fails until the claim is stale, then it goes once', async () => {
    const w = world();
    const report = sampleReport(regime, UNIT, '2026');
    await w.reports.putVersion({
      period: '2026',
      unitId: UNIT,
      uploadId: 'u1',
      etag: 'e',
      key: 'k1',
      size: 1,
      receivedAt: '2026-11-28T02:00:00.000Z',
      sha256: 'f'.repeat(64),
      format: 'json',
      valid: true,
      reasons: [],
      report,
    });
    const change: StatusChange = {
      period: '2026',
      unitId: UNIT,
      previousStatus: null,
      status: 'ON_TIME',
      newUploads: [{ uploadId: 'u1', receivedAt: '', valid: true }],
      at: '2026-11-28T02:00:01.000Z',
    };
    await w.ledger.claim({ period: '2026', unitId: UNIT, kind: 'receipt', step: 'u1', claimedAt: w.clock.now().toISOString() });

    const early = sendReceipts({ ...w, appUrl: 'http://localhost:3000' }, change);
    await expect(early).rejects.toMatchObject({ name: 'NoticeInFlightError' });
    w.clock.set('2026-11-28T03:05:00Z');
    await sendReceipts({ ...w, appUrl: 'http://localhost:3000' }, change);
    await sendReceipts({ ...w, appUrl: 'http://localhost:3000' }, change);

    expect(w.mailer.sent).toHaveLength(1);
    expect((await w.audit.list('2026', UNIT)).filter((e) => e.action === 'NOTICE_SENT')).toHaveLength(1);
  });
});

describe('ingestReport: the signed document', () => {
  const key = `incoming/2026/${UNIT}/0mi1abcd0123456789abcdef9.json`;
  const signed = `signed/2026/${UNIT}/0mi1abcd0123456789abcdef8.pdf`;
  const event = (versionId: string) => ({ bucket: 'b', key, size: 100, etag: 'e1', versionId, time: '2026-12-01T02:00:00.000Z' });

  it('accepts a report whose signed document is a PDF by content, and records the PDF version it checked', async () => {
    const w = world();
    const pdf = w.objects.putVersion(signed, '%PDF-1.7\n...', 'application/pdf');
    const { versionId } = w.objects.putVersion(
      key,
      JSON.stringify({ ...sampleReport(regime, UNIT, '2026'), signedDocumentKey: signed }),
      JSON_TYPE,
    );

    const r = await ingestReport(w, event(versionId));
    w.objects.putVersion(signed, '<html>later replaced</html>', 'application/pdf');

    expect(r.outcome).toBe('accepted');
    expect(r.version?.signedDocumentKey).toBe(signed);
    expect(r.version?.signedDocumentVersionId).toBe(pdf.versionId);
  });

  it('rejects a report whose "PDF" is something else, or missing, or another unit’s', async () => {
    const w = world();
    await w.objects.put(signed, '<html>not a pdf</html>', 'application/pdf');
    const { versionId } = w.objects.putVersion(
      key,
      JSON.stringify({ ...sampleReport(regime, UNIT, '2026'), signedDocumentKey: signed }),
      JSON_TYPE,
    );
    const other = `signed/2026/so-y-te/0mi1abcd0123456789abcdef7.pdf`;
    await w.objects.put(other, '%PDF-1.7', 'application/pdf');
    const key2 = key.replace('ef9', 'ef6');
    const v2 = w.objects.putVersion(key2, JSON.stringify({ ...sampleReport(regime, UNIT, '2026'), signedDocumentKey: other }), JSON_TYPE);

    const notPdf = await ingestReport(w, event(versionId));
    const foreign = await ingestReport(w, { ...event(v2.versionId), key: key2 });

    expect(notPdf.version?.reasons).toEqual([{ path: 'signedDocumentKey', message: 'Văn bản đã ký không phải tệp PDF' }]);
    expect(foreign.version?.reasons[0]?.message).toContain('Không tìm thấy văn bản đã ký');
  });
});
