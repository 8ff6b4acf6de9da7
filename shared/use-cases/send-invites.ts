import { periodLabel, periodYear, type PeriodKey } from '../domain/periodicity.js';
import { regimeFor, type Regimes } from '../domain/regimes.js';
import { periodDates } from '../domain/calendar.js';
import { expectedUnits } from '../domain/regime.js';
import { inviteEmail } from '../email/unit-email.js';
import { RequestError } from '../errors.js';
import type { AuditLog, Clock, Mailer, NoticeLedger, TokenStore } from '../ports.js';
import { sendOnce } from './send-once.js';
import { issueToken } from './tokens.js';

/** Links sent with an invitation stay valid this long after the deadline (late reports, revisions). */
const LINK_DAYS_AFTER_DEADLINE = 120;

export interface InviteResult {
  unitId: string;
  outcome: 'sent' | 'skipped';
}

/**
 * Invites units to report for a period (`cli invite`).
 * 1. Take the expected units of the period (or the ones asked for; an unknown one is a 404).
 * 2. For each: claim the ledger entry (kind 'invite', step: the period, or a fresh step when
 *    re-sending), issue a new token valid until some months after the deadline, and email the
 *    unit's contact its personal link `{appUrl}/#t=TOKEN` — the token only ever in the fragment.
 * 3. Record the invitation in the unit's audit trail.
 * Running it twice sends nothing new unless `resend` is set (a lost email, a new contact).
 */
export async function sendInvites(
  deps: { tokens: TokenStore; ledger: NoticeLedger; mailer: Mailer; audit: AuditLog; clock: Clock; regimes: Regimes; appUrl: string },
  input: { period: PeriodKey; unitIds?: string[]; resend?: boolean },
): Promise<InviteResult[]> {
  const regime = regimeFor(deps.regimes, input.period);
  const expected = expectedUnits(regime, input.period);
  for (const id of input.unitIds ?? []) {
    if (!expected.some((u) => u.id === id))
      throw new RequestError(
        404,
        'UNKNOWN_UNIT',
        `Đơn vị "${id}" không thuộc diện báo cáo kỳ ${periodLabel(regime.frequency, input.period)}`,
      );
  }
  const units = input.unitIds ? expected.filter((u) => input.unitIds!.includes(u.id)) : expected;
  const dates = periodDates(regime, input.period);
  const expiresAt = new Date(dates.dueAt.getTime() + LINK_DAYS_AFTER_DEADLINE * 86_400_000);
  const results: InviteResult[] = [];
  for (const unit of units) {
    const step = input.resend ? `${input.period}@${deps.clock.now().toISOString()}` : String(input.period);
    const outcome = await sendOnce(
      { ledger: deps.ledger, clock: deps.clock },
      { period: input.period, unitId: unit.id, kind: 'invite', step },
      async () => {
        // The invitation is the one message that carries the link; issuing it revokes the unit's older link.
        const { token } = await issueToken(
          { tokens: deps.tokens, clock: deps.clock, regimes: deps.regimes, audit: deps.audit },
          { unitId: unit.id, expiresAt, periods: [periodYear(input.period)], actor: 'cli:invite' },
        );
        const email = inviteEmail({
          regime,
          unit,
          period: input.period,
          link: `${deps.appUrl}/#t=${token}`,
          dueDate: dates.dueDate,
        });
        return deps.mailer.send({ to: [unit.email], ...email });
      },
    );
    if (outcome === 'sent') {
      await deps.audit.append(input.period, unit.id, {
        at: deps.clock.now().toISOString(),
        eventId: `invite-${step}`,
        action: 'NOTICE_SENT',
        actor: 'cli:invite',
        detail: { kind: 'invite', step },
      });
    }
    results.push({ unitId: unit.id, outcome });
  }
  return results;
}
