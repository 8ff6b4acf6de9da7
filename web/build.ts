/**
 * `npm run build:web`: writes the static site to web/dist (SITE_DIR) — the two pages, their browser
 * bundles and their stylesheets. esbuild bundles each page's TypeScript entry: the form
 * (web/form/main.ts, which imports the same zod schema and validateReport as the server) and the
 * board (web/board/main.ts, typed against the API's own response types, rendered with lit-html).
 * CloudFront serves the directory from a private bucket on AWS (infra/constructs/site.ts), the local HTTP
 * server serves it as is: the same bytes both ways, no Lambda per page view.
 * Wired as prestart, pretest, presynth, predemo and prebench, so a fresh clone builds it first.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { SITE_DIR } from '../shared/definitions/site.js';
import { boardConfig, boardPage } from './board/page.js';
import { BOARD_STYLES } from './board/styles.js';
import { formPage } from './pages.js';
import { FORM_CSS } from './styles.js';

const here = dirname(fileURLToPath(import.meta.url));
export const SITE_PATH = resolve(here, '..', SITE_DIR);

/**
 * Each page's entry and its size budget, so a careless import (zod's locales, a Node module, server
 * code reached through a value import instead of a type import) fails the build instead of bloating
 * the page. The form carries the report schema and its validation; the board only types and labels.
 */
export const BUNDLES = {
  form: { entry: join(here, 'form', 'main.ts'), maxBytes: 200 * 1024 },
  // 44 KB: the regime choice and the period labels of every periodicity (issue 15) took it past 40.
  board: { entry: join(here, 'board', 'main.ts'), maxBytes: 44 * 1024 },
} as const;
export type BundleName = keyof typeof BUNDLES;

export async function buildBundle(name: BundleName): Promise<{ js: string; bytes: number }> {
  const { entry, maxBytes } = BUNDLES[name];
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]?.text;
  if (!js) throw new Error(`esbuild produced no output for the ${name} bundle`);
  const bytes = Buffer.byteLength(js);
  if (bytes > maxBytes) throw new Error(`The ${name} bundle is ${bytes} bytes, over the ${maxBytes} byte budget`);
  return { js, bytes };
}

const minifyCss = async (code: string) =>
  (await transform(code, { loader: 'css', minify: true, legalComments: 'none', charset: 'utf8' })).code;

/** Every file of the site, by name. */
export async function siteFiles(): Promise<Record<string, string>> {
  const [form, board] = await Promise.all([buildBundle('form'), buildBundle('board')]);
  return {
    'index.html': formPage(),
    'form.js': form.js,
    'form.css': await minifyCss(FORM_CSS),
    'board.html': boardPage(boardConfig()),
    'board.js': board.js,
    'board.css': await minifyCss(BOARD_STYLES),
  };
}

/**
 * Writes web/dist. Unchanged files are left alone; a changed one is written beside and renamed, so
 * a server reading it meanwhile (another test file's stack) gets the old or the new file, never
 * half of one. Files the build no longer makes are removed.
 */
export async function writeSite(dir = SITE_PATH): Promise<{ dir: string; bytes: Record<string, number> }> {
  const files = await siteFiles();
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if ((await readFile(path, 'utf8').catch(() => null)) === content) continue;
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, path);
  }
  for (const name of await readdir(dir)) if (!(name in files) && !name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
  return { dir, bytes: Object.fromEntries(Object.entries(files).map(([n, c]) => [n, Buffer.byteLength(c)])) };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { dir, bytes } = await writeSite();
  const list = Object.entries(bytes)
    .map(([n, b]) => `${n} ${(b / 1024).toFixed(1)} KB`)
    .join(', ');
  console.log(`build:web: ${dir.replace(`${process.cwd()}/`, '')}: ${list}`);
}
