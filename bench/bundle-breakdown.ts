import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, bytesByPackage, clientsOf, floorSource, TARGET } from './bundles.js';

/**
 * Where a function's bundle bytes go: each function bundled as CDK bundles it (bench/bundles.ts
 * bundle()), its size against its floor and the 1.3× target, then the app's input files (and, with --all,
 * every input) by bytes in the output, largest first. A tool for trimming, not part of `npm run bench`.
 *
 *   npx tsx bench/bundle-breakdown.ts summary template [--all] [--top=40]
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const all = args.includes('--all');
const top = Number(/^--top=(\d+)$/.exec(args.find((a) => a.startsWith('--top=')) ?? '')?.[1] ?? 40);
const names = args.filter((a) => !a.startsWith('--'));
const kb = (b: number) => `${(b / 1024).toFixed(1).padStart(7)} KB`;

const outDir = await mkdtemp(join(tmpdir(), 'baocao-breakdown-'));
try {
  for (const name of names.length ? names : ['summary', 'template']) {
    const fn = await bundle(name, outDir, { file: join(ROOT, 'functions', name, 'handler.ts') });
    const floor = await bundle(`${name}-floor`, outDir, { source: floorSource(clientsOf(fn.metafile)) });
    const target = floor.bytes * TARGET;
    console.log(
      `\n${name}: ${fn.bytes} B (${kb(fn.bytes).trim()}), floor ${kb(floor.bytes).trim()}, ratio ${(fn.bytes / floor.bytes).toFixed(3)}×; ` +
        `${TARGET}× = ${kb(target).trim()} (margin ${((target - fn.bytes) / 1024).toFixed(1)} KB)`,
    );
    const own = bytesByPackage(fn.metafile);
    const base = bytesByPackage(floor.metafile);
    console.log('  packages beyond the floor:');
    for (const [pkg, b] of [...own].map(([p, b]) => [p, b - (base.get(p) ?? 0)] as const).sort((a, b) => b[1] - a[1])) {
      if (b > 256) console.log(`  ${kb(b)}  ${pkg}`);
    }
    const files = Object.values(fn.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
    const shown = files
      .filter(([p]) => all || (!p.includes('node_modules/') && !p.startsWith('<')))
      .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
    console.log(`  ${all ? 'inputs' : 'app files'} (${shown.length}, top ${top}):`);
    for (const [p, i] of shown.slice(0, top)) console.log(`  ${kb(i.bytesInOutput)}  ${p}`);
    const app = shown.reduce((s, [, i]) => s + i.bytesInOutput, 0);
    console.log(`  total shown: ${kb(app).trim()}`);
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
