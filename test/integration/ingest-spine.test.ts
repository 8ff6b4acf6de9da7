import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { PeriodStatus } from '../../shared/use-cases/read-status.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { issueLocalToken, localTables, uploadFile } from '../../local/upload-client.js';
import { LOCAL_NAMES } from '../../local/names.js';
import { mailbox, to } from '../support/mailbox.js';

/**
 * The ingest spine on the real emulators: a report travels upload → S3 → validation → DynamoDB →
 * event → status → email, through the same handlers Lambda runs.
 */
const PERIOD = 2026;
/** The period's key (ports, sample reports, the upload client): the bare year for the deployment's main regime. */
const KEY = '2026';
/** The clock is pinned: the period is open and its deadline (18 Dec) ahead, whatever today's date. */
const NOW = new Date('2026-11-28T03:00:00Z');
const unit = (id: string) => DEFAULT_REGIME.units.find((u) => u.id === id)!;
let stack: LocalStack;
let dataDir: string;

async function status(): Promise<PeriodStatus> {
  const res = await fetch(`${stack.endpoints.app}/status?period=${PERIOD}`, {
    headers: { authorization: `Bearer ${stack.endpoints.adminToken}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as PeriodStatus;
}
const row = async (unitId: string) => (await status()).units.find((u) => u.unitId === unitId)!;

beforeAll(async () => {
  setVirtualNow(NOW);
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-spine-'));
  stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual' });
});
afterAll(async () => {
  resetClock();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('ingest spine on the emulators', () => {
  it('a valid upload through the presigned POST becomes ON_TIME and the unit gets a receipt', async () => {
    const token = await issueLocalToken(stack.endpoints, 'so-tu-phap');
    const report = sampleReport(DEFAULT_REGIME, 'so-tu-phap', KEY);

    const up = await uploadFile(stack.endpoints.app, token, { period: KEY, body: JSON.stringify(report), kind: 'json' });
    await stack.bus.idle();

    expect(up.presignStatus).toBe(200);
    expect(up.postStatus).toBe(204);
    const r = await row('so-tu-phap');
    expect(r).toMatchObject({ status: 'ON_TIME', versions: 1 });
    expect(r.firstValidAt).not.toBeNull();
    const mails = (await mailbox(stack.endpoints.ses)).filter(to(unit('so-tu-phap').email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/Sở Tư pháp|biên nhận|tiếp nhận/i);
    const { versions } = await localTables(stack.endpoints).reports.facts(KEY, 'so-tu-phap');
    expect(mails[0]!.body.text).toContain(versions[0]!.sha256);
    // Only the registered address: the one typed into the report is shown on the board, never mailed.
    expect(mails[0]!.destination.cc).toEqual([]);
  });

  it('an invalid upload becomes REJECTED with reasons stored and emailed in Vietnamese; the raw object is kept', async () => {
    const token = await issueLocalToken(stack.endpoints, 'so-y-te');
    const bad = sampleReport(DEFAULT_REGIME, 'so-y-te', KEY);
    bad.planAndSolutions.petitionsResolved = bad.planAndSolutions.petitionsReceived + 5;
    (bad.dissemination as Record<string, unknown>).sessions = -1;

    const up = await uploadFile(stack.endpoints.app, token, { period: KEY, body: JSON.stringify(bad), kind: 'json' });
    await stack.bus.idle();

    const r = await row('so-y-te');
    expect(r.status).toBe('REJECTED');
    expect(r.reasons.map((x) => x.path)).toEqual(expect.arrayContaining(['dissemination.sessions', 'planAndSolutions.petitionsResolved']));
    const mail = (await mailbox(stack.endpoints.ses)).filter(to(unit('so-y-te').email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body.text).toContain('không được lớn hơn số tiếp nhận');
    expect(mail[0]!.body.text).toContain('Không được nhỏ hơn 0');
    const key = 'key' in up.presign ? up.presign.key : '';
    const s3 = new S3Client({
      endpoint: stack.endpoints.s3,
      region: LOCAL_NAMES.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const raw = await s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.bucket, Key: key }));
    expect(JSON.parse(await raw.Body!.transformToString()).dissemination.sessions).toBe(-1);
  });

  it('the same S3 event delivered twice stores one version and sends one email', async () => {
    const token = await issueLocalToken(stack.endpoints, 'so-xay-dung');
    await uploadFile(stack.endpoints.app, token, {
      period: KEY,
      body: JSON.stringify(sampleReport(DEFAULT_REGIME, 'so-xay-dung', KEY)),
      kind: 'json',
    });
    await stack.bus.idle();
    const original = stack.bus.published.find((p) => p.bus === 'default' && JSON.stringify(p.event.detail).includes('so-xay-dung'));
    expect(original).toBeDefined();

    stack.bus.deliver(original!.event, 'default');
    await stack.bus.idle();

    const { versions } = await localTables(stack.endpoints).reports.facts(KEY, 'so-xay-dung');
    expect(versions).toHaveLength(1);
    expect((await mailbox(stack.endpoints.ses)).filter(to(unit('so-xay-dung').email))).toHaveLength(1);
    expect((await row('so-xay-dung')).versions).toBe(1);
  });

  it('refuses bad tokens, periods, sizes and types with 4xx JSON errors naming the problem', async () => {
    const token = await issueLocalToken(stack.endpoints, 'so-tai-chinh');
    const cases: [string | null, Record<string, unknown>, number, string][] = [
      [null, { period: PERIOD, fileName: 'a.json', contentType: 'application/json', size: 10 }, 401, 'MISSING_TOKEN'],
      ['not-a-real-token-123456', { period: PERIOD, fileName: 'a.json', contentType: 'application/json', size: 10 }, 401, 'INVALID_TOKEN'],
      [token, { period: 1999, fileName: 'a.json', contentType: 'application/json', size: 10 }, 400, 'INVALID_REQUEST'],
      [token, { period: 2027, fileName: 'a.json', contentType: 'application/json', size: 10 }, 409, 'PERIOD_NOT_OPEN'],
      [token, { period: PERIOD, fileName: 'a.json', contentType: 'application/json', size: 50_000_000 }, 413, 'FILE_TOO_LARGE'],
      [token, { period: PERIOD, fileName: 'a.html', contentType: 'text/html', size: 10 }, 415, 'UNSUPPORTED_TYPE'],
      [token, { period: PERIOD, fileName: 'a.json', contentType: 'application/json', size: 10, unitId: 'so-y-te' }, 400, 'INVALID_REQUEST'],
    ];
    for (const [tok, body, code, errorCode] of cases) {
      const res = await fetch(`${stack.endpoints.app}/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, json.error.code], JSON.stringify(body)).toEqual([code, errorCode]);
      expect(json.error.message.length).toBeGreaterThan(5);
    }
    const noAdmin = await fetch(`${stack.endpoints.app}/status?period=${PERIOD}`);
    expect(noAdmin.status).toBe(401);
  });

  it('GET /status lists every expected unit with DHIS2 rates', async () => {
    const s = await status();
    expect(s.units).toHaveLength(31);
    expect(s.rates.expected).toBe(31);
    expect(s.rates.reported).toBe(2);
    expect(s.rates.reportingRate).toBeCloseTo(2 / 31, 4);
    expect(s.units.filter((u) => u.status === 'PENDING')).toHaveLength(28);
  });
});

describe('local stack contract', () => {
  it('writes endpoints.json with the contract keys, and keeps its data across a restart', async () => {
    const { readFile } = await import('node:fs/promises');
    const ep = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8'));
    expect(Object.keys(ep)).toEqual(expect.arrayContaining(['adminToken', 'app', 'dynamodb', 'mailbox', 's3', 'ses']));

    await stack.stop();
    stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual' });

    // A fresh admin token at every start (the issuer is under the app URL, whose port is new here).
    expect(stack.endpoints.adminToken).not.toBe(ep.adminToken);
    expect((await row('so-tu-phap')).status).toBe('ON_TIME');
    expect((await row('so-y-te')).status).toBe('REJECTED');
  });
});
