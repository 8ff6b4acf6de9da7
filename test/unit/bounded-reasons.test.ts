import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import {
  boundReasons,
  clip,
  isSummary,
  jsonBytes,
  LIMITS,
  listNames,
  MAX_MESSAGE_CHARS,
  MAX_REASONS,
  reasonCount,
  vietnameseCount,
} from '../../shared/domain/bounded-reasons.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { validateReport, type ValidationIssue } from '../../shared/domain/report.js';
import { rejectionEmail } from '../../shared/email/unit-email.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { craftedReport } from '../support/crafted-report.js';
import { memoryWorld } from '../support/memory-ports.js';

const UNIT = 'so-y-te';
const PERIOD = '2026';

const many = (n: number, message = 'sai'): ValidationIssue[] => Array.from({ length: n }, (_, i) => ({ path: `f${i}`, message }));

describe('bounded reasons (the policy)', () => {
  it('formats counts the Vietnamese way', () => {
    expect([vietnameseCount(0), vietnameseCount(999), vietnameseCount(1234), vietnameseCount(1_234_567)]).toEqual([
      '0',
      '999',
      '1.234',
      '1.234.567',
    ]);
  });

  it('keeps a short list as it is', () => {
    const reasons = [
      { path: 'a', message: 'x', label: 'A' },
      { path: '', message: 'y' },
    ];

    expect(boundReasons(reasons)).toEqual(reasons);
  });

  it('keeps the first reasons and summarises the rest in one Vietnamese line', () => {
    const bounded = boundReasons(many(1264));

    expect(bounded).toHaveLength(MAX_REASONS + 1);
    expect(bounded.slice(0, MAX_REASONS).map((r) => r.path)).toEqual(many(MAX_REASONS).map((r) => r.path));
    expect(bounded.at(-1)).toEqual({ path: '', message: '… và 1.234 lỗi khác', omitted: 1234 });
    expect(reasonCount(bounded)).toBe(1264);
  });

  it('clips long messages, paths and labels, without splitting a character', () => {
    const [r] = boundReasons([{ path: 'p'.repeat(10_000), message: 'ệ'.repeat(100_000), label: 'l'.repeat(10_000) }]);

    expect(Array.from(r!.message)).toHaveLength(MAX_MESSAGE_CHARS);
    expect(r!.message.endsWith('ệ…')).toBe(true);
    expect(r!.path.length).toBeLessThanOrEqual(200);
    expect(r!.label!.length).toBeLessThanOrEqual(200);
    expect(clip('😀😀😀', 2)).toBe('😀…');
  });

  it('is idempotent: bounding a bounded list changes nothing and carries the count', () => {
    const once = boundReasons(many(100));

    expect(boundReasons(once)).toEqual(once);
    expect(once.filter(isSummary)).toHaveLength(1);
  });

  it('lists a few names and counts the rest', () => {
    expect(listNames(['a', 'b'])).toBe('a, b');
    expect(listNames(Array.from({ length: 1244 }, (_, i) => `k${i}`))).toBe(
      'k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 … và 1.234 trường khác',
    );
  });

  it('a rejection email of any number of reasons names the first ones and the rest in one line', () => {
    const email = rejectionEmail({
      regime: DEFAULT_REGIME,
      unit: DEFAULT_REGIME.units[0]!,
      period: PERIOD,
      uploadId: 'u',
      receivedAt: new Date('2026-12-01T02:00:00Z'),
      reasons: many(100_000, 'x'.repeat(10_000)),
    });

    expect(email.text).toContain('… và 99.970 lỗi khác.');
    expect(email.html).toContain('… và 99.970 lỗi khác.');
    expect(email.text.length).toBeLessThan(30 * (MAX_MESSAGE_CHARS + 100) + 5000);
  });
});

describe('a crafted upload is judged and its verdict fits where it goes', () => {
  it('validation names a few unknown fields and counts the rest, in one short message', () => {
    const result = validateReport(craftedReport(UNIT, PERIOD), { regime: DEFAULT_REGIME, expected: { unitId: UNIT, period: PERIOD } });

    expect(result.ok).toBe(false);
    const unknown = !result.ok
      ? result.issues.find((i) => i.path === '' && i.message.startsWith('Trường không thuộc biểu mẫu'))
      : undefined;
    expect(unknown?.message).toContain('… và 49.991 trường khác');
    expect(unknown!.message.length).toBeLessThan(MAX_MESSAGE_CHARS);
  });

  it('ingest stores bounded reasons with a summary, under the item limit, and publishes only their count', async () => {
    const w = memoryWorld('2026-11-28T03:00:00Z', DEFAULT_REGIME);
    const key = `incoming/${PERIOD}/${UNIT}/0mi1abcd0123456789abcdef0.json`;
    const body = JSON.stringify(craftedReport(UNIT, PERIOD));
    const { versionId, etag } = w.objects.putVersion(key, body, 'application/json');

    const r = await ingestReport(w, { bucket: 'b', key, size: body.length, etag, versionId, time: '2026-12-01T02:00:00.000Z' });

    expect(body.length).toBeLessThan(1024 * 1024);
    expect(r.outcome).toBe('rejected');
    const [stored] = (await w.reports.facts(PERIOD, UNIT)).versions;
    expect(stored!.reasons).toHaveLength(MAX_REASONS + 1);
    expect(stored!.reasons.at(-1)!.message).toMatch(/^… và \d+ lỗi khác$/);
    expect(jsonBytes(stored)).toBeLessThan(LIMITS.dynamoItemBytes / 4);
    const [event] = w.bus.events;
    expect(event?.detailType).toBe(DETAIL_TYPES.reportRejected);
    expect(event?.detail).not.toHaveProperty('reasons');
    expect(event?.detail.reasonCount).toBe(reasonCount(stored!.reasons));
    expect(jsonBytes(event?.detail)).toBeLessThan(2048);
  });
});
