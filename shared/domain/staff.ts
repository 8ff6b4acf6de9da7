import {
  GROUPS_CLAIM,
  STAFF_ACTIONS,
  STAFF_ROLES,
  STAFF_ROLE_LABELS,
  type StaffAction,
  type StaffRole,
} from '../definitions/staff-roles.js';
import { RequestError } from '../errors.js';

/** Who is acting: taken from a verified token only, never from a request field. */
export interface StaffIdentity {
  sub: string;
  name: string;
  roles: StaffRole[];
}

/** Claims as API Gateway's JWT authorizer hands them over (every value a string; arrays as "[a b]"). */
export type JwtClaims = Record<string, string | number | boolean | string[] | undefined>;

const NAME_MAX = 100;

/** API Gateway flattens an array claim to "[a b c]"; the local server does the same. Accept both. */
function listClaim(v: JwtClaims[string]): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v !== 'string') return [];
  const s = v.trim();
  const inner = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  return inner
    .split(/[\s,]+/)
    .map((x) => x.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

const text = (v: JwtClaims[string]) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * The staff identity of a verified token's claims: subject, display name and the known roles.
 * Cognito access tokens carry `username`, not `name`: the staff pool's pre-token-generation trigger
 * adds `name` (functions/pretoken), as the local provider does; a token without it (a user with no
 * name) falls back to the username, then to the subject. Unknown groups are ignored.
 * 401 when there is no subject: the authorizer let through something that is not a user token.
 */
export function staffFromClaims(claims: JwtClaims | undefined): StaffIdentity {
  const sub = text(claims?.sub);
  if (!claims || !sub) throw new RequestError(401, 'UNAUTHENTICATED', 'Chưa đăng nhập (thiếu mã truy cập hợp lệ của cán bộ)');
  const name = (text(claims.name) ?? text(claims.username) ?? text(claims['cognito:username']) ?? sub).slice(0, NAME_MAX);
  const known = new Set<string>(STAFF_ROLES);
  const roles = [...new Set(listClaim(claims[GROUPS_CLAIM]).filter((r): r is StaffRole => known.has(r)))];
  return { sub, name, roles };
}

export function mayDo(who: StaffIdentity, action: StaffAction): boolean {
  const allowed: readonly StaffRole[] = STAFF_ACTIONS[action].roles;
  return who.roles.some((r) => allowed.includes(r));
}

/** 403 with a Vietnamese message naming the action and the roles that may do it. */
export function requireRole(who: StaffIdentity, action: StaffAction): StaffIdentity {
  if (mayDo(who, action)) return who;
  const { label, roles } = STAFF_ACTIONS[action];
  throw new RequestError(
    403,
    'FORBIDDEN',
    `Tài khoản ${who.name} không có quyền ${label}. Cần một trong các vai trò: ${roles.map((r: StaffRole) => STAFF_ROLE_LABELS[r].split(':')[0]).join(', ')}`,
  );
}

/** The audit trail's actor for a staff action: stable subject first, the name beside it. */
export const staffActor = (who: StaffIdentity) => ({ actor: `staff:${who.sub}`, actorName: who.name });
