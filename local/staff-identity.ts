import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { GROUPS_CLAIM, STAFF_ROLES, STAFF_ROLE_LABELS, type StaffRole } from '../shared/definitions/staff-roles.js';
import { readBody } from './http-server.js';

/**
 * The local stand-in for the Cognito user pool: a real OpenID provider (oidc-provider, a certified
 * implementation) mounted at `${app}/oidc`, with one seeded user per role. Its access tokens are
 * JWTs shaped like Cognito's (`client_id`, `username`, `cognito:groups`, plus `name`) so the
 * handlers read the same claims on a laptop and on AWS.
 *
 * Audience: API Gateway's JWT authorizer accepts a token whose `aud` OR `client_id` is in its
 * audience list. Cognito access tokens carry `client_id` (no `aud`); oidc-provider's JWT access
 * tokens carry `aud` (the resource indicator) and `client_id`. So both sides use the same
 * audience — the board's client id — and the same rule (local/jwt-authorizer.ts).
 */

export const LOCAL_CLIENT_ID = 'baocao-board';
/** The resource indicator of the API: oidc-provider issues JWT access tokens only for a resource. */
export const LOCAL_API_RESOURCE = 'urn:baocao:api';
const API_SCOPE = 'baocao';
export const OIDC_MOUNT = '/oidc';
/** The adminToken of endpoints.json: long enough for a working day, minted again at every start. */
export const ADMIN_TOKEN_SECONDS = 12 * 3600;
/** Tokens the board gets through the sign-in (Cognito's default access token lifetime). */
const ACCESS_TOKEN_SECONDS = 3600;

export interface LocalStaffUser {
  username: string;
  password: string;
  /** Stable subject (the audit's actor), like Cognito's `sub`. */
  sub: string;
  name: string;
  roles: StaffRole[];
}

/** One seeded user per role (names are fictitious). */
const SEED: readonly { username: string; name: string; role: StaffRole }[] = [
  { username: 'lanhdao', name: 'Nguyễn Văn Lãnh', role: 'viewer' },
  { username: 'chuyenvien', name: 'Trần Thị Duyệt', role: 'reviewer' },
  { username: 'tonghop', name: 'Lê Văn Tổng', role: 'publisher' },
  { username: 'quantri', name: 'Phạm Thị Quản', role: 'admin' },
];

interface IdentityState {
  signingKey: JWK;
  cookieKeys: string[];
  users: LocalStaffUser[];
}

export interface LocalStaffIdentity {
  issuer: string;
  clientId: string;
  /** What the JWT authorizer accepts in `aud` or `client_id` (as on the API Gateway authorizer). */
  audience: string[];
  jwksUri: string;
  /** The public signing keys (what jwksUri serves). */
  jwks: JSONWebKeySet;
  users: readonly LocalStaffUser[];
  /** Answers every request under OIDC_MOUNT (the HTTP server strips the mount path first). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * A JWT access token for a seeded user, signed with the provider's key under its issuer, with the
   * claims the provider's own access tokens carry. The user's roles are read now: a role removed
   * with setRoles is gone from the next token.
   */
  issueAccessToken(username: string, opts?: { seconds?: number; now?: Date }): Promise<string>;
  setRoles(username: string, roles: StaffRole[]): void;
}

/** Keys, cookie secrets and the seeded users are made once per data dir (0600) and kept. */
async function loadState(dataDir: string): Promise<IdentityState> {
  const file = join(dataDir, 'staff-identity.json');
  const existing = await readFile(file, 'utf8').then(
    (s) => JSON.parse(s) as IdentityState,
    () => null,
  );
  if (existing?.signingKey && existing.users?.length === SEED.length) return existing;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const state: IdentityState = {
    signingKey,
    cookieKeys: [randomBytes(32).toString('base64url')],
    users: SEED.map((s) => ({
      username: s.username,
      name: s.name,
      roles: [s.role],
      sub: randomUUID(),
      password: randomBytes(12).toString('base64url'),
    })),
  };
  await writeFile(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  return state;
}

const publicJwk = ({ kty, n, e, kid, alg, use }: JWK): JWK => ({ kty, n, e, kid, alg, use });

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error?: string): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>Đăng nhập — Sở Nội vụ (cục bộ)</title>
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}.error{color:#a00}</style>
</head><body><main>
<h1>Đăng nhập cán bộ</h1>
<p>Nhà cung cấp định danh cục bộ (thay cho Cognito khi chạy <code>npm start</code>).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${OIDC_MOUNT}/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Tên đăng nhập</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button>
</form></main></body></html>`;
}

export async function startStaffIdentity(opts: { dataDir: string; app: string }): Promise<LocalStaffIdentity> {
  const state = await loadState(opts.dataDir);
  const users = state.users;
  const issuer = `${opts.app}${OIDC_MOUNT}`;
  const bySub = (sub: string) => users.find((u) => u.sub === sub);
  const appOrigin = new URL(opts.app).origin;

  const tokenClaims = (u: LocalStaffUser) => ({ username: u.username, name: u.name, [GROUPS_CLAIM]: [...u.roles] });

  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        // A public client (a browser page): no secret; PKCE is required below.
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: [`${opts.app}/board`],
        post_logout_redirect_uris: [`${opts.app}/board`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [state.signingKey] },
    cookies: { keys: state.cookieKeys },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'offline_access', API_SCOPE],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', GROUPS_CLAIM] },
    async findAccount(_ctx, sub) {
      const u = bySub(sub);
      if (!u) return undefined;
      return {
        accountId: u.sub,
        claims: async () => ({ sub: u.sub, name: u.name, preferred_username: u.username, [GROUPS_CLAIM]: [...u.roles] }),
      };
    },
    // Read at every issuance: a user removed from a group loses it on the next token.
    async extraTokenClaims(_ctx, token) {
      const u = token.kind === 'AccessToken' && token.accountId ? bySub(token.accountId) : undefined;
      return u ? tokenClaims(u) : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      // The board's "Đăng xuất" ends the provider's session here; the confirmation is in Vietnamese like the sign-in page.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>Đăng xuất — Sở Nội vụ (cục bộ)</title><style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}button{margin:1rem .5rem 0 0;padding:.5rem 1rem;font:inherit}</style></head><body><main><h1>Đăng xuất khỏi bảng theo dõi?</h1>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Đăng xuất</button><button type="submit" form="op.logoutForm">Ở lại</button></main></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => LOCAL_API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== LOCAL_API_RESOURCE) throw new Error(`unknown resource ${resource}`);
          return {
            scope: API_SCOPE,
            audience: LOCAL_API_RESOURCE,
            accessTokenTTL: ACCESS_TOKEN_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // First-party staff client: no consent screen (the documented "skip consent" recipe).
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      const found = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (found) return found;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid profile offline_access');
      grant.addResourceScope(LOCAL_API_RESOURCE, API_SCOPE);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_MOUNT}/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin) => origin === appOrigin,
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      IdToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 12 * 3600,
      Grant: 12 * 3600,
      RefreshToken: 12 * 3600,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi đăng nhập</title><h1>Không đăng nhập được</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p></html>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const signingKey = await importJWK(state.signingKey, 'RS256');

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET' && !action) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
      });
      res.end(loginPage(uid));
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
      const login = (form.get('username') ?? form.get('login') ?? '').trim();
      const user = users.find((u) => u.username === login);
      // The password is compared even for an unknown user, so the answer takes as long either way.
      const ok = sameSecret(form.get('password') ?? '', user?.password ?? randomBytes(12).toString('base64url')) && user !== undefined;
      if (!ok) {
        res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(loginPage(uid, 'Tên đăng nhập hoặc mật khẩu không đúng'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(405, { allow: 'GET, POST' }).end();
  }

  return {
    issuer,
    clientId: LOCAL_CLIENT_ID,
    audience: [LOCAL_CLIENT_ID],
    jwksUri: `${issuer}/jwks`,
    jwks: { keys: [publicJwk(state.signingKey)] },
    users,
    handle(req, res) {
      const m = /^\/interaction\/([\w-]+)(?:\/(\w+))?\/?(?:\?.*)?$/.exec(req.url ?? '');
      if (!m) {
        void callback(req, res);
        return;
      }
      interaction(req, res, m[1]!, m[2]).catch((err: unknown) => {
        if (res.headersSent) return res.destroy();
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html lang="vi"><meta charset="utf-8"><p>Phiên đăng nhập không hợp lệ hoặc đã hết hạn; hãy mở lại trang. (${escapeHtml((err as Error).message)})</p></html>`,
        );
      });
    },
    async issueAccessToken(username, o = {}) {
      const u = users.find((x) => x.username === username);
      if (!u) throw new Error(`no local staff user ${username}`);
      const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
      return new SignJWT({ client_id: LOCAL_CLIENT_ID, scope: API_SCOPE, ...tokenClaims(u) })
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: state.signingKey.kid! })
        .setIssuer(issuer)
        .setSubject(u.sub)
        .setAudience(LOCAL_API_RESOURCE)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + (o.seconds ?? ADMIN_TOKEN_SECONDS))
        .sign(signingKey);
    },
    setRoles(username, roles) {
      const u = users.find((x) => x.username === username);
      if (!u) throw new Error(`no local staff user ${username}`);
      u.roles = roles.filter((r) => (STAFF_ROLES as readonly string[]).includes(r));
    },
  };
}

/** The seeded users as endpoints.json lists them (local only). */
export function usersForEndpoints(identity: LocalStaffIdentity) {
  return identity.users.map((u) => ({
    username: u.username,
    password: u.password,
    name: u.name,
    roles: [...u.roles],
    roleLabels: u.roles.map((r) => STAFF_ROLE_LABELS[r]),
  }));
}
