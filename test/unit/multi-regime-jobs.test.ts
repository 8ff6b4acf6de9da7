import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { keys, objectKeys } from '../../shared/definitions/table.js';
import { periodDates, zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { publishSummary, snapshotKey } from '../../shared/use-cases/publish-summary.js';
import { sendDueNotices } from '../../shared/use-cases/send-due-notices.js';
import { updateCompliance } from '../../shared/use-cases/update-compliance.js';
import { FixedClock, MemoryAuditLog, MemoryBus, memoryWorld } from '../support/memory-ports.js';

/*
 * Two regimes side by side (README "Regimes as data, several side by side"): the seed's annual regime as the main one (keys '2026') and a
 * quarterly regime built from it (keys 'dvcq-quy/2026-Q4') listing three of its units — the same
 * ids, names and emails. Q4 2026: window 15/9–14/12, due three working days after (Thu 17 Dec),
 * consolidated Fri 18 Dec 08:00. The annual 2026: due Fri 18 Dec, T−7 reminder Fri 11 Dec.
 */
const TZ = 'Asia/Ho_Chi_Minh';
const APP = 'http://localhost:3000';
const at8 = (y: number, m: number, d: number) => zonedTime(TZ, y, m, d, 8);

const MAIN = parseRegime({ ...DEFAULT_REGIME, units: DEFAULT_REGIME.units.slice(0, 4) });
const QUARTERLY = parseRegime({
  ...DEFAULT_REGIME,
  id: 'dvcq-quy',
  name: 'Báo cáo kết quả thực hiện công tác dân vận chính quyền hằng quý',
  frequency: 'quarterly',
  deadlineRule: { afterCutOff: { workingDays: 3 } },
  units: DEFAULT_REGIME.units.slice(0, 3),
});
const REGIMES = regimeSet(MAIN, [QUARTERLY]);
/** The quarterly regime as the registry runs it (scoped: its keys carry its id). */
const Q = REGIMES.all[1]!;
const Q4 = 'dvcq-quy/2026-Q4';

const world = (at: Date, regime: Regime = MAIN) => ({ ...memoryWorld(at, regime), regimes: REGIMES, appUrl: APP });

describe('the daily notices job over two regimes', () => {
  it('chases each regime’s period under its own dates, ledger keys and events; a re-run sends nothing', async () => {
    // Wed 16 Dec: the quarter's T−1 working day; the year's latest due step is still its T−7 reminder.
    const w = world(at8(2026, 12, 16));

    const summary = await sendDueNotices(w, {});
    const again = await sendDueNotices(w, {});

    expect(periodDates(Q, Q4).dueDate).toBe('2026-12-17');
    expect(summary.periods).toEqual(['2026', Q4]);
    const rows = summary.notices.map((n) => [n.period, n.unitId, n.step, n.dueOn, n.deadline, n.outcome]);
    expect(rows).toEqual([
      ...MAIN.units.map((u) => ['2026', u.id, 'T-7', '2026-12-11', '2026-12-18', 'sent']),
      ...QUARTERLY.units.map((u) => [Q4, u.id, 'T-1wd', '2026-12-16', '2026-12-17', 'sent']),
    ]);
    expect(again.counts).toEqual({ reminder: 0, overdue: 0, escalation: 0 });
    expect(again.skipped).toBe(MAIN.units.length + QUARTERLY.units.length);

    // One ledger entry per (period key, unit, step): NOTICE#{key}#{unit} in the table.
    const ledger = [...w.ledger.items.values()].map((r) => [keys.notice(r.period, r.unitId, r.kind, r.step).PK, r.state]);
    expect(ledger.sort()).toEqual(
      [
        ...MAIN.units.map((u) => [`NOTICE#2026#${u.id}`, 'sent']),
        ...QUARTERLY.units.map((u) => [`NOTICE#dvcq-quy/2026-Q4#${u.id}`, 'sent']),
      ].sort(),
    );

    // "Notice Sent": the main regime's period as the number it always was, the other's with its regime.
    const unit = MAIN.units[0]!;
    const details = w.bus.events.filter((e) => e.detailType === DETAIL_TYPES.noticeSent && e.detail.unitId === unit.id);
    expect(details.map((e) => e.detail)).toEqual([
      { period: 2026, unitId: unit.id, kind: 'reminder', step: 'T-7', messageId: expect.any(String) },
      { regime: 'dvcq-quy', period: '2026-Q4', unitId: unit.id, kind: 'reminder', step: 'T-1wd', messageId: expect.any(String) },
    ]);
    expect(w.bus.events).toHaveLength(MAIN.units.length + QUARTERLY.units.length);

    // Each audit trail under its own period key.
    expect((await w.audit.list('2026', unit.id)).map((e) => [e.action, e.detail.step])).toEqual([['NOTICE_SENT', 'T-7']]);
    expect((await w.audit.list(Q4, unit.id)).map((e) => [e.action, e.detail.step, e.detail.dueOn])).toEqual([
      ['NOTICE_SENT', 'T-1wd', '2026-12-16'],
    ]);

    // A unit both regimes list gets two emails, each with its own deadline; one only the year lists gets one.
    const to = (email: string) => w.mailer.sent.filter((m) => m.to.includes(email)).map((m) => m.subject);
    expect(to(unit.email)).toEqual([expect.stringContaining('18 tháng 12 năm 2026'), expect.stringContaining('17 tháng 12 năm 2026')]);
    expect(to(MAIN.units[3]!.email)).toHaveLength(1);
  });

  it('a unit that filed the quarter is not chased for it, and still is for the year', async () => {
    const w = world(at8(2026, 12, 16));
    const unit = QUARTERLY.units[0]!;
    const at = new Date('2026-12-15T03:00:00Z').toISOString();
    await w.statuses.put(
      {
        period: Q4,
        unitId: unit.id,
        rev: 1,
        status: 'ON_TIME',
        facts: { versions: 1, firstValidAt: at, firstValidUploadId: 'u1', latestValidUploadId: 'u1', lastUploadAt: at, reasons: [] },
        uploadIds: ['u1'],
        announced: true,
        updatedAt: at,
      },
      null,
    );

    const summary = await sendDueNotices(w, {});

    const chased = (period: string) => summary.notices.filter((n) => n.period === period).map((n) => n.unitId);
    expect(chased(Q4)).toEqual(QUARTERLY.units.slice(1).map((u) => u.id));
    expect(chased('2026')).toContain(unit.id);
  });
});

let uploads = 0;
/** A valid quarterly report, ingested from its object key as the ingest function would, then its status recomputed. */
async function receiveQuarterly(w: ReturnType<typeof world>, unitId: string, at: string) {
  uploads += 1;
  const uploadId = `q${String(uploads).padStart(12, '0')}`;
  const key = objectKeys.incoming(Q4, unitId, uploadId, 'json');
  const report = sampleReport(Q, unitId, Q4);
  // Inside the quarter's window whatever day the sample picks (at 9ae167b it picked a day in March).
  report.planAndSolutions.planDate = '2026-10-05';
  const { versionId, etag } = w.objects.putVersion(key, JSON.stringify(report), 'application/json');
  const size = (await w.objects.head(key))!.size;
  const seeding = { ...w, regime: Q, bus: new MemoryBus(), audit: new MemoryAuditLog(), clock: new FixedClock(new Date(at)) };
  const ingested = await ingestReport(seeding, { bucket: 'reports', key, size, etag, versionId, time: at });
  await updateCompliance(seeding, { period: Q4, unitId });
  return { key, ingested, events: seeding.bus.events };
}

describe('ingest and compliance for a scoped period key', () => {
  it('stores the quarter’s report under its key and names regime and period on the wire; the year is untouched', async () => {
    const w = world(new Date('2026-12-16T03:00:00Z'), Q);
    const unit = QUARTERLY.units[0]!.id;

    const { key, events } = await receiveQuarterly(w, unit, '2026-12-16T03:00:00Z');

    expect(key.startsWith('incoming/dvcq-quy/2026-Q4/')).toBe(true);
    const { versions } = await w.reports.facts(Q4, unit);
    expect(versions.map((v) => [v.period, v.valid, v.report?.period])).toEqual([[Q4, true, '2026-Q4']]);
    expect((await w.statuses.get(Q4, unit))?.status).toBe('ON_TIME');
    expect(await w.statuses.get('2026', unit)).toBeNull();
    expect(keys.unitStatus(Q4, unit).PK).toBe('PERIOD#dvcq-quy/2026-Q4');
    const accepted = events.find((e) => e.detailType === DETAIL_TYPES.reportAccepted);
    expect(accepted?.detail).toMatchObject({ regime: 'dvcq-quy', period: '2026-Q4', unitId: unit });
  });

  it('judges lateness by the quarter’s deadline (Thu 17 Dec), not the year’s (Fri 18 Dec)', async () => {
    const w = world(new Date('2026-12-18T03:00:00Z'), Q);
    const unit = QUARTERLY.units[1]!.id;

    await receiveQuarterly(w, unit, '2026-12-18T03:00:00Z');

    expect((await w.statuses.get(Q4, unit))?.status).toBe('LATE');
  });
});

describe('the summary of a scoped period', () => {
  async function published() {
    const w = world(new Date('2026-12-16T03:00:00Z'), Q);
    for (const u of QUARTERLY.units.slice(0, 2)) await receiveQuarterly(w, u.id, '2026-12-16T03:00:00Z');
    w.clock.set(periodDates(Q, Q4).consolidationAt.toISOString());
    const r = await publishSummary({ ...w, regime: Q }, { period: Q4, send: true });
    return { w, r };
  }

  it('publishes v1 under summaries/dvcq-quy/2026-Q4/, records it under its key and names regime and period in the event', async () => {
    const { w, r } = await published();

    expect(r).toMatchObject({ outcome: 'published', version: 1, sent: true, period: Q4 });
    expect(r.consolidation.rates.overall).toMatchObject({ expected: QUARTERLY.units.length, reported: 2, onTime: 2 });
    expect(r.keys.xlsx.startsWith('summaries/dvcq-quy/2026-Q4/v1/')).toBe(true);
    expect(r.keys.docx.startsWith('summaries/dvcq-quy/2026-Q4/v1/')).toBe(true);
    expect(await w.objects.head(snapshotKey(Q4, 1))).not.toBeNull();
    expect((await w.summaries.latest(Q4))?.version).toBe(1);
    expect(await w.summaries.latest('2026')).toBeNull();
    expect(w.bus.events.filter((e) => e.detailType === DETAIL_TYPES.summaryPublished).map((e) => e.detail)).toEqual([
      { regime: 'dvcq-quy', period: '2026-Q4', version: 1, hash: r.hash, keys: r.keys, sent: true },
    ]);
    expect(w.mailer.sent.at(-1)!.to).toEqual([...new Set(Q.leadership.map((l) => l.email))]);
  });

  it('names the quarter in the email subject ("quý IV năm 2026") and keeps each file name one path segment', async () => {
    const { w, r } = await published();

    const mail = w.mailer.sent.at(-1)!;
    expect(mail.subject).toContain('quý IV năm 2026');
    expect(mail.subject).not.toContain('dvcq-quy/');
    for (const k of [r.keys.xlsx, r.keys.docx]) expect(k.slice('summaries/dvcq-quy/2026-Q4/v1/'.length)).not.toContain('/');
    expect(mail.attachments?.map((a) => a.filename).every((f) => !f.includes('/'))).toBe(true);
  });
});
