import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { issueLocalToken, localTables, uploadFile } from '../../local/upload-client.js';
import { startKeyOrderLosingDynamo } from '../support/reordering-dynamodb.js';

/**
 * Idempotency must not depend on DynamoDB keeping the key order of stored maps (it does not; dynalite
 * does). The stack runs on a DynamoDB whose every read comes back with its map keys reordered.
 */
const PERIOD = '2026';
const NOW = new Date('2026-11-28T03:00:00Z');
const UNIT = 'so-xay-dung';
let stack: LocalStack;
let dynamo: Awaited<ReturnType<typeof startKeyOrderLosingDynamo>>;
let dataDir: string;

beforeAll(async () => {
  setVirtualNow(NOW);
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-key-order-'));
  dynamo = await startKeyOrderLosingDynamo();
  stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual', dynamodb: { endpoint: dynamo.endpoint } });
});
afterAll(async () => {
  resetClock();
  await stack?.stop();
  await dynamo?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('idempotency when DynamoDB reorders map keys', () => {
  it('a redelivered S3 event publishes no extra Unit Status Changed, keeps the rev and writes no audit entry', async () => {
    const token = await issueLocalToken(stack.endpoints, UNIT);
    await uploadFile(stack.endpoints.app, token, {
      period: PERIOD,
      body: JSON.stringify(sampleReport(DEFAULT_REGIME, UNIT, PERIOD)),
      kind: 'json',
    });
    await stack.bus.idle();
    const tables = localTables(stack.endpoints);
    const changes = () =>
      stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.unitStatusChanged && p.event.detail.unitId === UNIT);
    const statusChanges = async () => (await tables.audit.list(PERIOD, UNIT)).filter((e) => e.action === 'STATUS_CHANGED');
    const before = { changes: changes().length, rev: (await tables.statuses.get(PERIOD, UNIT))?.rev, audit: await statusChanges() };
    const original = stack.bus.published.find((p) => p.bus === 'default' && JSON.stringify(p.event.detail).includes(UNIT));

    stack.bus.deliver(original!.event, 'default');
    await stack.bus.idle();

    expect(before.changes).toBe(1);
    expect(before.audit).toHaveLength(1);
    expect(changes()).toHaveLength(1);
    expect((await tables.statuses.get(PERIOD, UNIT))?.rev).toBe(before.rev);
    expect(await statusChanges()).toEqual(before.audit);
    expect(stack.bus.deadLetters).toEqual([]);
  });
});
