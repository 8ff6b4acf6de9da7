import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableAdapters } from '../../shared/adapters/dynamodb.adapter.js';
import { seedOtherRegimes } from '../../shared/adapters/regime-seed.js';
import type {
  AuditEntry,
  AuditLog,
  NoticeLedger,
  RegimeStore,
  ReportStore,
  StatusStore,
  StoredVersion,
  SummaryStore,
  TokenRecord,
  TokenStore,
  UnitStatusRecord,
} from '../../shared/ports.js';
import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { Regime } from '../../shared/domain/regime.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators, type Emulators } from '../../local/emulators.js';
import {
  MemoryAuditLog,
  MemoryLedger,
  MemoryRegimeStore,
  MemoryReportStore,
  MemoryStatusStore,
  MemorySummaryStore,
  MemoryTokenStore,
} from '../support/memory-ports.js';

/**
 * One contract per port, run against the in-memory fake the unit tests use and against the
 * DynamoDB adapter on the emulator: a fake that drifts from the adapter (an overwrite the table
 * refuses, a revoke that does nothing) fails here, not in production.
 */
interface Ports {
  tokens: TokenStore;
  statuses: StatusStore;
  reports: ReportStore;
  audit: AuditLog;
  ledger: NoticeLedger;
  summaries: SummaryStore;
  regimes: RegimeStore;
  /** The regimes beside the main one, as the local stack and the deploy seed them (no function writes them). */
  seedOthers: (others: readonly Regime[]) => Promise<void>;
}

let emulators: Emulators;
let dataDir: string;
let client: DynamoDBClient;
const TABLE = 'baocao-contracts';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-contracts-'));
  emulators = await startEmulators({ dataDir, tableName: TABLE, bucketName: 'baocao-contracts' });
  client = new DynamoDBClient({ endpoint: emulators.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  client?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

let worldNo = 0;
const implementations: [string, () => Ports][] = [
  [
    'in-memory fakes',
    () => {
      const regimes = new MemoryRegimeStore();
      return {
        tokens: new MemoryTokenStore(),
        statuses: new MemoryStatusStore(),
        reports: new MemoryReportStore(),
        audit: new MemoryAuditLog(),
        ledger: new MemoryLedger(),
        summaries: new MemorySummaryStore(),
        regimes,
        seedOthers: async (others: readonly Regime[]) => {
          regimes.others = [...others];
        },
      };
    },
  ],
  [
    'DynamoDB adapters',
    () => {
      const t = tableAdapters(DynamoDBDocumentClient.from(client), TABLE);
      return {
        tokens: t.tokens,
        statuses: t.statuses,
        reports: t.reports,
        audit: t.audit,
        ledger: t.notices,
        summaries: t.summaries,
        regimes: t.regimes,
        seedOthers: (others: readonly Regime[]) => seedOtherRegimes(DynamoDBDocumentClient.from(client), TABLE, others),
      };
    },
  ],
];

/**
 * Each test gets its own period and unit, so the shared table needs no cleanup between tests. Every
 * other one is a period of a regime beside the main one ('{regime}/{period}', a slash in the key).
 */
const fresh = (): { period: PeriodKey; unitId: string } => {
  const n = ++worldNo;
  const year = 2100 + (n % 800);
  return { period: n % 2 ? String(year) : `qn-quy/${year}-Q3`, unitId: `unit-${n}` };
};

const token = (unitId: string, n = 1): TokenRecord => ({
  tokenHash: `${unitId}-hash-${n}`,
  unitId,
  createdAt: `2026-11-0${n}T00:00:00.000Z`,
  expiresAt: '2027-06-01T00:00:00.000Z',
});

describe.each(implementations)('port contracts: %s', (_name, make) => {
  describe('TokenStore', () => {
    it('stores a token once: a second put of the same hash is refused, not an overwrite', async () => {
      const { tokens } = make();
      const { unitId } = fresh();
      await tokens.put(token(unitId));

      await expect(tokens.put({ ...token(unitId), unitId: 'someone-else' })).rejects.toThrow();

      expect((await tokens.get(token(unitId).tokenHash))?.unitId).toBe(unitId);
    });

    it('revokes and touches a stored token, refuses an unknown one, and lists by unit', async () => {
      const { tokens } = make();
      const { unitId } = fresh();
      await tokens.put(token(unitId, 1));
      await tokens.put(token(unitId, 2));

      await tokens.revoke(token(unitId, 1).tokenHash, '2026-12-01T00:00:00.000Z');
      await tokens.touch(token(unitId, 2).tokenHash, '2026-12-02T00:00:00.000Z');

      expect((await tokens.get(token(unitId, 1).tokenHash))?.revokedAt).toBe('2026-12-01T00:00:00.000Z');
      expect((await tokens.get(token(unitId, 2).tokenHash))?.lastUsedAt).toBe('2026-12-02T00:00:00.000Z');
      await expect(tokens.revoke('no-such-hash', '2026-12-01T00:00:00.000Z')).rejects.toThrow();
      await expect(tokens.touch('no-such-hash', '2026-12-01T00:00:00.000Z')).rejects.toThrow();
      expect(await tokens.get('no-such-hash')).toBeNull();
      expect((await tokens.listByUnit(unitId)).map((t) => t.tokenHash).sort()).toEqual([
        token(unitId, 1).tokenHash,
        token(unitId, 2).tokenHash,
      ]);
    });
  });

  describe('StatusStore', () => {
    const record = (period: PeriodKey, unitId: string, rev: number): UnitStatusRecord => ({
      period,
      unitId,
      rev,
      status: 'PENDING',
      facts: { versions: 0, reasons: [] },
      uploadIds: [],
      announced: true,
      updatedAt: '2026-12-01T00:00:00.000Z',
    });

    it('writes only on the expected revision: create once, then compare-and-set', async () => {
      const { statuses } = make();
      const { period, unitId } = fresh();

      expect(await statuses.put(record(period, unitId, 1), null)).toBe(true);
      expect(await statuses.put(record(period, unitId, 1), null)).toBe(false);
      expect(await statuses.put(record(period, unitId, 2), 7)).toBe(false);
      expect(await statuses.put({ ...record(period, unitId, 2), status: 'ON_TIME' }, 1)).toBe(true);

      expect(await statuses.get(period, unitId)).toMatchObject({ rev: 2, status: 'ON_TIME' });
      expect((await statuses.list(period)).map((r) => r.unitId)).toContain(unitId);
      expect(await statuses.get(period, 'nobody')).toBeNull();
    });
  });

  describe('ReportStore', () => {
    it('stores a version once per (upload id, etag) and returns versions, reviews and the latest extension', async () => {
      const { reports } = make();
      const { period, unitId } = fresh();
      const version: StoredVersion = {
        period,
        unitId,
        uploadId: 'u1',
        receivedAt: '2026-12-01T00:00:00.000Z',
        valid: false,
        reasons: [{ path: '', message: 'Tệp không đọc được' }],
        etag: 'e1',
        key: `incoming/${period}/${unitId}/u1.json`,
        size: 10,
        sha256: 'ab',
        format: 'json',
      };

      expect(await reports.putVersion(version)).toBe('created');
      expect(await reports.putVersion({ ...version, sha256: 'changed' })).toBe('exists');
      await reports.putReview(period, unitId, {
        reviewId: 'r1',
        uploadId: 'u1',
        decision: 'RETURN',
        reason: 'Thiếu số liệu',
        at: '2026-12-02T00:00:00.000Z',
      });
      await reports.putExtension(period, unitId, { until: '2026-12-20', reason: 'Lý do 1', grantedAt: '2026-12-02T00:00:00.000Z' });
      await reports.putExtension(period, unitId, { until: '2026-12-25', reason: 'Lý do 2', grantedAt: '2026-12-03T00:00:00.000Z' });

      const facts = await reports.facts(period, unitId);
      expect(facts.versions).toHaveLength(1);
      expect(facts.versions[0]).toMatchObject({ sha256: 'ab', reasons: version.reasons });
      expect(facts.reviews.map((r) => r.reviewId)).toEqual(['r1']);
      expect(facts.extension?.until).toBe('2026-12-25');
    });
  });

  describe('AuditLog', () => {
    it('appends an entry once per (time, event id), chained, and lists them in the order appended', async () => {
      const { audit } = make();
      const { period, unitId } = fresh();
      const entry = (at: string, eventId: string): AuditEntry => ({
        at,
        eventId,
        action: 'STATUS_CHANGED',
        actor: 'system:test',
        detail: { n: eventId },
      });

      await audit.append(period, unitId, entry('2026-12-02T00:00:00.000Z', 'b'));
      await audit.append(period, unitId, entry('2026-12-01T00:00:00.000Z', 'a'));
      await audit.append(period, unitId, { ...entry('2026-12-01T00:00:00.000Z', 'a'), actor: 'rewritten' });

      const listed = await audit.list(period, unitId);
      expect(listed.map((e) => [e.eventId, e.actor])).toEqual([
        ['b', 'system:test'],
        ['a', 'system:test'],
      ]);
      expect(listed[1]!.prevHash).toBe(listed[0]!.hash);
    });
  });

  describe('NoticeLedger', () => {
    it('claims once, takes over only an unchanged claim, and records the outcome', async () => {
      const { ledger } = make();
      const { period, unitId } = fresh();
      const key = { period, unitId, kind: 'reminder' as const, step: 'd-1' };

      expect(await ledger.claim({ ...key, claimedAt: '2026-12-01T00:00:00.000Z' })).toBe(true);
      expect(await ledger.claim({ ...key, claimedAt: '2026-12-01T00:05:00.000Z' })).toBe(false);
      const claimed = (await ledger.get(period, unitId, key.kind, key.step))!;
      expect(await ledger.reclaim({ ...claimed, claimedAt: 'not-the-stored-one' }, '2026-12-01T00:10:00.000Z')).toBe(false);
      expect(await ledger.reclaim(claimed, '2026-12-01T00:10:00.000Z')).toBe(true);
      await ledger.markSent(period, unitId, key.kind, key.step, 'm-1');

      expect(await ledger.get(period, unitId, key.kind, key.step)).toMatchObject({
        state: 'sent',
        messageId: 'm-1',
        claimedAt: '2026-12-01T00:10:00.000Z',
      });
      const sent = (await ledger.get(period, unitId, key.kind, key.step))!;
      expect(await ledger.reclaim(sent, '2026-12-01T00:20:00.000Z')).toBe(false);
      expect((await ledger.list(period, unitId)).map((r) => r.step)).toEqual(['d-1']);
    });

    it('lets one of two senders take over a failed entry at the same instant', async () => {
      const { ledger } = make();
      const { period, unitId } = fresh();
      const key = { period, unitId, kind: 'receipt' as const, step: 'u-1' };
      await ledger.claim({ ...key, claimedAt: '2026-12-01T00:00:00.000Z' });
      await ledger.markFailed(period, unitId, key.kind, key.step, 'SES throttled');
      const failed = (await ledger.get(period, unitId, key.kind, key.step))!;

      const first = await ledger.reclaim(failed, failed.claimedAt);
      const second = await ledger.reclaim(failed, failed.claimedAt);

      expect([first, second]).toEqual([true, false]);
    });
  });

  describe('RegimeStore', () => {
    // The one REGIME partition: a single test per implementation (each gets a fresh memory store; the table's is shared).
    it('lists nothing before the main regime, then the main one first and the others scoped; seeding the others replaces them', async () => {
      const { regimes, seedOthers } = make();
      const other = (id: string): Regime => ({ ...DEFAULT_REGIME, id, name: `Chế độ ${id}`, frequency: 'quarterly' });

      expect(await regimes.list()).toBeNull();
      await regimes.put(DEFAULT_REGIME);
      await seedOthers([other('qn-quy'), other('kt-thang')]);
      const both = await regimes.list();
      await seedOthers([other('qn-quy')]);
      const one = await regimes.list();

      expect((await regimes.get())?.id).toBe(DEFAULT_REGIME.id);
      expect(both?.main).toMatchObject({ id: DEFAULT_REGIME.id, scoped: false });
      expect(both?.all[0]?.id).toBe(DEFAULT_REGIME.id);
      expect(
        both?.all
          .slice(1)
          .map((r) => [r.id, r.scoped, r.frequency])
          .sort(),
      ).toEqual([
        ['kt-thang', true, 'quarterly'],
        ['qn-quy', true, 'quarterly'],
      ]);
      expect(one?.all.map((r) => r.id)).toEqual([DEFAULT_REGIME.id, 'qn-quy']);
      expect(one?.all[1]).toEqual({ ...other('qn-quy'), scoped: true });
    });
  });

  describe('SummaryStore', () => {
    it('stores each version once, answers the latest, and refuses to update a version it does not have', async () => {
      const { summaries } = make();
      const { period } = fresh();
      const summary = (version: number) => ({
        period,
        version,
        hash: `h${version}`,
        createdAt: '2026-12-20T01:00:00.000Z',
        keys: { xlsx: 'x', docx: 'd' },
      });

      expect(await summaries.put(summary(1))).toBe(true);
      expect(await summaries.put(summary(2))).toBe(true);
      expect(await summaries.put(summary(2))).toBe(false);
      await summaries.update(period, 2, { sentAt: '2026-12-20T01:01:00.000Z' });

      expect(await summaries.latest(period)).toMatchObject({ version: 2, sentAt: '2026-12-20T01:01:00.000Z' });
      await expect(summaries.update(period, 9, { sentAt: '2026-12-20T01:01:00.000Z' })).rejects.toThrow();
    });
  });
});
