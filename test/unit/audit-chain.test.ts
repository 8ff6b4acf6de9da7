import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS, auditEntryHash, chainNext, verifyAuditChain } from '../../shared/domain/audit-chain.js';
import { canonicalJson } from '../../shared/domain/canonical.js';
import type { AuditEntry, ChainedAuditEntry } from '../../shared/ports.js';
import { MemoryAuditLog } from '../support/memory-ports.js';

const PERIOD = '2026';
const UNIT = 'so-tu-phap';
const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at: `2026-12-05T03:00:0${i}.000Z`,
  eventId: `e-${i}`,
  action: 'REPORT_REVIEWED',
  actor: 'staff:3c9e',
  actorName: 'Trần Thị Duyệt',
  detail: { decision: 'RETURN', reason: `Lý do ${i}`, figures: { b: 2, a: 1 } },
  ...extra,
});

function chainOf(n: number): ChainedAuditEntry[] {
  const out: ChainedAuditEntry[] = [];
  for (let i = 1; i <= n; i++) out.push(chainNext(PERIOD, UNIT, out.at(-1) ?? null, entry(i)));
  return out;
}

describe('canonicalJson', () => {
  it('does not depend on key order at any depth (DynamoDB does not keep map order) and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'ă' }, u: undefined })).toBe(
      canonicalJson({ a: { c: 'ă', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

describe('the audit hash chain', () => {
  it('links each entry to the one before, from the genesis value', () => {
    const chain = chainOf(3);

    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(chain[0]!.prevHash).toBe(AUDIT_GENESIS);
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    expect(verifyAuditChain(PERIOD, UNIT, chain)).toEqual({ ok: true, entries: 3 });
  });

  it('hashes the main regime’s year as chains written before period keys were strings did, so they still verify', () => {
    // Computed by the code of commit 275b147, where the period was the number 2026.
    const [first, second] = chainOf(2);
    expect([first!.hash, second!.hash]).toEqual([
      'c52d861f2eb8a300419d8de1a155a74097febf29c700e2733dd3843d6659e7f1',
      '9443da06da6e871d6a5b40fbd1f608bf0caaf8e72a9c80bd10d895d79e37f6a4',
    ]);
    // A scoped key is hashed whole: its regime is part of where the entry belongs.
    expect(chainNext('qn-quy/2026-Q3', UNIT, null, entry(1)).hash).not.toBe(chainNext('2026-Q3', UNIT, null, entry(1)).hash);
  });

  it('still verifies when the stored maps come back with their keys reordered', () => {
    const chain = chainOf(2).map((e) => ({
      ...e,
      detail: { figures: { a: 1, b: 2 }, reason: e.detail.reason, decision: e.detail.decision },
    }));
    expect(verifyAuditChain(PERIOD, UNIT, chain).ok).toBe(true);
  });

  it('names the edited entry when one field is changed', () => {
    const chain = chainOf(4);
    chain[2] = { ...chain[2]!, actorName: 'Giám đốc Sở Nội vụ' };

    expect(verifyAuditChain(PERIOD, UNIT, chain)).toEqual({
      ok: false,
      entries: 4,
      firstBreak: { index: 2, seq: 3, at: chain[2].at, eventId: 'e-3', reason: 'HASH_MISMATCH' },
    });
  });

  it('names the entry after a removed one, and catches an edit whose hash was recomputed', () => {
    const removed = chainOf(4).filter((e) => e.seq !== 2);
    const rehashed = chainOf(3);
    const edited = { ...rehashed[1]!, actor: 'system:other' };
    rehashed[1] = { ...edited, hash: auditEntryHash(PERIOD, UNIT, edited) };

    expect(verifyAuditChain(PERIOD, UNIT, removed).firstBreak).toMatchObject({ index: 1, seq: 3, reason: 'SEQUENCE_GAP' });
    expect(verifyAuditChain(PERIOD, UNIT, rehashed).firstBreak).toMatchObject({ index: 2, seq: 3, reason: 'PREVIOUS_HASH_MISMATCH' });
  });

  it('refuses a chain moved to another unit or period, and an entry without chain fields', () => {
    const chain = chainOf(2);
    expect(verifyAuditChain(PERIOD, 'so-y-te', chain).firstBreak).toMatchObject({ index: 0, reason: 'HASH_MISMATCH' });
    expect(verifyAuditChain('2025', UNIT, chain).ok).toBe(false);
    // The same period id under another regime is another chain.
    expect(verifyAuditChain('qn-quy/2026', UNIT, chain).ok).toBe(false);
    expect(verifyAuditChain(PERIOD, UNIT, [entry(1)]).firstBreak).toMatchObject({ index: 0, reason: 'NOT_CHAINED' });
  });

  it('the in-memory log appends a retried event once, keeping the chain whole', async () => {
    const log = new MemoryAuditLog();
    await log.append(PERIOD, UNIT, entry(1));
    await log.append(PERIOD, UNIT, entry(2));
    await log.append(PERIOD, UNIT, entry(1));

    const chain = await log.list(PERIOD, UNIT);

    expect(chain.map((e) => e.eventId)).toEqual(['e-1', 'e-2']);
    expect(verifyAuditChain(PERIOD, UNIT, chain).ok).toBe(true);
  });
});
