import type { NoticeKind } from '../domain/vocabulary.js';
import { findUnit, type Regime } from '../domain/regime.js';
import { effectiveDueAt } from '../domain/status.js';
import { localDate } from '../domain/calendar.js';
import { receiptEmail, rejectionEmail, returnedEmail } from '../email/unit-email.js';
import type { AuditLog, Clock, Mailer, NoticeLedger, ReportStore, StatusChange, TokenStore } from '../ports.js';
import { NoticeInFlightError } from '../errors.js';
import { sendOnce } from './send-once.js';

/**
 * Emails the unit after "Unit Status Changed".
 * 1. For each upload the change announces: a receipt (time, SHA-256, version, status) for a
 *    valid report or the rejection reasons in Vietnamese — only to the unit's registered address.
 *    The preparer's address typed into the report is shown to Sở Nội vụ on the board, never
 *    mailed: anyone can type any address, and the official sender must not mail strangers.
 * 2. For a return for revision: the reason, pointing to the unit's live link (no new link is
 *    minted: one live link per unit, shared/use-cases/tokens.ts).
 * Each email goes through the notice ledger (sendOnce), so a redelivered event sends nothing new.
 */
export async function sendReceipts(
  deps: {
    reports: ReportStore;
    ledger: NoticeLedger;
    mailer: Mailer;
    tokens: TokenStore;
    audit: AuditLog;
    clock: Clock;
    regime: Regime;
    appUrl: string;
  },
  change: StatusChange,
): Promise<{ sent: number }> {
  const unit = findUnit(deps.regime, change.unitId);
  if (!unit) return { sent: 0 };
  const { versions, extension } = await deps.reports.facts(change.period, change.unitId);
  const ordered = [...versions].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.uploadId.localeCompare(b.uploadId));
  const dueDate = localDate(
    effectiveDueAt(deps.regime, change.period, extension ? { extensionUntil: extension.until } : {}),
    deps.regime.timeZone,
  );
  let sent = 0;
  /**
   * After sendOnce, whichever its outcome: the ledger says whether the email is out. A redelivered
   * event must not succeed while it is not — a sender that died after its claim would otherwise
   * leave the notice claimed and the event done, and the email lost — so it is retried until the
   * claim is sent or stale (taken over). The audit entry is keyed on the claim's time, so writing
   * it again after a crash between "sent" and the audit neither loses nor doubles it.
   */
  const record = async (outcome: 'sent' | 'skipped', kind: NoticeKind, step: string, detail: Record<string, unknown>) => {
    const entry = await deps.ledger.get(change.period, unit.id, kind, step);
    if (entry?.state !== 'sent') throw new NoticeInFlightError(`${change.period}/${unit.id}/${kind}/${step}`);
    if (outcome === 'sent') sent += 1;
    await deps.audit.append(change.period, unit.id, {
      at: entry.claimedAt,
      eventId: `notice-${kind}-${step}`,
      action: 'NOTICE_SENT',
      actor: 'system:receipt',
      detail: { kind, ...detail },
    });
  };

  for (const upload of change.newUploads) {
    const index = ordered.findIndex((v) => v.uploadId === upload.uploadId);
    const version = ordered[index];
    if (!version) continue;
    const kind = version.valid ? 'receipt' : 'rejection';
    const email = version.valid
      ? receiptEmail({
          regime: deps.regime,
          unit,
          period: change.period,
          uploadId: version.uploadId,
          receivedAt: new Date(version.receivedAt),
          sha256: version.sha256,
          versionNumber: index + 1,
          status: change.status,
          dueDate,
          link: deps.appUrl,
        })
      : rejectionEmail({
          regime: deps.regime,
          unit,
          period: change.period,
          uploadId: version.uploadId,
          receivedAt: new Date(version.receivedAt),
          reasons: version.reasons,
          dueDate,
          link: deps.appUrl,
        });
    const outcome = await sendOnce(
      { ledger: deps.ledger, clock: deps.clock },
      { period: change.period, unitId: unit.id, kind, step: version.uploadId },
      () => deps.mailer.send({ to: [unit.email], ...email }),
    );
    await record(outcome, kind, version.uploadId, { uploadId: version.uploadId });
  }

  if (change.status === 'RETURNED' && change.previousStatus !== 'RETURNED') {
    const step = `returned-${change.at}`;
    const outcome = await sendOnce(
      { ledger: deps.ledger, clock: deps.clock },
      { period: change.period, unitId: unit.id, kind: 'returned', step },
      async () => {
        const email = returnedEmail({ regime: deps.regime, unit, period: change.period, reason: change.returnedReason ?? '', dueDate });
        return deps.mailer.send({ to: [unit.email], ...email });
      },
    );
    await record(outcome, 'returned', step, { reason: change.returnedReason });
  }
  return { sent };
}
