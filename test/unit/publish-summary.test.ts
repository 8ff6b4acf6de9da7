import { strFromU8, unzipSync } from 'fflate';
import { NoticeInFlightError } from '../../shared/errors.js';
import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { indicatorTotal } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { summaryFileNames } from '../../shared/email/summary-email.js';
import type { StoredVersion } from '../../shared/ports.js';
import { publishSummary, snapshotKey, SUMMARY_LEDGER_UNIT, updateSummaries } from '../../shared/use-cases/publish-summary.js';
import { updateCompliance } from '../../shared/use-cases/update-compliance.js';
import { FixedClock, MemoryAuditLog, MemoryBus, memoryWorld } from '../support/memory-ports.js';

const regime = DEFAULT_REGIME;
const PERIOD = '2026';
const ON_TIME_UNITS = ['so-tu-phap', 'so-y-te', 'dak-ha'] as const;
const LEADERSHIP = regime.leadership.map((l) => l.email);

const world = (at = '2026-12-20T01:00:00Z') => ({ ...memoryWorld(at, regime), appUrl: 'http://localhost:3000' });
type World = ReturnType<typeof world>;

let uploads = 0;
/** A valid report stored as the ingest would, and the unit's status recomputed by the real use case. */
async function receive(w: World, unitId: string, receivedAt: string, variant = 0): Promise<void> {
  uploads += 1;
  const uploadId = `up${String(uploads).padStart(10, '0')}`;
  const v: StoredVersion = {
    period: PERIOD,
    unitId,
    uploadId,
    receivedAt,
    valid: true,
    reasons: [],
    etag: `etag-${uploadId}`,
    key: objectKeys.incoming(PERIOD, unitId, uploadId, 'json'),
    size: 2048,
    sha256: 'f'.repeat(64),
    format: 'json',
    report: sampleReport(regime, unitId, PERIOD, variant),
  };
  await w.reports.putVersion(v);
  const seeding = { ...w, bus: new MemoryBus(), audit: new MemoryAuditLog(), clock: new FixedClock(new Date(receivedAt)) };
  await updateCompliance(seeding, { period: PERIOD, unitId });
}

async function seeded(): Promise<World> {
  const w = world();
  for (const unitId of ON_TIME_UNITS) await receive(w, unitId, '2026-12-10T03:00:00Z');
  return w;
}

const docXml = (docx: Uint8Array) => strFromU8(unzipSync(docx)['word/document.xml']!);

describe('publishSummary', () => {
  it('publishes v1: totals of the reported units, both files stored under summaries/2026/v1/ and emailed to the leadership', async () => {
    const w = await seeded();

    const r = await publishSummary(w, { period: PERIOD, send: true });

    expect(r).toMatchObject({ outcome: 'published', version: 1, sent: true, changed: true });
    // Hand-computed: the sum of the three sample reports' values, per group.
    const sessions = (u: string) => sampleReport(regime, u, PERIOD).dissemination.sessions;
    const total = indicatorTotal(r.consolidation, 'dissemination.sessions');
    expect(total.province).toBe(sessions('so-tu-phap') + sessions('so-y-te'));
    expect(total.district).toBe(sessions('dak-ha'));
    expect(total.total).toBe(sessions('so-tu-phap') + sessions('so-y-te') + sessions('dak-ha'));
    expect(r.consolidation.rates.overall).toMatchObject({ expected: regime.units.length, reported: 3, onTime: 3 });

    const names = summaryFileNames(PERIOD, 1);
    expect(r.keys).toEqual({ xlsx: `summaries/2026/v1/${names.xlsx}`, docx: `summaries/2026/v1/${names.docx}` });
    expect([...w.objects.objects.keys()].sort()).toEqual([r.keys.docx, snapshotKey(PERIOD, 1), r.keys.xlsx].sort());

    expect(w.mailer.sent).toHaveLength(1);
    const mail = w.mailer.sent[0]!;
    expect(mail.to).toEqual(LEADERSHIP);
    // Sở Nội vụ edits the draft: it gets the mail once (here it is on the leadership list already).
    expect([...mail.to, ...(mail.cc ?? [])].filter((a) => a === regime.receivingBody.email)).toHaveLength(1);
    expect(mail.subject).not.toContain('bản cập nhật');
    expect(mail.attachments?.map((a) => a.filename)).toEqual([names.xlsx, names.docx]);

    const item = await w.summaries.latest(PERIOD);
    expect(item).toMatchObject({ version: 1, hash: r.hash, keys: r.keys, messageId: 'm-1' });
    expect(item?.sentAt).toBeDefined();
    expect(item?.publishedAt).toBeDefined();
    expect(w.bus.events).toEqual([
      { detailType: DETAIL_TYPES.summaryPublished, detail: { period: 2026, version: 1, hash: r.hash, keys: r.keys, sent: true } },
    ]);
  });

  it('a publication asked by a person is audited under the verified identity; a preview or an unchanged run is not', async () => {
    const w = await seeded();
    const publisher = { sub: '7a1f-sub', name: 'Lê Văn Tổng', roles: ['publisher' as const] };

    await publishSummary(w, { period: PERIOD, send: false, actor: publisher });
    const r = await publishSummary(w, { period: PERIOD, send: true, actor: publisher });
    await publishSummary(w, { period: PERIOD, send: true, actor: publisher });

    expect(await w.audit.list(PERIOD, SUMMARY_LEDGER_UNIT)).toEqual([
      expect.objectContaining({
        action: 'SUMMARY_PUBLISHED',
        actor: 'staff:7a1f-sub',
        actorName: 'Lê Văn Tổng',
        detail: expect.objectContaining({ version: 1, hash: r.hash }),
      }),
    ]);
  });

  it('sends nothing when the same data are consolidated again', async () => {
    const w = await seeded();
    const first = await publishSummary(w, { period: PERIOD, send: true });
    const objectsBefore = w.objects.objects.size;
    w.clock.set('2026-12-20T05:00:00Z');

    const again = await publishSummary(w, { period: PERIOD, send: true });

    expect(again).toMatchObject({ outcome: 'unchanged', version: 1, sent: false, changed: false, hash: first.hash, keys: first.keys });
    expect(again.files).toBeUndefined();
    expect(w.mailer.sent).toHaveLength(1);
    expect(w.objects.objects.size).toBe(objectsBefore);
    expect(w.bus.events).toHaveLength(1);
    expect(w.summaries.items.size).toBe(1);
  });

  it('a late report after the summary makes v2, sent as an update ("bản cập nhật") with v1 kept', async () => {
    const w = await seeded();
    const v1 = await publishSummary(w, { period: PERIOD, send: true });
    const v1Xlsx = w.objects.objects.get(v1.keys.xlsx)!.body;
    w.clock.set('2026-12-22T02:00:00Z');
    await receive(w, 'ngoc-hoi', '2026-12-21T09:00:00Z');

    const v2 = await publishSummary(w, { period: PERIOD, send: true });

    expect(v2).toMatchObject({ outcome: 'published', version: 2, sent: true });
    expect(v2.consolidation.units.find((u) => u.unitId === 'ngoc-hoi')).toMatchObject({ status: 'LATE', counted: true, onTime: false });
    expect(v2.keys.xlsx).toBe(`summaries/2026/v2/${summaryFileNames(PERIOD, 2).xlsx}`);
    expect(w.mailer.sent).toHaveLength(2);
    expect(w.mailer.sent[1]!.subject).toContain('bản cập nhật số 2');
    expect(docXml(v2.files!.docx)).toContain('BẢN CẬP NHẬT');
    expect(docXml(v2.files!.docx)).toContain('bản tổng hợp lần 1');
    expect(w.objects.objects.get(v1.keys.xlsx)!.body).toBe(v1Xlsx);
    expect(w.bus.events.map((e) => e.detail.version)).toEqual([1, 2]);
  });

  it('send=false previews: files under summaries/2026/preview/ and returned, no email, no version, no event', async () => {
    const w = await seeded();

    const p = await publishSummary(w, { period: PERIOD, send: false });

    expect(p).toMatchObject({ outcome: 'preview', version: 1, sent: false, changed: true });
    expect(p.keys.xlsx).toBe(`summaries/2026/preview/${summaryFileNames(PERIOD, 1).xlsx}`);
    expect(w.objects.objects.get(p.keys.docx)?.body).toEqual(p.files?.docx);
    expect(p.files?.xlsx.byteLength).toBeGreaterThan(1000);
    expect(w.mailer.sent).toHaveLength(0);
    expect(w.summaries.items.size).toBe(0);
    expect(w.bus.events).toHaveLength(0);

    // The preview took no version number: the first real send is still v1.
    expect(await publishSummary(w, { period: PERIOD, send: true })).toMatchObject({ outcome: 'published', version: 1 });
    expect(await publishSummary(w, { period: PERIOD, send: false })).toMatchObject({ outcome: 'preview', version: 1, changed: false });
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('two concurrent runs on the same data send one email; the one that finds the other in flight fails, to be retried', async () => {
    const w = await seeded();

    const outcomes = await Promise.allSettled([
      publishSummary(w, { period: PERIOD, send: true }),
      publishSummary(w, { period: PERIOD, send: true }),
    ]);
    const retried = await publishSummary(w, { period: PERIOD, send: true });

    const published = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    expect(published.map((o) => [o.outcome, o.version])).toEqual([['published', 1]]);
    expect(failed.map((e) => e.name)).toEqual(['NoticeInFlightError']);
    expect([retried.outcome, retried.version]).toEqual(['unchanged', 1]);
    expect(w.mailer.sent).toHaveLength(1);
    expect(w.summaries.items.size).toBe(1);
    expect(w.bus.events).toHaveLength(1);
  });

  it('a failed send is resumed by the next run as the same version, not skipped and not a new one', async () => {
    const w = await seeded();
    w.mailer.failNext = 1;

    await expect(publishSummary(w, { period: PERIOD, send: true })).rejects.toThrow('SES throttled');
    expect((await w.summaries.latest(PERIOD))?.sentAt).toBeUndefined();
    expect((await w.ledger.get(PERIOD, SUMMARY_LEDGER_UNIT, 'summary', 'v1'))?.state).toBe('failed');

    const retry = await publishSummary(w, { period: PERIOD, send: true });

    expect(retry).toMatchObject({ outcome: 'published', version: 1, sent: true });
    expect(w.mailer.sent).toHaveLength(1);
    expect((await w.summaries.latest(PERIOD))?.sentAt).toBeDefined();
    expect(w.summaries.items.size).toBe(1);
  });

  it('reads the period and last year’s with one status Query each and one report Query per reported unit', async () => {
    const w = await seeded();
    const lists: string[] = [];
    let facts = 0;
    const statuses = {
      ...w.statuses,
      get: w.statuses.get.bind(w.statuses),
      put: w.statuses.put.bind(w.statuses),
      list: (p: string) => (lists.push(p), w.statuses.list(p)),
    };
    const reports = {
      ...w.reports,
      putVersion: w.reports.putVersion.bind(w.reports),
      putReview: w.reports.putReview.bind(w.reports),
      putExtension: w.reports.putExtension.bind(w.reports),
      facts: (p: string, u: string) => (facts++, w.reports.facts(p, u)),
    };

    await publishSummary({ ...w, statuses, reports }, { period: PERIOD, send: false });

    // Last year has no report here: its status Query finds nothing to read further.
    expect(lists).toEqual([PERIOD, '2025']);
    expect(facts).toBe(ON_TIME_UNITS.length);
  });

  it('reads last year only to build the files: a run that finds the data unchanged reads this year alone', async () => {
    const w = await seeded();
    await publishSummary(w, { period: PERIOD, send: true });
    const lists: string[] = [];
    const statuses = {
      ...w.statuses,
      get: w.statuses.get.bind(w.statuses),
      put: w.statuses.put.bind(w.statuses),
      list: (p: string) => (lists.push(p), w.statuses.list(p)),
    };

    const again = await publishSummary({ ...w, statuses }, { period: PERIOD, send: true });

    expect(again.outcome).toBe('unchanged');
    expect(lists).toEqual([PERIOD]);
  });

  it('rejects a period before the regime’s first', async () => {
    const w = world();
    await expect(publishSummary(w, { period: '2010', send: true })).rejects.toMatchObject({ status: 400, code: 'INVALID_PERIOD' });
  });
});

describe('updateSummaries (the daily SummaryUpdate job)', () => {
  const LATE = 'ngoc-hoi';
  /** v1 sent on the consolidation date, 20 Dec 08:00 (Kon Tum = UTC+7). */
  async function afterConsolidation(): Promise<World> {
    const w = await seeded();
    w.clock.set('2026-12-20T01:00:00Z');
    await publishSummary(w, { period: PERIOD, send: true });
    return w;
  }

  it('a late report makes exactly one update the next morning, saying what changed since v1', async () => {
    const w = await afterConsolidation();
    await receive(w, LATE, '2026-12-22T03:00:00Z');
    w.clock.set('2026-12-23T01:00:00Z');

    const r = await updateSummaries(w);

    expect(r).toEqual([{ period: PERIOD, outcome: 'published', version: 2, sent: true }]);
    expect(w.mailer.sent).toHaveLength(2);
    const mail = w.mailer.sent[1]!;
    expect(mail.subject).toContain('bản cập nhật số 2');
    expect(mail.text).toContain('THAY ĐỔI SO VỚI BẢN SỐ 1');
    expect(mail.text).toContain('- Tính thêm số liệu của UBND huyện Ngọc Hồi (nộp trễ hạn).');
    expect(mail.text).toMatch(/\n- [^\n]+: [\d.]+ → [\d.]+ \(\+[\d.]+\)\./);
    expect(mail.text).toContain(`Còn ${regime.units.length - ON_TIME_UNITS.length - 1} cơ quan, đơn vị chưa gửi báo cáo:`);
    expect(mail.html).toContain('Thay đổi so với bản số 1');
  });

  it('a second run the same day sends nothing, even when the data changed again; the next morning sends it', async () => {
    const w = await afterConsolidation();
    await receive(w, LATE, '2026-12-22T03:00:00Z');
    w.clock.set('2026-12-23T01:00:00Z');
    await updateSummaries(w);
    await receive(w, 'kon-ray', '2026-12-23T02:00:00Z');
    w.clock.set('2026-12-23T09:00:00Z');

    const sameDay = await updateSummaries(w);
    w.clock.set('2026-12-24T01:00:00Z');
    const nextDay = await updateSummaries(w);

    expect(sameDay).toEqual([{ period: PERIOD, outcome: 'held', version: 2, sent: false }]);
    expect(nextDay).toEqual([{ period: PERIOD, outcome: 'published', version: 3, sent: true }]);
    expect(w.mailer.sent.map((m) => m.subject.match(/bản cập nhật số \d/)?.[0] ?? 'v1')).toEqual([
      'v1',
      'bản cập nhật số 2',
      'bản cập nhật số 3',
    ]);
  });

  it('two concurrent runs of one morning claim one version and send one email', async () => {
    const w = await afterConsolidation();
    await receive(w, LATE, '2026-12-22T03:00:00Z');
    w.clock.set('2026-12-23T01:00:00Z');

    const runs = await Promise.allSettled([updateSummaries(w), updateSummaries(w)]);

    // One sends; the other holds, or finds the first's email in flight and fails to be retried.
    const sent = runs.map((r) =>
      r.status === 'fulfilled' ? r.value[0]!.sent : r.reason instanceof NoticeInFlightError ? 'in flight' : r.reason,
    );
    expect(sent.filter((s) => s === true)).toHaveLength(1);
    expect(sent.filter((s) => s !== true).every((s) => s === false || s === 'in flight')).toBe(true);
    expect(w.mailer.sent).toHaveLength(2);
    expect(w.summaries.items.size).toBe(2);
  });

  it('a day with no change sends nothing', async () => {
    const w = await afterConsolidation();
    w.clock.set('2026-12-21T01:00:00Z');

    const r = await updateSummaries(w);

    expect(r).toEqual([{ period: PERIOD, outcome: 'unchanged', version: 1, sent: false }]);
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('does nothing before the consolidation date and nothing once the period is closed', async () => {
    const before = await seeded();
    before.clock.set('2026-12-19T01:00:00Z');
    expect(await updateSummaries(before)).toEqual([]);
    expect(before.mailer.sent).toHaveLength(0);

    const w = await afterConsolidation();
    await receive(w, LATE, '2027-01-10T03:00:00Z');
    w.clock.set('2027-01-19T01:00:00Z'); // 20 Dec 08:00 + 30 days = 19 Jan 08:00 local: closed
    expect(await updateSummaries(w)).toEqual([]);
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('publishes v1 itself when the annual run did not (a failed consolidation-day run is caught up)', async () => {
    const w = await seeded();
    w.clock.set('2026-12-21T01:00:00Z');

    expect(await updateSummaries(w)).toEqual([{ period: PERIOD, outcome: 'published', version: 1, sent: true }]);
  });
});
