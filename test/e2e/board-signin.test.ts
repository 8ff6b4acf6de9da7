import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { LOCAL_BUCKET, startLocalStack, type LocalStack } from '../../local/stack.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { BOARD_OIDC_FILE } from '../../shared/definitions/site.js';
import { STAFF_ROLE_LABELS, type StaffRole } from '../../shared/definitions/staff-roles.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { axeViolations } from './support/axe.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';

/**
 * Issue 13, "people sign in as themselves", in headless Chromium: each seeded user of the local
 * OpenID provider (one per role) opens /board, is sent to the provider's sign-in page, signs in
 * (authorization code + PKCE) and lands on the board with their name and role in the header and
 * only the controls their role may use. The viewer cannot return a report even by calling the API;
 * the reviewer returns one and the audit names them; signing out locks the board again.
 */
const PERIOD = '2026';
const UNIT = 'so-tu-phap';
const regime = DEFAULT_REGIME;

let dir: string;
let stack: LocalStack;
let s3: S3Client;
let browser: TestBrowser;

const userOf = (role: StaffRole) => {
  const u = stack.endpoints.users.find((x) => x.roles.includes(role));
  if (!u) throw new Error(`no seeded ${role}`);
  return u;
};
const shortLabel = (role: StaffRole) => STAFF_ROLE_LABELS[role].split(':')[0]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-signin-'));
  setVirtualNow(new Date('2026-12-05T02:00:00Z'));
  stack = await startLocalStack({ dataDir: dir, port: 0, quiet: true, retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
  s3 = new S3Client({ endpoint: stack.endpoints.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const key = objectKeys.incoming(PERIOD, UNIT, newUploadId(systemClock.now()), 'json');
  await s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_BUCKET,
      Key: key,
      Body: JSON.stringify(sampleReport(regime, UNIT, PERIOD)),
      ContentType: 'application/json',
    }),
  );
  await stack.bus.idle();
  setVirtualNow(new Date('2026-12-10T02:00:00Z'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  s3?.destroy();
  await stack?.stop();
  resetClock();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh tab with no provider session: /board → the provider's page → signed in on the board. */
async function signIn(role: StaffRole): Promise<Page> {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  const user = userOf(role);
  await page.goto(`${stack.endpoints.app}/board`);
  await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
  await page.locator('input[name="username"], input[name="login"]').fill(user.username);
  await page.locator('input[type="password"]').fill(user.password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((u) => u.pathname === '/board' && u.search === '');
  await page.locator('#who').waitFor();
  await page.locator(`#rows tr[data-unit="${UNIT}"]`).waitFor();
  return page;
}

async function openUnit(page: Page): Promise<void> {
  await page.locator(`#rows tr[data-unit="${UNIT}"]`).click();
  await page.locator('#d-audit table').waitFor({ timeout: 15_000 });
}

const storedToken = (page: Page) =>
  page.evaluate(
    () => (JSON.parse(sessionStorage.getItem('baocao.board.oidc') ?? 'null') as { accessToken: string } | null)?.accessToken ?? null,
  );

describe('signing in to the board', () => {
  it('serves the provider settings the board reads, naming no issuer in the page itself', async () => {
    const res = await fetch(`${stack.endpoints.app}/${BOARD_OIDC_FILE}`);
    const cfg = (await res.json()) as Record<string, string>;
    const page = await (await fetch(`${stack.endpoints.app}/board`)).text();

    expect(res.status).toBe(200);
    expect(cfg).toMatchObject({
      issuer: stack.endpoints.oidc.issuer,
      clientId: stack.endpoints.oidc.clientId,
      authorizationEndpoint: `${stack.endpoints.oidc.issuer}/auth`,
      tokenEndpoint: `${stack.endpoints.oidc.issuer}/token`,
      scope: 'openid profile',
    });
    expect(page).not.toContain(stack.endpoints.oidc.issuer);
  });

  it.each([
    ['viewer', false],
    ['reviewer', true],
    ['publisher', false],
    ['admin', true],
  ] as const)(
    'signs the %s in through the provider, shows their name and role, and offers review only when the role allows it (%s)',
    async (role, reviews) => {
      const page = await signIn(role);
      await openUnit(page);

      expect(await page.locator('#who-name').innerText()).toBe(userOf(role).name);
      expect(await page.locator('#who-role').innerText()).toBe(shortLabel(role));
      expect(await page.locator('#sign-out').innerText()).toBe('Đăng xuất');
      expect(await page.locator('#btn-return').count()).toBe(reviews ? 1 : 0);
      expect(await page.locator('#btn-extend').count()).toBe(reviews ? 1 : 0);
      expect(await page.locator('#read-only').count()).toBe(reviews ? 0 : 1);
      // The token lives in this tab only, and never in the address bar.
      expect(await storedToken(page)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('baocao.board')))).toEqual([]);
      expect(page.url()).toBe(`${stack.endpoints.app}/board`);
      await page.close();
    },
  );

  it('refuses the viewer a return even through the API, in Vietnamese', async () => {
    const page = await signIn('viewer');
    await openUnit(page);
    const uploadId = await page.evaluate(async (unit) => {
      const token = (JSON.parse(sessionStorage.getItem('baocao.board.oidc')!) as { accessToken: string }).accessToken;
      const r = await fetch(`/units/${unit}/reports?period=2026`, { headers: { authorization: `Bearer ${token}` } });
      return ((await r.json()) as { versions: { uploadId: string; latestValid: boolean }[] }).versions.find((v) => v.latestValid)!.uploadId;
    }, UNIT);

    const answer = await page.evaluate(
      async ({ unit, uploadId }) => {
        const token = (JSON.parse(sessionStorage.getItem('baocao.board.oidc')!) as { accessToken: string }).accessToken;
        const r = await fetch(`/units/${unit}/review`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ period: 2026, uploadId, decision: 'RETURN', reason: 'Thử trả lại bằng quyền xem.' }),
        });
        return { status: r.status, body: (await r.json()) as { error: { code: string; message: string } } };
      },
      { unit: UNIT, uploadId },
    );

    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain('không có quyền chấp nhận hoặc trả lại báo cáo');
    expect(await page.locator(`#rows tr[data-unit="${UNIT}"]`).getAttribute('data-status')).not.toBe('RETURNED');
    await page.close();
  });

  it('lets the reviewer return a report, and the audit names the reviewer from the sign-in', async () => {
    const page = await signIn('reviewer');
    await openUnit(page);
    const reason = 'Đề nghị bổ sung số liệu mục II và ký số lại văn bản.';

    await page.fill('#return-reason', reason);
    await page.locator('#btn-return').click();
    await page.locator('#action-msg', { hasText: 'Đã trả lại' }).waitFor();

    const row = page.locator('#d-audit tr[data-action="REPORT_REVIEWED"]', { hasText: reason });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('td').nth(2).innerText()).toBe(`Sở Nội vụ — ${userOf('reviewer').name}`);
    expect(await axeViolations(page)).toEqual([]);
    await browser.screenshot(page, 'board-signed-in-reviewer', { fullPage: false });
    await page.close();
  });

  it('has no accessibility violations on the signed-in board', async () => {
    const page = await signIn('viewer');
    expect(await axeViolations(page)).toEqual([]);
    await browser.screenshot(page, 'board-signed-in-viewer', { fullPage: false });
    await page.close();
  });

  it('signs out: the token is gone, the provider session ends, and the board waits locked with a sign-in button', async () => {
    const page = await signIn('publisher');

    await page.locator('#sign-out').click();
    await page.waitForURL((u) => u.pathname.startsWith('/oidc/session/end'));
    await page.locator('button[name="logout"][value="yes"]').click();
    await page.waitForURL((u) => u.pathname === '/board');
    await page.locator('#locked').waitFor();

    expect(await page.locator('#locked-message').innerText()).toContain('Bạn đã đăng xuất');
    expect(await page.locator('#main').isHidden()).toBe(true);
    expect(await page.locator('#who').isHidden()).toBe(true);
    expect(await storedToken(page)).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    // The provider forgot the person too: signing in again asks for the password.
    await page.locator('#sign-in').click();
    await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
    expect(await page.locator('input[type="password"]').count()).toBe(1);
    await page.close();
  });

  it('does not use a kept token past its expiry: the board goes back through the provider for a fresh one', async () => {
    const page = await signIn('viewer');
    const expired = await storedToken(page);
    const sent: string[] = [];
    const authorizeCalls: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/oidc/auth') authorizeCalls.push(path);
      const bearer = r.headers()['authorization'];
      if (bearer) sent.push(bearer);
    });
    await page.evaluate(() => {
      const kept = JSON.parse(sessionStorage.getItem('baocao.board.oidc')!) as { expiresAt: number };
      sessionStorage.setItem('baocao.board.oidc', JSON.stringify({ ...kept, expiresAt: Date.now() - 1000 }));
    });

    await page.reload();
    // The provider's session is still open: it sends the person straight back with a new code.
    await page.waitForURL((u) => u.pathname === '/board' && u.search === '');
    await page.locator(`#rows tr[data-unit="${UNIT}"]`).waitFor();

    expect(authorizeCalls).toHaveLength(1);
    expect(await storedToken(page)).not.toBe(expired);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent).not.toContain(`Bearer ${expired}`);
    await page.close();
  });

  it('refuses a return from the provider whose state this tab did not start', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.endpoints.app}/board?code=forged-code&state=not-mine`);
    await page.locator('#locked').waitFor();

    expect(await page.locator('#locked-message').innerText()).toContain('không khớp');
    expect(page.url()).toBe(`${stack.endpoints.app}/board`);
    expect(await storedToken(page)).toBeNull();
    await page.close();
  });

  it('raises no script error on any page (the viewer’s refused call aside)', () => {
    expect(browser.errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
    expect(browser.errors.filter((e) => e.includes('status of 403'))).toHaveLength(1);
  });
});
