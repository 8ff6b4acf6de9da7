import { hashedPeriod, type PeriodKey } from './periodicity.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { AuditAction } from './vocabulary.js';

/**
 * The audit trail of one unit for one period as a hash chain: each entry stores the hash of the
 * one before it, so editing, removing or reordering an entry breaks every link after it.
 */

export interface AuditEntry {
  at: string;
  eventId: string;
  action: AuditAction;
  /** `staff:{sub}` (a verified token's subject), `token:{hash12}` (a unit link), `system:{function}`, `cli:{command}`. */
  actor: string;
  /** The staff member's name from the verified token, beside the stable subject. */
  actorName?: string;
  detail: Record<string, unknown>;
}

/** An audit entry as stored: its place in the unit's hash chain (shared/domain/audit-chain.ts). */
export interface ChainedAuditEntry extends AuditEntry {
  /** 1, 2, …: the entry's position in its partition's chain. */
  seq: number;
  /** The hash of the entry before (seq - 1); the genesis value for seq 1. */
  prevHash: string;
  /** sha256 of the canonical JSON of the entry (with period, unitId, seq and prevHash). */
  hash: string;
}

/** prevHash of the first entry of a chain. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** What is hashed: the entry, where it belongs (period, unit) and its place (seq, prevHash). */
export function auditEntryHash(period: PeriodKey, unitId: string, e: AuditEntry & { seq: number; prevHash: string }): string {
  const body = {
    // Every chain written before periods were keys still verifies.
    period: hashedPeriod(period),
    unitId,
    seq: e.seq,
    at: e.at,
    eventId: e.eventId,
    action: e.action,
    actor: e.actor,
    actorName: e.actorName,
    detail: e.detail,
    prevHash: e.prevHash,
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The next link after `head` (null: the chain is empty). */
export function chainNext(
  period: PeriodKey,
  unitId: string,
  head: Pick<ChainedAuditEntry, 'seq' | 'hash'> | null,
  entry: AuditEntry,
): ChainedAuditEntry {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? AUDIT_GENESIS;
  const linked = { ...entry, seq, prevHash };
  return { ...linked, hash: auditEntryHash(period, unitId, linked) };
}

export interface ChainBreak {
  /** Position in the stored order (0-based) and what the entry says of itself. */
  index: number;
  seq?: number;
  at?: string;
  eventId?: string;
  reason: 'NOT_CHAINED' | 'SEQUENCE_GAP' | 'PREVIOUS_HASH_MISMATCH' | 'HASH_MISMATCH';
}

export interface ChainVerdict {
  ok: boolean;
  entries: number;
  /** The first entry that does not fit, when any. */
  firstBreak?: ChainBreak;
}

/** Checks a partition's entries in seq order; names the first one that does not fit. */
export function verifyAuditChain(period: PeriodKey, unitId: string, entries: readonly Partial<ChainedAuditEntry>[]): ChainVerdict {
  let prev: { seq: number; hash: string } = { seq: 0, hash: AUDIT_GENESIS };
  for (const [index, e] of entries.entries()) {
    const where = {
      index,
      ...(e.seq !== undefined ? { seq: e.seq } : {}),
      ...(e.at ? { at: e.at } : {}),
      ...(e.eventId ? { eventId: e.eventId } : {}),
    };
    const fail = (reason: ChainBreak['reason']): ChainVerdict => ({ ok: false, entries: entries.length, firstBreak: { ...where, reason } });
    if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prevHash !== 'string') return fail('NOT_CHAINED');
    if (e.seq !== prev.seq + 1) return fail('SEQUENCE_GAP');
    if (e.prevHash !== prev.hash) return fail('PREVIOUS_HASH_MISMATCH');
    if (auditEntryHash(period, unitId, e as ChainedAuditEntry) !== e.hash) return fail('HASH_MISMATCH');
    prev = { seq: e.seq, hash: e.hash };
  }
  return { ok: true, entries: entries.length };
}

/** Vietnamese reasons for operators (cli audit verify). */
export const CHAIN_BREAK_LABELS: { readonly [R in ChainBreak['reason']]: string } = {
  NOT_CHAINED: 'mục không có thông tin chuỗi (seq, prevHash, hash)',
  SEQUENCE_GAP: 'số thứ tự không liền mạch (thiếu hoặc thừa mục)',
  PREVIOUS_HASH_MISMATCH: 'mã băm của mục trước không khớp (mục trước đã bị sửa hoặc xóa)',
  HASH_MISMATCH: 'nội dung mục đã bị sửa (mã băm không khớp)',
};
