import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for the browser tests: the Debian `chromium` package driven by playwright-core
 * (no browser download). The flags are the ones measured to work on these machines (NOTES.md).
 * Reusable by every e2e test: `const browser = await launchBrowser(); … await browser.close();`
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
] as const;
/** Written by the tests, kept out of git (.gitignore has test-results/). */
export const SCREENSHOT_DIR = resolve('test-results', 'screenshots');
/** A laptop screen. */
export const LAPTOP = { width: 1366, height: 768 } as const;

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `Chromium is not installed at ${path}: the browser tests need it. Install it with ` +
        '`apt-get install -y chromium` (what .ci/run does), or set CHROMIUM_PATH to another Chromium binary.',
    );
    this.name = 'ChromiumMissingError';
  }
}

/** Fails with a clear message (never a skip) when the browser is missing. */
export async function assertChromium(path = CHROMIUM_PATH): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(path);
  }
}

export interface TestBrowser {
  context: BrowserContext;
  /** The first page of the context. */
  page: Page;
  /** Uncaught page errors and console errors of every page, for tests to assert none happened. */
  errors: string[];
  /** Another page in the same profile (shares localStorage, like a second tab). */
  newPage(): Promise<Page>;
  /** Saves a PNG (full page unless `fullPage: false`) to test-results/screenshots/<name>.png and returns its path. */
  screenshot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** Where downloads are kept (default: a temp dir removed on close). */
  downloadsPath?: string;
}

/** A fresh persistent profile in a temp dir (removed on close), Vietnamese locale, Vietnam time zone. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<TestBrowser> {
  await assertChromium();
  const profile = await mkdtemp(join(tmpdir(), 'baocao-chromium-'));
  const downloads = opts.downloadsPath ?? (await mkdtemp(join(tmpdir(), 'baocao-downloads-')));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: opts.viewport ?? LAPTOP,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
    downloadsPath: downloads,
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
  };
  const existing = context.pages()[0];
  if (existing) watch(existing);
  context.on('page', watch);
  const page = existing ?? (await context.newPage());
  return {
    context,
    page,
    errors,
    newPage: () => context.newPage(),
    screenshot: async (p, name, shot = {}) => {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await p.screenshot({ path, fullPage: shot.fullPage ?? true });
      return path;
    },
    close: async () => {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
      if (!opts.downloadsPath) await rm(downloads, { recursive: true, force: true });
    },
  };
}
