import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { ENV } from '../shared/definitions/env-keys.js';
import { FUNCTION_NAMES } from '../shared/definitions/events.js';
import { median, num, progress, ratio, x } from './lib/stats.js';
import type { Row } from './lib/table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Issue 7: each function at most this many times its floor (size and module load). The size is
 * enforced by test/infra/bundle-budget.test.ts, for every function, without exceptions.
 */
export const TARGET = 1.3;
/**
 * A bundle within this many bytes of its floor passes whatever its ratio: the Cognito pre-token
 * trigger (functions/pretoken) is 350 B against a 214 B empty handler (the response property names
 * Cognito requires are 71 B alone), and a ratio between sub-kilobyte bundles says nothing about a
 * cold start. Every function with an SDK client is far above this and held to TARGET.
 */
export const SLACK_BYTES = 1024;
/** The largest bundle that meets the budget for a floor of `floorBytes`. */
export const sizeLimit = (floorBytes: number): number => Math.max(floorBytes * TARGET, floorBytes + SLACK_BYTES);

/** As infra/defaults.ts BUNDLING_DEFAULTS (NodejsFunction): ESM, minified, SDK bundled, a require shim for CJS deps. */
const BANNER =
  "import { createRequire as __baocaoCreateRequire } from 'node:module'; const require = __baocaoCreateRequire(import.meta.url);";

/** What the functions' config schemas require, with dummy values (nothing is called). */
const DUMMY_ENV: Record<string, string> = {
  [ENV.region]: 'ap-southeast-1',
  [ENV.tableName]: 'baocao',
  [ENV.bucketName]: 'baocao-reports',
  [ENV.busName]: 'baocao',
  [ENV.senderAddress]: 'baocao@kontum.gov.example',
  [ENV.replyToAddress]: 'sonoivu@kontum.gov.example',
  [ENV.sesConfigurationSet]: 'baocao',
  [ENV.appUrl]: 'https://baocao.example',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

/** Imports the bundle in a fresh process and reports the import time and RSS; the handler is not invoked. */
const LOADER = `
const t0 = performance.now();
await import(process.argv[1]);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss }));
process.exit(0);
`;

/** Above this, a package's bytes beyond the floor are named in the detail. */
const NAMED_KB = 8;

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  metafile: Metafile;
  loads: number[];
  rss: number[];
  error?: string;
}

/** An SDK client a bundle carries: the package and the client class it exports. */
interface Client {
  pkg: string;
  cls: string;
}

/** A floor: an empty handler that imports and constructs exactly one set of SDK clients. */
interface Floor {
  key: string;
  clients: Client[];
  label: string;
  bundle: Bundle;
  /** The functions measured against it, in FUNCTION_NAMES order. */
  functions: FunctionBundle[];
}

interface FunctionBundle extends Bundle {
  clients: Client[];
  floor?: Floor;
  /** The same handler with every app-side dynamic import made static: what the lazy imports save at load. */
  eager?: Bundle & { targets: string[] };
}

/** The package an input path belongs to (node_modules/@scope/name or name), or "(app)". */
function packageOf(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(
    path.split('node_modules/').length > 2 ? path.slice(path.lastIndexOf('node_modules/')) : path,
  );
  return m ? m[1]! : '(app)';
}

const isApp = (path: string) => !path.includes('node_modules/') && !path.startsWith('<');

/** Bytes in the output by package; `only` restricts to some input paths. */
export function bytesByPackage(meta: Metafile, only?: (path: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of Object.values(meta.outputs)) {
    for (const [path, i] of Object.entries(o.inputs)) {
      if (only && !only(path)) continue;
      out.set(packageOf(path), (out.get(packageOf(path)) ?? 0) + i.bytesInOutput);
    }
  }
  return out;
}

/**
 * The SDK clients a bundle carries, from its metafile: every `@aws-sdk/client-*` package and
 * `@aws-sdk/lib-dynamodb` with bytes in the output, and the client class each defines
 * (`dist-es/<Name>Client.js`). The credential chain's own clients live in
 * `@aws-sdk/nested-clients` and come with any client, so they are not counted.
 */
export function clientsOf(meta: Metafile): Client[] {
  const packages = new Set<string>();
  const classes = new Map<string, string>();
  for (const o of Object.values(meta.outputs)) {
    for (const [path, i] of Object.entries(o.inputs)) {
      if (i.bytesInOutput === 0) continue;
      const pkg = packageOf(path);
      if (!/^@aws-sdk\/(client-[^/]+|lib-dynamodb)$/.test(pkg)) continue;
      packages.add(pkg);
      const cls = new RegExp(`${pkg.replace('/', '\\/')}/dist-(?:es|cjs)/(\\w+Client)\\.js$`).exec(path);
      if (cls) classes.set(pkg, cls[1]!);
    }
  }
  return [...packages].sort().map((pkg) => {
    const cls = classes.get(pkg);
    if (!cls) throw new Error(`cannot tell the client class of ${pkg} from the metafile (no dist-es/<Name>Client.js input)`);
    return { pkg, cls };
  });
}

const DOC = '@aws-sdk/lib-dynamodb';
const DDB = '@aws-sdk/client-dynamodb';

/** "DynamoDB (doc), EventBridge, S3" — or "no SDK client". */
function clientsLabel(clients: readonly Client[]): string {
  const doc = clients.some((c) => c.pkg === DOC);
  const names = clients
    .filter((c) => !(doc && c.pkg === DOC))
    .map((c) => (doc && c.pkg === DDB ? 'DynamoDB (doc)' : c.cls.replace(/Client$/, '')));
  return names.length ? names.join(', ') : 'no SDK client';
}

/**
 * The floor of a set of clients: an empty handler that imports and constructs each client once
 * at module scope, as the composition roots do (the document client wrapping a DynamoDB client,
 * with the adapters' marshall options), and does nothing else.
 */
export function floorSource(clients: readonly Client[]): string {
  const doc = clients.find((c) => c.pkg === DOC);
  const ddb = clients.find((c) => c.pkg === DDB) ?? (doc ? { pkg: DDB, cls: 'DynamoDBClient' } : undefined);
  const all = doc && !clients.includes(ddb!) ? [...clients, ddb!] : clients;
  const built = all.filter((c) => !(doc && (c === doc || c === ddb))).map((c) => `new ${c.cls}({ region })`);
  if (doc) built.unshift(`${doc.cls}.from(new ${ddb!.cls}({ region }), { marshallOptions: { removeUndefinedValues: true } })`);
  return [
    ...all.map((c) => `import { ${c.cls} } from '${c.pkg}';`),
    'const region = process.env.AWS_REGION;',
    `const clients = [${built.join(', ')}];`,
    'export const handler = async () => ({ clients: clients.length });',
    '',
  ].join('\n');
}

/** The input paths reachable from the entry point without crossing a dynamic import: what a cold start evaluates. */
function staticallyReached(meta: Metafile): Set<string> {
  const entry = Object.values(meta.outputs)[0]?.entryPoint;
  const seen = new Set<string>();
  const queue = entry ? [entry] : [];
  while (queue.length) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imp of meta.inputs[path]?.imports ?? []) if (!imp.external && imp.kind !== 'dynamic-import') queue.push(imp.path);
  }
  return seen;
}

/** App modules the function's own code imports dynamically (the SDK's credential chain does too, in every bundle, floors included). */
function appDynamicTargets(meta: Metafile): string[] {
  const out = new Set<string>();
  for (const [path, i] of Object.entries(meta.inputs)) {
    if (!isApp(path)) continue;
    for (const imp of i.imports) if (!imp.external && imp.kind === 'dynamic-import') out.add(imp.path);
  }
  return [...out].sort();
}

/** Per package, the bytes only reachable through a dynamic import (in the bundle, not evaluated at load). */
function lazyBytesByPackage(meta: Metafile): Map<string, number> {
  const reached = staticallyReached(meta);
  return bytesByPackage(meta, (path) => !reached.has(path));
}

/** Package → bytes beyond the floor's bytes of that package, largest first, at least `minKb`. */
export function beyond(own: Map<string, number>, floor: Map<string, number>, minKb: number): [string, number][] {
  return [...own]
    .map(([pkg, bytes]) => [pkg, bytes - (floor.get(pkg) ?? 0)] as [string, number])
    .filter(([, d]) => d > minKb * 1024)
    .sort((a, b) => b[1] - a[1]);
}

/** 0.2 KB, 3.4 KB, 480 KB: the empty floor stays readable. */
const kb = (bytes: number) => `${num(bytes / 1024, bytes < 10 * 1024 ? 1 : 0)} KB`;
const sum = (entries: readonly [string, number][]) => entries.reduce((s, [, b]) => s + b, 0);

export async function bundle(name: string, outDir: string, entry: { file: string } | { source: string }): Promise<Bundle> {
  const outfile = join(outDir, `${name}.mjs`);
  const r = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' as const } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    charset: 'utf8',
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return { name, file: outfile, bytes: (await stat(outfile)).size, metafile: r.metafile, loads: [], rss: [] };
}

function loadOnce(file: string): Promise<{ ms: number; rss: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOADER, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '', ...DUMMY_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`exit ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolvePromise(JSON.parse(out) as { ms: number; rss: number });
      } catch {
        reject(new Error(`unreadable loader output: ${out.slice(0, 200)} ${err.slice(0, 200)}`));
      }
    });
  });
}

const failed = (name: string, file: string, error: string): Bundle => ({
  name,
  file,
  bytes: Number.NaN,
  metafile: { inputs: {}, outputs: {} },
  loads: [],
  rss: [],
  error,
});

/** What run.ts needs for "Reading the results": each function against its floor, and what its lazy imports save. */
export interface BundleVerdict {
  /** Ratios to the floor, and the packages (bytes) carried beyond it, largest first. */
  functions: { name: string; sizeRatio: number; loadRatio: number; over: boolean; beyond: [string, number][] }[];
  lazy: { name: string; loadMs: number; eagerMs: number; floorMs: number; targets: string[]; lazyKb: number }[];
}

/**
 * Issue 7: every function of FUNCTION_NAMES bundled as CDK bundles it, its size and cold
 * module-load time (median of `runs` fresh node processes) against its own floor: an empty handler
 * importing the same SDK clients, the client set read from the function's metafile. One floor is
 * built per distinct client set, all in the same run; every bundle is loaded round-robin so drift
 * hits all alike.
 */
export async function benchBundles(opts: { runs: number }): Promise<{ rows: Row[]; notes: string[]; verdict: BundleVerdict }> {
  const outDir = await mkdtemp(join(tmpdir(), 'baocao-bench-bundles-'));
  try {
    const functions: FunctionBundle[] = [];
    const missing: string[] = [];
    for (const name of FUNCTION_NAMES) {
      const file = join(ROOT, 'functions', name, 'handler.ts');
      if (!existsSync(file)) {
        missing.push(name);
        continue;
      }
      try {
        const b = await bundle(name, outDir, { file });
        functions.push({ ...b, clients: clientsOf(b.metafile) });
      } catch (e) {
        functions.push({ ...failed(name, file, `build failed: ${(e as Error).message.split('\n')[0]}`), clients: [] });
      }
    }

    // One floor per distinct client set.
    const floors = new Map<string, Floor>();
    for (const f of functions.filter((b) => !b.error)) {
      const key = f.clients.map((c) => c.pkg).join('+');
      let floor = floors.get(key);
      if (!floor) {
        const label = clientsLabel(f.clients);
        const name = `floor-${floors.size + 1}`;
        const source = floorSource(f.clients);
        let b: Bundle;
        try {
          b = await bundle(name, outDir, { source });
        } catch (e) {
          b = failed(name, '', `floor build failed: ${(e as Error).message.split('\n')[0]}`);
        }
        floor = { key, clients: f.clients, label, bundle: b, functions: [] };
        floors.set(key, floor);
      }
      floor.functions.push(f);
      f.floor = floor;
    }

    // A function whose own code defers packages behind a dynamic import (beyond what its floor
    // defers) is also built with those imports made static: the load-time difference is what the
    // lazy import buys at cold start.
    for (const f of functions) {
      if (f.error || !f.floor || f.floor.bundle.error) continue;
      const lazy = beyond(lazyBytesByPackage(f.metafile), lazyBytesByPackage(f.floor.bundle.metafile), NAMED_KB);
      const targets = appDynamicTargets(f.metafile);
      if (!lazy.length || !targets.length) continue;
      const source = [
        `export * from './functions/${f.name}/handler.ts';`,
        ...targets.map((t, i) => `export * as __eager${i} from './${t}';`),
        '',
      ].join('\n');
      try {
        f.eager = { ...(await bundle(`${f.name}-eager`, outDir, { source })), targets };
      } catch (e) {
        f.eager = { ...failed(`${f.name}-eager`, '', `build failed: ${(e as Error).message.split('\n')[0]}`), targets };
      }
    }

    const floorBundles = [...floors.values()].map((fl) => fl.bundle);
    const eagers = functions.flatMap((f) => (f.eager ? [f.eager] : []));
    const all: Bundle[] = [...floorBundles, ...functions, ...eagers];
    progress(
      `bundles: ${functions.length} functions, ${floors.size} floors (one per client set), ${eagers.length} eager variants built; loading each in ${opts.runs} fresh node processes`,
    );
    // The bundles were just written: they are in the page cache, every round counts.
    for (let run = 0; run < opts.runs; run++) {
      for (const b of all) {
        if (b.error) continue;
        try {
          const r = await loadOnce(b.file);
          b.loads.push(r.ms);
          b.rss.push(r.rss);
        } catch (e) {
          b.error = `load failed: ${(e as Error).message}`;
        }
      }
    }

    const rows: Row[] = [];
    const verdict: BundleVerdict = { functions: [], lazy: [] };
    const size = (b: Bundle) => `${kb(b.bytes)} · ${num(median(b.loads))} ms`;
    // Floors with fewer clients first; each followed by the functions measured against it.
    const ordered = [...floors.values()].sort((a, b) => a.clients.length - b.clients.length || a.key.localeCompare(b.key));
    for (const floor of ordered) {
      const fb = floor.bundle;
      rows.push({
        section: '4 Bundles',
        what: `floor: empty handler${floor.clients.length ? ` + ${floor.label} client${floor.clients.length > 1 ? 's' : ''}` : ', no SDK client'}`,
        measured: fb.error ? 'n/a' : size(fb),
        floor: '—',
        ratio: fb.error ? 'n/a' : '1.00× · 1.00×',
        detail:
          fb.error ??
          `floor of ${floor.functions.map((f) => f.name).join(', ')}; RSS after import ${num(median(fb.rss) / 2 ** 20, 0)} MB; load = median of ${opts.runs} fresh processes`,
        ...(fb.error ? { flagged: true } : {}),
      });
      const floorLoad = median(fb.loads);
      const floorPackages = bytesByPackage(fb.metafile);
      const floorLazy = lazyBytesByPackage(fb.metafile);
      for (const f of floor.functions) {
        if (f.error || fb.error) {
          rows.push({
            section: '4 Bundles',
            what: `functions/${f.name}`,
            measured: 'n/a',
            floor: '',
            ratio: 'n/a',
            detail: f.error ?? 'its floor failed',
            flagged: true,
          });
          continue;
        }
        const load = median(f.loads);
        const sizeRatio = ratio(f.bytes, fb.bytes);
        const loadRatio = ratio(load, floorLoad);
        // What the function carries beyond its floor, by package: the reason when it is over target.
        const extra = beyond(bytesByPackage(f.metafile), floorPackages, NAMED_KB);
        const lazy = beyond(lazyBytesByPackage(f.metafile), floorLazy, NAMED_KB);
        const lazyNote = lazy.length
          ? `; behind a dynamic import (in the size, not evaluated at load): ${kb(sum(lazy))} (${lazy
              .slice(0, 2)
              .map(([p]) => p)
              .join(', ')}…)`
          : '';
        const over = f.bytes > sizeLimit(fb.bytes) || loadRatio > TARGET;
        rows.push({
          section: '4 Bundles',
          what: `functions/${f.name}`,
          measured: size(f),
          floor: size(fb),
          ratio: `${x(sizeRatio)} · ${x(loadRatio)}`,
          detail:
            `floor: ${floor.label}; RSS ${num(median(f.rss) / 2 ** 20, 0)} MB; beyond the floor: ` +
            `${
              extra
                .slice(0, 3)
                .map(([p, d]) => `${p} +${kb(d)}`)
                .join(', ') || `nothing over ${NAMED_KB} KB`
            }${lazyNote}`,
          flagged: over,
        });
        verdict.functions.push({ name: f.name, sizeRatio, loadRatio, over, beyond: extra });
        const e = f.eager;
        if (e) {
          const eagerLoad = median(e.loads);
          rows.push({
            section: '4 Bundles',
            what: `… functions/${f.name} with its dynamic imports made static (comparison, not deployed)`,
            measured: e.error ? 'n/a' : size(e),
            floor: size(fb),
            ratio: e.error ? 'n/a' : `${x(ratio(e.bytes, fb.bytes))} · ${x(ratio(eagerLoad, floorLoad))}`,
            detail:
              e.error ??
              `${e.targets.join(', ')} imported at load: ${num(eagerLoad - load)} ms more than the lazy import (${num(eagerLoad)} vs ${num(load)} ms); RSS ${num(median(e.rss) / 2 ** 20, 0)} MB`,
          });
          if (!e.error)
            verdict.lazy.push({
              name: f.name,
              loadMs: load,
              eagerMs: eagerLoad,
              floorMs: floorLoad,
              targets: e.targets,
              lazyKb: sum(lazy) / 1024,
            });
        }
      }
    }
    for (const name of missing)
      rows.push({ section: '4 Bundles', what: `functions/${name}`, measured: 'n/a', floor: '', ratio: 'n/a', detail: 'no handler.ts yet' });
    return {
      rows,
      notes: bundleNotes(
        functions.filter((b) => !b.error && b.floor && !b.floor.bundle.error),
        [...floors.values()],
      ),
      verdict,
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** App modules that import a package directly, with "(dynamic)" when only through a dynamic import. */
function importersOf(meta: Metafile, packages: ReadonlySet<string>): string[] {
  const out = new Map<string, boolean>();
  for (const [path, i] of Object.entries(meta.inputs)) {
    if (!isApp(path)) continue;
    for (const imp of i.imports) {
      if (imp.external || !packages.has(packageOf(imp.path)) || isApp(imp.path)) continue;
      out.set(path, (out.get(path) ?? true) && imp.kind === 'dynamic-import');
    }
  }
  return [...out].map(([path, dynamic]) => `${path}${dynamic ? ' (dynamic)' : ''}`).sort();
}

/**
 * Why functions are over target, from the metafiles: the packages each carries beyond its own
 * floor, grouped by the set of functions that carry them (a library and its dependencies land
 * together), with the app modules that import them.
 */
function bundleNotes(functions: readonly FunctionBundle[], floors: readonly Floor[]): string[] {
  const notes: string[] = [];
  const ratios = (b: FunctionBundle) => [b.bytes / b.floor!.bundle.bytes, median(b.loads) / median(b.floor!.bundle.loads)] as const;
  const over = functions.filter((b) => ratios(b).some((r) => r > TARGET));
  notes.push(
    over.length
      ? `Over the issue 7 target (${TARGET}× its own floor in size or load time): ${over.map((b) => b.name).join(', ')}` +
          (over.length < functions.length
            ? `; within it: ${functions
                .filter((b) => !over.includes(b))
                .map((b) => b.name)
                .join(', ')}.`
            : '.')
      : `Every function is within the issue 7 target (${TARGET}× its own floor in size and load time).`,
  );
  notes.push(
    `${floors.length} floors, one per distinct set of SDK clients read from the metafiles: ` +
      floors.map((fl) => `${fl.label} (${fl.functions.map((f) => f.name).join(', ')})`).join('; ') +
      '.',
  );
  const carriers = new Map<string, { names: string[]; bytes: number }>();
  for (const b of functions) {
    for (const [pkg, extra] of beyond(bytesByPackage(b.metafile), bytesByPackage(b.floor!.bundle.metafile), 4)) {
      if (pkg === '(app)') continue;
      const c = carriers.get(pkg) ?? { names: [], bytes: 0 };
      c.names.push(b.name);
      c.bytes = Math.max(c.bytes, extra);
      carriers.set(pkg, c);
    }
  }
  const groups = new Map<string, { names: string[]; packages: [string, number][] }>();
  for (const [pkg, c] of carriers) {
    const key = c.names.join(',');
    const g = groups.get(key) ?? { names: c.names, packages: [] };
    g.packages.push([pkg, c.bytes]);
    groups.set(key, g);
  }
  for (const g of [...groups.values()].sort((a, b) => sum(b.packages) - sum(a.packages))) {
    g.packages.sort((a, b) => b[1] - a[1]);
    const who =
      g.names.length === functions.length
        ? `all ${functions.length} functions`
        : `${g.names.length} of ${functions.length} (${g.names.join(', ')})`;
    const listed = g.packages.slice(0, 6).map(([p, b]) => `${p} ${num(b / 1024, 0)}`);
    const rest = g.packages.length > 6 ? ` and ${g.packages.length - 6} more` : '';
    const pkgs = new Set(g.packages.map(([p]) => p));
    const via = [...new Set(functions.filter((b) => g.names.includes(b.name)).flatMap((b) => importersOf(b.metafile, pkgs)))];
    // Where the group's largest package is only reached through a dynamic import, it is not evaluated at load.
    const top = g.packages[0]![0];
    const lazyIn = functions
      .filter((b) => g.names.includes(b.name) && (lazyBytesByPackage(b.metafile).get(top) ?? 0) > 0)
      .map((b) => b.name);
    notes.push(
      `+${num(sum(g.packages) / 1024, 0)} KB beyond the floor in ${who}: ${listed.join(', ')}${rest} (KB)${via.length ? `; imported by ${via.join(', ')}` : ''}` +
        `${lazyIn.length ? `; behind a dynamic import (not evaluated at load) in ${lazyIn.join(', ')}` : ''}.`,
    );
  }
  // The mailer belongs with the SES client: a function carrying nodemailer without it never sends mail.
  const ses = (b: FunctionBundle) => b.clients.some((c) => c.pkg === '@aws-sdk/client-sesv2');
  const withMailer = functions.filter((b) => (bytesByPackage(b.metafile).get('nodemailer') ?? 0) > 0);
  const stray = withMailer.filter((b) => !ses(b));
  if (stray.length) {
    const via = [...new Set(stray.flatMap((b) => importersOf(b.metafile, new Set(['nodemailer']))))];
    notes.push(
      `nodemailer is bundled in ${stray.length} functions without the SESv2 client, which never send mail (${stray.map((b) => b.name).join(', ')}); imported by ${via.join(', ')}.`,
    );
  } else if (withMailer.length) {
    notes.push(`nodemailer is bundled only in the functions that send mail (${withMailer.map((b) => b.name).join(', ')}).`);
  }
  return notes;
}
