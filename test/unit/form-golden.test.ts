import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { validateReport, type ReportContext } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { craftedReport } from '../support/crafted-report.js';
import { validateReport as legacyValidate } from '../support/legacy-report.js';

/**
 * Golden test of issue 15: the seed's form is now data and its schema is built from it. For the seed,
 * the built schema and rules must accept and reject exactly what the hand-written ones did, with the
 * same Vietnamese messages, labels and paths, in the same order.
 */
const UNIT = 'so-y-te';
const PERIOD = '2026';
const ctx: ReportContext = { regime: DEFAULT_REGIME, expected: { unitId: UNIT, period: PERIOD } };
type Json = Record<string, unknown>;

/** Every path to a value in a JSON object, objects included. */
function paths(o: unknown, prefix: string[] = []): string[][] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [prefix];
  return [prefix, ...Object.entries(o).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}
function set(o: Json, path: string[], value: unknown): Json {
  const copy = structuredClone(o);
  let at: Json = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Json;
  const last = path.at(-1)!;
  if (value === DELETE) delete at[last];
  else at[last] = value;
  return copy;
}
const DELETE = Symbol('delete');
const VALUES: unknown[] = [
  DELETE,
  'x',
  -1,
  0,
  1.5,
  12,
  1e8,
  '',
  '   ',
  true,
  false,
  null,
  {},
  [],
  '2026-02-30',
  '2025-01-01',
  '2026-03-03',
  'NOT_STARTED',
  'a'.repeat(6000),
  'b@c.vn',
];

describe('the seed form built from its definition (golden)', () => {
  it('judges every one-field change of a sample exactly as the hand-written schema did', () => {
    // prepare
    const samples = [0, 1, 2].map((v) => JSON.parse(JSON.stringify(sampleReport(DEFAULT_REGIME, UNIT, PERIOD, v))) as Json);
    const inputs: unknown[] = [...samples, craftedReport(UNIT, PERIOD, 100), null, [], 'x', {}];
    for (const s of samples.slice(0, 2)) {
      for (const p of paths(s)) {
        if (p.length === 0) continue;
        for (const v of VALUES) inputs.push(set(s, p, v));
        inputs.push(set(s, [...p.slice(0, -1), 'unknownField'], 1));
      }
      const notIssued = set(s, ['planAndSolutions', 'planIssued'], false);
      inputs.push(
        notIssued,
        set(notIssued, ['planAndSolutions', 'planDate'], '2020-01-01'),
        set(notIssued, ['planAndSolutions', 'planNumber'], DELETE),
      );
    }
    // act
    const differing = inputs.filter((input) => {
      const [now, before] = [validateReport(input, ctx), legacyValidate(input, ctx)];
      return JSON.stringify(now) !== JSON.stringify(before);
    });
    // assess
    expect(inputs.length).toBeGreaterThan(1500);
    expect(differing.slice(0, 3).map((i) => ({ input: i, now: validateReport(i, ctx), before: legacyValidate(i, ctx) }))).toEqual([]);
  });

  it('judges reports of other periods and without an expected unit the same way', () => {
    // prepare
    const inputs = ['2019', '2024', '2026'].flatMap((period) => [0, 1, 2, 3].map((v) => sampleReport(DEFAULT_REGIME, 'dak-ha', period, v)));
    // act
    const same = inputs.map(
      (i) =>
        JSON.stringify(validateReport(i, { regime: DEFAULT_REGIME })) === JSON.stringify(legacyValidate(i, { regime: DEFAULT_REGIME })),
    );
    // assess
    expect(same.every(Boolean)).toBe(true);
  });
});
