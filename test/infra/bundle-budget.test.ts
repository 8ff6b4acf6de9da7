import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beyond, bundle, bytesByPackage, clientsOf, floorSource, sizeLimit, SLACK_BYTES, TARGET } from '../../bench/bundles.js';
import { FUNCTION_NAMES } from '../../shared/definitions/events.js';

/**
 * The bundle budget, enforced: every function, bundled as CDK bundles it, is at most TARGET times
 * the size of its floor — an empty handler that builds the same SDK clients. Sizes are
 * deterministic (the esbuild metafile), so this is a test; load times stay in `npm run bench`.
 */
const ROOT = join(import.meta.dirname, '..', '..');
let outDir: string;
const results = new Map<string, { bytes: number; floor: number; over: string; regimeSchema: boolean }>();

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'baocao-budget-'));
  const floors = new Map<string, Awaited<ReturnType<typeof bundle>>>();
  for (const name of FUNCTION_NAMES) {
    const file = join(ROOT, 'functions', name, 'handler.ts');
    if (!existsSync(file)) continue;
    const fn = await bundle(name, outDir, { file });
    const clients = clientsOf(fn.metafile);
    const key = clients.map((c) => c.pkg).join('+');
    let floor = floors.get(key);
    if (!floor) floors.set(key, (floor = await bundle(`floor-${floors.size}`, outDir, { source: floorSource(clients) })));
    // Named in the failure message: what the function carries beyond its floor, by package.
    const extra = beyond(bytesByPackage(fn.metafile), bytesByPackage(floor.metafile), 4);
    results.set(name, {
      bytes: fn.bytes,
      floor: floor.bytes,
      over: extra.map(([p, b]) => `${p} +${Math.round(b / 1024)} KB`).join(', '),
      // One of the regime schema's own messages (shared/domain/regime.ts, reorganizationIssues).
      regimeSchema: (await readFile(fn.file, 'utf8')).includes('the chain of successors loops back'),
    });
  }
}, 180_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe(`bundle budget: each function at most ${TARGET}× its floor (or within ${SLACK_BYTES} B of it)`, () => {
  it.each(FUNCTION_NAMES.map((n) => [n]))('%s', (name) => {
    const r = results.get(name);
    expect(r, `functions/${name}/handler.ts was not bundled`).toBeDefined();
    expect(
      r!.bytes,
      `${name}: ${Math.round(r!.bytes / 1024)} KB against a ${Math.round(r!.floor / 1024)} KB floor (${(r!.bytes / r!.floor).toFixed(3)}×; ${r!.over})`,
    ).toBeLessThanOrEqual(sizeLimit(r!.floor));
  });
});

describe('the regime is validated in full where it is written, not in every function', () => {
  // Each function reads the stored regime with storedRegime; the full schema (about 10 KB) is for
  // the regime file, the seed and the CLI.
  it.each(FUNCTION_NAMES.map((n) => [n]))('%s does not bundle the full regime schema', (name) => {
    expect(results.get(name)?.regimeSchema).toBe(false);
  });
});
