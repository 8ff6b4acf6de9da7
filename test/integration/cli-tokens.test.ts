import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../local/cli.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { localTables } from '../../local/upload-client.js';
import { systemClock } from '../../shared/clock.js';
import { currentPeriod } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sha256Hex } from '../../shared/use-cases/tokens.js';
import { mailbox } from '../support/mailbox.js';

/** The CLI's token lifecycle and invitations against a running local stack. */
let stack: LocalStack;
let dataDir: string;
const cli = async (...args: string[]) => {
  const lines: string[] = [];
  await main([...args, '--endpoints', join(dataDir, 'endpoints.json')], (l) => lines.push(l));
  return lines;
};
const me = (token: string) => fetch(`${stack.endpoints.app}/me?period=2026`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-cli-'));
  stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual' });
});
afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('cli tokens and invitations', () => {
  it('invite emails each unit a working personal link once; token list shows them', async () => {
    const out = await cli('invite', '--period', '2026');
    const again = await cli('invite', '--period', '2026');

    expect(out.join('\n')).toContain('31 đơn vị');
    expect(again.join('\n')).toContain('0 đơn vị');
    const invites = (await mailbox(stack.endpoints.ses)).filter((m) => m.subject.startsWith('Đề nghị gửi'));
    expect(invites).toHaveLength(31);
    const toSoNoiVu = invites.find((m) => m.destination.to.includes('vanthu.so-noi-vu@kontum.gov.example'))!;
    const token = /#t=([A-Za-z0-9_-]+)/.exec(toSoNoiVu.body.text ?? '')![1]!;
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { unit: { id: string } }).unit.id).toBe('so-noi-vu');
    const listed = JSON.parse((await cli('token', 'list', '--unit', 'so-noi-vu', '--json')).join('\n')) as { state: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.state).toBe('còn hiệu lực');
  });

  it('token issue prints the token alone on the last line; revoke makes it fail with REVOKED_TOKEN', async () => {
    const issued = await cli('token', 'issue', '--unit', 'so-y-te');
    const token = issued.at(-1)!;
    expect((await me(token)).status).toBe(200);

    await cli('token', 'revoke', '--token', token);

    const res = await me(token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('REVOKED_TOKEN');
    await expect(cli('token', 'revoke', '--token', token)).rejects.toThrow('Không tìm thấy');
    // The issue and the revocation are in the unit's audit trail (issue 13).
    const trail = await localTables(stack.endpoints).audit.list(currentPeriod(DEFAULT_REGIME, systemClock.now()), 'so-y-te');
    const hash12 = sha256Hex(token).slice(0, 12);
    expect(trail.filter((e) => e.detail['token'] === hash12).map((e) => [e.action, e.actor])).toEqual([
      ['TOKEN_ISSUED', 'cli:token-issue'],
      ['TOKEN_REVOKED', 'cli:token-revoke'],
    ]);
  });

  it('token issue --json prints {token, unitId, link}; an expiry in the past is refused', async () => {
    const json = JSON.parse((await cli('token', 'issue', '--unit', 'dak-ha', '--json')).at(-1)!) as {
      token: string;
      unitId: string;
      link: string;
    };
    expect(json.unitId).toBe('dak-ha');
    expect(json.link).toBe(`${stack.endpoints.app}/#t=${json.token}`);
    await expect(cli('token', 'issue', '--unit', 'dak-ha', '--expires', '2020-01-01')).rejects.toThrow('Ngày hết hạn');
  });

  it('token revoke takes a token starting with "-", as a separate argument or after "="', async () => {
    const tables = localTables(stack.endpoints);
    const dashed = ['-', '-'].map((d, i) => `${d}${i}${'A'.repeat(30)}`);
    for (const token of dashed) {
      await tables.tokens.put({
        tokenHash: sha256Hex(token),
        unitId: 'so-tai-chinh',
        createdAt: '2026-11-01T00:00:00.000Z',
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
    }

    const separate = await cli('token', 'revoke', '--token', dashed[0]!);
    const joined = await cli('token', 'revoke', `--token=${dashed[1]!}`);

    expect([separate, joined]).toEqual([['Đã thu hồi 1 mã truy cập.'], ['Đã thu hồi 1 mã truy cập.']]);
    for (const token of dashed) expect((await tables.tokens.get(sha256Hex(token)))?.revokedAt).toBeDefined();
  });
});
