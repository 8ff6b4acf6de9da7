import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { RequestError } from '../../shared/errors.js';
import { sendInvites } from '../../shared/use-cases/send-invites.js';
import { sha256Hex } from '../../shared/use-cases/tokens.js';
import { memoryWorld } from '../support/memory-ports.js';

const world = () => ({
  ...memoryWorld('2026-11-02T01:00:00Z', DEFAULT_REGIME),
  regimes: regimeSet(DEFAULT_REGIME),
  appUrl: 'https://baocao.example',
});

describe('sendInvites', () => {
  it('emails every expected unit its own link, with a token valid past the deadline, once', async () => {
    const w = world();

    const first = await sendInvites(w, { period: '2026' });
    const again = await sendInvites(w, { period: '2026' });

    expect(first.filter((r) => r.outcome === 'sent')).toHaveLength(31);
    expect(again.every((r) => r.outcome === 'skipped')).toBe(true);
    expect(w.mailer.sent).toHaveLength(31);
    const mail = w.mailer.sent.find((m) => m.to[0] === 'vanthu.dak-ha@kontum.gov.example')!;
    expect(mail.text).toContain('ngày 18 tháng 12 năm 2026');
    const token = /#t=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const record = await w.tokens.get(sha256Hex(token));
    expect(record?.unitId).toBe('dak-ha');
    expect(record!.expiresAt > '2027-04-01').toBe(true);
    expect(record!.periods).toEqual([2026]);
    expect((await w.audit.list('2026', 'dak-ha')).map((e) => [e.action, e.actor, e.detail.kind])).toEqual([
      ['TOKEN_ISSUED', 'cli:invite', undefined],
      ['NOTICE_SENT', 'cli:invite', 'invite'],
    ]);
  });

  it('re-sends to one unit when asked, and refuses a unit not expected in the period', async () => {
    const w = world();
    await sendInvites(w, { period: '2026', unitIds: ['so-y-te'] });

    const resent = await sendInvites(w, { period: '2026', unitIds: ['so-y-te'], resend: true });
    const err = await sendInvites(w, { period: '2026', unitIds: ['khong-co'] }).catch((e: unknown) => e);

    expect(resent).toEqual([{ unitId: 'so-y-te', outcome: 'sent' }]);
    expect(w.mailer.sent).toHaveLength(2);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).code).toBe('UNKNOWN_UNIT');
  });
});
