import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { LOCAL_BUCKET, type LocalStack } from '../../local/stack.js';
import { localTables } from '../../local/upload-client.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { DETAIL_TYPES, type FunctionName } from '../../shared/definitions/events.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { canonicalJson } from '../../shared/domain/canonical.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { STALE_CLAIM_MS } from '../../shared/use-cases/send-once.js';
import { Faults, isWrite, startFaultyStack, writeOf, type Call } from '../support/faults.js';
import { mailbox, to } from '../support/mailbox.js';

/**
 * A function killed between any two of its steps: for ingest, compliance and receipt, every write
 * (DynamoDB put/update, S3 tag, PutEvents, SES send) is found from a clean run, then each in turn
 * is let through and the function dies right after it. The bus retries the event as EventBridge
 * does; the end state must be the clean run's: one version, one status change, one email, an
 * audit without duplicates, nothing dead-lettered. Each case uses its own unit on one stack.
 */
const PERIOD = '2026';
const REGIME = DEFAULT_REGIME;
const units = REGIME.units.map((u) => u.id);
const emailOf = (unitId: string) => REGIME.units.find((u) => u.id === unitId)!.email;

let dir: string;
let stack: LocalStack;
let s3: S3Client;
const faults = new Faults();
let nextUnit = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-faults-crash-'));
  // Every injected crash is an "Unhandled error" line otherwise.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // The period is open and the deadline ahead: a valid report makes the unit ON_TIME.
  setVirtualNow(new Date('2026-11-20T03:00:00Z'));
  stack = await startFaultyStack(
    { dataDir: dir, port: 0, quiet: true, scheduler: 'manual', retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 20 } },
    faults,
  );
  s3 = new S3Client({ endpoint: stack.endpoints.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  resetClock();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const validReport = (unitId: string) => sampleReport(REGIME, unitId, PERIOD);
const invalidReport = (unitId: string) => ({
  ...validReport(unitId),
  dissemination: { ...validReport(unitId).dissemination, sessions: -3 },
});

/** Puts the object where a presigned POST would; S3 emits "Object Created"; waits for the cascade. */
async function upload(unitId: string, body: unknown): Promise<string> {
  const uploadId = newUploadId(systemClock.now());
  const key = objectKeys.incoming(PERIOD, unitId, uploadId, 'json');
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' }));
  await stack.bus.idle();
  return uploadId;
}

/** The end state of one unit after one upload, as the clean run leaves it. */
async function expectSettled(unitId: string, uploadId: string, valid: boolean, emails = 1): Promise<void> {
  const t = localTables(stack.endpoints);
  const { versions } = await t.reports.facts(PERIOD, unitId);
  expect(versions.map((v) => [v.uploadId, v.valid])).toEqual([[uploadId, valid]]);

  const status = await t.statuses.get(PERIOD, unitId);
  expect(status).toMatchObject({ status: valid ? 'ON_TIME' : 'REJECTED', announced: true, uploadIds: [uploadId] });

  // Delivered at least once; a crash between publishing and marking it announced may repeat the
  // same change (at-least-once), never a second, different one.
  const changes = stack.bus.published.filter(
    (p) => p.event['detail-type'] === DETAIL_TYPES.unitStatusChanged && p.event.detail.unitId === unitId,
  );
  // By value: a change republished from the stored item has its map keys in the order DynamoDB returns them.
  expect(new Set(changes.map((c) => canonicalJson(c.event.detail))).size).toBe(1);

  const mail = (await mailbox(stack.endpoints.ses)).filter(to(emailOf(unitId)));
  expect(mail, `emails to ${unitId}`).toHaveLength(emails);
  expect(mail[0]!.subject).toMatch(valid ? /biên nhận|Biên nhận|đã nhận/i : /không hợp lệ|bị từ chối|chưa hợp lệ/i);

  const notices = await t.notices.list(PERIOD, unitId);
  expect(notices.map((n) => [n.kind, n.step, n.state])).toEqual([[valid ? 'receipt' : 'rejection', uploadId, 'sent']]);

  const audit = await t.audit.list(PERIOD, unitId);
  const actions = audit.map((a) => a.action).sort();
  expect(actions).toEqual([valid ? 'REPORT_ACCEPTED' : 'REPORT_REJECTED', 'NOTICE_SENT', 'STATUS_CHANGED'].sort());

  expect(stack.bus.deadLetters).toEqual([]);
}

/** The writes each function makes for one upload, from a clean run. */
const steps = new Map<string, Call[]>();

async function cleanRun(valid: boolean): Promise<void> {
  const unitId = units[nextUnit++]!;
  const from = faults.calls.length;
  const uploadId = await upload(unitId, valid ? validReport(unitId) : invalidReport(unitId));
  await expectSettled(unitId, uploadId, valid);
  for (const fn of ['ingest', 'compliance', 'receipt'] as const) {
    steps.set(
      `${fn}/${valid}`,
      faults.calls.slice(from).filter((c) => c.fn === fn && isWrite(c)),
    );
  }
}

describe('a function crashing between its steps', () => {
  it('a clean run of a valid and an invalid upload shows the steps each function takes', async () => {
    await cleanRun(true);
    await cleanRun(false);
    // The enumeration below is only as good as this list: a step must not be missing from it.
    expect(steps.get('ingest/true')!.map((c) => c.operation)).toEqual(['PutItem', 'PutItem', 'PutEvents']);
    expect(steps.get('ingest/false')!.map((c) => c.operation)).toEqual(['PutItem', 'PutObjectTagging', 'PutItem', 'PutEvents']);
    expect(steps.get('compliance/true')!.map((c) => c.operation)).toEqual(['PutItem', 'PutItem', 'PutEvents', 'PutItem']);
    expect(steps.get('receipt/true')!.map((c) => c.operation)).toEqual(['PutItem', 'SendEmail', 'UpdateItem', 'PutItem']);
  });

  const cases: [FunctionName, boolean, number][] = [];
  for (const [fn, valid, n] of [
    ['ingest', true, 3],
    ['ingest', false, 4],
    ['compliance', true, 4],
    ['compliance', false, 4],
    ['receipt', true, 4],
    ['receipt', false, 4],
  ] as const) {
    for (let i = 0; i < n; i++) cases.push([fn, valid, i]);
  }

  it.each(cases)('%s, %s upload: dies right after step %i, is retried, and ends as the clean run', async (fn, valid, step) => {
    const unitId = units[nextUnit++]!;
    const op = steps.get(`${fn}/${valid}`)?.[step]?.operation;
    faults.clear();
    // On AWS a failed asynchronous invocation is retried minutes later (Lambda: after 1 then 2
    // minutes), past STALE_CLAIM_MS: the virtual clock moves on as the crash happens.
    const later = () => setVirtualNow(new Date(systemClock.now().getTime() + STALE_CLAIM_MS + 60_000));
    faults.crashAfter(writeOf(fn), { skip: step, ...(fn === 'receipt' ? { onFire: later } : {}) });
    const fired = faults.fired.length;

    const uploadId = await upload(unitId, valid ? validReport(unitId) : invalidReport(unitId));

    expect(faults.fired.slice(fired)).toEqual([expect.stringMatching(new RegExp(`^crash-after ${fn} \\w+\\.${op}$`))]);
    // The one documented repeat (send-once.ts): SES accepted the email and the sender died before
    // the ledger said so; the stale claim is taken over and the email goes again. At-least-once
    // beats a lost notice; SES has no idempotency key to do better.
    const diedAfterSes = fn === 'receipt' && op === 'SendEmail';
    await expectSettled(unitId, uploadId, valid, diedAfterSes ? 2 : 1);
  });
});

/**
 * The summary run (POST /summaries with send, as the CLI and the schedule run it) killed after
 * each of its writes; the run is then repeated later, as the scheduler's retry or the operator
 * would. Before each case a unit sends a changed report, so each case publishes a new version.
 */
describe('the summary run crashing between its steps', () => {
  const leadership = REGIME.leadership[0]!.email;
  let variant = 1;

  async function changeTheData(): Promise<void> {
    const unitId = units[0]!;
    await upload(unitId, sampleReport(REGIME, unitId, PERIOD, variant++));
  }
  async function publish(): Promise<{ status: number; body: { version?: number; outcome?: string } }> {
    const res = await fetch(`${stack.endpoints.app}/summaries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.endpoints.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ period: 2026, send: true }),
    });
    const body = (await res.json()) as { version?: number; outcome?: string };
    await stack.bus.idle();
    return { status: res.status, body };
  }
  const summaryEmails = async () => (await mailbox(stack.endpoints.ses)).filter(to(leadership));
  const publishedFor = (version: number) =>
    stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.summaryPublished && p.event.detail.version === version);

  async function expectPublishedOnce(version: number, emailsBefore: number, emails = 1): Promise<void> {
    const t = localTables(stack.endpoints);
    const record = await t.summaries.latest(PERIOD);
    expect(record).toMatchObject({ version });
    expect(record?.sentAt).toBeDefined();
    expect(record?.publishedAt).toBeDefined();
    expect((await summaryEmails()).length - emailsBefore).toBe(emails);
    expect(new Set(publishedFor(version).map((p) => canonicalJson(p.event.detail))).size).toBe(1);
    expect(stack.bus.deadLetters).toEqual([]);
  }

  let summarySteps: Call[] = [];

  it('a clean run shows the steps the summary takes', async () => {
    faults.clear();
    await changeTheData();
    const from = faults.calls.length;
    const before = (await summaryEmails()).length;

    const r = await publish();

    expect(r.status).toBe(200);
    summarySteps = faults.calls.slice(from).filter((c) => c.fn === 'summary' && isWrite(c));
    expect(summarySteps.map((c) => c.operation)).toEqual([
      'PutItem', // the version claimed
      'PutItem', // the ledger claim
      'PutObject',
      'PutObject', // the workbook and the document
      'PutObject', // the snapshot the next version's "what changed" is taken against
      'SendEmail',
      'UpdateItem', // the ledger: sent
      'UpdateItem', // the version: sentAt
      'PutEvents', // Summary Published
      'UpdateItem', // the version: publishedAt
      'PutItem', // the audit entry: published, by whom
    ]);
    await expectPublishedOnce(r.body.version!, before);
  });

  it.each(Array.from({ length: 9 }, (_, i) => i))(
    'dies right after step %i, is run again later, and publishes the version once',
    async (step) => {
      faults.clear();
      await changeTheData();
      const before = (await summaryEmails()).length;
      const version = (await localTables(stack.endpoints).summaries.latest(PERIOD))!.version + 1;
      faults.crashAfter(writeOf('summary'), { skip: step });

      const crashed = await publish();
      // The scheduler's retry a second later: while the dead run's claim is fresh, the run must not
      // report success (the email is not out, and the annual schedule would not come back).
      const early = await publish();
      setVirtualNow(new Date(systemClock.now().getTime() + STALE_CLAIM_MS + 60_000));
      const again = await publish();

      const claimHeld = ['PutItem', 'PutObject', 'SendEmail'].includes(summarySteps[step]!.operation) && step > 0;
      expect(crashed.status).toBe(500);
      expect(early.status).toBe(claimHeld ? 500 : 200);
      expect(again).toMatchObject({ status: 200, body: { version } });
      // As for receipts: the one documented repeat is a death between SES accepting and the ledger.
      const diedAfterSes = summarySteps[step]?.operation === 'SendEmail';
      await expectPublishedOnce(version, before, diedAfterSes ? 2 : 1);
    },
  );
});
