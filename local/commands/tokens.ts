import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { systemClock } from '../../shared/clock.js';
import { currentPeriod } from '../../shared/domain/calendar.js';
import { RequestError } from '../../shared/errors.js';
import type { TokenRecord } from '../../shared/ports.js';
import { sendInvites } from '../../shared/use-cases/send-invites.js';
import { sha256Hex } from '../../shared/use-cases/tokens.js';
import { targetMailer, targetRegime, targetRegimes, targetTables, type OperatorTarget } from '../target.js';

/**
 * Token lifecycle and invitations on the target (the local stack, or a deployment through its
 * outputs file): `token list`, `token revoke`, `invite`. The CLI process is one more runtime of
 * the same adapters and use cases.
 */
async function withRegime(target: OperatorTarget) {
  return { regime: await targetRegime(target), tables: targetTables(target) };
}

const state = (t: TokenRecord, now: string) => (t.revokedAt ? 'thu hồi' : t.expiresAt <= now ? 'hết hạn' : 'còn hiệu lực');

export async function listTokens(
  target: OperatorTarget,
  args: { unitId?: string; json?: boolean },
  out: (line: string) => void,
): Promise<TokenRecord[]> {
  const { regime, tables } = await withRegime(target);
  const unitIds = args.unitId ? [args.unitId] : regime.units.map((u) => u.id);
  const tokens = (await Promise.all(unitIds.map((id) => tables.tokens.listByUnit(id)))).flat();
  const now = systemClock.now().toISOString();
  if (args.json)
    out(
      JSON.stringify(
        tokens.map((t) => ({ ...t, id: t.tokenHash.slice(0, 12), state: state(t, now) })),
        null,
        2,
      ),
    );
  else
    for (const t of tokens)
      out(
        `${t.tokenHash.slice(0, 12)}  ${t.unitId.padEnd(20)} ${state(t, now).padEnd(13)} tạo ${t.createdAt}  hết hạn ${t.expiresAt}  dùng lần cuối ${t.lastUsedAt ?? '—'}`,
      );
  return tokens;
}

/** Revokes one token (the token itself, or the id `token list` shows) or every live token of a unit. */
export async function revokeTokens(
  target: OperatorTarget,
  args: { token?: string; id?: string; unitId?: string },
  out: (line: string) => void,
): Promise<number> {
  if (!args.token && !args.id && !args.unitId)
    throw new RequestError(400, 'MISSING_ARGUMENT', 'token revoke needs --token TOKEN, --id ID or --unit ID');
  const { regime, tables } = await withRegime(target);
  const byToken = args.token ? await tables.tokens.get(sha256Hex(args.token)) : null;
  const candidates = args.token
    ? byToken
      ? [byToken]
      : []
    : (await Promise.all((args.unitId ? [args.unitId] : regime.units.map((u) => u.id)).map((id) => tables.tokens.listByUnit(id)))).flat();
  const targets = candidates.filter((t) => !t.revokedAt && (!args.id || t.tokenHash.startsWith(args.id)));
  if (targets.length === 0) throw new RequestError(404, 'TOKEN_NOT_FOUND', 'Không tìm thấy mã truy cập còn hiệu lực nào để thu hồi');
  const now = systemClock.now().toISOString();
  const period = currentPeriod(regime, systemClock.now());
  for (const t of targets) {
    await tables.tokens.revoke(t.tokenHash, now);
    // Every revocation is in the unit's audit trail (issue 13), as the admin API's are.
    await tables.audit.append(period, t.unitId, {
      at: now,
      eventId: `token-revoked-${t.tokenHash.slice(0, 12)}`,
      action: 'TOKEN_REVOKED',
      actor: 'cli:token-revoke',
      detail: { token: t.tokenHash.slice(0, 12), reason: 'revoked' },
    });
  }
  out(`Đã thu hồi ${targets.length} mã truy cập.`);
  return targets.length;
}

export async function invite(
  target: OperatorTarget,
  args: { period: PeriodKey; unitId?: string; resend?: boolean },
  out: (line: string) => void,
) {
  const { regime, tables } = await withRegime(target);
  const mailer = targetMailer(target, regime);
  const regimes = await targetRegimes(target);
  const results = await sendInvites(
    { tokens: tables.tokens, ledger: tables.notices, audit: tables.audit, mailer, clock: systemClock, regimes, appUrl: target.appUrl },
    { period: args.period, ...(args.unitId ? { unitIds: [args.unitId] } : {}), ...(args.resend ? { resend: true } : {}) },
  );
  const sent = results.filter((r) => r.outcome === 'sent').length;
  out(`Đã gửi thư mời cho ${sent} đơn vị; ${results.length - sent} đơn vị đã được mời trước đó (dùng --resend để gửi lại).`);
  return results;
}
