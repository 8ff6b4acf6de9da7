import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile, waitFor } from '../../local/upload-client.js';
import { LOCAL_BUCKET, LOCAL_TABLE, type LocalStack } from '../../local/stack.js';
import { setVirtualNow, systemClock } from '../../shared/clock.js';
import { zonedTime } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, type Regime, type Unit } from '../../shared/domain/regime.js';
import type { Regimes } from '../../shared/domain/regimes.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { NoticesSummary } from '../../shared/use-cases/send-due-notices.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import { apiCall } from '../support/api.js';
import { fillTemplate } from '../support/xlsx-fill.js';
import { mailbox, to, type StoredEmail } from '../support/mailbox.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/*
 * Two regimes side by side on one local stack (README "Regimes as data, several side by side"; DESIGN.md section 3 "Regimes"): the seed's
 * annual regime as the main one, and a quarterly regime beside it with a subset of the seed's units
 * (same ids, names and emails: units are shared) plus one unit of its own. Each period has its own
 * statuses, notices and summaries.
 *
 * Hand-computed calendar:
 *   annual 2026: due Fri 18 Dec 2026.
 *   quarterly 2026-Q4: cut-off window 15 Sep → Mon 14 Dec 2026, due the 5th working day after it
 *   (15 16 17 18 21) = Mon 21 Dec 2026; opens 1 Dec 2026.
 *   On Mon 21 Dec 08:00 the annual period is 3 days overdue and the quarter is due that day.
 */
const TZ = DEFAULT_REGIME.timeZone;
const Q_ID = 'dvcq-quy';
const Q_PERIOD = '2026-Q4';
const Q_KEY = `${Q_ID}/${Q_PERIOD}`;
const ANNUAL = '2026';
const seedUnit = (id: string): Unit => {
  const u = DEFAULT_REGIME.units.find((x) => x.id === id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
};
const FILER = seedUnit('so-tu-phap'); // files the quarter only
const SHARED = seedUnit('so-y-te'); // in both, files nothing
const OWN: Unit = {
  id: 'trung-tam-thu',
  name: 'Trung tâm Thử nghiệm',
  group: 'province',
  email: 'vanthu.tttn@kontum.gov.example',
  validFrom: 2019,
};
const QUARTERLY: Regime = parseRegime({
  ...DEFAULT_REGIME,
  id: Q_ID,
  name: 'Báo cáo nhanh kết quả thực hiện công tác dân vận chính quyền hằng quý',
  frequency: 'quarterly',
  deadlineRule: { afterCutOff: { workingDays: 5 } },
  units: [FILER, SHARED, seedUnit('dak-ha'), OWN],
});
const LEADER = DEFAULT_REGIME.leadership[0]!.email;

const local = (day: string, hour: number) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedTime(TZ, y, m, d, hour);
};

let t: TestStack | undefined;
let stack: LocalStack;
let doc: DynamoDBDocumentClient;
let regimes: Regimes;
const admin = () => stack.endpoints.adminToken;
const item = async (PK: string, SK: string) => (await doc.send(new GetCommand({ TableName: LOCAL_TABLE, Key: { PK, SK } }))).Item;
const partition = async (PK: string) =>
  (
    await doc.send(
      new QueryCommand({ TableName: LOCAL_TABLE, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PK } }),
    )
  ).Items ?? [];
const listKeys = async (Prefix: string) =>
  ((await t!.s3.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKET, Prefix }))).Contents ?? []).map((o) => o.Key!).sort();
const mailTo = async (email: string): Promise<StoredEmail[]> => (await mailbox(stack.endpoints.ses)).filter(to(email));

beforeAll(async () => {
  t = await startTestStack('regimes', local('2026-12-10', 10), { otherRegimes: [QUARTERLY], scheduler: 'manual' });
  stack = t.stack;
  doc = DynamoDBDocumentClient.from(t.ddb);
  regimes = (await t.tables.regimes.list())!;

  // FILER uploads its quarterly report through the real presigned POST (POST /uploads carries {regime, period}).
  const { token } = await issueToken({ tokens: t.tables.tokens, clock: systemClock, regimes }, { unitId: FILER.id });
  const q = regimes.all.find((r) => r.id === Q_ID)!;
  const r = await uploadFile(stack.endpoints.app, token, {
    period: Q_KEY,
    body: JSON.stringify(sampleReport(q, FILER.id, Q_KEY)),
    kind: 'json',
    fileName: `${FILER.id}.json`,
  });
  expect([r.presignStatus, r.postStatus]).toEqual([200, 204]);
  await waitFor(async () => {
    await stack.bus.idle();
    return (await t!.tables.statuses.get(Q_KEY, FILER.id))?.status === 'ON_TIME' && (await mailTo(FILER.email)).length > 0;
  }, 'the quarterly report accepted and its receipt sent');
});

afterAll(() => stopTestStack(t));

describe('two regimes side by side on one stack', () => {
  it('the registry holds both: the seed as the main regime, the quarterly one scoped beside it', () => {
    expect(regimes.all.map((r) => [r.id, r.frequency, r.scoped ?? false])).toEqual([
      [DEFAULT_REGIME.id, 'annual', false],
      [Q_ID, 'quarterly', true],
    ]);
  });

  it('GET /status: the unit is accepted for the quarter and still pending for the year', async () => {
    const q = await apiCall(stack.endpoints.app, 'GET', `/status?regime=${Q_ID}&period=${Q_PERIOD}`, admin());
    const main = await apiCall(stack.endpoints.app, 'GET', '/status', admin());

    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ regime: Q_ID, period: Q_PERIOD, periodLabel: 'quý IV năm 2026' });
    const qUnits = q.body.units as { unitId: string; status: string }[];
    expect(qUnits.map((u) => [u.unitId, u.status])).toEqual(
      expect.arrayContaining([
        [FILER.id, 'ON_TIME'],
        [SHARED.id, 'PENDING'],
        [OWN.id, 'PENDING'],
      ]),
    );
    expect(qUnits).toHaveLength(4);
    expect(q.body.rates).toMatchObject({ expected: 4, reported: 1, onTime: 1 });

    expect(main.status).toBe(200);
    expect(main.body).toMatchObject({ period: 2026, periodLabel: 'năm 2026' });
    const mainUnits = main.body.units as { unitId: string; status: string }[];
    expect(mainUnits.find((u) => u.unitId === FILER.id)?.status).toBe('PENDING');
    expect(mainUnits.some((u) => u.unitId === OWN.id)).toBe(false);
    expect(main.body.rates).toMatchObject({ expected: DEFAULT_REGIME.units.length, reported: 0 });
  });

  it('GET /status refuses an unknown regime (404) and a period of the wrong periodicity (400)', async () => {
    const unknown = await apiCall(stack.endpoints.app, 'GET', '/status?regime=khong-co&period=2026', admin());
    const wrong = await apiCall(stack.endpoints.app, 'GET', `/status?regime=${Q_ID}&period=2026`, admin());

    expect([unknown.status, (unknown.body.error as { code: string }).code]).toEqual([404, 'UNKNOWN_REGIME']);
    expect([wrong.status, (wrong.body.error as { code: string }).code]).toEqual([400, 'INVALID_PERIOD']);
  });

  it('stores the quarter under PERIOD#{regime}/{period} and incoming/{regime}/{period}/, nothing under the year', async () => {
    expect(await item(`PERIOD#${Q_KEY}`, `UNIT#${FILER.id}`)).toMatchObject({ status: 'ON_TIME' });
    expect(await item(`PERIOD#${ANNUAL}`, `UNIT#${FILER.id}`)).toBeUndefined();
    expect(await partition(`REPORT#${Q_KEY}#${FILER.id}`)).toHaveLength(1);
    expect(await partition(`REPORT#${ANNUAL}#${FILER.id}`)).toHaveLength(0);
    expect(await listKeys(`incoming/${Q_KEY}/${FILER.id}/`)).toHaveLength(1);
    expect(await listKeys(`incoming/${ANNUAL}/`)).toEqual([]);
  });

  it('the receipt names the quarter and its own deadline', async () => {
    const [receipt, ...more] = await mailTo(FILER.email);

    expect(more).toEqual([]);
    expect(receipt!.subject).toBe(`Xác nhận đã nhận báo cáo quý IV năm 2026 – ${FILER.name}`);
    expect(receipt!.body.text).toContain(`${QUARTERLY.name} quý IV năm 2026`);
    expect(receipt!.body.text).toContain('Báo cáo được nhận trong thời hạn (ngày 21 tháng 12 năm 2026).');
    expect(receipt!.body.text).not.toContain('ngày 18 tháng 12 năm 2026');
  });

  it('the notices job chases each period under its own regime’s dates, with separate ledgers', async () => {
    setVirtualNow(local('2026-12-21', 8));
    const { handler } = (await import('../../functions/notices/handler.js')) as { handler: (e: unknown) => Promise<NoticesSummary> };

    const summary = await handler({ job: 'daily-notices' });
    await stack.bus.idle();

    expect([...summary.periods].sort()).toEqual([ANNUAL, Q_KEY]);
    const of = (unitId: string) => summary.notices.filter((n) => n.unitId === unitId).map((n) => [n.kind, n.deadline, n.outcome] as const);
    // The year is 3 days overdue (due 18 Dec); the quarter is due today (21 Dec): a reminder.
    expect(of(SHARED.id)).toEqual(
      expect.arrayContaining([
        ['overdue', '2026-12-18', 'sent'],
        ['reminder', '2026-12-21', 'sent'],
      ]),
    );
    expect(of(SHARED.id)).toHaveLength(2);
    expect(of(FILER.id)).toEqual([['overdue', '2026-12-18', 'sent']]);
    expect(of(OWN.id)).toEqual([['reminder', '2026-12-21', 'sent']]);

    const shared = (await mailTo(SHARED.email)).map((e) => e.subject).sort();
    expect(shared).toEqual([
      `Nhắc hạn gửi báo cáo quý IV năm 2026 (hết ngày 21 tháng 12 năm 2026) – ${SHARED.name}`,
      `Quá hạn 3 ngày gửi báo cáo năm 2026 – ${SHARED.name}`,
    ]);
    expect((await mailTo(OWN.email)).map((e) => e.subject)).toEqual([
      `Nhắc hạn gửi báo cáo quý IV năm 2026 (hết ngày 21 tháng 12 năm 2026) – ${OWN.name}`,
    ]);
    const ledger = async (period: string, unitId: string) => (await partition(`NOTICE#${period}#${unitId}`)).map((i) => String(i.SK));
    expect(await ledger(ANNUAL, SHARED.id)).toEqual([expect.stringMatching(/^overdue#/)]);
    expect(await ledger(Q_KEY, SHARED.id)).toEqual([expect.stringMatching(/^reminder#/)]);
    // The filer's quarter holds only its receipt; its year, the overdue notice.
    expect(await ledger(Q_KEY, FILER.id)).toEqual([expect.stringMatching(/^receipt#/)]);
    expect(await ledger(ANNUAL, FILER.id)).toEqual([expect.stringMatching(/^overdue#/)]);
  });

  it('a summary of the quarter is stored under summaries/{regime}/{period}/v1/ and mailed, the year untouched', async () => {
    setVirtualNow(local('2026-12-22', 9));

    const r = await apiCall(stack.endpoints.app, 'POST', '/summaries', admin(), { regime: Q_ID, period: Q_PERIOD, send: true });
    await stack.bus.idle();

    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      outcome: 'published',
      regime: Q_ID,
      period: Q_PERIOD,
      periodLabel: 'quý IV năm 2026',
      version: 1,
      sent: true,
    });
    expect(r.body.fileNames).toEqual({
      xlsx: `tong-hop-bao-cao-${Q_ID}-${Q_PERIOD}-v1.xlsx`,
      docx: `du-thao-bao-cao-chung-${Q_ID}-${Q_PERIOD}-v1.docx`,
    });
    expect(await listKeys(`summaries/${Q_KEY}/v1/`)).toEqual(
      expect.arrayContaining([`summaries/${Q_KEY}/v1/tong-hop-bao-cao-${Q_ID}-${Q_PERIOD}-v1.xlsx`]),
    );
    expect(await listKeys(`summaries/${ANNUAL}/`)).toEqual([]);
    expect(await partition(`SUMMARY#${Q_KEY}`)).toHaveLength(1);
    expect(await partition(`SUMMARY#${ANNUAL}`)).toHaveLength(0);

    const [mail, ...more] = (await mailTo(LEADER)).filter((e) => e.subject.includes('Tổng hợp kết quả'));
    expect(more).toEqual([]);
    expect(mail!.subject).toContain('quý IV năm 2026] Tổng hợp kết quả');
    expect(mail!.body.text).toContain('quý IV năm 2026 của 1/4 cơ quan, đơn vị');
    expect(mail!.attachments?.map((a) => a.filename).sort()).toEqual([
      `du-thao-bao-cao-chung-${Q_ID}-${Q_PERIOD}-v1.docx`,
      `tong-hop-bao-cao-${Q_ID}-${Q_PERIOD}-v1.xlsx`,
    ]);
  });

  it('the annual summary is its own: v1 of the year, none of the quarter’s figures', async () => {
    const r = await apiCall(stack.endpoints.app, 'POST', '/summaries', admin(), { period: 2026, send: true });

    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome: 'published', period: 2026, periodLabel: 'năm 2026', version: 1 });
    expect(r.body.regime).toBeUndefined();
    expect(r.body.rates).toMatchObject({ overall: { expected: DEFAULT_REGIME.units.length, reported: 0 } });
    expect(await listKeys(`summaries/${ANNUAL}/v1/`)).toEqual(
      expect.arrayContaining([`summaries/${ANNUAL}/v1/tong-hop-bao-cao-2026-v1.xlsx`]),
    );
    expect(await partition(`SUMMARY#${Q_KEY}`)).toHaveLength(1);
  });

  it('a unit only the quarterly regime lists fills the quarter’s Excel template and files it: accepted, late', async () => {
    const { token } = await issueToken({ tokens: t!.tables.tokens, clock: systemClock, regimes }, { unitId: OWN.id });
    const q = regimes.all.find((r) => r.id === Q_ID)!;
    const res = await fetch(`${stack.endpoints.app}/template.xlsx?regime=${Q_ID}&period=${Q_PERIOD}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const filled = await fillTemplate(new Uint8Array(await res.arrayBuffer()), sampleReport(q, OWN.id, Q_KEY));

    const r = await uploadFile(stack.endpoints.app, token, { period: Q_KEY, body: filled, kind: 'xlsx', fileName: 'bao-cao-quy.xlsx' });
    expect([r.presignStatus, r.postStatus]).toEqual([200, 204]);
    const status = await waitFor(async () => {
      await stack.bus.idle();
      const s = await t!.tables.statuses.get(Q_KEY, OWN.id);
      return s && s.status !== 'PENDING' ? s : undefined;
    }, 'the template upload judged');

    expect([status.status, status.facts?.reasons ?? []]).toEqual(['LATE', []]);
  });
});
