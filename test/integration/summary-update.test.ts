import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import type { Firing } from '../../local/scheduler.js';
import { setVirtualNow, systemClock } from '../../shared/clock.js';
import { zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ComplianceStatus } from '../../shared/domain/status.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import { uploadJsonReport } from '../support/api.js';
import { mailbox, type StoredEmail } from '../support/mailbox.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/**
 * "The summary stays current" on the real emulators: a fresh local stack with the manual scheduler
 * (the same schedule definitions CDK deploys) driven day by day on the virtual clock; what the
 * leadership receives is read from the SES emulator's store.
 */
const regime = DEFAULT_REGIME;
const PERIOD = '2026';
const TZ = regime.timeZone;
const ON_TIME = ['so-tu-phap', 'so-y-te', 'dak-ha'];
const LATE = 'ngoc-hoi';
const LATER = 'kon-ray';
const LEADER = regime.leadership[0]!.email;
const name = (id: string) => regime.units.find((u) => u.id === id)!.name;

let t: TestStack | undefined;
let stack: LocalStack;
let tables: TestStack['tables'];

const local = (day: string, hour: number, minute = 0) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, hour, minute);
};

const summaryMail = async (): Promise<StoredEmail[]> =>
  (await mailbox(stack.endpoints.ses)).filter((e) => e.destination.to.includes(LEADER) && e.subject.includes('Tổng hợp kết quả'));

/** The morning tick at 08:00 local, as EventBridge Scheduler fires it; the summary jobs' firings. */
async function morning(day: string): Promise<Firing[]> {
  const at = local(day, 8);
  setVirtualNow(at);
  const fired = await stack.scheduler.tick(at);
  await stack.bus.idle();
  for (const f of fired) expect([f.scheduleId, f.ok, f.error]).toEqual([f.scheduleId, true, undefined]);
  return fired.filter((f) => f.target === 'summary');
}

async function upload(unitId: string, at: Date, status: ComplianceStatus): Promise<void> {
  setVirtualNow(at);
  const { token } = await issueToken({ tokens: tables.tokens, clock: systemClock, regimes: regimeSet(regime) }, { unitId });
  await uploadJsonReport(stack.endpoints.app, token, unitId, PERIOD, sampleReport(regime, unitId, PERIOD));
  const until = Date.now() + 20_000;
  for (;;) {
    await stack.bus.idle();
    if ((await tables.statuses.get(PERIOD, unitId))?.status === status) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${unitId} → ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function summaryHandler(event: unknown): Promise<unknown> {
  const { handler } = await import('../../functions/summary/handler.js');
  return handler(event);
}

beforeAll(async () => {
  t = await startTestStack('summary-update', local('2026-12-01', 10), {
    scheduler: 'manual',
    retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
  });
  ({ stack, tables } = t);
  for (const unitId of ON_TIME) await upload(unitId, local('2026-12-01', 10), 'ON_TIME');
});

afterAll(() => stopTestStack(t));

describe('the summary stays current after the consolidation date (SummaryUpdate schedule)', () => {
  it('the consolidation morning sends v1 once: the annual run publishes, the daily update finds it unchanged', async () => {
    const fired = await morning('2026-12-20');

    expect(fired.map((f) => f.scheduleId)).toEqual(['AnnualSummary', 'SummaryUpdate']);
    expect(fired[1]!.result).toEqual({ results: [{ period: PERIOD, outcome: 'unchanged', version: 1, sent: false }] });
    const mail = await summaryMail();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body.text).toContain(`Tỷ lệ báo cáo chung 9,7%: khối sở, ban, ngành`);
  });

  it('a day with no change sends nothing', async () => {
    const fired = await morning('2026-12-21');

    expect(fired.map((f) => [f.scheduleId, f.result])).toEqual([
      ['SummaryUpdate', { results: [{ period: PERIOD, outcome: 'unchanged', version: 1, sent: false }] }],
    ]);
    expect(await summaryMail()).toHaveLength(1);
  });

  it('a late report after the consolidation date produces exactly one update the next morning, saying what changed', async () => {
    await upload(LATE, local('2026-12-22', 10), 'LATE');

    const fired = await morning('2026-12-23');

    expect(fired.map((f) => f.result)).toEqual([{ results: [{ period: PERIOD, outcome: 'published', version: 2, sent: true }] }]);
    const mail = await summaryMail();
    expect(mail).toHaveLength(2);
    const update = mail[1]!;
    expect(update.subject).toContain('bản cập nhật số 2');
    expect(update.destination.to).toEqual(regime.leadership.map((l) => l.email));
    expect(update.body.text).toContain('THAY ĐỔI SO VỚI BẢN SỐ 1');
    expect(update.body.text).toContain(`- Tính thêm số liệu của ${name(LATE)} (nộp trễ hạn).`);
    expect(update.body.text).toContain(`- Còn ${regime.units.length - 4} cơ quan, đơn vị chưa gửi báo cáo:`);
    expect(update.body.text).toContain('1 đơn vị nộp trễ hạn');
    expect(update.body.html).toContain('Thay đổi so với bản số 1');
    expect(update.attachments?.map((a) => a.filename).sort()).toEqual([
      'du-thao-bao-cao-chung-2026-v2.docx',
      'tong-hop-bao-cao-2026-v2.xlsx',
    ]);
  });

  it('a second run the same day sends nothing, even with a new change; the next morning sends it as v3', async () => {
    await upload(LATER, local('2026-12-23', 10), 'LATE');
    setVirtualNow(local('2026-12-23', 15));

    const again = await summaryHandler({ job: 'summary-update' });
    const mailSameDay = await summaryMail();
    const next = await morning('2026-12-24');

    expect(again).toEqual({ results: [{ period: PERIOD, outcome: 'held', version: 2, sent: false }] });
    expect(mailSameDay).toHaveLength(2);
    expect(next.map((f) => f.result)).toEqual([{ results: [{ period: PERIOD, outcome: 'published', version: 3, sent: true }] }]);
    const mail = await summaryMail();
    expect(mail).toHaveLength(3);
    expect(mail[2]!.body.text).toContain(`- Tính thêm số liệu của ${name(LATER)} (nộp trễ hạn).`);
    expect(mail[2]!.body.text).not.toContain(name(LATE) + ' (nộp trễ hạn)');
  });

  it('sends nothing once the period is closed (consolidation date + 30 days), even when the data changed', async () => {
    await upload('sa-thay', local('2027-01-10', 10), 'LATE');

    const fired = await morning('2027-01-19');

    expect(fired.map((f) => [f.scheduleId, f.result])).toEqual([['SummaryUpdate', { results: [] }]]);
    expect(await summaryMail()).toHaveLength(3);
    expect((await tables.summaries.latest(PERIOD))?.version).toBe(3);
  });
});
