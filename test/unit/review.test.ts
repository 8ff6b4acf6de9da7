import { describe, expect, it } from 'vitest';
import { StatusChangeDetail, statusChangeOf } from '../../shared/definitions/event-details.js';
import { DETAIL_TYPES, EVENT_ROUTES, EVENT_SOURCE, matchesPattern } from '../../shared/definitions/events.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime } from '../../shared/domain/regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { RequestError } from '../../shared/errors.js';
import type { StoredVersion } from '../../shared/ports.js';
import { grantExtension } from '../../shared/use-cases/grant-extension.js';
import { readAudit } from '../../shared/use-cases/read-audit.js';
import { readUnitReports } from '../../shared/use-cases/read-unit-reports.js';
import { reviewReport } from '../../shared/use-cases/review-report.js';
import { sendReceipts } from '../../shared/use-cases/send-receipt.js';
import { updateCompliance } from '../../shared/use-cases/update-compliance.js';
import { memoryWorld } from '../support/memory-ports.js';
import { boardConfig, boardPage } from '../../web/board/page.js';
import { currentPeriod, openPeriods } from '../../shared/domain/calendar.js';
import { buildBundle, BUNDLES } from '../../web/build.js';

const CLOSED_UNIT = 'so-da-sap-nhap';
const regime = parseRegime({
  ...DEFAULT_REGIME,
  units: [
    ...DEFAULT_REGIME.units,
    { id: CLOSED_UNIT, name: 'Sở đã sáp nhập', group: 'province', email: 'vanthu.cu@kontum.gov.example', validFrom: 2019, validTo: 2025 },
  ],
});
const UNIT = 'so-tu-phap';
/** The period's key in the stores; on the wire (bodies, event details) the annual period is the number YEAR. */
const PERIOD = '2026';
const YEAR = 2026;

/** The staff member whose verified token made the request. */
const REVIEWER = { sub: 'f1e2d3c4-0000-4000-8000-000000000001', name: 'Trần Văn Bình', roles: ['reviewer' as const] };
const staff = { actor: `staff:${REVIEWER.sub}`, actorName: REVIEWER.name };

const world = (at = '2026-12-10T03:00:00Z') => ({
  ...memoryWorld(at, regime),
  regimes: regimeSet(regime),
  appUrl: 'https://baocao.example',
});
type World = ReturnType<typeof world>;

/** Stores a version as ingest would have; valid ones carry a sample report. */
async function stored(
  w: World,
  o: { uploadId: string; receivedAt: string; valid?: boolean; unitId?: string; signed?: boolean },
): Promise<StoredVersion> {
  const unitId = o.unitId ?? UNIT;
  const valid = o.valid ?? true;
  const report = valid ? sampleReport(regime, unitId, PERIOD) : undefined;
  const signedDocumentKey = valid && o.signed ? `signed/${PERIOD}/${unitId}/${o.uploadId}.pdf` : undefined;
  const v: StoredVersion = {
    period: PERIOD,
    unitId,
    uploadId: o.uploadId,
    etag: `etag-${o.uploadId}`,
    key: `incoming/${PERIOD}/${unitId}/${o.uploadId}.json`,
    size: 2048,
    receivedAt: o.receivedAt,
    sha256: 'ab'.repeat(32),
    format: 'json',
    valid,
    reasons: valid ? [] : [{ path: 'dissemination.sessions', message: 'Phải là số nguyên không âm', label: 'Số hội nghị' }],
    ...(report ? { report: signedDocumentKey ? { ...report, signedDocumentKey } : report } : {}),
    ...(signedDocumentKey ? { signedDocumentKey } : {}),
  };
  await w.reports.putVersion(v);
  return v;
}

async function rejection(p: Promise<unknown>): Promise<RequestError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RequestError);
  return e as RequestError;
}

/** Runs the compliance step the way the bus would after each published event. */
async function settle(w: World) {
  return updateCompliance(w, { period: PERIOD, unitId: UNIT });
}

const A = '0mx0k03to68d6ed3a55d3aaf5';
const B = '0mx0k9zzz68d6ed3a55d3aaf6';

describe('reviewReport (POST /units/{id}/review)', () => {
  it('returns a version for revision: stores the review, audits it, publishes "Report Reviewed", and the unit is emailed the reason', async () => {
    const w = world();
    await stored(w, { uploadId: A, receivedAt: '2026-12-05T02:00:00Z' });
    await settle(w);
    w.bus.events.length = 0;
    w.clock.set('2026-12-10T03:00:00Z');

    const r = await reviewReport(w, {
      unitId: UNIT,
      actor: REVIEWER,
      body: { period: YEAR, uploadId: A, decision: 'RETURN', reason: 'Thiếu số liệu mục II', reviewer: 'Giám đốc Sở Nội vụ' },
    });

    expect(r.status).toBe('RETURNED');
    expect(r.review).toMatchObject({ decision: 'RETURN', uploadId: A, reason: 'Thiếu số liệu mục II', at: '2026-12-10T03:00:00.000Z' });
    expect((await w.reports.facts(PERIOD, UNIT)).reviews).toEqual([r.review]);
    expect(w.bus.events).toEqual([
      {
        detailType: DETAIL_TYPES.reportReviewed,
        detail: { period: YEAR, unitId: UNIT, uploadId: A, decision: 'RETURN', reviewId: r.review.reviewId },
      },
    ]);
    const audit = (await w.audit.list(PERIOD, UNIT)).find((e) => e.action === 'REPORT_REVIEWED');
    expect(audit).toMatchObject({ ...staff, detail: { uploadId: A, decision: 'RETURN', reason: 'Thiếu số liệu mục II' } });

    // The event's consumers: compliance, then the receipt function on "Unit Status Changed".
    const { record } = await settle(w);
    expect(record?.status).toBe('RETURNED');
    // The receipt function parses the event's detail at the edge (the period's key from its `period` and `regime`).
    const change = statusChangeOf(
      StatusChangeDetail.parse(w.bus.events.find((e) => e.detailType === DETAIL_TYPES.unitStatusChanged)!.detail),
    );
    expect(change.period).toBe(PERIOD);
    await sendReceipts(w, change);
    expect(w.mailer.sent).toHaveLength(1);
    expect(w.mailer.sent[0]!.to).toEqual([regime.units.find((u) => u.id === UNIT)!.email]);
    expect(w.mailer.sent[0]!.text).toContain('Thiếu số liệu mục II');
    // No new link: the unit's one live link stays the one from the invitation.
    expect(w.mailer.sent[0]!.text).not.toContain('#t=');
    expect(w.tokens.items.size).toBe(0);
  });

  it('accepting the returned version afterwards undoes the return', async () => {
    const w = world();
    await stored(w, { uploadId: A, receivedAt: '2026-12-05T02:00:00Z' });
    await reviewReport(w, {
      unitId: UNIT,
      actor: REVIEWER,
      body: { period: YEAR, uploadId: A, decision: 'RETURN', reason: 'Sai mục III' },
    });
    w.clock.set('2026-12-10T04:00:00Z');

    const r = await reviewReport(w, { unitId: UNIT, actor: REVIEWER, body: { period: YEAR, uploadId: A, decision: 'ACCEPT' } });

    expect(r.status).toBe('ON_TIME');
    expect((await settle(w)).record?.status).toBe('ON_TIME');
    expect(
      (await w.audit.list(PERIOD, UNIT)).filter((e) => e.action === 'REPORT_REVIEWED').map((e) => [e.actor, e.detail.decision]),
    ).toEqual([
      [staff.actor, 'RETURN'],
      [staff.actor, 'ACCEPT'],
    ]);
  });

  it('refuses a return without a reason, or with one over 2000 characters, naming the field; nothing is stored or published', async () => {
    const w = world();
    await stored(w, { uploadId: A, receivedAt: '2026-12-05T02:00:00Z' });

    const missing = await rejection(
      reviewReport(w, { unitId: UNIT, actor: REVIEWER, body: { period: YEAR, uploadId: A, decision: 'RETURN', reason: '   ' } }),
    );
    const tooLong = await rejection(
      reviewReport(w, {
        unitId: UNIT,
        actor: REVIEWER,
        body: { period: YEAR, uploadId: A, decision: 'RETURN', reason: 'x'.repeat(2001) },
      }),
    );

    expect([missing.status, missing.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(missing.details).toEqual([{ path: 'reason', message: 'Trả lại báo cáo thì phải ghi lý do để đơn vị chỉnh sửa' }]);
    expect(tooLong.details).toEqual([{ path: 'reason', message: 'Lý do tối đa 2000 ký tự' }]);
    expect((await w.reports.facts(PERIOD, UNIT)).reviews).toEqual([]);
    expect(w.bus.events).toEqual([]);
    expect(await w.audit.list(PERIOD, UNIT)).toEqual([]);
  });

  it('refuses a malformed body with every problem in Vietnamese', async () => {
    const w = world();

    const e = await rejection(
      reviewReport(w, { unitId: UNIT, actor: REVIEWER, body: { period: 2026.5, uploadId: '../x', decision: 'MAYBE', extra: 1 } }),
    );

    expect(e.status).toBe(400);
    expect((e.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['', 'decision', 'period', 'uploadId']);
    expect(e.message).toContain('Trường không thuộc yêu cầu: extra');
    expect((await rejection(reviewReport(w, { unitId: UNIT, actor: REVIEWER, body: [] }))).code).toBe('INVALID_REQUEST');
  });

  it('refuses an unknown unit (404), a malformed unit id (400), an unknown version (404), an invalid version (409) and a superseded one (409)', async () => {
    const w = world();
    await stored(w, { uploadId: A, receivedAt: '2026-12-05T02:00:00Z' });
    await stored(w, { uploadId: B, receivedAt: '2026-12-06T02:00:00Z' });
    const bad = '0mx0kbad068d6ed3a55d3aaf7';
    await stored(w, { uploadId: bad, receivedAt: '2026-12-07T02:00:00Z', valid: false });
    const body = (uploadId: string) => ({ period: YEAR, uploadId, decision: 'ACCEPT' });

    const codes = async (unitId: string, uploadId: string) => {
      const e = await rejection(reviewReport(w, { unitId, actor: REVIEWER, body: body(uploadId) }));
      return [e.status, e.code];
    };

    expect(await codes('khong-co', B)).toEqual([404, 'UNKNOWN_UNIT']);
    expect(await codes('Sở Y tế', B)).toEqual([400, 'INVALID_UNIT']);
    expect(await codes(UNIT, '0mx0kzzzz68d6ed3a55d3aaf8')).toEqual([404, 'UNKNOWN_VERSION']);
    expect(await codes(UNIT, bad)).toEqual([409, 'INVALID_VERSION']);
    expect(await codes(UNIT, A)).toEqual([409, 'SUPERSEDED_VERSION']);
    expect(w.bus.events).toEqual([]);
    // The latest valid version can be reviewed even though an invalid upload came after it.
    await expect(reviewReport(w, { unitId: UNIT, actor: REVIEWER, body: body(B) })).resolves.toMatchObject({ review: { uploadId: B } });
  });
});

describe('grantExtension (POST /units/{id}/extension)', () => {
  it('records the extension, audits it and publishes "Deadline Extended"; a late report becomes on time', async () => {
    const w = world('2026-12-20T03:00:00Z');
    await stored(w, { uploadId: A, receivedAt: '2026-12-19T02:00:00Z' });
    expect((await settle(w)).record?.status).toBe('LATE');
    w.bus.events.length = 0;

    const r = await grantExtension(w, {
      unitId: UNIT,
      actor: REVIEWER,
      body: { period: YEAR, until: '2026-12-22', reason: 'Lũ lụt, mất điện kéo dài' },
    });

    expect(r.status).toBe('ON_TIME');
    expect(r.extension).toEqual({ until: '2026-12-22', reason: 'Lũ lụt, mất điện kéo dài', grantedAt: '2026-12-20T03:00:00.000Z' });
    expect((await w.reports.facts(PERIOD, UNIT)).extension).toEqual(r.extension);
    expect(w.bus.events).toEqual([
      { detailType: DETAIL_TYPES.deadlineExtended, detail: { period: YEAR, unitId: UNIT, until: '2026-12-22' } },
    ]);
    expect((await w.audit.list(PERIOD, UNIT)).find((e) => e.action === 'EXTENSION_GRANTED')).toMatchObject({
      ...staff,
      detail: { until: '2026-12-22', reason: 'Lũ lụt, mất điện kéo dài' },
    });
    expect((await settle(w)).record?.status).toBe('ON_TIME');
  });

  it('a second grant replaces the first and the audit keeps the previous date', async () => {
    const w = world('2026-12-20T03:00:00Z');
    await grantExtension(w, { unitId: UNIT, actor: REVIEWER, body: { period: YEAR, until: '2026-12-22', reason: 'Lý do 1' } });
    w.clock.set('2026-12-21T03:00:00Z');

    await grantExtension(w, { unitId: UNIT, actor: REVIEWER, body: { period: YEAR, until: '2026-12-28', reason: 'Lý do 2' } });

    expect((await w.reports.facts(PERIOD, UNIT)).extension?.until).toBe('2026-12-28');
    const grants = (await w.audit.list(PERIOD, UNIT)).filter((e) => e.action === 'EXTENSION_GRANTED');
    expect(grants.map((g) => g.detail)).toEqual([
      { until: '2026-12-22', reason: 'Lý do 1' },
      { until: '2026-12-28', reason: 'Lý do 2', previousUntil: '2026-12-22' },
    ]);
  });

  it('refuses a date on or before the deadline, too far past it, a date that does not exist, a missing reason and a unit outside its validity window', async () => {
    const w = world();
    const code = async (unitId: string, body: unknown) => {
      const e = await rejection(grantExtension(w, { unitId, actor: REVIEWER, body }));
      return [e.status, e.code];
    };

    expect(await code(UNIT, { period: YEAR, until: '2026-12-18', reason: 'x' })).toEqual([422, 'EXTENSION_NOT_AFTER_DEADLINE']);
    expect(await code(UNIT, { period: YEAR, until: '2027-12-19', reason: 'x' })).toEqual([422, 'EXTENSION_TOO_FAR']);
    expect(await code(UNIT, { period: YEAR, until: '2026-12-32', reason: 'x' })).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(UNIT, { period: YEAR, until: '2026-12-22', reason: '' })).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(UNIT, { period: YEAR, until: '22/12/2026', reason: 'x' })).toEqual([400, 'INVALID_REQUEST']);
    expect(await code(CLOSED_UNIT, { period: YEAR, until: '2026-12-22', reason: 'x' })).toEqual([409, 'UNIT_NOT_EXPECTED']);
    expect(w.bus.events).toEqual([]);
    expect(w.reports.extensions.size).toBe(0);
  });
});

describe('the admin events reach compliance', () => {
  it.each([DETAIL_TYPES.reportReviewed, DETAIL_TYPES.deadlineExtended])('"%s" is routed to the compliance function', (detailType) => {
    const event = { source: EVENT_SOURCE, 'detail-type': detailType, detail: { period: YEAR, unitId: UNIT } };
    const targets = EVENT_ROUTES.filter((r) => r.bus === 'baocao' && matchesPattern(event, r.pattern({ bucketName: 'b' }))).map(
      (r) => r.target,
    );
    expect(targets).toEqual(['compliance']);
  });
});

describe('readUnitReports (GET /units/{id}/reports)', () => {
  it('numbers versions by receipt, gives valid ones their report and links, invalid ones their reasons, and derives the status', async () => {
    const w = world();
    const bad = '0mx0kbad068d6ed3a55d3aaf7';
    // Stored out of order: the view orders by receipt.
    await stored(w, { uploadId: B, receivedAt: '2026-12-06T02:00:00Z', signed: true });
    await stored(w, { uploadId: bad, receivedAt: '2026-12-04T02:00:00Z', valid: false });
    await reviewReport(w, {
      unitId: UNIT,
      actor: REVIEWER,
      body: { period: YEAR, uploadId: B, decision: 'RETURN', reason: 'Bổ sung mục IV' },
    });

    const r = await readUnitReports(w, { unitId: UNIT, period: PERIOD });

    expect(r.status).toBe('RETURNED');
    expect(r.unit).toMatchObject({ id: UNIT, group: 'province', expected: true });
    expect([r.dueDate, r.effectiveDueDate, r.extension]).toEqual(['2026-12-18', '2026-12-18', null]);
    expect(r.versions.map((v) => [v.number, v.uploadId, v.valid, v.latestValid])).toEqual([
      [1, bad, false, false],
      [2, B, true, true],
    ]);
    const [first, second] = r.versions;
    expect(first!.report).toBeNull();
    expect(first!.reasons[0]?.message).toBe('Phải là số nguyên không âm');
    expect(first!.downloads).toEqual({ raw: `memory://bucket/incoming/2026/${UNIT}/${bad}.json`, signed: null });
    expect(second!.report?.unitId).toBe(UNIT);
    expect(second!.keyFigures?.sessions).toBe(second!.report?.dissemination.sessions);
    expect(second!.downloads.signed).toBe(`memory://bucket/signed/2026/${UNIT}/${B}.pdf`);
    expect(second!.reviews.map((x) => x.decision)).toEqual(['RETURN']);
    expect(Date.parse(r.linksExpireAt) - Date.parse(r.asOf)).toBe(300_000);
  });

  it('shows a unit outside its validity window as not expected, and refuses an unknown one', async () => {
    const w = world();
    expect((await readUnitReports(w, { unitId: CLOSED_UNIT, period: PERIOD })).unit.expected).toBe(false);
    expect((await rejection(readUnitReports(w, { unitId: 'khong-co', period: PERIOD }))).status).toBe(404);
  });
});

describe('readAudit (GET /units/{id}/audit)', () => {
  it('orders entries by instant, although event times have whole seconds and the clock milliseconds', async () => {
    const w = world();
    const entry = (at: string, eventId: string) => ({ at, eventId, action: 'STATUS_CHANGED' as const, actor: 'system:test', detail: {} });
    await w.audit.append(PERIOD, UNIT, entry('2026-12-05T02:00:00.500Z', 'b'));
    await w.audit.append(PERIOD, UNIT, entry('2026-12-05T02:00:01Z', 'c'));
    await w.audit.append(PERIOD, UNIT, entry('2026-12-05T02:00:00Z', 'a'));

    const r = await readAudit(w, { unitId: UNIT, period: PERIOD });

    expect(r.entries.map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
  });
});

describe('the board page (GET /board)', () => {
  it('opens on the latest period already open for reporting, and offers every open one', () => {
    expect(currentPeriod(regime, new Date('2026-10-31T16:00:00Z'))).toBe('2025');
    expect(currentPeriod(regime, new Date('2026-10-31T17:00:00Z'))).toBe('2026'); // 1 November, 00:00 in Kon Tum
    expect(currentPeriod(regime, new Date('2027-03-01T00:00:00Z'))).toBe('2026');
    expect(openPeriods(regime, new Date('2027-03-01T00:00:00Z')).slice(0, 2)).toEqual(['2026', '2025']);
    expect(openPeriods(regime, new Date('2027-03-01T00:00:00Z')).at(-1)).toBe(String(regime.firstPeriod));
  });

  it('loads only its own script and stylesheet files, and its data block cannot close the script element', () => {
    const config = boardConfig();
    const hostile = { key: 'x', legend: '</script><script>alert(1)</script>', fields: [] };
    const html = boardPage({ ...config, sections: [...config.sections, hostile] });

    expect(html).toContain('<script src="/board.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/board.css">');
    expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="/);
    // The data block and the script file: no third script element came out of the data.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('is a browser bundle within its budget that carries no server code: the API types are type imports', async () => {
    const { js, bytes } = await buildBundle('board');

    expect(bytes).toBeLessThan(BUNDLES.board.maxBytes);
    expect(js).toContain('Quá hạn, chưa nộp'); // the domain's status labels
    // zod, the AWS SDK, the use cases' code and Node built-ins stay on the server.
    expect(js).not.toMatch(/Invalid input|@aws-sdk|DynamoDB|presignGet|require\(["']node:|from["']node:/);
  }, 30_000);
});
