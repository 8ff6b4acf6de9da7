import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import type { StatusFacts } from '../../shared/domain/status.js';
import type { MailMessage } from '../../shared/ports.js';
import { chasedPeriods, NoticesFailedError, sendDueNotices, type NoticesSummary } from '../../shared/use-cases/send-due-notices.js';
import { LIVE_LINK_NOTE } from '../../shared/email/unit-email.js';
import { MemoryStatusStore, memoryWorld } from '../support/memory-ports.js';

/*
 * Period 2026 of the default calendar: deadline Fri 18 Dec 2026; T−7 Fri 11 Dec, T−1wd Thu 17 Dec,
 * overdue-1 Mon 21 Dec, escalation Tue 29 Dec (7 working days after the deadline).
 */
const TZ = 'Asia/Ho_Chi_Minh';
const APP = 'http://localhost:3000';
const at8 = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, 8);
};

function smallRegime(overrides: Partial<Regime['notices']> = {}, units = DEFAULT_REGIME.units.slice(0, 4)): Regime {
  return parseRegime({ ...DEFAULT_REGIME, notices: { ...DEFAULT_REGIME.notices, ...overrides }, units });
}

const world = (date: string, regime: Regime = smallRegime()) => ({
  ...memoryWorld(at8(date), regime),
  regimes: regimeSet(regime),
  appUrl: APP,
});
type World = ReturnType<typeof world>;

/** A unit that sent a valid report at `at` (ISO with offset). */
async function reported(w: World, unitId: string, at: string) {
  const receivedAt = new Date(at).toISOString();
  const facts: StatusFacts = {
    versions: 1,
    firstValidAt: receivedAt,
    firstValidUploadId: 'u1',
    latestValidUploadId: 'u1',
    lastUploadAt: receivedAt,
    reasons: [],
  };
  await w.statuses.put(
    { period: '2026', unitId, rev: 1, status: 'ON_TIME', facts, uploadIds: ['u1'], announced: true, updatedAt: receivedAt },
    null,
  );
}

const ids = (regime: Regime) => regime.units.map((u) => u.id);
const recipientsOf = (sent: MailMessage[]) => sent.map((m) => m.to.join(','));

describe('sendDueNotices', () => {
  it('sends each due reminder to the unit’s contact, pointing to its one live link without minting one, publishes "Notice Sent" and audits it', async () => {
    const w = world('2026-12-11');

    const summary = await sendDueNotices(w, {});

    expect(summary.periods).toEqual(['2026']);
    expect(summary.counts).toEqual({ reminder: 4, overdue: 0, escalation: 0 });
    expect(recipientsOf(w.mailer.sent)).toEqual(w.regime.units.map((u) => u.email));
    const first = w.mailer.sent[0]!;
    expect(first.subject).toContain('ngày 18 tháng 12 năm 2026');
    expect(first.text).not.toContain('#t=');
    expect(first.text).toContain(LIVE_LINK_NOTE);
    expect(w.tokens.items.size).toBe(0);
    expect(w.bus.events).toHaveLength(4);
    expect(w.bus.events[0]).toEqual({
      detailType: DETAIL_TYPES.noticeSent,
      detail: { period: 2026, unitId: w.regime.units[0]!.id, kind: 'reminder', step: 'T-7', messageId: 'm-1' },
    });
    const audit = await w.audit.list('2026', w.regime.units[0]!.id);
    expect(audit.map((e) => [e.action, e.detail.kind, e.detail.step])).toEqual([['NOTICE_SENT', 'reminder', 'T-7']]);
  });

  it('dry run: reports what would be sent and sends, claims, issues, publishes and records nothing', async () => {
    const w = world('2026-12-11');

    const summary = await sendDueNotices(w, { dryRun: true });

    expect(summary.dryRun).toBe(true);
    expect(summary.counts.reminder).toBe(4);
    expect(summary.notices.map((n) => [n.unitId, n.step, n.outcome])).toEqual(ids(w.regime).map((id) => [id, 'T-7', 'would-send']));
    expect(w.mailer.sent).toEqual([]);
    expect(w.ledger.items.size).toBe(0);
    expect(w.tokens.items.size).toBe(0);
    expect(w.bus.events).toEqual([]);
    expect(w.audit.chains.size).toBe(0);
  });

  it('dry run after a real run shows the sent notices as skipped', async () => {
    const w = world('2026-12-11');
    await sendDueNotices(w, {});

    const summary = await sendDueNotices(w, { dryRun: true });

    expect(summary.counts).toEqual({ reminder: 0, overdue: 0, escalation: 0 });
    expect(summary.notices.every((n) => n.outcome === 'skipped')).toBe(true);
  });

  it('re-running the same day (a duplicate schedule delivery) sends nothing new', async () => {
    const w = world('2026-12-21');
    const first = await sendDueNotices(w, {});
    w.clock.set(new Date(at8('2026-12-21').getTime() + 3_600_000).toISOString());

    const again = await sendDueNotices(w, {});

    expect(first.counts.overdue).toBe(4);
    expect(again.counts).toEqual({ reminder: 0, overdue: 0, escalation: 0 });
    expect(again.skipped).toBe(4);
    expect(w.mailer.sent).toHaveLength(4);
    expect(w.bus.events).toHaveLength(4);
    // One live link per unit: notices mint none (shared/use-cases/tokens.ts).
    expect(w.tokens.items.size).toBe(0);
  });

  it('a mailer failure on one unit still sends the others, then the retry sends only the failed one', async () => {
    const w = world('2026-12-17');
    w.mailer.failNext = 1; // the first unit's send fails
    const [failedUnit, ...others] = w.regime.units;

    const error = await sendDueNotices(w, {}).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(NoticesFailedError);
    const failedRun = (error as NoticesFailedError).summary;
    expect(failedRun.failed).toBe(1);
    expect(failedRun.counts.reminder).toBe(3);
    expect(failedRun.notices.find((n) => n.outcome === 'failed')).toMatchObject({
      unitId: failedUnit!.id,
      step: 'T-1wd',
      error: 'SES throttled',
    });
    expect(recipientsOf(w.mailer.sent)).toEqual(others.map((u) => u.email));
    expect((await w.ledger.get('2026', failedUnit!.id, 'reminder', 'T-1wd'))?.state).toBe('failed');

    const retry = await sendDueNotices(w, {});

    expect(retry.counts.reminder).toBe(1);
    expect(retry.skipped).toBe(3);
    expect(recipientsOf(w.mailer.sent).sort()).toEqual(w.regime.units.map((u) => u.email).sort());
  });

  it('a failure after the send (the bus) is reported, and the retry does not send the email twice', async () => {
    const w = world('2026-12-17');
    w.bus.failNext = 1;

    await expect(sendDueNotices(w, {})).rejects.toBeInstanceOf(NoticesFailedError);
    await sendDueNotices(w, {});

    expect(w.mailer.sent).toHaveLength(4);
  });

  it('a claim left by a crashed sender is taken over once it is stale, without a duplicate', async () => {
    const w = world('2026-12-21');
    const crashed = w.regime.units[1]!.id;
    await w.ledger.claim({
      period: '2026',
      unitId: crashed,
      kind: 'overdue',
      step: 'overdue-1',
      claimedAt: at8('2026-12-21').toISOString(),
    });

    const sameMoment = await sendDueNotices(w, {});
    w.clock.set('2026-12-22T01:00:00Z');
    const nextDay = await sendDueNotices(w, {});
    const dayAfter = await sendDueNotices(w, {});

    expect(sameMoment.notices.find((n) => n.unitId === crashed)?.outcome).toBe('skipped');
    expect(nextDay.notices.filter((n) => n.outcome === 'sent').map((n) => [n.unitId, n.step])).toEqual([[crashed, 'overdue-1']]);
    expect(dayAfter.counts.overdue).toBe(0);
    expect(w.mailer.sent.filter((m) => m.to.includes(w.regime.units[1]!.email))).toHaveLength(1);
  });

  it('a catch-up run after days of downtime sends one notice per unit: the latest due step', async () => {
    const w = world('2026-12-22');

    const summary = await sendDueNotices(w, {});

    expect(summary.notices.map((n) => [n.kind, n.step])).toEqual(ids(w.regime).map(() => ['overdue', 'overdue-1']));
  });

  it('sends nothing to units that reported', async () => {
    const w = world('2026-12-21');
    await reported(w, w.regime.units[0]!.id, '2026-12-10T09:00:00+07:00');

    const summary = await sendDueNotices(w, {});

    expect(summary.notices.map((n) => n.unitId)).toEqual(ids(w.regime).slice(1));
  });

  it('escalates once to Sở Nội vụ with the leadership copied, listing only the overdue units', async () => {
    const w = world('2026-12-29');
    await reported(w, w.regime.units[0]!.id, '2026-12-10T09:00:00+07:00');

    const summary = await sendDueNotices(w, {});
    const again = await sendDueNotices(w, {});

    const digest = w.mailer.sent.filter((m) => m.subject.startsWith('Tổng hợp quá hạn'));
    expect(digest).toHaveLength(1);
    expect(digest[0]!.to).toEqual([DEFAULT_REGIME.receivingBody.email]);
    // Sở Nội vụ is also on the leadership list: addressed once.
    expect(digest[0]!.cc).toEqual(DEFAULT_REGIME.leadership.map((l) => l.email).filter((e) => e !== DEFAULT_REGIME.receivingBody.email));
    expect(digest[0]!.subject).toContain('3 đơn vị');
    for (const u of w.regime.units.slice(1)) expect(digest[0]!.html).toContain(u.email);
    expect(digest[0]!.html).not.toContain(w.regime.units[0]!.email);
    expect(summary.notices.find((n) => n.kind === 'escalation')).toMatchObject({
      unitId: '*',
      outcome: 'sent',
      listed: ids(w.regime).slice(1),
    });
    expect(again.counts.escalation).toBe(0);
    expect((await w.audit.list('2026', '*')).map((e) => e.detail.kind)).toEqual(['escalation']);
  });

  it('escalates to Sở Nội vụ alone when the regime does not copy the leadership, or to the configured receiver', async () => {
    const w = world('2026-12-29', smallRegime({ escalateToLeadership: false }));
    const v = { ...world('2026-12-29'), receiverEmail: 'tonghop@kontum.gov.example' };

    await sendDueNotices(w, { periods: ['2026'] });
    await sendDueNotices(v, { periods: ['2026'] });

    const digest = w.mailer.sent.find((m) => m.subject.startsWith('Tổng hợp quá hạn'))!;
    expect([digest.to, digest.cc]).toEqual([[DEFAULT_REGIME.receivingBody.email], undefined]);
    expect(v.mailer.sent.find((m) => m.subject.startsWith('Tổng hợp quá hạn'))!.to).toEqual(['tonghop@kontum.gov.example']);
  });

  it('escapes a hostile unit name in the HTML and keeps the subject on one line', async () => {
    const hostile = { ...DEFAULT_REGIME.units[0]!, name: '<script>alert("x")</script> Đơn vị \'thử\'\r\nBcc: evil@example.com' };
    const w = world('2026-12-11', smallRegime({}, [hostile]));

    await sendDueNotices(w, {});

    const [m] = w.mailer.sent;
    expect(m!.html).not.toContain('<script>');
    expect(m!.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Đơn vị &#39;thử&#39;');
    expect(m!.subject).not.toMatch(/[\r\n]/);
    expect(m!.to).toEqual([hostile.email]);
  });

  it('rejects a regime whose unit contact carries a header injection', () => {
    const bad = { ...DEFAULT_REGIME.units[0]!, email: 'vanthu@kontum.gov.example\r\nBcc: evil@example.com' };
    expect(() => smallRegime({}, [bad])).toThrow(/units\.0\.email/);
  });

  it('keeps going when one period cannot be read, and reports it', async () => {
    class FlakyStatuses extends MemoryStatusStore {
      override async list(period: string) {
        if (period === '2025') throw new Error('throttled');
        return super.list(period);
      }
    }
    const broken = { ...world('2026-12-11'), statuses: new FlakyStatuses() };

    const error = (await sendDueNotices(broken, { periods: ['2025', '2026'] }).catch((e: unknown) => e)) as NoticesFailedError;

    expect(error).toBeInstanceOf(NoticesFailedError);
    expect(error.summary.periodErrors).toEqual([{ period: '2025', error: 'throttled' }]);
    expect(error.summary.counts.reminder).toBe(4);
  });

  it('chases the latest opened period by default: the previous year’s until the new one opens', () => {
    const r = DEFAULT_REGIME;
    expect(chasedPeriods(r, at8('2026-12-11'))).toEqual(['2026']);
    expect(chasedPeriods(r, at8('2027-01-25'))).toEqual(['2026']);
    expect(chasedPeriods(r, zonedTime(TZ, 2027, 10, 31, 23, 59))).toEqual(['2026']);
    expect(chasedPeriods(r, zonedTime(TZ, 2027, 11, 1, 0, 0))).toEqual(['2027']);
    expect(chasedPeriods(parseRegime({ ...r, firstPeriod: 2027 }), at8('2027-01-25'))).toEqual([]);
  });

  it('counts outcomes consistently with the list', async () => {
    const w = world('2026-12-29');
    const s: NoticesSummary = await sendDueNotices(w, {});
    const sent = s.notices.filter((n) => n.outcome === 'sent');
    expect(s.counts.overdue + s.counts.escalation + s.counts.reminder).toBe(sent.length);
    expect(w.mailer.sent).toHaveLength(sent.length);
  });
});
