import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusEnvelope } from '../../local/event-bus.js';
import { LOCAL_BUCKET, type LocalStack } from '../../local/stack.js';
import { setVirtualNow, systemClock } from '../../shared/clock.js';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime } from '../../shared/domain/regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ComplianceStatus } from '../../shared/domain/status.js';
import type { AuditEntry } from '../../shared/ports.js';
import type { PeriodStatus, UnitStatusRow } from '../../shared/use-cases/read-status.js';
import type { UnitReports } from '../../shared/use-cases/read-unit-reports.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { issueLocalToken } from '../../local/upload-client.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/**
 * The compliance pipeline end to end on a fresh local stack (dynalite, s3rver, the SES emulator,
 * the local bus, the real handlers): uploads land in the bucket, the S3 event goes through
 * ingest → compliance → receipt, and Sở Nội vụ acts through the admin API. Time is the stack's
 * virtual clock; every wait is bus.idle(), never a sleep.
 */
const PERIOD = 2026;
/** The period's key in the table and the bucket (the deployment's main regime: the bare year). */
const KEY = '2026';
const CLOSED_UNIT = 'so-da-sap-nhap';
const REGIME = parseRegime({
  ...DEFAULT_REGIME,
  units: [
    ...DEFAULT_REGIME.units,
    // Merged into another department at the end of 2025: expected for 2025, not for 2026.
    { id: CLOSED_UNIT, name: 'Sở đã sáp nhập', group: 'province', email: 'vanthu.cu@kontum.gov.example', validFrom: 2019, validTo: 2025 },
  ],
});
const emailOf = (unitId: string) => REGIME.units.find((u) => u.id === unitId)!.email;

let t: TestStack | undefined;
let stack: LocalStack;
let s3: S3Client;

beforeAll(async () => {
  t = await startTestStack('compliance', new Date('2026-10-15T03:00:00Z'), {
    regime: REGIME,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
  ({ stack, s3 } = t);
});

afterAll(() => stopTestStack(t));

const at = (iso: string) => setVirtualNow(new Date(iso));

/** Puts a report object where a presigned POST would (S3 emits "Object Created"); waits for the pipeline. */
async function upload(unitId: string, body: unknown, opts: { settle?: boolean } = {}): Promise<{ uploadId: string; key: string }> {
  const uploadId = newUploadId(systemClock.now());
  const key = objectKeys.incoming(KEY, unitId, uploadId, 'json');
  await s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_BUCKET,
      Key: key,
      Body: typeof body === 'string' ? body : JSON.stringify(body),
      ContentType: 'application/json',
    }),
  );
  if (opts.settle !== false) await stack.bus.idle();
  return { uploadId, key };
}
const validReport = (unitId: string, variant = 0) => sampleReport(REGIME, unitId, KEY, variant);
const invalidReport = (unitId: string) => ({
  ...validReport(unitId),
  dissemination: { ...validReport(unitId).dissemination, sessions: -3 },
});

async function call<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = stack.endpoints.adminToken) {
  const res = await fetch(`${stack.endpoints.app}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function periodStatus(period = PERIOD): Promise<PeriodStatus> {
  const r = await call<PeriodStatus>('GET', `/status?period=${period}`);
  expect(r.status).toBe(200);
  return r.body;
}
async function row(unitId: string): Promise<UnitStatusRow> {
  const u = (await periodStatus()).units.find((x) => x.unitId === unitId);
  expect(u, `unit ${unitId} in /status`).toBeDefined();
  return u!;
}
const statusOf = async (unitId: string): Promise<ComplianceStatus> => (await row(unitId)).status;

async function reports(unitId: string): Promise<UnitReports> {
  const r = await call<UnitReports>('GET', `/units/${unitId}/reports?period=${PERIOD}`);
  expect(r.status).toBe(200);
  return r.body;
}
async function audit(unitId: string): Promise<AuditEntry[]> {
  const r = await call<{ entries: AuditEntry[] }>('GET', `/units/${unitId}/audit?period=${PERIOD}`);
  expect(r.status).toBe(200);
  return r.body.entries;
}

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
}
async function mailTo(unitId: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((e) => e.destination.to.some((t) => t.includes(emailOf(unitId))));
}
const statusChangesFor = (unitId: string) =>
  stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.unitStatusChanged && p.event.detail.unitId === unitId);

/** Holds the S3 events of the uploads made inside `fn`, so the test decides when and in which order they arrive. */
async function holdingS3Events(fn: () => Promise<void>): Promise<BusEnvelope[]> {
  const held: BusEnvelope[] = [];
  const original = stack.bus.deliver.bind(stack.bus);
  const spy = vi.spyOn(stack.bus, 'deliver').mockImplementation((event, bus) => {
    if (bus === 'default') held.push(event);
    else original(event, bus);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return held;
}

describe('statuses driven by the clock', () => {
  it('before the period opens every expected unit is NOT_OPEN; once open, PENDING', async () => {
    at('2026-10-15T03:00:00Z');
    const before = await periodStatus();
    expect(new Set(before.units.map((u) => u.status))).toEqual(new Set(['NOT_OPEN']));

    at('2026-11-20T03:00:00Z');
    const open = await periodStatus();
    expect(new Set(open.units.map((u) => u.status))).toEqual(new Set(['PENDING']));
    expect(open.rates).toMatchObject({ expected: DEFAULT_REGIME.units.length, reported: 0, onTime: 0, reportingRate: 0, onTimeRate: 0 });
  });

  it('a unit outside its validity window is neither listed nor counted in the rates', async () => {
    at('2026-11-20T03:00:00Z');
    const current = await periodStatus(2026);
    const previous = await periodStatus(2025);

    expect(current.units.map((u) => u.unitId)).not.toContain(CLOSED_UNIT);
    expect(current.rates.expected).toBe(DEFAULT_REGIME.units.length);
    expect(current.rates.byGroup.province.expected).toBe(DEFAULT_REGIME.units.filter((u) => u.group === 'province').length);
    expect(previous.units.map((u) => u.unitId)).toContain(CLOSED_UNIT);
    expect(previous.rates.expected).toBe(DEFAULT_REGIME.units.length + 1);
  });
});

describe('statuses driven by uploads', () => {
  it('PENDING → REJECTED (reasons emailed) → ON_TIME (receipt); the same S3 event delivered twice changes nothing', async () => {
    const unit = 'so-tu-phap';
    at('2026-12-01T02:00:00Z');
    expect(await statusOf(unit)).toBe('PENDING');

    await upload(unit, invalidReport(unit));
    const rejected = await row(unit);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.reasons.map((r) => r.path)).toContain('dissemination.sessions');
    expect((await mailTo(unit)).map((m) => m.subject)).toEqual([expect.stringMatching(/không hợp lệ|chưa hợp lệ|từ chối/i)]);

    at('2026-12-02T02:00:00Z');
    const { key } = await upload(unit, validReport(unit));
    const onTime = await row(unit);
    expect(onTime).toMatchObject({ status: 'ON_TIME', versions: 2, firstValidAt: '2026-12-02T02:00:00Z', reasons: [] });
    expect(onTime.keyFigures?.sessions).toBe(validReport(unit).dissemination.sessions);
    expect(await mailTo(unit)).toHaveLength(2);

    // Act: S3 delivers "Object Created" again (at-least-once).
    const original = stack.bus.published.find((p) => p.bus === 'default' && (p.event.detail.object as { key: string }).key === key)!.event;
    const changesBefore = statusChangesFor(unit).length;
    stack.bus.deliver({ ...original, id: 'redelivered-1' }, 'default');
    await stack.bus.idle();

    expect(await row(unit)).toEqual(onTime);
    expect(statusChangesFor(unit)).toHaveLength(changesBefore);
    expect(await mailTo(unit)).toHaveLength(2);
    expect((await reports(unit)).versions).toHaveLength(2);
    expect((await audit(unit)).filter((e) => e.action === 'REPORT_ACCEPTED')).toHaveLength(1);
  });

  it('PENDING → LATE when the first valid report arrives after the deadline', async () => {
    const unit = 'so-y-te';
    at('2026-12-19T01:00:00Z');
    await upload(unit, validReport(unit));
    expect(await row(unit)).toMatchObject({ status: 'LATE', firstValidAt: '2026-12-19T01:00:00Z' });
  });

  it('PENDING and REJECTED become OVERDUE by the clock alone', async () => {
    at('2026-12-10T03:00:00Z');
    await upload('dak-to', invalidReport('dak-to'));
    expect(await statusOf('dak-to')).toBe('REJECTED');
    expect(await statusOf('ngoc-hoi')).toBe('PENDING');

    at('2026-12-19T03:00:00Z');
    const overdue = await row('dak-to');
    expect(overdue.status).toBe('OVERDUE');
    expect(overdue.reasons.length).toBeGreaterThan(0);
    expect(await statusOf('ngoc-hoi')).toBe('OVERDUE');
  });

  it('two uploads whose events arrive in reverse order: the first valid version still decides timeliness', async () => {
    const unit = 'so-tai-chinh';
    const events = await holdingS3Events(async () => {
      at('2026-12-10T03:00:00Z');
      await upload(unit, validReport(unit, 1), { settle: false });
      at('2026-12-19T03:00:00Z');
      await upload(unit, validReport(unit, 2), { settle: false });
    });
    expect(events).toHaveLength(2);
    const [early, late] = events as [BusEnvelope, BusEnvelope];

    stack.bus.deliver(late, 'default');
    await stack.bus.idle();
    expect(await row(unit)).toMatchObject({ status: 'LATE', versions: 1 });

    stack.bus.deliver(early, 'default');
    await stack.bus.idle();
    const final = await row(unit);
    expect(final).toMatchObject({
      status: 'ON_TIME',
      versions: 2,
      firstValidAt: '2026-12-10T03:00:00Z',
      lastUploadAt: '2026-12-19T03:00:00Z',
    });
    // The board's figures are the latest valid version's, whatever the arrival order.
    expect(final.keyFigures?.sessions).toBe(validReport(unit, 2).dissemination.sessions);
    expect(await mailTo(unit)).toHaveLength(2);
  });

  it('two uploads whose events race (delivered together) are both counted', async () => {
    const unit = 'so-giao-thong';
    at('2026-12-11T03:00:00Z');
    const events = await holdingS3Events(async () => {
      await upload(unit, invalidReport(unit), { settle: false });
      await upload(unit, validReport(unit), { settle: false });
    });

    for (const e of events) stack.bus.deliver(e, 'default');
    await stack.bus.idle();

    expect(await row(unit)).toMatchObject({ status: 'ON_TIME', versions: 2 });
    expect(stack.bus.deadLetters).toEqual([]);
    expect(await mailTo(unit)).toHaveLength(2);
  });
});

describe('review by Sở Nội vụ', () => {
  it('ON_TIME → RETURNED (the unit is emailed the reason, pointing to its live link) → ON_TIME again with a new valid version', async () => {
    const unit = 'so-cong-thuong';
    at('2026-12-05T02:00:00Z');
    const live = await issueLocalToken(stack.endpoints, unit);
    const first = await upload(unit, validReport(unit));
    expect(await statusOf(unit)).toBe('ON_TIME');

    // Act: Sở Nội vụ returns it the next day.
    at('2026-12-06T02:00:00Z');
    const reason = 'Mục II thiếu số đơn thư đã giải quyết; đề nghị bổ sung và ký lại văn bản.';
    const review = await call<{ status: ComplianceStatus }>('POST', `/units/${unit}/review`, {
      period: PERIOD,
      uploadId: first.uploadId,
      decision: 'RETURN',
      reason,
      reviewer: 'Lê Thị Hoa',
    });
    expect(review).toMatchObject({ status: 201, body: { status: 'RETURNED' } });
    await stack.bus.idle();

    const returned = await row(unit);
    expect(returned).toMatchObject({ status: 'RETURNED', reasons: [{ message: reason }] });
    const email = (await mailTo(unit)).find((m) => m.body.text?.includes(reason));
    expect(email, 'return email with the reason').toBeDefined();
    // One live link per unit: the email mints none, and the unit's live link still works.
    expect(email!.body.text).not.toContain('#t=');
    expect(email!.body.text).toContain('đường dẫn nộp báo cáo riêng của đơn vị trong thư mời');
    const presign = await call<{ key: string }>(
      'POST',
      '/uploads',
      { period: PERIOD, fileName: 'bao-cao.json', contentType: 'application/json', size: 4000 },
      live,
    );
    expect(presign.status).toBe(200);
    expect(presign.body.key).toMatch(new RegExp(`^incoming/${PERIOD}/${unit}/`));

    // The revision arrives after the deadline: still on time, the first valid version decided that.
    at('2026-12-19T02:00:00Z');
    await upload(unit, validReport(unit, 3));
    expect(await row(unit)).toMatchObject({ status: 'ON_TIME', versions: 2, firstValidAt: '2026-12-05T02:00:00Z', reasons: [] });

    const trail = await audit(unit);
    const actions = trail.map((e) => e.action);
    expect(actions.indexOf('REPORT_REVIEWED')).toBeGreaterThan(actions.indexOf('REPORT_ACCEPTED'));
    // Who acted comes from the verified token (the seeded admin of endpoints.json), never from the typed `reviewer`.
    expect(trail.find((e) => e.action === 'REPORT_REVIEWED')).toMatchObject({
      actor: expect.stringMatching(/^staff:/),
      actorName: 'Phạm Thị Quản',
      detail: { decision: 'RETURN', reason },
    });
    expect(trail.filter((e) => e.action === 'STATUS_CHANGED').map((e) => e.detail.to)).toEqual(['ON_TIME', 'RETURNED', 'ON_TIME']);
    expect(trail.map((e) => Date.parse(e.at))).toEqual([...trail.map((e) => Date.parse(e.at))].sort((a, b) => a - b));
  });

  it('refuses to review an unknown or an invalid version, with the contract error shape', async () => {
    const unit = 'dak-to'; // has one invalid upload
    at('2026-12-19T05:00:00Z');
    const [invalid] = (await reports(unit)).versions;

    const unknown = await call('POST', `/units/${unit}/review`, {
      period: PERIOD,
      uploadId: '0mx0kzzzz68d6ed3a55d3aaf8',
      decision: 'ACCEPT',
    });
    const notValid = await call('POST', `/units/${unit}/review`, { period: PERIOD, uploadId: invalid!.uploadId, decision: 'ACCEPT' });
    const noReason = await call('POST', `/units/${unit}/review`, { period: PERIOD, uploadId: invalid!.uploadId, decision: 'RETURN' });
    const noToken = await call('GET', `/units/${unit}/reports?period=${PERIOD}`, undefined, null);
    const badPeriod = await call('GET', `/units/${unit}/audit?period=26`);
    const noUnit = await call('GET', `/units/khong-co/reports?period=${PERIOD}`);

    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_VERSION', message: expect.any(String) } } });
    expect(notValid).toMatchObject({ status: 409, body: { error: { code: 'INVALID_VERSION' } } });
    expect(noReason).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    // The JWT authorizer answers before the function, with API Gateway's own body.
    expect(noToken).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(badPeriod).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PERIOD' } } });
    expect(noUnit).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_UNIT' } } });
  });
});

describe('GET /status without a period (how the board opens)', () => {
  it('answers the current period with the periods open so far and the time zone; a bad period is still a 400', async () => {
    at('2026-12-19T05:00:00Z');
    const current = await call('GET', '/status');
    const explicit = await call('GET', `/status?period=${PERIOD}`);
    const bad = await call('GET', '/status?period=26');

    expect(current.status).toBe(200);
    const body = current.body as { period: number; periods: number[]; timeZone: string; units: unknown[] };
    expect(body.period).toBe(PERIOD);
    expect(body.periods[0]).toBe(PERIOD);
    expect(body.periods).toEqual([...body.periods].sort((a, b) => b - a));
    expect(body.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(body.units).toEqual((explicit.body as { units: unknown[] }).units);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PERIOD' } } });
  });

  it("takes ?regime= naming the deployment's one regime, and answers 404 in Vietnamese for another", async () => {
    at('2026-12-19T05:00:00Z');
    const plain = await call('GET', `/status?period=${PERIOD}`);
    const named = await call('GET', `/status?period=${PERIOD}&regime=${REGIME.id}`);
    const other = await call('GET', `/status?period=${PERIOD}&regime=khong-co`);
    expect(named.status).toBe(200);
    expect((named.body as { units: unknown[] }).units).toEqual((plain.body as { units: unknown[] }).units);
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_REGIME' } } });
    expect((other.body as { error: { message: string } }).error.message).toContain('Không có chế độ báo cáo mã "khong-co"');
  });
});

describe('extension of the deadline', () => {
  it('OVERDUE → PENDING when extended; a report after the deadline but within the extension is ON_TIME', async () => {
    const unit = 'so-xay-dung';
    at('2026-12-20T03:00:00Z');
    expect(await statusOf(unit)).toBe('OVERDUE');

    const granted = await call<{ status: ComplianceStatus }>('POST', `/units/${unit}/extension`, {
      period: PERIOD,
      until: '2026-12-24',
      reason: 'Địa bàn bị sạt lở, mất kết nối',
    });
    expect(granted).toMatchObject({ status: 201, body: { status: 'PENDING' } });
    await stack.bus.idle();
    expect(await row(unit)).toMatchObject({ status: 'PENDING', extensionUntil: '2026-12-24' });

    at('2026-12-23T09:00:00Z');
    await upload(unit, validReport(unit));
    expect(await row(unit)).toMatchObject({ status: 'ON_TIME', firstValidAt: '2026-12-23T09:00:00Z' });
    expect(await reports(unit)).toMatchObject({
      status: 'ON_TIME',
      dueDate: '2026-12-18',
      effectiveDueDate: '2026-12-24',
      extension: { until: '2026-12-24' },
    });
    expect((await audit(unit)).find((e) => e.action === 'EXTENSION_GRANTED')).toMatchObject({
      detail: { until: '2026-12-24', reason: 'Địa bàn bị sạt lở, mất kết nối' },
    });

    // Past the extension, nothing changes for a unit that reported within it.
    at('2026-12-30T03:00:00Z');
    expect(await statusOf(unit)).toBe('ON_TIME');
  });

  it('LATE becomes ON_TIME when the extension covers the report already sent', async () => {
    const unit = 'so-y-te'; // reported on 19 December
    at('2026-12-21T03:00:00Z');
    expect(await statusOf(unit)).toBe('LATE');

    const granted = await call('POST', `/units/${unit}/extension`, {
      period: PERIOD,
      until: '2026-12-20',
      reason: 'Đã xin phép gia hạn bằng văn bản',
    });
    expect(granted.status).toBe(201);
    await stack.bus.idle();

    expect(await statusOf(unit)).toBe('ON_TIME');
  });

  it('refuses an extension for a unit outside its validity window, or not after the deadline', async () => {
    at('2026-12-21T03:00:00Z');
    const closed = await call('POST', `/units/${CLOSED_UNIT}/extension`, { period: PERIOD, until: '2026-12-24', reason: 'x' });
    const early = await call('POST', '/units/dak-ha/extension', { period: PERIOD, until: '2026-12-18', reason: 'x' });
    expect(closed).toMatchObject({ status: 409, body: { error: { code: 'UNIT_NOT_EXPECTED' } } });
    expect(early).toMatchObject({ status: 422, body: { error: { code: 'EXTENSION_NOT_AFTER_DEADLINE' } } });
  });
});

describe('the whole period', () => {
  it('the rates count what happened above, overall and per group', async () => {
    at('2026-12-30T03:00:00Z');
    const s = await periodStatus();
    const count = (st: ComplianceStatus) => s.units.filter((u) => u.status === st).length;
    // so-tu-phap, so-tai-chinh, so-giao-thong, so-cong-thuong, so-xay-dung, so-y-te (extended).
    expect(count('ON_TIME')).toBe(6);
    expect(count('LATE')).toBe(0);
    expect(s.rates).toMatchObject({ expected: 31, reported: 6, onTime: 6, reportingRate: Math.round((6 / 31) * 10_000) / 10_000 });
    expect(s.rates.byGroup.district).toMatchObject({ expected: 10, reported: 0 });
    expect(stack.bus.deadLetters).toEqual([]);
  });
});
