import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRole, staffFromClaims } from '../../shared/domain/staff.js';
import { RequestError } from '../../shared/errors.js';
import { flattenClaims, jwtAuthorizer, JwtRefusedError } from '../../local/jwt-authorizer.js';
import { startStaffIdentity, type LocalStaffIdentity } from '../../local/staff-identity.js';

const ISSUER = 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_TEST';
const CLIENT = 'board-client-id';
const NOW = new Date('2026-12-10T03:00:00Z');
const at = (d: Date) => Math.floor(d.getTime() / 1000);

let keys: { privateKey: CryptoKey; jwks: JSONWebKeySet; otherKey: CryptoKey };

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  keys = { privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] }, otherKey: other.privateKey };
});

/** A Cognito-shaped access token (client_id, no aud), valid at NOW unless the test changes it. */
function token(claims: JWTPayload = {}, o: { key?: CryptoKey; kid?: string } = {}) {
  return new SignJWT({ client_id: CLIENT, username: 'chuyenvien', 'cognito:groups': ['reviewer'], token_use: 'access', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'k1' })
    .setIssuer(claims.iss ?? ISSUER)
    .setSubject('3c9e-sub')
    .setIssuedAt(at(NOW) - 60)
    .setExpirationTime(claims.exp ?? at(NOW) + 3600)
    .sign(o.key ?? keys.privateKey);
}

const authorize = () => jwtAuthorizer({ issuer: ISSUER, audience: [CLIENT], jwks: keys.jwks, currentDate: () => NOW });
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof JwtRefusedError ? 'refused' : `threw ${String(e)}`),
  );

describe('the JWT authorizer (API Gateway HTTP API rules, local stand-in)', () => {
  it('accepts a valid token and hands over the claims as API Gateway does: strings, arrays as "[a b]"', async () => {
    const claims = await authorize()(`Bearer ${await token({ 'cognito:groups': ['reviewer', 'publisher'] })}`);

    expect(claims).toMatchObject({
      sub: '3c9e-sub',
      client_id: CLIENT,
      'cognito:groups': '[reviewer publisher]',
      exp: String(at(NOW) + 3600),
    });
    expect(staffFromClaims(claims)).toEqual({ sub: '3c9e-sub', name: 'chuyenvien', roles: ['reviewer', 'publisher'] });
  });

  it('accepts the audience in aud as well as in client_id (oidc-provider tokens carry both)', async () => {
    expect(await refusal(authorize()(`Bearer ${await token({ client_id: undefined, aud: [CLIENT, 'urn:x'] })}`))).toBe('accepted');
  });

  it('refuses an expired token', async () => {
    expect(await refusal(authorize()(`Bearer ${await token({ exp: at(NOW) - 1 })}`))).toBe('refused');
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    expect(await refusal(authorize()(`Bearer ${await token({ nbf: at(NOW) + 300 })}`))).toBe('refused');
  });

  it('refuses a token of another issuer', async () => {
    expect(await refusal(authorize()(`Bearer ${await token({ iss: 'https://evil.example/pool' })}`))).toBe('refused');
  });

  it('refuses a token for another audience (neither aud nor client_id matches)', async () => {
    expect(await refusal(authorize()(`Bearer ${await token({ client_id: 'another-app', aud: 'another-api' })}`))).toBe('refused');
  });

  it('refuses a tampered token (payload changed after signing)', async () => {
    const [h, p, s] = (await token()).split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, 'cognito:groups': ['admin'] })).toString('base64url');

    expect(await refusal(authorize()(`Bearer ${h}.${forged}.${s}`))).toBe('refused');
  });

  it('refuses alg "none" (an unsigned token)', async () => {
    const [, p] = (await token()).split('.') as [string, string];
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');

    expect(await refusal(authorize()(`Bearer ${header}.${p}.`))).toBe('refused');
  });

  it("refuses a token signed by a key not in the issuer's JWKS, and a missing or malformed header", async () => {
    expect(await refusal(authorize()(`Bearer ${await token({}, { key: keys.otherKey })}`))).toBe('refused');
    expect(await refusal(authorize()(undefined))).toBe('refused');
    expect(await refusal(authorize()('Basic dXNlcjpwYXNz'))).toBe('refused');
  });
});

describe('roles: staffFromClaims and requireRole', () => {
  it('gives a viewer 403 on review with a Vietnamese message naming the roles that may', () => {
    const viewer = staffFromClaims(flattenClaims({ sub: 's1', name: 'Nguyễn Văn Lãnh', 'cognito:groups': ['viewer'] }));

    const e = (() => {
      try {
        requireRole(viewer, 'reviewReport');
      } catch (err) {
        return err as RequestError;
      }
    })();

    expect(e).toBeInstanceOf(RequestError);
    expect([e?.status, e?.code]).toEqual([403, 'FORBIDDEN']);
    expect(e?.message).toContain('không có quyền chấp nhận hoặc trả lại báo cáo');
    expect(requireRole(viewer, 'readStatus')).toBe(viewer);
  });

  it('ignores unknown groups and needs a subject (401 otherwise)', () => {
    expect(staffFromClaims({ sub: 's', 'cognito:groups': '[superuser admin]' }).roles).toEqual(['admin']);
    expect(() => staffFromClaims({ name: 'x' })).toThrow(RequestError);
    expect(() => staffFromClaims(undefined)).toThrow(/Chưa đăng nhập/);
  });

  it('admin may do every action; publisher may publish but not review', () => {
    const admin = staffFromClaims({ sub: 'a', 'cognito:groups': '[admin]' });
    const publisher = staffFromClaims({ sub: 'p', 'cognito:groups': '[publisher]' });

    expect(() => requireRole(admin, 'manageLinks')).not.toThrow();
    expect(() => requireRole(publisher, 'publishSummary')).not.toThrow();
    expect(() => requireRole(publisher, 'reviewReport')).toThrow(/không có quyền/);
  });
});

describe('the local OpenID provider', () => {
  let dir: string;
  let identity: LocalStaffIdentity;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baocao-idp-'));
    identity = await startStaffIdentity({ dataDir: dir, app: 'http://localhost:3999' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('seeds one user per role and issues tokens the authorizer accepts with the client id as audience', async () => {
    const check = jwtAuthorizer({ issuer: identity.issuer, audience: identity.audience, jwks: identity.jwks });

    const claims = await check(`Bearer ${await identity.issueAccessToken('quantri')}`);

    expect(identity.users.map((u) => u.roles[0])).toEqual(['viewer', 'reviewer', 'publisher', 'admin']);
    expect(staffFromClaims(claims)).toMatchObject({ name: 'Phạm Thị Quản', roles: ['admin'] });
  });

  it('a user removed from a group loses the role on the next token', async () => {
    const check = jwtAuthorizer({ issuer: identity.issuer, audience: identity.audience, jwks: identity.jwks });
    const before = staffFromClaims(await check(`Bearer ${await identity.issueAccessToken('chuyenvien')}`));

    identity.setRoles('chuyenvien', ['viewer']);
    const after = staffFromClaims(await check(`Bearer ${await identity.issueAccessToken('chuyenvien')}`));

    expect(() => requireRole(before, 'reviewReport')).not.toThrow();
    expect(() => requireRole(after, 'reviewReport')).toThrow(/không có quyền/);
  });

  it('keeps its keys and users across restarts of the same data dir', async () => {
    const again = await startStaffIdentity({ dataDir: dir, app: 'http://localhost:3999' });

    expect(again.jwks).toEqual(identity.jwks);
    expect(again.users.map((u) => [u.username, u.sub, u.password])).toEqual(identity.users.map((u) => [u.username, u.sub, u.password]));
  });
});
