/**
 * How the board gets its bearer token: the only module that knows. Staff sign in through the
 * OpenID provider the site names in BOARD_OIDC_FILE (Cognito's managed login on AWS, the in-process
 * provider locally): authorization code + PKCE as a public client, the access token kept in the
 * tab's sessionStorage (gone when the tab closes) until it expires. api.ts asks `accessToken()`
 * before each call and `forgetAccessToken()` when the API answers 401.
 *
 * `/board#admin=<token>` stays as a shortcut for developers and tests (the local stack writes a
 * token for the seeded admin to endpoints.json): read once from the fragment (browsers never send
 * it to a server), kept for the tab, and taken out of the address bar.
 *
 * The role shown and the controls hidden come from the token's `cognito:groups` claim, decoded
 * without checking its signature: display only, every API call is checked by the server.
 *
 * Hand-written rather than an OIDC client library: the flow is one redirect, one POST and a few
 * lines of WebCrypto, and the board's bundle has a 40 KB budget.
 */
import { BOARD_OIDC_FILE, type BoardOidcConfig } from '../../shared/definitions/site.js';
import {
  GROUPS_CLAIM,
  STAFF_ACTIONS,
  STAFF_ROLES,
  STAFF_ROLE_LABELS,
  type StaffAction,
  type StaffRole,
} from '../../shared/definitions/staff-roles.js';

const ADMIN_KEY = 'baocao.board.admin';
const TOKENS_KEY = 'baocao.board.oidc';
const PENDING_KEY = 'baocao.board.signin';
const SIGNED_OUT_KEY = 'baocao.board.signed-out';
/** A token this close to its expiry is not used: the call would fail on the way. */
const EXPIRY_MARGIN_MS = 30_000;

/** What the locked panel says when the API refused the token (without one, it says the page's own text). */
export const TOKEN_REFUSED = 'Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Hãy đăng nhập lại.';

interface Tokens {
  accessToken: string;
  idToken?: string;
  /** Epoch ms. */
  expiresAt: number;
}
interface Pending {
  state: string;
  nonce: string;
  verifier: string;
}

/** Storage can throw (disabled cookies, sandboxed frames): then the token lives in memory only. */
function session(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
function readJson<T>(key: string): T | null {
  try {
    return JSON.parse(session()?.getItem(key) ?? 'null') as T | null;
  } catch {
    return null;
  }
}
const writeJson = (key: string, value: unknown) => session()?.setItem(key, JSON.stringify(value));

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const randomString = (bytes = 32) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));
async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** A JWT's payload, unverified (display and expiry only); null when it is not a JWT. */
function claimsOf(jwt: string | null | undefined): Record<string, unknown> | null {
  const part = jwt?.split('.')[1];
  if (!part) return null;
  try {
    const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function fromFragment(): string | null {
  const m = /(?:^#|&)admin=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return null;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

let current: string | null | undefined;

/** The bearer token to call the API with, or null when the board must ask the person to sign in. */
export function accessToken(): string | null {
  if (current === undefined) {
    const taken = fromFragment();
    if (taken) {
      session()?.setItem(ADMIN_KEY, taken);
      session()?.removeItem(SIGNED_OUT_KEY);
    }
    current = taken ?? session()?.getItem(ADMIN_KEY) ?? null;
  }
  if (current) return current;
  const tokens = readJson<Tokens>(TOKENS_KEY);
  if (!tokens) return null;
  if (tokens.expiresAt - EXPIRY_MARGIN_MS <= Date.now()) {
    forgetAccessToken();
    return null;
  }
  return tokens.accessToken;
}

/** The API refused the token: drop it, so a reload asks again instead of failing again. */
export function forgetAccessToken(): void {
  current = null;
  session()?.removeItem(ADMIN_KEY);
  session()?.removeItem(TOKENS_KEY);
}

// ---------------------------------------------------------------- who is signed in

export interface SignedInPerson {
  name: string;
  roles: StaffRole[];
  /** Short role names (Chuyên viên, Lãnh đạo…) and their full descriptions. */
  roleNames: string[];
  roleLabels: string[];
}

export function signedInPerson(): SignedInPerson | null {
  const token = accessToken();
  const claims = claimsOf(token);
  if (!claims) return null;
  const id = claimsOf(readJson<Tokens>(TOKENS_KEY)?.idToken);
  const groups = claims[GROUPS_CLAIM] ?? id?.[GROUPS_CLAIM];
  const roles = STAFF_ROLES.filter((r) => Array.isArray(groups) && groups.includes(r));
  // Cognito's access token has no `name`: its ID token does (the profile scope).
  const name =
    [claims.name, id?.name, claims.username, id?.['cognito:username'], claims.sub].find(
      (v): v is string => typeof v === 'string' && v !== '',
    ) ?? '';
  const roleLabels = roles.map((r) => STAFF_ROLE_LABELS[r]);
  return { name, roles, roleLabels, roleNames: roleLabels.map((l) => l.split(':')[0]!.trim()) };
}

/**
 * Whether the signed-in person's role allows an action (STAFF_ACTIONS, the table the API checks):
 * what the board hides or shows. Display only; the API answers 403 on its own.
 */
export function can(action: StaffAction): boolean {
  const roles: readonly StaffRole[] = STAFF_ACTIONS[action].roles;
  return signedInPerson()?.roles.some((r) => r === 'admin' || roles.includes(r)) ?? false;
}

// ---------------------------------------------------------------- the sign-in flow

let config: Promise<BoardOidcConfig | null> | undefined;
/** The provider's settings the site serves; null when the site has none (then only #admin= works). */
export function signInConfig(): Promise<BoardOidcConfig | null> {
  config ??= fetch(`/${BOARD_OIDC_FILE}`, { cache: 'no-store', credentials: 'omit' })
    .then((r) => (r.ok ? (r.json() as Promise<BoardOidcConfig>) : null))
    .catch(() => null);
  return config;
}

const boardUrl = () => `${location.origin}${location.pathname}`;

/** Leaves for the provider's sign-in page; it sends the person back to the board with a code. */
export async function startSignIn(): Promise<boolean> {
  const cfg = await signInConfig();
  if (!cfg) return false;
  const pending: Pending = { state: randomString(), nonce: randomString(), verifier: randomString(48) };
  writeJson(PENDING_KEY, pending);
  session()?.removeItem(SIGNED_OUT_KEY);
  const url = new URL(cfg.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: boardUrl(),
    scope: cfg.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await pkceChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
  return true;
}

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * Finishes a sign-in when the provider has just sent the person back (`?code=&state=`, or
 * `?error=`): checks the state, exchanges the code with the PKCE verifier, checks the ID token's
 * nonce, keeps the tokens. Returns true when it signed someone in; throws SignInError (Vietnamese)
 * when the return was not acceptable. The query is taken out of the address bar either way.
 */
export async function completeSignIn(): Promise<boolean> {
  const q = new URLSearchParams(location.search);
  const code = q.get('code');
  const error = q.get('error');
  if (!code && !error) return false;
  history.replaceState(null, '', location.pathname + location.hash);
  const pending = readJson<Pending>(PENDING_KEY);
  session()?.removeItem(PENDING_KEY);
  if (error) throw new SignInError(`Đăng nhập không thành công (${q.get('error_description') ?? error}).`);
  if (!pending || q.get('state') !== pending.state) throw new SignInError('Phiên đăng nhập không khớp hoặc đã cũ. Hãy đăng nhập lại.');
  const cfg = await signInConfig();
  if (!cfg) throw new SignInError('Không đọc được cấu hình đăng nhập của trang. Hãy thử lại sau.');
  let res: Response;
  try {
    res = await fetch(cfg.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code ?? '',
        client_id: cfg.clientId,
        redirect_uri: boardUrl(),
        code_verifier: pending.verifier,
      }).toString(),
      credentials: 'omit',
    });
  } catch {
    throw new SignInError('Không kết nối được máy chủ đăng nhập. Hãy thử lại.');
  }
  const body = (await res.json().catch(() => null)) as { access_token?: string; id_token?: string; expires_in?: number } | null;
  if (!res.ok || !body?.access_token)
    throw new SignInError('Máy chủ đăng nhập không cấp phiên (mã đã dùng hoặc hết hạn). Hãy đăng nhập lại.');
  // The ID token came straight from the token endpoint over TLS: its issuer is trusted (OIDC Core
  // 3.1.3.7); the nonce ties it to this tab's sign-in.
  const id = claimsOf(body.id_token);
  if (body.id_token && id?.nonce !== pending.nonce) throw new SignInError('Phiên đăng nhập không khớp. Hãy đăng nhập lại.');
  const exp = claimsOf(body.access_token)?.exp;
  const expiresAt = Math.min(typeof exp === 'number' ? exp * 1000 : Infinity, Date.now() + (body.expires_in ?? 3600) * 1000);
  writeJson(TOKENS_KEY, {
    accessToken: body.access_token,
    ...(body.id_token ? { idToken: body.id_token } : {}),
    expiresAt,
  } satisfies Tokens);
  current = undefined;
  return true;
}

/** After a sign-out the board waits for the person instead of sending them straight back to sign in. */
export const signedOut = (): boolean => session()?.getItem(SIGNED_OUT_KEY) === '1';

/** Forgets the tokens and ends the provider's session too, which sends the person back to the board. */
export async function signOut(): Promise<void> {
  const idToken = readJson<Tokens>(TOKENS_KEY)?.idToken;
  const viaProvider = readJson<Tokens>(TOKENS_KEY) !== null;
  forgetAccessToken();
  session()?.setItem(SIGNED_OUT_KEY, '1');
  const cfg = viaProvider ? await signInConfig() : null;
  if (!cfg) {
    location.replace(boardUrl());
    return;
  }
  const url = new URL(cfg.endSessionEndpoint);
  url.search = new URLSearchParams({
    client_id: cfg.clientId,
    [cfg.logoutRedirectParam]: boardUrl(),
    ...(idToken && cfg.logoutRedirectParam === 'post_logout_redirect_uri' ? { id_token_hint: idToken } : {}),
  }).toString();
  location.assign(url.toString());
}
