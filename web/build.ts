/**
 * `npm run build:web`: writes the static site to web/dist (SITE_DIR) — the form page and its
 * browser bundle (web/form/main.ts, which imports the same zod schema and validateReport as the
 * server, bundled by esbuild), the board page and its script, and their stylesheets. CloudFront
 * serves the directory from a private bucket on AWS (infra/constructs/site.ts), the local HTTP
 * server serves it as is: the same bytes both ways, no Lambda per page view.
 * Wired as prestart, pretest, presynth, predemo and prebench, so a fresh clone builds it first.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { SITE_DIR } from '../shared/definitions/site.js';
import { boardConfig, boardPage } from './board/page.js';
import { BOARD_SCRIPT } from './board/script.js';
import { BOARD_STYLES } from './board/styles.js';
import { formPage } from './pages.js';
import { FORM_CSS } from './styles.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FORM_ENTRY = join(here, 'form', 'main.ts');
export const SITE_PATH = resolve(here, '..', SITE_DIR);
/** A budget, so a careless import (zod's locales, a Node module) fails the build instead of bloating every page. */
export const MAX_BUNDLE_BYTES = 200 * 1024;

export async function buildFormBundle(): Promise<{ js: string; bytes: number }> {
  const result = await build({
    entryPoints: [FORM_ENTRY],
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
  if (!js) throw new Error('esbuild produced no output for the form bundle');
  const bytes = Buffer.byteLength(js);
  if (bytes > MAX_BUNDLE_BYTES) throw new Error(`The form bundle is ${bytes} bytes, over the ${MAX_BUNDLE_BYTES} byte budget`);
  return { js, bytes };
}

const minify = async (code: string, loader: 'js' | 'css') =>
  (await transform(code, { loader, minify: true, legalComments: 'none', charset: 'utf8', ...(loader === 'js' ? { target: 'es2017' } : {}) })).code;

/** Every file of the site, by name. */
export async function siteFiles(): Promise<Record<string, string>> {
  const form = await buildFormBundle();
  return {
    'index.html': formPage(),
    'form.js': form.js,
    'form.css': await minify(FORM_CSS, 'css'),
    'board.html': boardPage(boardConfig()),
    'board.js': await minify(BOARD_SCRIPT, 'js'),
    'board.css': await minify(BOARD_STYLES, 'css'),
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
  const list = Object.entries(bytes).map(([n, b]) => `${n} ${(b / 1024).toFixed(1)} KB`).join(', ');
  console.log(`build:web: ${dir.replace(`${process.cwd()}/`, '')}: ${list}`);
}
