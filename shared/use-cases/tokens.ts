import { periodLabel, periodYear, splitPeriodKey, type PeriodKey } from '../domain/periodicity.js';
import { createHash, randomBytes } from 'node:crypto';
import { RequestError } from '../errors.js';
import type { Regime, Unit } from '../domain/regime.js';
import { unitIn, type Regimes } from '../domain/regimes.js';
import { currentPeriod, firstPeriodOfYear } from '../domain/calendar.js';
import type { AuditLog, Clock, TokenRecord, TokenStore } from '../ports.js';

export const sha256Hex = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

/** Unit link tokens: random, stored only as a hash, scoped to one unit, expiring, revocable. */
const DEFAULT_TOKEN_DAYS = 180;
/** A link names at most this many periods (the current one and a few late or next ones). */
const MAX_BOUND_PERIODS = 5;
/** A link's id on the board and in the API: 16 hex digits of its hash, unique in practice, useless to file with. */
const LINK_ID_LENGTH = 16;

/**
 * A fresh token: 192 random bits in base64url. One draw in 64 would start with '-', which a
 * command line takes for an option (`token revoke --token -x…` failed): such a draw is thrown
 * away and drawn again. That removes one first character out of 64, under 0.03 bits of 192.
 */
export function newToken(draw: () => Buffer = () => randomBytes(24)): string {
  for (;;) {
    const token = draw().toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

/**
 * One live link per unit (issue 13). A token is stored only as its SHA-256, so its raw value can
 * never be read back to be mailed again; keeping it re-readable would need a second secret (a key
 * to encrypt it, or an HMAC key to re-derive it) whose theft would hand over every unit's link.
 * Instead the invitation (or an admin's re-issue) is the only message that carries the link, and
 * reminders, overdue notices, receipts and returns point the clerk back to it: they mint nothing.
 * Issuing a link revokes every other live link of the unit, so there is at most one at a time.
 */
export interface IssueDeps {
  tokens: TokenStore;
  clock: Clock;
  regimes: Regimes;
  /** Where the issue and the revocations it causes are recorded (every production caller passes it). */
  audit?: AuditLog;
}

/** The reporting years a link is bound to: the main regime's current year at issue, plus the ones asked for. */
export function boundPeriods(record: Pick<TokenRecord, 'periods' | 'createdAt'>, regime: Regime): number[] {
  return record.periods ?? [periodYear(currentPeriod(regime, new Date(record.createdAt)))];
}

/** Where a link's issue and revocation are recorded: the main regime's current period, or the first of a later bound year. */
function auditPeriodOf(regime: Regime, year: number, now: Date): PeriodKey {
  const current = currentPeriod(regime, now);
  return periodYear(current) >= year ? current : firstPeriodOfYear(regime, year);
}

/**
 * Issues a unit token (the unit's one live link).
 * 1. The unit must exist in the regime; the expiry must be in the future.
 * 2. A random token is made; only its SHA-256 is stored, with the unit, expiry and bound periods.
 * 3. Every other live token of the unit is revoked.
 * 4. The issue and each revocation go to the unit's audit trail of the newest bound period (the
 *    one the link is for: an invitation for next year's period, else the current one).
 * 5. The plain token is returned once, to be put in the unit's link.
 */
export async function issueToken(
  deps: IssueDeps,
  input: { unitId: string; expiresAt?: Date; periods?: number[]; actor?: string; actorName?: string },
): Promise<{ token: string; unitId: string; expiresAt: string; periods: number[]; revoked: string[] }> {
  if (!unitIn(deps.regimes, input.unitId)) throw new RequestError(404, 'UNKNOWN_UNIT', `Không có đơn vị mã "${input.unitId}"`);
  const now = deps.clock.now();
  const at = now.toISOString();
  const expiresAt = (input.expiresAt ?? new Date(now.getTime() + DEFAULT_TOKEN_DAYS * 86_400_000)).toISOString();
  if (expiresAt <= at) throw new RequestError(400, 'INVALID_EXPIRY', 'Ngày hết hạn phải sau thời điểm hiện tại');
  const current = periodYear(currentPeriod(deps.regimes.main, now));
  for (const p of input.periods ?? []) {
    if (!Number.isInteger(p) || p < deps.regimes.main.firstPeriod || p > current + 1) {
      throw new RequestError(
        400,
        'INVALID_PERIOD',
        `Kỳ báo cáo ${p} không hợp lệ (từ ${deps.regimes.main.firstPeriod} đến ${current + 1})`,
      );
    }
  }
  const periods = [...new Set([current, ...(input.periods ?? [])])].sort((a, b) => a - b).slice(0, MAX_BOUND_PERIODS);
  const token = newToken();
  const tokenHash = sha256Hex(token);
  const live = (await deps.tokens.listByUnit(input.unitId)).filter((t) => !t.revokedAt && t.expiresAt > at);
  await deps.tokens.put({ tokenHash, unitId: input.unitId, createdAt: at, expiresAt, periods });
  const auditPeriod = auditPeriodOf(deps.regimes.main, periods[periods.length - 1]!, now);
  const actor = input.actor ?? 'system:tokens';
  const who = { actor, ...(input.actorName ? { actorName: input.actorName } : {}) };
  for (const old of live) {
    await deps.tokens.revoke(old.tokenHash, at);
    await deps.audit?.append(auditPeriod, input.unitId, {
      at,
      eventId: `token-revoked-${old.tokenHash.slice(0, 12)}`,
      action: 'TOKEN_REVOKED',
      ...who,
      detail: { token: old.tokenHash.slice(0, 12), reason: 'reissued', replacedBy: tokenHash.slice(0, 12) },
    });
  }
  await deps.audit?.append(auditPeriod, input.unitId, {
    at,
    eventId: `token-issued-${tokenHash.slice(0, 12)}`,
    action: 'TOKEN_ISSUED',
    ...who,
    detail: { token: tokenHash.slice(0, 12), expiresAt, periods },
  });
  return { token, unitId: input.unitId, expiresAt, periods, revoked: live.map((t) => t.tokenHash) };
}

/** A link as an admin sees it: never the token, only its hash prefix (enough to revoke it). */
export interface UnitLink {
  id: string;
  unitId: string;
  createdAt: string;
  expiresAt: string;
  periods: number[];
  state: 'live' | 'revoked' | 'expired';
  revokedAt?: string;
  lastUsedAt?: string;
}

const toLink = (t: TokenRecord, regime: Regime, at: string): UnitLink => ({
  id: t.tokenHash.slice(0, LINK_ID_LENGTH),
  unitId: t.unitId,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  periods: boundPeriods(t, regime),
  state: t.revokedAt ? 'revoked' : t.expiresAt <= at ? 'expired' : 'live',
  ...(t.revokedAt ? { revokedAt: t.revokedAt } : {}),
  ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt } : {}),
});

/** The unit's links, newest first (bounded: the newest 50). */
export async function listUnitLinks(
  deps: { tokens: TokenStore; clock: Clock; regimes: Regimes },
  input: { unitId: string },
): Promise<UnitLink[]> {
  if (!unitIn(deps.regimes, input.unitId)) throw new RequestError(404, 'UNKNOWN_UNIT', `Không có đơn vị mã "${input.unitId}"`);
  const at = deps.clock.now().toISOString();
  return (await deps.tokens.listByUnit(input.unitId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, 50)
    .map((t) => toLink(t, deps.regimes.main, at));
}

/** Revokes one link of the unit, named by its id (the hash prefix listUnitLinks shows). */
export async function revokeUnitLink(
  deps: { tokens: TokenStore; clock: Clock; regimes: Regimes; audit: AuditLog },
  input: { unitId: string; linkId: string; actor: string; actorName?: string },
): Promise<UnitLink> {
  if (!unitIn(deps.regimes, input.unitId)) throw new RequestError(404, 'UNKNOWN_UNIT', `Không có đơn vị mã "${input.unitId}"`);
  const record = (await deps.tokens.listByUnit(input.unitId)).find(
    (t) => t.tokenHash.startsWith(input.linkId) && input.linkId.length >= LINK_ID_LENGTH,
  );
  if (!record) throw new RequestError(404, 'UNKNOWN_LINK', `Đơn vị "${input.unitId}" không có đường dẫn mã "${input.linkId.slice(0, 40)}"`);
  const now = deps.clock.now();
  const at = now.toISOString();
  if (!record.revokedAt) {
    await deps.tokens.revoke(record.tokenHash, at);
    await deps.audit.append(auditPeriodOf(deps.regimes.main, Math.max(...boundPeriods(record, deps.regimes.main)), now), input.unitId, {
      at,
      eventId: `token-revoked-${record.tokenHash.slice(0, 12)}`,
      action: 'TOKEN_REVOKED',
      actor: input.actor,
      ...(input.actorName ? { actorName: input.actorName } : {}),
      detail: { token: record.tokenHash.slice(0, 12), reason: 'revoked' },
    });
  }
  return toLink((await deps.tokens.get(record.tokenHash)) ?? record, deps.regimes.main, at);
}

/**
 * Resolves a unit token to its unit: 401 when missing, unknown, expired or revoked; 403 when
 * its unit is no longer in the regime.
 */
export async function authenticateUnit(
  deps: { tokens: TokenStore; clock: Clock; regimes: Regimes },
  token: string | null,
): Promise<{ unit: Unit; record: TokenRecord }> {
  if (!token) throw new RequestError(401, 'MISSING_TOKEN', 'Thiếu mã truy cập của đơn vị (Authorization: Bearer …)');
  const record = await deps.tokens.get(sha256Hex(token));
  if (!record) throw new RequestError(401, 'INVALID_TOKEN', 'Đường dẫn nộp báo cáo không hợp lệ');
  if (record.revokedAt)
    throw new RequestError(401, 'REVOKED_TOKEN', 'Đường dẫn nộp báo cáo đã bị thu hồi; liên hệ Sở Nội vụ để được cấp lại');
  if (record.expiresAt <= deps.clock.now().toISOString()) {
    throw new RequestError(401, 'EXPIRED_TOKEN', 'Đường dẫn nộp báo cáo đã hết hạn; liên hệ Sở Nội vụ để được cấp lại');
  }
  const unit = unitIn(deps.regimes, record.unitId);
  if (!unit) throw new RequestError(403, 'UNIT_NOT_FOUND', 'Đơn vị của đường dẫn này không còn trong danh sách báo cáo');
  return { unit, record };
}

/**
 * 403 when the link is not bound to the period it is used for (a 2026 link cannot file 2020); `main`
 * is the deployment's main regime, whose years the link is bound to.
 */
export function requireBoundPeriod(main: Regime, record: TokenRecord, period: PeriodKey, regime: Regime = main): void {
  const periods = boundPeriods(record, main);
  if (!periods.includes(periodYear(period))) {
    // The annual wording stays "kỳ 2026"; a period of another periodicity is named as a person reads it.
    const [years, named] =
      regime.frequency === 'annual'
        ? [`kỳ ${periods.join(', ')}`, `kỳ ${splitPeriodKey(period).id}`]
        : [`các kỳ của năm ${periods.join(', ')}`, periodLabel(regime.frequency, period)];
    throw new RequestError(
      403,
      'PERIOD_NOT_BOUND',
      `Đường dẫn này chỉ dùng để nộp báo cáo ${years}, không dùng cho ${named}; liên hệ Sở Nội vụ nếu cần nộp kỳ khác`,
    );
  }
}
