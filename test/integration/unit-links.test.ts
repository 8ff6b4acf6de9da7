import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { localTables, uploadFile } from '../../local/upload-client.js';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ChainedAuditEntry } from '../../shared/ports.js';
import { issueToken, type UnitLink } from '../../shared/use-cases/tokens.js';
import { apiCall } from '../support/api.js';
import { mailbox } from '../support/mailbox.js';

/**
 * Unit links that cannot be misused, and mail that goes only where it should (issue 13), on the
 * local stack: the real table (dynalite), the presign handler, the admin routes behind the JWT
 * authorizer, and the SES emulator's store. The clock is pinned to 5 Dec 2026 (2026 open, its
 * deadline 18 Dec); the 2026 period closes on 20 Dec 2026 08:00 + 30 days = 19 Jan 2027 08:00.
 */
const PERIOD = 2026;
/** The period's key (ports, the upload client): the bare year for the deployment's main regime. */
const KEY = '2026';
const NOW = new Date('2026-12-05T03:00:00Z');
let dir: string;
let stack: LocalStack;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-links-'));
  setVirtualNow(NOW);
  stack = await startLocalStack({ dataDir: dir, port: 0, quiet: true, scheduler: 'manual' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  resetClock();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST', path: string, token: string | null, body?: unknown) =>
  apiCall(stack.endpoints.app, method, path, token, body);

const admin = () => stack.identity.issueAccessToken('quantri');
const presign = (token: string, period: number) =>
  call('POST', '/uploads', token, { period, fileName: 'bao-cao.json', contentType: 'application/json', size: 100 });
const trail = async (unitId: string): Promise<ChainedAuditEntry[]> => localTables(stack.endpoints).audit.list(KEY, unitId);

describe('a unit link is bound to its unit and periods', () => {
  it('a 2026 link cannot file 2020 (403, Vietnamese) and files 2026', async () => {
    // Prepare
    const t = localTables(stack.endpoints);
    const { token } = await issueToken(
      { tokens: t.tokens, audit: t.audit, clock: { now: () => NOW }, regimes: regimeSet(DEFAULT_REGIME) },
      { unitId: 'so-xay-dung' },
    );

    // Act
    const old = await presign(token, 2020);
    const current = await presign(token, PERIOD);

    // Assess
    expect(old).toMatchObject({
      status: 403,
      body: { error: { code: 'PERIOD_NOT_BOUND', message: expect.stringContaining('không dùng cho kỳ 2020') } },
    });
    expect(current.status).toBe(200);
    expect(String(current.body['key'])).toMatch(/^incoming\/2026\/so-xay-dung\//);
  });
});

describe('one live link per unit, listed, revoked and re-issued by an admin', () => {
  it('re-issuing revokes the old link; revoking kills the new one; every step is in the audit trail under the admin', async () => {
    // Prepare
    const unit = 'so-cong-thuong';
    const first = await call('POST', `/units/${unit}/links`, await admin());

    // Act
    const second = await call('POST', `/units/${unit}/links`, await admin(), { periods: [PERIOD] });
    const firstUse = await presign(String(first.body['token']), PERIOD);
    const secondUse = await presign(String(second.body['token']), PERIOD);
    const listed = await call('GET', `/units/${unit}/links`, await admin());
    const links = listed.body['links'] as UnitLink[];
    const live = links.find((l) => l.state === 'live')!;
    const revoked = await call('POST', `/units/${unit}/links/${live.id}/revoke`, await admin());
    const afterRevoke = await presign(String(second.body['token']), PERIOD);
    const entries = await trail(unit);

    // Assess
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: { revoked: 1, periods: [PERIOD] } });
    expect(firstUse).toMatchObject({ status: 401, body: { error: { code: 'REVOKED_TOKEN' } } });
    expect(secondUse.status).toBe(200);
    expect(links.map((l) => l.state)).toEqual(['live', 'revoked']);
    expect(JSON.stringify(listed.body)).not.toContain(String(second.body['token']));
    expect(revoked).toMatchObject({ status: 200, body: { id: live.id, state: 'revoked' } });
    expect(afterRevoke).toMatchObject({
      status: 401,
      body: { error: { code: 'REVOKED_TOKEN', message: expect.stringContaining('thu hồi') } },
    });
    const adminSub = stack.identity.users.find((u) => u.username === 'quantri')!.sub;
    const actions = entries
      .filter((e) => e.action.startsWith('TOKEN_') || e.action === 'UPLOAD_AUTHORIZED')
      .map((e) => [e.action, e.actor.split(':')[0]]);
    expect(actions).toEqual([
      ['TOKEN_ISSUED', 'staff'],
      ['TOKEN_REVOKED', 'staff'],
      ['TOKEN_ISSUED', 'staff'],
      ['UPLOAD_AUTHORIZED', 'token'],
      ['TOKEN_REVOKED', 'staff'],
    ]);
    expect(entries.filter((e) => e.action.startsWith('TOKEN_')).every((e) => e.actor === `staff:${adminSub}`)).toBe(true);
  });

  it('only the admin role manages links (403 in Vietnamese for a reviewer), and an unknown link is a 404', async () => {
    const byReviewer = await call('POST', '/units/so-y-te/links', await stack.identity.issueAccessToken('chuyenvien'));
    const unknown = await call('POST', '/units/so-y-te/links/0123456789abcdef/revoke', await admin());

    expect(byReviewer).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('quản lý đường dẫn') } },
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_LINK' } } });
  });
});

describe('mail goes only to the registered address', () => {
  it('a receipt goes to the unit, never to the address typed into the report; a return mints no link', async () => {
    // Prepare
    const unitId = 'so-lao-dong';
    const unit = DEFAULT_REGIME.units.find((u) => u.id === unitId)!;
    const issued = await call('POST', `/units/${unitId}/links`, await admin());
    const report = sampleReport(DEFAULT_REGIME, unitId, KEY);
    report.preparer.email = 'nguoi-la@example.com';

    // Act
    const up = await uploadFile(stack.endpoints.app, String(issued.body['token']), {
      period: KEY,
      body: JSON.stringify(report),
      kind: 'json',
    });
    await stack.bus.idle();
    const uploadId = (up.presign as { uploadId: string }).uploadId;
    const returned = await call('POST', `/units/${unitId}/review`, await stack.identity.issueAccessToken('chuyenvien'), {
      period: PERIOD,
      uploadId,
      decision: 'RETURN',
      reason: 'Thiếu số liệu',
    });
    await stack.bus.idle();
    const mails = (await mailbox(stack.endpoints.ses)).filter((m) => m.subject.includes(unit.name));
    const tokens = await localTables(stack.endpoints).tokens.listByUnit(unitId);

    // Assess
    expect(up.postStatus).toBe(204);
    expect(returned.status).toBe(201);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    for (const m of mails) {
      expect([...m.destination.to, ...m.destination.cc, ...m.destination.bcc]).toEqual([unit.email]);
      expect(`${m.body.text}${m.body.html}`).not.toContain('#t=');
    }
    expect(JSON.stringify(await mailbox(stack.endpoints.ses))).not.toContain('nguoi-la@example.com');
    expect(tokens).toHaveLength(1);
  });
});

describe('a closed period', () => {
  it('refuses a late upload after the summary plus the grace window with a Vietnamese 409, unless the unit has an extension', async () => {
    // Prepare
    const unitId = 'so-tai-nguyen';
    const issued = await call('POST', `/units/${unitId}/links`, await admin());
    const token = String(issued.body['token']);
    setVirtualNow(new Date('2027-01-25T03:00:00Z'));
    try {
      // Act
      const closed = await presign(token, PERIOD);
      const extended = await call('POST', `/units/${unitId}/extension`, await admin(), {
        period: PERIOD,
        until: '2027-01-31',
        reason: 'Đơn vị xin gia hạn',
      });
      const withExtension = await presign(token, PERIOD);

      // Assess
      expect(closed).toMatchObject({
        status: 409,
        body: { error: { code: 'PERIOD_CLOSED', message: expect.stringContaining('đã khóa') } },
      });
      expect(extended.status).toBe(201);
      expect(withExtension.status).toBe(200);
    } finally {
      setVirtualNow(NOW);
    }
  });
});
