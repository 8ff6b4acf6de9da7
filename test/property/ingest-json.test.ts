import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { validateReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { memoryWorld } from '../support/memory-ports.js';

/**
 * The JSON path of ingest, fuzzed: whatever object a unit uploads, ingest ends with a verdict —
 * the report accepted, or rejected with Vietnamese reasons — stored and announced; nothing
 * escapes (an escaping error would make the event retry and dead-letter, losing the upload).
 * Fixed seeds and bounded runs: the same cases on every run, in a few seconds.
 */

const UNIT = 'so-tu-phap';
const PERIOD = '2026';
const KEY = `incoming/${PERIOD}/${UNIT}/0mi1abcd0123456789abcdef0.json`;
const VIETNAMESE = /[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/i;

async function ingestBytes(body: string) {
  const w = memoryWorld('2026-11-28T03:00:00Z', DEFAULT_REGIME);
  const { versionId, etag } = w.objects.putVersion(KEY, body, 'application/json');
  const result = await ingestReport(w, {
    bucket: 'b',
    key: KEY,
    size: Buffer.byteLength(body),
    etag,
    versionId,
    time: '2026-12-01T02:00:00.000Z',
  });
  return { result, events: w.bus.events };
}

/** A sample report with some fields replaced by arbitrary values, or removed, or extra keys added. */
const mutatedReport = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom('', 'planAndSolutions.', 'dissemination.', 'programmes.', 'emulation.'),
        fc.string({ maxLength: 20 }),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      { maxLength: 6 },
    ),
    fc.array(
      fc.constantFrom(
        'formVersion',
        'unitId',
        'period',
        'planAndSolutions',
        'programmes',
        'planAndSolutions.planIssued',
        'planAndSolutions.planDate',
      ),
      { maxLength: 3 },
    ),
  )
  .map(([sets, removals]) => {
    const report = JSON.parse(JSON.stringify(sampleReport(DEFAULT_REGIME, UNIT, PERIOD))) as Record<string, unknown>;
    const at = (path: string): [Record<string, unknown>, string] => {
      const keys = path.split('.');
      let o = report;
      for (const k of keys.slice(0, -1)) o = (typeof o[k] === 'object' && o[k] !== null ? o[k] : (o[k] = {})) as Record<string, unknown>;
      return [o, keys[keys.length - 1] as string];
    };
    for (const [section, name, value] of sets) {
      const [o, k] = at(section + (name || 'x'));
      o[k] = value;
    }
    for (const path of removals) {
      const [o, k] = at(path);
      delete o[k];
    }
    return JSON.stringify(report);
  });

/** Text a sniffer takes for JSON (it starts with "{"), mostly not valid JSON. */
const jsonish = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => `{${s}`),
  fc.jsonValue({ maxDepth: 4 }).map((v) => `{"v":${JSON.stringify(v)}}`),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 12 }).map((o) => JSON.stringify(o)),
  mutatedReport,
);

function assertVerdict(outcome: { result: Awaited<ReturnType<typeof ingestReport>>; events: ReadonlyArray<{ detail: unknown }> }): void {
  const { result, events } = outcome;
  expect(['accepted', 'rejected']).toContain(result.outcome);
  expect(events).toHaveLength(1);
  const reasons = result.version?.reasons ?? [];
  if (result.outcome === 'rejected') {
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) {
      expect(typeof r.message).toBe('string');
      expect(r.message.length).toBeGreaterThan(0);
    }
    // Each message is Vietnamese (zod's English would not do), whatever the mix of problems.
    expect(reasons.every((r) => VIETNAMESE.test(r.message))).toBe(true);
  } else {
    expect(reasons).toEqual([]);
  }
}

describe('ingest, JSON path, fuzzed', () => {
  it('ends every JSON-looking upload with a verdict, Vietnamese reasons when rejected', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, async (body) => {
        assertVerdict(await ingestBytes(body));
      }),
      { numRuns: 300, seed: 1212 },
    );
  });

  it('judges any parsed value with validateReport without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 5 })), (value) => {
        const verdict = validateReport(value, { regime: DEFAULT_REGIME, expected: { unitId: UNIT, period: PERIOD } });
        if (!verdict.ok) expect(verdict.issues.length).toBeGreaterThan(0);
        else expect(verdict.report.unitId).toBe(UNIT);
      }),
      { numRuns: 500, seed: 1213 },
    );
  });

  it('ends with a verdict for the hostile shapes at the upload limit (1 MB)', async () => {
    const MB = 1024 * 1024;
    const nested = `{"v":${'['.repeat(MB / 2 - 16)}${']'.repeat(MB / 2 - 16)}}`;
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i])));
    const longUnit = JSON.stringify({ ...sampleReport(DEFAULT_REGIME, UNIT, PERIOD), unitId: 'x'.repeat(MB - 4096) });
    const unterminated = `{"a":"${'\\u00'.repeat(MB / 4 - 8)}`;

    for (const body of [nested, manyKeys, longUnit, unterminated]) {
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MB);
      const outcome = await ingestBytes(body);
      assertVerdict(outcome);
      expect(outcome.result.outcome).toBe('rejected');
    }
  });
});
