import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { Scheduler, latestFireAt } from '../../local/scheduler.js';
import { LOCAL_TABLE, startLocalStack, type LocalStack } from '../../local/stack.js';
import { tableAdapters } from '../../shared/adapters/dynamodb.adapter.js';
import { EventBridgeBus } from '../../shared/adapters/eventbridge.adapter.js';
import { SesMailer } from '../../shared/adapters/ses.adapter.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { BUS_NAME, DETAIL_TYPES } from '../../shared/definitions/events.js';
import { schedules } from '../../shared/definitions/schedules.js';
import { addDays, zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, RegimeInvalidError, type Regime, type Unit } from '../../shared/domain/regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { Clock, Mailer } from '../../shared/ports.js';
import { NoticesFailedError, sendDueNotices, type NoticesSummary } from '../../shared/use-cases/send-due-notices.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import { regimeSet } from '../../shared/domain/regimes.js';

/*
 * The daily notices job on the real emulators, through a fresh local stack: every day of
 * December 2026 – January 2027 at 08:00 Asia/Ho_Chi_Minh, fired by the stack's scheduler.
 *
 * Hand-computed calendar (deadline Fri 18 Dec 2026; holiday Fri 1 Jan 2027):
 *   T−7 Fri 11 Dec · T−1wd Thu 17 Dec · overdue-1 Mon 21 Dec, then Mondays 28 Dec, 4, 11, 18, 25 Jan
 *   · escalation Tue 29 Dec (7 working days after 18 Dec: 21 22 23 24 25 28 29).
 *   Extension to Fri 8 Jan 2027: T−7 = Fri 1 Jan (holiday) → Thu 31 Dec; T−1wd Thu 7 Jan;
 *   overdue-1 Mon 11 Jan, then 18 and 25 Jan.
 */
const TZ = 'Asia/Ho_Chi_Minh';
const PERIOD = '2026';
const pick = (id: string): Unit => {
  const u = DEFAULT_REGIME.units.find((x) => x.id === id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
};
const HOSTILE_NAME = `<script>alert("x")</script> Đơn vị 'thử' "A&B"\r\nBcc: evil@example.com`;
const UNITS = {
  early: pick('so-tu-phap'), // valid report 5 Dec: nothing
  mid: pick('so-tai-chinh'), // valid report 14 Dec, after T−7
  rejected: pick('dak-ha'), // invalid upload 10 Dec, never a valid one
  never: pick('tp-kon-tum'), // never; its T−7 send "crashes" after the ledger claim
  late: pick('sa-thay'), // valid report 23 Dec, after overdue-1
  extended: pick('ngoc-hoi'), // extension to 8 Jan 2027, never reports
  hostile: {
    id: 'don-vi-thu',
    name: HOSTILE_NAME,
    group: 'district',
    email: 'vanthu.thu@kontum.gov.example',
    validFrom: 2019,
  } satisfies Unit,
};
const REGIME: Regime = parseRegime({ ...DEFAULT_REGIME, units: Object.values(UNITS) });

type Kind = 'reminder' | 'overdue' | 'escalation' | 'other';
/** Expected emails per recipient (the To address) and kind; 'other' are receipts and rejections. */
const EXPECTED: Record<string, Partial<Record<Kind, number>>> = {
  [UNITS.early.email]: { other: 1 },
  [UNITS.mid.email]: { reminder: 1, other: 1 },
  [UNITS.rejected.email]: { reminder: 2, overdue: 6, other: 1 },
  [UNITS.never.email]: { reminder: 2, overdue: 6 },
  [UNITS.late.email]: { reminder: 2, overdue: 1, other: 1 },
  [UNITS.extended.email]: { reminder: 2, overdue: 3 },
  [UNITS.hostile.email]: { reminder: 2, overdue: 6 },
  [REGIME.receivingBody.email]: { escalation: 1 },
};

interface StoredEmail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

const at8 = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, 8);
};
const local = (date: string, hour: number) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, hour);
};

function kindOf(subject: string): Kind {
  if (subject.startsWith('Nhắc hạn gửi báo cáo')) return 'reminder';
  if (subject.startsWith('Quá hạn') || subject.startsWith('Nhắc lại lần')) return 'overdue';
  if (subject.startsWith('Tổng hợp quá hạn')) return 'escalation';
  return 'other';
}

let dataDir: string;
let stack: LocalStack;
let tables: ReturnType<typeof tableAdapters>;
let ddb: DynamoDBClient;
let runHandler: (event: unknown) => Promise<NoticesSummary>;

async function store(): Promise<StoredEmail[]> {
  const res = await fetch(`${stack.endpoints.ses}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

/** Counts per recipient (To) and kind, notices and the rest. */
function tally(emails: StoredEmail[]): Record<string, Partial<Record<Kind, number>>> {
  const out: Record<string, Partial<Record<Kind, number>>> = {};
  for (const e of emails) {
    for (const to of e.destination.to) {
      const k = kindOf(e.subject);
      const row = (out[to] ??= {});
      row[k] = (row[k] ?? 0) + 1;
    }
  }
  return out;
}

const noticesOf = (emails: StoredEmail[], to: string, kind?: Kind) =>
  emails.filter((e) => e.destination.to.includes(to) && (kind ? kindOf(e.subject) === kind : kindOf(e.subject) !== 'other'));

/** The real upload path: token → POST /uploads → presigned POST to S3 → ingest → compliance → receipt. */
async function upload(unit: Unit, at: Date, body: string) {
  setVirtualNow(at);
  const { token } = await issueToken({ tokens: tables.tokens, clock: systemClock, regimes: regimeSet(REGIME) }, { unitId: unit.id });
  const res = await fetch(`${stack.endpoints.app}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ period: 2026, fileName: 'bao-cao.json', contentType: 'application/json', size: Buffer.byteLength(body) }),
  });
  expect(res.status).toBe(200);
  const { url, fields } = (await res.json()) as { url: string; fields: Record<string, string> };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([body], { type: 'application/json' }), 'bao-cao.json');
  const posted = await fetch(url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  await stack.bus.idle();
}

/** `cli check-overdue` as its own process (another runtime of the same handler), against endpoints.json. */
async function cli(args: { at: string; dryRun?: boolean }): Promise<string> {
  const call = `import('./local/commands/check-overdue.ts').then((m) => m.checkOverdue(${JSON.stringify({
    period: PERIOD,
    at: args.at,
    dryRun: args.dryRun ?? false,
    endpointsFile: join(dataDir, 'endpoints.json'),
  })})).catch((e) => { console.error(e); process.exit(1); })`;
  const { stdout } = await promisify(execFile)(resolve('node_modules/.bin/tsx'), ['-e', call], {
    cwd: resolve('.'),
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  return stdout;
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-notices-'));
  setVirtualNow(local('2026-12-01', 7));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    quiet: true,
    regime: REGIME,
    scheduler: 'manual',
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  await fetch(`${stack.endpoints.ses}/clear-store`, { method: 'POST' });
  ddb = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  tables = tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_TABLE);
  // The same module instance the stack's scheduler invokes (the first stack of a process imports the plain module).
  runHandler = ((await import('../../functions/notices/handler.js')) as { handler: typeof runHandler }).handler;
});

afterAll(async () => {
  await stack?.stop();
  ddb?.destroy();
  resetClock();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('daily notices on the emulators, 1 Dec 2026 – 31 Jan 2027', () => {
  it('sends exactly the expected emails per unit and kind; re-running a day adds none; a send that crashed after the claim is recovered by the next run', async () => {
    // Prepare: an extension granted on 1 Dec, as the admin API records it (fact + "Deadline Extended").
    setVirtualNow(local('2026-12-01', 7));
    await tables.reports.putExtension(PERIOD, UNITS.extended.id, {
      until: '2027-01-08',
      reason: 'Thiên tai',
      grantedAt: systemClock.now().toISOString(),
    });
    const events = new EventBridgeClient({ endpoint: stack.bus.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await new EventBridgeBus(events, BUS_NAME).publish([
      { detailType: DETAIL_TYPES.deadlineExtended, detail: { period: 2026, unitId: UNITS.extended.id } },
    ]);
    events.destroy();
    await stack.bus.idle();
    expect((await tables.statuses.get(PERIOD, UNITS.extended.id))?.facts.extensionUntil).toBe('2027-01-08');

    const uploads: Record<string, () => Promise<void>> = {
      '2026-12-05': () => upload(UNITS.early, local('2026-12-05', 10), JSON.stringify(sampleReport(REGIME, UNITS.early.id, PERIOD))),
      '2026-12-10': () =>
        upload(
          UNITS.rejected,
          local('2026-12-10', 15),
          JSON.stringify({ formVersion: REGIME.formVersion, unitId: UNITS.rejected.id, period: 2026 }),
        ),
      '2026-12-14': () => upload(UNITS.mid, local('2026-12-14', 10), JSON.stringify(sampleReport(REGIME, UNITS.mid.id, PERIOD))),
      '2026-12-23': () => upload(UNITS.late, local('2026-12-23', 10), JSON.stringify(sampleReport(REGIME, UNITS.late.id, PERIOD))),
    };

    // Act: every day at 08:00, the stack's scheduler fires the DailyNotices schedule.
    for (let day = '2026-12-01'; day <= '2027-01-31'; day = addDays(day, 1)) {
      if (day === '2026-12-11') {
        // A sender that crashed at 08:00 between the ledger claim and the send.
        expect(
          await tables.notices.claim({
            period: PERIOD,
            unitId: UNITS.never.id,
            kind: 'reminder',
            step: 'T-7',
            claimedAt: at8(day).toISOString(),
          }),
        ).toBe(true);
      }
      if (day === '2026-12-17') {
        // check-overdue from another process, first as a dry run: it is the same job and the same ledger.
        const before = (await store()).length;
        const dry = await cli({ at: day, dryRun: true });
        expect((await store()).length).toBe(before);
        expect(dry).toContain('Chạy thử (--dry-run)');
        expect(dry.split('\n').filter((l) => l.includes('T-1wd') && l.includes('Sẽ gửi'))).toHaveLength(4);
        const real = await cli({ at: day });
        expect(real).toContain('Đã gửi: 4 thư nhắc hạn, 0 thông báo quá hạn, 0 thư tổng hợp');
        expect((await store()).length).toBe(before + 4);
      }

      setVirtualNow(at8(day));
      const fired = await stack.scheduler.tick(at8(day));
      const daily = fired.filter((f) => f.scheduleId === 'DailyNotices');
      expect(daily.map((f) => [f.ok, f.error, f.attempts])).toEqual([[true, undefined, 1]]);
      await stack.bus.idle();
      const after = (await store()).length;

      // The crashed sender's claim is fresh at 08:00: the scheduled run leaves it alone.
      if (day === '2026-12-11') expect(noticesOf(await store(), UNITS.never.email)).toHaveLength(0);

      // A second delivery of the same day's schedule, 5 minutes later: nothing new — except the
      // notice whose send crashed, now a stale claim (> STALE_CLAIM_MS), which it sends once.
      setVirtualNow(new Date(at8(day).getTime() + 5 * 60_000));
      const rerun = await runHandler({ job: 'daily-notices' });
      const recovered = day === '2026-12-11' ? 1 : 0;
      expect([day, rerun.counts]).toEqual([day, { reminder: recovered, overdue: 0, escalation: 0 }]);
      expect((await store()).length).toBe(after + recovered);
      if (day === '2026-12-11') {
        expect(rerun.notices.filter((n) => n.outcome === 'sent').map((n) => n.unitId)).toEqual([UNITS.never.id]);
        expect(noticesOf(await store(), UNITS.never.email, 'reminder')).toHaveLength(1);
      }
      await uploads[day]?.();
    }
    await stack.bus.idle();

    // Assess: exactly the hand-computed emails.
    const emails = await store();
    const unitAddresses = new Set(Object.keys(EXPECTED));
    const counted = Object.fromEntries(Object.entries(tally(emails)).filter(([to]) => unitAddresses.has(to)));
    // Sở Nội vụ is also a leadership recipient of the AnnualSummary schedule (20 Dec): only its notices count here.
    delete counted[REGIME.receivingBody.email]?.other;
    expect(counted).toEqual(EXPECTED);
    const notices = emails.filter((e) => kindOf(e.subject) !== 'other');
    expect(notices.map((e) => kindOf(e.subject)).reduce<Record<string, number>>((c, k) => ({ ...c, [k]: (c[k] ?? 0) + 1 }), {})).toEqual({
      reminder: 11,
      overdue: 22,
      escalation: 1,
    });

    const digest = noticesOf(emails, REGIME.receivingBody.email, 'escalation')[0]!;
    expect(digest.destination.cc).toEqual(REGIME.leadership.map((l) => l.email).filter((e) => e !== REGIME.receivingBody.email));
    for (const u of [UNITS.rejected, UNITS.never, UNITS.hostile]) expect(digest.body.html).toContain(u.email);
    for (const u of [UNITS.early, UNITS.mid, UNITS.late, UNITS.extended]) expect(digest.body.html).not.toContain(u.email);

    // The ledger holds every notice as sent, including the one whose send had crashed.
    expect((await tables.notices.get(PERIOD, UNITS.never.id, 'reminder', 'T-7'))?.state).toBe('sent');
    // "Notice Sent" for every notice, shown in the audit trail.
    const noticeEvents = stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.noticeSent);
    expect(noticeEvents.length).toBe(34); // the CLI runs the handler against this stack's bus too
    expect(
      (await tables.audit.list(PERIOD, UNITS.extended.id)).filter((a) => a.action === 'NOTICE_SENT').map((a) => a.detail.step),
    ).toEqual(['T-7@2027-01-08', 'T-1wd@2027-01-08', 'overdue-1@2027-01-08', 'overdue-2@2027-01-08', 'overdue-3@2027-01-08']);

    // Re-running any day of the season, after the fact, adds none.
    for (let day = '2026-12-01'; day <= '2027-01-31'; day = addDays(day, 1)) {
      setVirtualNow(new Date(at8(day).getTime() + 3 * 3_600_000));
      const again = await runHandler({ job: 'daily-notices' });
      expect([day, again.counts]).toEqual([day, { reminder: 0, overdue: 0, escalation: 0 }]);
    }
    expect((await store()).length).toBe(emails.length);
  }, 300_000);

  it('escapes a hostile unit name in every stored email and keeps the subject on one line', async () => {
    const emails = await store();
    const mine = [...noticesOf(emails, UNITS.hostile.email), ...noticesOf(emails, REGIME.receivingBody.email, 'escalation')];
    expect(mine).toHaveLength(9);
    for (const e of mine) {
      expect(e.body.html).not.toContain('<script>');
      expect(e.body.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Đơn vị &#39;thử&#39; &quot;A&amp;B&quot;');
      expect(e.subject).not.toMatch(/[\r\n]/);
      expect(e.destination.bcc).toEqual([]);
    }
  });

  it('rejects a custom regime whose unit contact carries a header injection', () => {
    const bad = { ...UNITS.hostile, email: 'vanthu.thu@kontum.gov.example\r\nBcc: evil@example.com' };
    expect(() => parseRegime({ ...REGIME, units: [bad] })).toThrow(RegimeInvalidError);
  });

  it('a mailer that throws once: the other units are sent, the failed one on the retry, no duplicate', async () => {
    // Prepare: period 2025 (no reports at all), T−7 on Thu 11 Dec 2025; the real table, SES and bus.
    const clock: Clock = { now: () => at8('2025-12-11') };
    const ses = new SESv2Client({ endpoint: stack.endpoints.ses, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const events = new EventBridgeClient({ endpoint: stack.bus.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const real = new SesMailer(ses, { from: 'baocao@kontum.gov.example', configurationSet: 'baocao' });
    let failures = 1;
    const flaky: Mailer = {
      send: async (m) => {
        if (m.to.includes(UNITS.never.email) && failures-- > 0) throw new Error('connection reset');
        return real.send(m);
      },
    };
    const deps = {
      ...tables,
      ledger: tables.notices,
      mailer: flaky,
      bus: new EventBridgeBus(events, BUS_NAME),
      clock,
      regimes: regimeSet(REGIME),
      appUrl: stack.endpoints.app,
    };
    const before = (await store()).length;

    // Act
    const first = await sendDueNotices(deps, { periods: ['2025'] }).catch((e: unknown) => e);
    const afterFirst = (await store()).length;
    const retry = await sendDueNotices(deps, { periods: ['2025'] });
    const third = await sendDueNotices(deps, { periods: ['2025'] });

    // Assess
    expect(first).toBeInstanceOf(NoticesFailedError);
    expect((first as NoticesFailedError).summary.counts.reminder).toBe(6);
    expect(afterFirst - before).toBe(6);
    expect((await tables.notices.get('2025', UNITS.never.id, 'reminder', 'T-7'))?.state).toBe('sent');
    expect(retry.notices.filter((n) => n.outcome === 'sent').map((n) => n.unitId)).toEqual([UNITS.never.id]);
    expect(third.counts.reminder).toBe(0);
    const added = (await store()).slice(before);
    expect(added).toHaveLength(7);
    expect(new Set(added.map((e) => e.destination.to[0])).size).toBe(7);
    ses.destroy();
    events.destroy();
  });
});

describe('local scheduler: the same schedule definitions, fired against a clock', () => {
  // The notices and the summary; the night's reconciliation is tested in reconcile.test.ts.
  const defs = schedules(DEFAULT_REGIME).filter((d) => d.id !== 'DailyReconcile');
  const recorder = () => {
    const calls: { target: string; job: string }[] = [];
    return { calls, invoke: async (target: string, input: { job: string }) => void calls.push({ target, job: input.job }) };
  };

  it('fires the daily job once a day after 08:00 local, and a catch-up once, not once per missed day', async () => {
    const r = recorder();
    const s = new Scheduler({ schedules: defs, invoke: r.invoke, log: () => {} });

    const early = await s.tick(local('2026-12-01', 7));
    const eight = await s.tick(at8('2026-12-01'));
    const noon = await s.tick(local('2026-12-01', 12));
    const catchUp = await s.tick(local('2026-12-05', 9));

    expect([early, noon].map((f) => f.length)).toEqual([0, 0]);
    // SummaryUpdate is daily too (it does nothing outside its window, decided by the job itself).
    expect(eight.map((f) => [f.scheduleId, f.fireAt.toISOString()])).toEqual([
      ['DailyNotices', at8('2026-12-01').toISOString()],
      ['SummaryUpdate', at8('2026-12-01').toISOString()],
    ]);
    expect(catchUp.map((f) => [f.scheduleId, f.fireAt.toISOString()])).toEqual([
      ['DailyNotices', at8('2026-12-05').toISOString()],
      ['SummaryUpdate', at8('2026-12-05').toISOString()],
    ]);
    expect(r.calls).toEqual([
      { target: 'notices', job: 'daily-notices' },
      { target: 'summary', job: 'summary-update' },
      { target: 'notices', job: 'daily-notices' },
      { target: 'summary', job: 'summary-update' },
    ]);
  });

  it('fires the annual summary on the regime’s date, and not last year’s when started later', async () => {
    const r = recorder();
    const s = new Scheduler({ schedules: defs, invoke: r.invoke, log: () => {} });

    const january = await s.tick(local('2027-01-05', 9));
    const dec20 = await s.tick(local('2027-12-20', 9));

    expect(january.map((f) => f.scheduleId)).toEqual(['DailyNotices', 'SummaryUpdate']);
    expect(dec20.map((f) => f.scheduleId)).toEqual(['DailyNotices', 'AnnualSummary', 'SummaryUpdate']);
    expect(latestFireAt(defs[1]!, local('2027-12-20', 7)).toISOString()).toBe(local('2026-12-20', 8).toISOString());
  });

  it('retries a failed invocation and reports the outcome', async () => {
    let calls = 0;
    const s = new Scheduler({
      schedules: defs.slice(0, 1),
      invoke: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return 'ok';
      },
      retry: { attempts: 3, delayMs: 1 },
      log: () => {},
    });

    const [firing] = await s.tick(at8('2026-12-21'));

    expect(firing).toMatchObject({ ok: true, attempts: 2, result: 'ok' });
  });

  it('ticks by itself in real-time mode with its clock, and stops', async () => {
    const r = recorder();
    const s = new Scheduler({ schedules: defs.slice(0, 1), invoke: r.invoke, clock: { now: () => at8('2026-12-21') }, log: () => {} });

    s.start(5);
    await new Promise((res) => setTimeout(res, 60));
    await s.stop();
    const count = r.calls.length;
    await new Promise((res) => setTimeout(res, 30));

    expect(count).toBe(1);
    expect(r.calls.length).toBe(count);
  });
});
