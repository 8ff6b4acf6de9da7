import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as cli } from '../../local/cli.js';
import { AuditChainBrokenError } from '../../local/commands/audit.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { LOCAL_BUCKET, LOCAL_TABLE, type LocalStack } from '../../local/stack.js';
import { localTables } from '../../local/upload-client.js';
import { systemClock } from '../../shared/clock.js';
import { keys, objectKeys } from '../../shared/definitions/table.js';
import { verifyAuditChain } from '../../shared/domain/audit-chain.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ChainedAuditEntry } from '../../shared/ports.js';
import { apiCall } from '../support/api.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Staff sign in as themselves, on the local stack: the OpenID provider in-process, the JWT
 * authorizer in the local server, the role checks in the handlers, and the audit hash chain in
 * the real table (dynalite).
 */
const PERIOD = 2026;
/** The period's key in the table and the bucket: the bare year for the deployment's main regime. */
const KEY = '2026';
const UNIT = 'so-tu-phap';
let t: TestStack | undefined;
let stack: LocalStack;
let s3: S3Client;
let dir: string;

beforeAll(async () => {
  t = await startTestStack('identity', new Date('2026-12-05T03:00:00Z'), {
    scheduler: 'manual',
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
  ({ stack, s3, dir } = t);
});

afterAll(() => stopTestStack(t));

const call = (method: 'GET' | 'POST', path: string, token: string | null, body?: unknown) =>
  apiCall(stack.endpoints.app, method, path, token, body);

async function uploadValid(): Promise<string> {
  const uploadId = newUploadId(systemClock.now());
  const key = objectKeys.incoming(KEY, UNIT, uploadId, 'json');
  await s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_BUCKET,
      Key: key,
      Body: JSON.stringify(sampleReport(DEFAULT_REGIME, UNIT, KEY)),
      ContentType: 'application/json',
    }),
  );
  await stack.bus.idle();
  return uploadId;
}

const userToken = (username: string) => stack.identity.issueAccessToken(username);

/** Cookie jar for one browser-like session with redirect: 'manual'. */
function session() {
  const jar = new Map<string, string>();
  return async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  };
}

describe('endpoints.json and the admin token', () => {
  it('lists the provider, the board client and one seeded user per role; adminToken is a JWT of the seeded admin', () => {
    const ep = stack.endpoints;
    const [, payload] = ep.adminToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;

    expect(ep.oidc).toEqual({ issuer: `${ep.app}/oidc`, clientId: 'baocao-board' });
    expect(ep.users.map((u) => u.roles)).toEqual([['viewer'], ['reviewer'], ['publisher'], ['admin']]);
    expect(claims).toMatchObject({ iss: ep.oidc.issuer, client_id: 'baocao-board', 'cognito:groups': ['admin'] });
    expect((claims.exp as number) - (claims.iat as number)).toBe(12 * 3600);
  });
});

describe('the JWT authorizer in front of the admin routes', () => {
  it('answers 401 as API Gateway does without a token, with a garbage one, or with one from another issuer', async () => {
    const { privateKey } = await import('jose').then((j) => j.generateKeyPair('RS256'));
    const { SignJWT } = await import('jose');
    const foreign = await new SignJWT({ client_id: 'baocao-board', 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://evil.example')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);

    for (const token of [null, 'not-a-jwt-at-all-123456', foreign]) {
      expect(await call('GET', `/status?period=${PERIOD}`, token)).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    }
  });

  it('signs a user in through the provider with authorization code + PKCE, and the access token opens the API', async () => {
    const ep = stack.endpoints;
    const user = ep.users.find((u) => u.roles.includes('viewer'))!;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = `${ep.app}/board`;
    const browse = session();

    const auth = new URL(`${ep.oidc.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: ep.oidc.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'st-1',
    }).toString();
    const toLogin = await browse(auth.href);
    const loginUrl = new URL(toLogin.headers.get('location')!, ep.app).href;
    const page = await (await browse(loginUrl)).text();
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(page)![1]!, ep.app).href;
    const wrong = await browse(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.username, password: 'sai-mat-khau' }).toString(),
    });
    const loggedIn = await browse(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.username, password: user.password }).toString(),
    });
    let next = loggedIn.headers.get('location')!;
    for (let hop = 0; hop < 5 && !next.startsWith(redirectUri); hop++)
      next = (await browse(new URL(next, ep.app).href)).headers.get('location')!;
    const back = new URL(next);
    const tokenRes = await fetch(`${ep.oidc.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(ep.app).origin },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: redirectUri,
        client_id: ep.oidc.clientId,
        code_verifier: verifier,
      }).toString(),
    });
    const tokens = (await tokenRes.json()) as { access_token: string; id_token: string; token_type: string };

    expect(page).toMatch(/name="username"/);
    expect(page).toMatch(/type="password"/);
    expect(page).toMatch(/<button type="submit"/);
    expect(wrong.status).toBe(401);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(tokenRes.status).toBe(200);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect(tokenRes.headers.get('access-control-allow-origin')).toBe(new URL(ep.app).origin);
    expect((await call('GET', `/status?period=${PERIOD}`, tokens.access_token)).status).toBe(200);
    // A viewer, so the next step is refused by the handler, not by the authorizer.
    expect((await call('POST', '/summaries', tokens.access_token, { period: PERIOD, send: true })).status).toBe(403);
  });

  it('refuses a code exchange without the PKCE verifier', async () => {
    const res = await fetch(`${stack.endpoints.oidc.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'whatever',
        redirect_uri: `${stack.endpoints.app}/board`,
        client_id: 'baocao-board',
      }).toString(),
    });
    expect(res.status).toBe(400);
  });
});

describe('roles and the audit trail', () => {
  it('a viewer cannot return a report by calling the API (403, Vietnamese); the reviewer can, and the audit names the verified reviewer, not the typed one', async () => {
    const uploadId = await uploadValid();
    const body = { period: PERIOD, uploadId, decision: 'RETURN', reason: 'Thiếu số liệu mục II', reviewer: 'Giám đốc Sở Nội vụ' };

    const byViewer = await call('POST', `/units/${UNIT}/review`, await userToken('lanhdao'), body);
    const byReviewer = await call('POST', `/units/${UNIT}/review`, await userToken('chuyenvien'), body);
    await stack.bus.idle();
    const trail = await call('GET', `/units/${UNIT}/audit?period=${PERIOD}`, await userToken('lanhdao'));

    expect(byViewer).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('không có quyền chấp nhận hoặc trả lại báo cáo') } },
    });
    expect(byReviewer.status).toBe(201);
    const reviewer = stack.identity.users.find((u) => u.username === 'chuyenvien')!;
    const entries = (trail.body as { entries: ChainedAuditEntry[] }).entries;
    expect(entries.filter((e) => e.action === 'REPORT_REVIEWED')).toEqual([
      expect.objectContaining({
        actor: `staff:${reviewer.sub}`,
        actorName: 'Trần Thị Duyệt',
        detail: expect.objectContaining({ decision: 'RETURN' }),
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain('Giám đốc Sở Nội vụ');
  });

  it('cli audit verify passes on the untouched chain and names the first entry after one is edited in the table', async () => {
    const lines: string[] = [];
    const ep = join(dir, 'endpoints.json');
    await cli(['audit', 'verify', '--period', String(PERIOD), '--unit', UNIT, '--endpoints', ep], (l) => lines.push(l));
    const chain = await localTables(stack.endpoints).audit.list(KEY, UNIT);
    const victim = chain[1]!;
    const ddb = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    // What someone with raw table access would do (the functions' IAM denies it on AWS).
    await DynamoDBDocumentClient.from(ddb).send(
      new UpdateCommand({
        TableName: LOCAL_TABLE,
        Key: keys.audit(KEY, UNIT, victim.seq),
        UpdateExpression: 'SET actor = :a',
        ExpressionAttributeValues: { ':a': 'system:khac' },
      }),
    );
    ddb.destroy();
    const after: string[] = [];
    const failed = await cli(['audit', 'verify', '--period', String(PERIOD), '--unit', UNIT, '--endpoints', ep], (l) =>
      after.push(l),
    ).catch((e: unknown) => e);

    expect(chain.length).toBeGreaterThan(3);
    expect(lines.at(-1)).toMatch(/toàn vẹn/);
    expect(failed).toBeInstanceOf(AuditChainBrokenError);
    expect(after.join('\n')).toContain(`KHÔNG KHỚP tại mục thứ 2 (seq ${victim.seq}), sự kiện ${victim.eventId}`);
  });

  it("concurrent appends to one unit's trail never fork the chain", async () => {
    const audit = localTables(stack.endpoints).audit;
    const unit = 'so-y-te';

    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        audit.append(KEY, unit, {
          at: `2026-12-05T03:00:0${i}Z`,
          eventId: `race-${i}`,
          action: 'STATUS_CHANGED',
          actor: 'system:test',
          detail: { i },
        }),
      ),
    );
    const chain = await audit.list(KEY, unit);

    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verifyAuditChain(KEY, unit, chain)).toEqual({ ok: true, entries: 6 });
  });
});
