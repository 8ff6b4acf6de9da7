import { createHash, randomBytes } from 'node:crypto';
import { RequestError } from '../errors.js';
import { findUnit, type Regime, type Unit } from '../domain/regime.js';
import type { Clock, TokenRecord, TokenStore } from '../ports.js';

export const sha256Hex = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

/** Unit link tokens: random, stored only as a hash, scoped to one unit, expiring, revocable. */
const DEFAULT_TOKEN_DAYS = 180;

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
 * Issues a unit token.
 * 1. The unit must exist in the regime.
 * 2. A random token is made; only its SHA-256 is stored, with the unit and expiry.
 * 3. The plain token is returned once, to be put in the unit's link.
 */
export async function issueToken(
  deps: { tokens: TokenStore; clock: Clock; regime: Regime },
  input: { unitId: string; expiresAt?: Date },
): Promise<{ token: string; unitId: string; expiresAt: string }> {
  if (!findUnit(deps.regime, input.unitId)) throw new RequestError(404, 'UNKNOWN_UNIT', `Không có đơn vị mã "${input.unitId}"`);
  const now = deps.clock.now();
  const expiresAt = (input.expiresAt ?? new Date(now.getTime() + DEFAULT_TOKEN_DAYS * 86_400_000)).toISOString();
  if (expiresAt <= now.toISOString()) throw new RequestError(400, 'INVALID_EXPIRY', 'Ngày hết hạn phải sau thời điểm hiện tại');
  const token = newToken();
  await deps.tokens.put({ tokenHash: sha256Hex(token), unitId: input.unitId, createdAt: now.toISOString(), expiresAt });
  return { token, unitId: input.unitId, expiresAt };
}

/**
 * Resolves a unit token to its unit: 401 when missing, unknown, expired or revoked; 403 when
 * its unit is no longer in the regime.
 */
export async function authenticateUnit(
  deps: { tokens: TokenStore; clock: Clock; regime: Regime },
  token: string | null,
): Promise<{ unit: Unit; record: TokenRecord }> {
  if (!token) throw new RequestError(401, 'MISSING_TOKEN', 'Thiếu mã truy cập của đơn vị (Authorization: Bearer …)');
  const record = await deps.tokens.get(sha256Hex(token));
  if (!record) throw new RequestError(401, 'INVALID_TOKEN', 'Đường dẫn nộp báo cáo không hợp lệ');
  if (record.revokedAt) throw new RequestError(401, 'REVOKED_TOKEN', 'Đường dẫn nộp báo cáo đã bị thu hồi; liên hệ Sở Nội vụ để được cấp lại');
  if (record.expiresAt <= deps.clock.now().toISOString()) {
    throw new RequestError(401, 'EXPIRED_TOKEN', 'Đường dẫn nộp báo cáo đã hết hạn; liên hệ Sở Nội vụ để được cấp lại');
  }
  const unit = findUnit(deps.regime, record.unitId);
  if (!unit) throw new RequestError(403, 'UNIT_NOT_FOUND', 'Đơn vị của đường dẫn này không còn trong danh sách báo cáo');
  return { unit, record };
}

