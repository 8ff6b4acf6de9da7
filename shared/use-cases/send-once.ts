import type { PeriodKey } from '../domain/periodicity.js';
import type { NoticeKind } from '../domain/vocabulary.js';
import type { Clock, NoticeLedger } from '../ports.js';

export interface NoticeKey {
  period: PeriodKey;
  unitId: string;
  kind: NoticeKind;
  step: string;
}

/** A claim older than this with no recorded outcome is taken to be a crashed sender. */
export const STALE_CLAIM_MS = 2 * 60_000;

/**
 * Sends a notice at most once per (period, unit, kind, step) under normal operation, and never
 * loses one:
 * 1. Claim the ledger entry with a conditional put.
 * 2. If it exists: skip when sent, or when a fresh claim is in flight; take over (conditionally)
 *    a failed entry or a stale claim — a sender that crashed between claim and send.
 * 3. Send; record the outcome (sent + message id, or failed + error, then rethrow for a retry).
 * A crash after SES accepted a message but before "sent" was recorded is the one case that can
 * repeat a message (after STALE_CLAIM_MS): at-least-once beats a lost notice.
 */
export async function sendOnce(
  deps: { ledger: NoticeLedger; clock: Clock },
  key: NoticeKey,
  send: () => Promise<{ messageId: string }>,
): Promise<'sent' | 'skipped'> {
  const claimedAt = deps.clock.now().toISOString();
  if (!(await deps.ledger.claim({ ...key, claimedAt }))) {
    const existing = await deps.ledger.get(key.period, key.unitId, key.kind, key.step);
    if (!existing || existing.state === 'sent') return 'skipped';
    const stale = existing.state === 'failed' || Date.parse(claimedAt) - Date.parse(existing.claimedAt) > STALE_CLAIM_MS;
    if (!stale || !(await deps.ledger.reclaim(existing, claimedAt))) return 'skipped';
  }
  try {
    const { messageId } = await send();
    await deps.ledger.markSent(key.period, key.unitId, key.kind, key.step, messageId);
    return 'sent';
  } catch (e) {
    await deps.ledger.markFailed(key.period, key.unitId, key.kind, key.step, (e as Error).message ?? String(e));
    throw e;
  }
}
