import { periodFields } from '../domain/periodicity.js';
import type { PeriodKey } from '../domain/periodicity.js';
import { DETAIL_TYPES } from '../definitions/events.js';
import { currentPeriod, localDate, periodDates } from '../domain/calendar.js';
import { dueNotices, type DueNotice, type EscalationNotice, type NoticeKind } from '../domain/notices.js';
import { findUnit, type Regime } from '../domain/regime.js';
import { regimeFor, type Regimes } from '../domain/regimes.js';
import { escalationEmail, overdueEmail, reminderEmail, type EscalationRow } from '../email/notices-email.js';
import type { RenderedEmail } from '../email/layout.js';
import type { AuditLog, Clock, EventBus, Mailer, NoticeLedger, StatusStore, TokenStore } from '../ports.js';
import { readStatus, type UnitStatusRow } from './read-status.js';
import { sendOnce, STALE_CLAIM_MS, type NoticeKey } from './send-once.js';

export interface SendDueNoticesDeps {
  statuses: StatusStore;
  ledger: NoticeLedger;
  mailer: Mailer;
  tokens: TokenStore;
  audit: AuditLog;
  bus: EventBus;
  clock: Clock;
  /** Every regime the deployment runs: each period is chased under its own regime. */
  regimes: Regimes;
  /** Public URL of the form, without a trailing slash: personal links are `${appUrl}/#t=TOKEN`. */
  appUrl: string;
  /** Where the escalation digest goes; the regime's receiving body (Sở Nội vụ) when omitted. */
  receiverEmail?: string;
}

export interface SendDueNoticesInput {
  /** Periods to chase; default: the latest period that has opened (see openPeriods). */
  periods?: PeriodKey[];
  /** Compute and report what would be sent; send, record and publish nothing. */
  dryRun?: boolean;
}

/**
 * What happened to one due notice. `would-send` only in a dry run; `skipped` when the ledger
 * already holds it as sent (or another sender holds a fresh claim on it).
 */
export type NoticeOutcome = 'sent' | 'skipped' | 'failed' | 'would-send';

export interface NoticeResult {
  period: PeriodKey;
  /** '*' for the escalation digest. */
  unitId: string;
  unitName: string;
  kind: NoticeKind;
  step: string;
  /** Local date the step fell due (a catch-up run sends it later). */
  dueOn: string;
  deadline?: string;
  daysOverdue?: number;
  /** Units listed in an escalation digest. */
  listed?: string[];
  to: string[];
  cc?: string[];
  outcome: NoticeOutcome;
  messageId?: string;
  error?: string;
}

export interface NoticesSummary {
  asOf: string;
  /** Local date of `asOf` in the regime's time zone. */
  today: string;
  dryRun: boolean;
  periods: PeriodKey[];
  /** Notices sent (or, in a dry run, that would be sent) per kind. */
  counts: Record<NoticeKind, number>;
  skipped: number;
  failed: number;
  notices: NoticeResult[];
  /** Periods whose statuses could not be read. */
  periodErrors: { period: PeriodKey; error: string }[];
}

/** Some notices could not be sent: thrown after all the others were, so the schedule retries (sendOnce makes that safe). */
export class NoticesFailedError extends Error {
  constructor(readonly summary: NoticesSummary) {
    const failed = summary.notices.filter((n) => n.outcome === 'failed');
    const parts = [
      ...failed.map((n) => `${n.period}/${n.unitId}/${n.kind}/${n.step}: ${n.error}`),
      ...summary.periodErrors.map((p) => `${p.period}: ${p.error}`),
    ];
    super(`${parts.length} notice(s) failed: ${parts.slice(0, 5).join('; ')}${parts.length > 5 ? '; …' : ''}`);
    this.name = 'NoticesFailedError';
  }
}

/**
 * The periods chased by default: the current one once its window has opened (never one before the
 * regime's first period). A period stops being chased when the next one opens, so a fresh
 * deployment does not send year-old overdue notices for a period it never ran.
 */
export function chasedPeriods(regime: Regime, now: Date): PeriodKey[] {
  const p = currentPeriod(regime, now);
  return periodDates(regime, p).opensAt <= now ? [p] : [];
}

const unique = (emails: readonly string[]) => {
  const seen = new Set<string>();
  return emails.filter((e) => {
    const k = e.trim().toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/**
 * The daily notices job (DESIGN.md section 1; issue 5). Primary course:
 *
 * 1. Take `now` once from the clock; the periods are the given ones or the latest opened period
 *    (openPeriods).
 * 2. For each period, read every expected unit's status (readStatus: one Query, status derived
 *    with `now`) and ask the pure domain which notices are due today (dueNotices): at most one
 *    step per unit (the latest), plus the escalation digest.
 * 3. For each due notice, through the notice ledger (sendOnce, keyed on period, unit, kind, step):
 *    claim it, then render and send the email —
 *    - reminder / overdue: to the unit's contact, with a fresh personal link
 *      `${appUrl}/#t=TOKEN` (the token is issued only when the email is really sent);
 *    - escalation: one digest to Sở Nội vụ (receiverEmail or the regime's receiving body),
 *      copied to the leadership when regime.notices.escalateToLeadership.
 * 4. For each email sent: publish "Notice Sent" {period, unitId, kind, step, messageId} and append
 *    a NOTICE_SENT entry to the unit's audit trail ('*' for the digest).
 * 5. Return the summary: counts per kind, skipped, failed, and every due notice with its outcome.
 *
 * Dry run: steps 1–2, then only read the ledger to tell what a real run would send; nothing is
 * sent, claimed, published or recorded.
 *
 * Errors: a failure on one notice (or one period) is recorded and the others go on; at the end a
 * NoticesFailedError carrying the summary is thrown so the schedule retries. The ledger makes the
 * retry safe: what was sent is skipped, what failed (or was left claimed by a crash) is re-sent.
 * One known gap: if the send succeeds but "Notice Sent"/audit fail, the retry skips the notice and
 * the event is not published again (the email — the thing that matters — went out once).
 */
export async function sendDueNotices(deps: SendDueNoticesDeps, input: SendDueNoticesInput = {}): Promise<NoticesSummary> {
  const now = deps.clock.now();
  const today = localDate(now, deps.regimes.main.timeZone);
  const dryRun = input.dryRun ?? false;
  const periods = input.periods ?? deps.regimes.all.flatMap((r) => chasedPeriods(r, now));
  const summary: NoticesSummary = {
    asOf: now.toISOString(),
    today,
    dryRun,
    periods,
    counts: { reminder: 0, overdue: 0, escalation: 0 },
    skipped: 0,
    failed: 0,
    notices: [],
    periodErrors: [],
  };

  for (const period of periods) {
    let rows: Map<string, UnitStatusRow>;
    let due: DueNotice[];
    let regime: Regime;
    try {
      regime = regimeFor(deps.regimes, period);
      const status = await readStatus({ statuses: deps.statuses, clock: { now: () => now }, regime }, { period });
      rows = new Map(status.units.map((u) => [u.unitId, u]));
      due = dueNotices({
        regime,
        period,
        now,
        units: status.units.map((u) => ({
          unitId: u.unitId,
          status: u.status,
          ...(u.extensionUntil ? { extensionUntil: u.extensionUntil } : {}),
        })),
      });
    } catch (e) {
      summary.periodErrors.push({ period, error: errorMessage(e) });
      continue;
    }

    for (const notice of due) {
      const result = await handleNotice({ ...deps, regime }, { period, notice, rows, today, now, dryRun });
      summary.notices.push(result);
      if (result.outcome === 'sent' || result.outcome === 'would-send') summary.counts[result.kind] += 1;
      else if (result.outcome === 'skipped') summary.skipped += 1;
      else summary.failed += 1;
    }
  }

  if (summary.failed > 0 || summary.periodErrors.length > 0) throw new NoticesFailedError(summary);
  return summary;
}

interface Planned {
  result: NoticeResult;
  render: () => Promise<RenderedEmail>;
}

/** One due notice: its recipients and email, then (unless a dry run) the ledger-guarded send. */
/** The deps of one period: the job's, with the period's regime. */
type PeriodDeps = SendDueNoticesDeps & { regime: Regime };

async function handleNotice(
  deps: PeriodDeps,
  ctx: { period: PeriodKey; notice: DueNotice; rows: Map<string, UnitStatusRow>; today: string; now: Date; dryRun: boolean },
): Promise<NoticeResult> {
  const { period, notice } = ctx;
  const key: NoticeKey = { period, unitId: notice.unitId, kind: notice.kind, step: notice.step };
  let planned: Planned | undefined;
  try {
    planned = plan(deps, ctx);
    if (ctx.dryRun) {
      const existing = await deps.ledger.get(period, key.unitId, key.kind, key.step);
      const inFlight = existing?.state === 'claimed' && ctx.now.getTime() - Date.parse(existing.claimedAt) <= STALE_CLAIM_MS;
      planned.result.outcome = existing?.state === 'sent' || inFlight ? 'skipped' : 'would-send';
      return planned.result;
    }
    const { result, render } = planned;
    let messageId = '';
    const outcome = await sendOnce({ ledger: deps.ledger, clock: deps.clock }, key, async () => {
      const email = await render();
      const sent = await deps.mailer.send({ to: result.to, ...(result.cc?.length ? { cc: result.cc } : {}), ...email });
      messageId = sent.messageId;
      return sent;
    });
    result.outcome = outcome;
    if (outcome === 'skipped') return result;
    result.messageId = messageId;
    await deps.bus.publish([
      {
        detailType: DETAIL_TYPES.noticeSent,
        detail: { ...periodFields(period), unitId: key.unitId, kind: key.kind, step: key.step, messageId },
      },
    ]);
    await deps.audit.append(period, key.unitId, {
      at: deps.clock.now().toISOString(),
      eventId: `notice-${key.kind}-${key.step}`,
      action: 'NOTICE_SENT',
      actor: 'system:notices',
      detail: {
        kind: key.kind,
        step: key.step,
        dueOn: notice.dueOn,
        messageId,
        to: result.to,
        ...(result.cc?.length ? { cc: result.cc } : {}),
        ...(result.listed ? { listed: result.listed } : {}),
      },
    });
    return result;
  } catch (e) {
    const result = planned?.result ?? baseResult(deps, ctx);
    result.outcome = 'failed';
    result.error = errorMessage(e);
    return result;
  }
}

function baseResult(deps: PeriodDeps, ctx: { period: PeriodKey; notice: DueNotice }): NoticeResult {
  const { notice } = ctx;
  const unitName =
    notice.kind === 'escalation' ? deps.regime.receivingBody.name : (findUnit(deps.regime, notice.unitId)?.name ?? notice.unitId);
  return {
    period: ctx.period,
    unitId: notice.unitId,
    unitName,
    kind: notice.kind,
    step: notice.step,
    dueOn: notice.dueOn,
    to: [],
    outcome: 'failed',
  };
}

/** Recipients and the (lazy) email of one notice; the token for a personal link is issued only when rendering for a real send. */
function plan(deps: PeriodDeps, ctx: { period: PeriodKey; notice: DueNotice; rows: Map<string, UnitStatusRow>; today: string }): Planned {
  const { regime } = deps;
  const { period, notice } = ctx;
  if (notice.kind === 'escalation') return planEscalation(deps, { period, notice, today: ctx.today });

  const unit = findUnit(regime, notice.unitId);
  if (!unit) throw new Error(`Unit ${notice.unitId} is not in the regime`);
  const status = ctx.rows.get(unit.id)?.status;
  const result: NoticeResult = {
    ...baseResult(deps, ctx),
    unitName: unit.name,
    deadline: notice.deadline,
    ...(notice.kind === 'overdue' ? { daysOverdue: notice.daysOverdue } : {}),
    to: [unit.email],
  };
  const render = async (): Promise<RenderedEmail> => {
    // No link is minted: without one the email points to the unit's one live link (shared/use-cases/tokens.ts).
    return notice.kind === 'reminder'
      ? reminderEmail({ regime, unit, period, dueDate: notice.deadline, asOf: ctx.today, ...(status ? { status } : {}) })
      : overdueEmail({
          regime,
          unit,
          period,
          dueDate: notice.deadline,
          daysOverdue: notice.daysOverdue,
          repeat: notice.repeat,
          ...(status ? { status } : {}),
        });
  };
  return { result, render };
}

function planEscalation(deps: PeriodDeps, ctx: { period: PeriodKey; notice: EscalationNotice; today: string }): Planned {
  const { regime } = deps;
  const { period, notice } = ctx;
  const dueDate = periodDates(regime, period).dueDate;
  const receiver = deps.receiverEmail ?? regime.receivingBody.email;
  const leaders = regime.notices.escalateToLeadership ? regime.leadership : [];
  const to = [receiver];
  const cc = unique([receiver, ...leaders.map((l) => l.email)]).slice(1);
  const rows: EscalationRow[] = notice.overdue.flatMap((o) => {
    const unit = findUnit(regime, o.unitId);
    if (!unit) return [];
    return [{ unit, daysOverdue: o.daysOverdue, status: o.status, ...(o.deadline !== dueDate ? { dueDate: o.deadline } : {}) }];
  });
  const result: NoticeResult = {
    ...baseResult(deps, { period, notice }),
    deadline: dueDate,
    listed: notice.overdue.map((o) => o.unitId),
    to,
    ...(cc.length ? { cc } : {}),
  };
  const render = async () =>
    escalationEmail({
      regime,
      period,
      dueDate,
      rows,
      asOf: ctx.today,
      recipients: [regime.receivingBody.name, ...leaders.map((l) => l.name)],
      boardLink: `${deps.appUrl}/board`,
    });
  return { result, render };
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
