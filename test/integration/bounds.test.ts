import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { jsonBytes, LIMITS, MAX_REASONS } from '../../shared/domain/bounded-reasons.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { keys } from '../../shared/definitions/table.js';
import type { PeriodStatus } from '../../shared/use-cases/read-status.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { issueLocalToken, uploadFile } from '../../local/upload-client.js';
import { LOCAL_NAMES } from '../../local/names.js';
import { mailbox, to } from '../support/mailbox.js';
import { craftedReport } from '../support/crafted-report.js';

/**
 * Issue 12 on the real emulators: a crafted upload still gets a verdict (nothing stored or sent
 * outgrows its service's limit), and POST /uploads says 401 before it looks at the body.
 */
const PERIOD = '2026';
/** The clock is pinned: the period is open and its deadline (18 Dec) ahead, whatever today's date. */
const NOW = new Date('2026-11-28T03:00:00Z');
const UNIT = 'so-y-te';
let stack: LocalStack;
let dataDir: string;

type ErrorBody = { error: { code: string; message: string; details?: unknown } };
const postUploads = (body: string | undefined, authorization?: string) =>
  fetch(`${stack.endpoints.app}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    ...(body === undefined ? {} : { body }),
  });

/** The raw items of a partition, as DynamoDB holds them: what counts against the 400 KB limit. */
async function rawItems(pk: string): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.endpoints.dynamodb,
      region: LOCAL_NAMES.region,
      credentials: { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey },
    }),
  );
  const r = await doc.send(
    new QueryCommand({ TableName: LOCAL_NAMES.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } }),
  );
  return r.Items ?? [];
}

beforeAll(async () => {
  setVirtualNow(NOW);
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-bounds-'));
  stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual' });
});
afterAll(async () => {
  resetClock();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a crafted upload is never lost', () => {
  it('50,000 unknown fields: REJECTED with bounded reasons and a summary, items under 400 KB, the email arrives', async () => {
    const token = await issueLocalToken(stack.endpoints, UNIT);
    const body = JSON.stringify(craftedReport(UNIT, PERIOD, 50_000));

    const up = await uploadFile(stack.endpoints.app, token, { period: PERIOD, body, kind: 'json' });
    await stack.bus.idle();

    expect(up.postStatus).toBe(204);
    expect(stack.bus.deadLetters).toEqual([]);
    const res = await fetch(`${stack.endpoints.app}/status?period=${PERIOD}`, {
      headers: { authorization: `Bearer ${stack.endpoints.adminToken}` },
    });
    const row = ((await res.json()) as PeriodStatus).units.find((u) => u.unitId === UNIT)!;
    expect(row.status).toBe('REJECTED');
    expect(row.reasons).toHaveLength(MAX_REASONS + 1);
    expect(row.reasons.at(-1)!.message).toMatch(/^… và \d+ lỗi khác$/);
    const [version] = (await rawItems(keys.reportPartition(PERIOD, UNIT))).filter((i) => String(i.SK).startsWith('V#'));
    const [status] = (await rawItems(`PERIOD#${PERIOD}`)).filter((i) => i.SK === `UNIT#${UNIT}`);
    const sizes = { version: jsonBytes(version), status: jsonBytes(status) };
    console.log(`crafted upload ${body.length} bytes → version item ${sizes.version} bytes, status item ${sizes.status} bytes`);
    expect(sizes.version).toBeLessThan(LIMITS.dynamoItemBytes);
    expect(sizes.status).toBeLessThan(LIMITS.dynamoItemBytes);
    const mails = (await mailbox(stack.endpoints.ses)).filter(to(DEFAULT_REGIME.units.find((u) => u.id === UNIT)!.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.text).toMatch(/… và \d+ lỗi khác\./);
    expect(mails[0]!.body.text).toContain(`\n${MAX_REASONS}. `);
    expect(mails[0]!.body.text).not.toContain(`\n${MAX_REASONS + 1}. `);
  });
});

describe('POST /uploads: the token first, then the body', () => {
  it('without a token answers 401 MISSING_TOKEN in Vietnamese, whatever the body', async () => {
    for (const body of [undefined, '', '{}', 'not json', JSON.stringify({ period: 'x' })]) {
      const res = await postUploads(body);
      const err = (await res.json()) as ErrorBody;

      expect(res.status).toBe(401);
      expect(err.error.code).toBe('MISSING_TOKEN');
      expect(err.error.message).toContain('Thiếu mã truy cập');
      expect(err.error).not.toHaveProperty('details');
    }
  });

  it('with an unknown token answers 401 INVALID_TOKEN before reading the body', async () => {
    const res = await postUploads('not json', `Bearer ${'x'.repeat(32)}`);

    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe('INVALID_TOKEN');
  });

  it('with a valid token, a bad body is a short Vietnamese 400 naming the fields', async () => {
    const token = await issueLocalToken(stack.endpoints, 'so-tu-phap');

    const res = await postUploads('{}', `Bearer ${token}`);
    const err = (await res.json()) as ErrorBody;

    expect(res.status).toBe(400);
    expect(err.error.code).toBe('INVALID_REQUEST');
    expect(err.error.message).toBe(
      'Yêu cầu không hợp lệ: period: Thiếu trường bắt buộc; fileName: Thiếu trường bắt buộc; contentType: Thiếu trường bắt buộc; size: Thiếu trường bắt buộc',
    );
    expect(JSON.stringify(err)).not.toMatch(/Invalid input|expected|received/);
  });

  it('every staff POST says 401 before it reads the body (the JWT authorizer answers, as API Gateway does)', async () => {
    for (const path of ['/summaries', '/units/so-y-te/review', '/units/so-y-te/extension']) {
      const res = await fetch(`${stack.endpoints.app}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'not json',
      });

      expect([path, res.status, await res.json()]).toEqual([path, 401, { message: 'Unauthorized' }]);
    }
  });

  it('admin request errors are Vietnamese too', async () => {
    const res = await fetch(`${stack.endpoints.app}/summaries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.endpoints.adminToken}` },
      body: JSON.stringify({ period: 'x', send: 1 }),
    });

    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toBe(
      'Yêu cầu không hợp lệ: period: Kỳ báo cáo (period) phải là năm dạng YYYY hoặc mã kỳ như 2026-Q3; send: Phải là true hoặc false',
    );
  });

  it('a body with 10,000 unknown fields gets a short message', async () => {
    const token = await issueLocalToken(stack.endpoints, 'so-tu-phap');
    const body = {
      period: 2026,
      fileName: 'bao-cao.json',
      contentType: 'application/json',
      size: 10,
      ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
    };

    const res = await postUploads(JSON.stringify(body), `Bearer ${token}`);
    const text = await res.text();

    expect(res.status).toBe(400);
    expect((JSON.parse(text) as ErrorBody).error.message).toBe(
      'Yêu cầu không hợp lệ: (nội dung): Trường không thuộc yêu cầu: k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 … và 9.990 trường khác',
    );
    expect(text.length).toBeLessThan(2000);
  });
});
