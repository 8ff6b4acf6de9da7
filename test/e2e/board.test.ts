import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { LOCAL_BUCKET, startLocalStack, type LocalStack } from '../../local/stack.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { STATUS_LABELS, type ComplianceStatus } from '../../shared/domain/status.js';
import { newUploadId } from '../../shared/use-cases/create-upload.js';
import { axeViolations } from './support/axe.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';

/**
 * The status board in headless Chromium against a fresh local stack, seeded with one period:
 * 4 units on time (one of them with its signed PDF), 1 late, 1 with an invalid upload, the
 * rest missing — seen after the deadline. Sở Nội vụ returns a report from the board; the table
 * follows without a reload and the unit gets the email.
 */
const PERIOD = '2026';
const regime = DEFAULT_REGIME;
const emailOf = (unitId: string) => regime.units.find((u) => u.id === unitId)!.email;

let dir: string;
let stack: LocalStack;
let s3: S3Client;
let browser: TestBrowser;
const requestedUrls: string[] = [];

async function put(key: string, body: string | Uint8Array, contentType: string) {
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: body, ContentType: contentType }));
}
async function upload(unitId: string, report: unknown, signedPdf = false) {
  const uploadId = newUploadId(systemClock.now());
  let body = report;
  if (signedPdf) {
    const signedKey = objectKeys.signed(PERIOD, unitId, uploadId);
    await put(signedKey, '%PDF-1.4\n% văn bản đã ký\n%%EOF\n', 'application/pdf');
    body = { ...(report as object), signedDocumentKey: signedKey };
  }
  await put(objectKeys.incoming(PERIOD, unitId, uploadId, 'json'), JSON.stringify(body), 'application/json');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-board-'));
  setVirtualNow(new Date('2026-12-05T02:00:00Z'));
  stack = await startLocalStack({ dataDir: dir, port: 0, quiet: true, retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
  s3 = new S3Client({ endpoint: stack.endpoints.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });

  for (const unit of ['so-tu-phap', 'so-tai-chinh', 'tp-kon-tum']) await upload(unit, sampleReport(regime, unit, PERIOD));
  await upload('so-cong-thuong', sampleReport(regime, 'so-cong-thuong', PERIOD), true);
  setVirtualNow(new Date('2026-12-06T02:00:00Z'));
  await upload('so-y-te', { ...sampleReport(regime, 'so-y-te', PERIOD), period: 2025 });
  setVirtualNow(new Date('2026-12-19T02:00:00Z'));
  await upload('dak-ha', sampleReport(regime, 'dak-ha', PERIOD));
  await stack.bus.idle();
  // Seen on the morning after the deadline.
  setVirtualNow(new Date('2026-12-19T03:00:00Z'));

  browser = await launchBrowser();
  browser.page.on('request', (r) => requestedUrls.push(r.url()));
});

afterAll(async () => {
  await browser?.close();
  s3?.destroy();
  await stack?.stop();
  resetClock();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const row = (unitId: string) => browser.page.locator(`#rows tr[data-unit="${unitId}"]`);
const visibleUnits = () =>
  browser.page.locator('#rows tr[data-unit]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.unit!));
const visibleStatuses = () =>
  browser.page.locator('#rows tr[data-unit]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.status!));
const text = (selector: string) => browser.page.locator(selector).innerText();
async function statusCell(unitId: string, status: ComplianceStatus) {
  await row(unitId).locator('.badge', { hasText: STATUS_LABELS[status] }).waitFor({ timeout: 15_000 });
}

describe('the status board', () => {
  it('opens with the admin link, takes the token out of the address bar, and shows every expected unit with its status and the rates', async () => {
    const { page } = browser;
    await page.goto(`${stack.endpoints.app}/board#admin=${stack.endpoints.adminToken}`);
    await row('so-tu-phap').waitFor();

    expect(page.url()).toBe(`${stack.endpoints.app}/board`);
    expect(await page.locator('#rows tr[data-unit]').count()).toBe(regime.units.length);
    await statusCell('so-tu-phap', 'ON_TIME');
    await statusCell('so-cong-thuong', 'ON_TIME');
    await statusCell('tp-kon-tum', 'ON_TIME');
    await statusCell('dak-ha', 'LATE');
    // An invalid upload and no upload at all: both overdue once the deadline has passed.
    await statusCell('so-y-te', 'OVERDUE');
    await statusCell('ngoc-hoi', 'OVERDUE');
    expect(await row('so-tu-phap').locator('td.first').innerText()).toBe('09:00 05/12/2026');
    expect(await row('dak-ha').locator('td.versions').innerText()).toBe('1');

    // 5 of 31 reported, 4 on time; districts 2 of 10 (1 on time); provincial 3 of 21.
    expect(await text('#rate-all .reporting-rate')).toBe('16,1%');
    expect(await text('#rate-all .on-time-rate')).toBe('12,9%');
    expect(await text('#rate-all .count.reported')).toBe('(5/31)');
    expect(await text('#rate-all .count.on-time')).toBe('(4/31)');
    expect(await text('#rate-district .reporting-rate')).toBe('20%');
    expect(await text('#rate-district .on-time-rate')).toBe('10%');
    expect(await text('#rate-province .reporting-rate')).toBe('14,3%');
    // WCAG 2.1 A/AA and best practice, on the table with its data.
    expect(await axeViolations(page)).toEqual([]);
  });

  it('draws the rates by group and the reports per day as accessible charts, with the numbers the board shows', async () => {
    const { page } = browser;
    const rates = page.locator('#chart-rates');
    await rates.locator('svg[role="img"]').waitFor();
    expect(await rates.locator('svg > title').textContent()).toBe('Tỷ lệ báo cáo và đúng hạn theo nhóm');
    expect(await rates.locator('svg > desc').textContent()).toContain('Toàn tỉnh: báo cáo 16,1% (5/31), đúng hạn 12,9% (4/31)');
    for (const group of ['all', 'province', 'district']) {
      const shown = [await text(`#rate-${group} .reporting-rate`), await text(`#rate-${group} .on-time-rate`)];
      // The values drawn at the bars' ends, and the table a screen reader reads, are the rates on the cards.
      expect([
        await rates.locator(`text[data-group="${group}"][data-rate="reporting"]`).textContent(),
        await rates.locator(`text[data-group="${group}"][data-rate="on-time"]`).textContent(),
      ]).toEqual(shown);
      expect(await rates.locator(`tr[data-group="${group}"] td`).allTextContents()).toEqual(shown);
    }
    // The reporting bar of the whole province is 16.1% of the bar area, its on-time bar 12.9%.
    const widths = await rates.locator('rect.bar').evaluateAll((rs) => rs.slice(0, 2).map((r) => Number(r.getAttribute('width'))));
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.129 / 0.161, 2);

    // Reports per day: four on 05/12, the late one on 19/12 after the deadline of 18/12; they add up to the 5 reported.
    const days = page.locator('#chart-days');
    expect(await days.locator('svg > title').textContent()).toBe('Số báo cáo nhận được theo ngày');
    expect(await days.locator('tr[data-date="2026-12-05"] td').textContent()).toBe('4');
    expect(await days.locator('tr[data-date="2026-12-19"] td').textContent()).toBe('1');
    const counts = await days.locator('tbody td').allTextContents();
    expect(counts.reduce((n, c) => n + Number(c), 0)).toBe(5);
    expect(await days.locator('rect.bar.late').evaluateAll((rs) => rs.filter((r) => Number(r.getAttribute('height')) > 0).length)).toBe(1);
    expect(await days.locator('svg').textContent()).toContain('Hạn nộp 18/12/2026');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('filters by status, by group, with the status chips and by name', async () => {
    const { page } = browser;
    await page.selectOption('#f-status', 'ON_TIME');
    expect((await visibleUnits()).sort()).toEqual(['so-cong-thuong', 'so-tai-chinh', 'so-tu-phap', 'tp-kon-tum']);

    await page.selectOption('#f-group', 'district');
    expect(await visibleUnits()).toEqual(['tp-kon-tum']);

    await page.selectOption('#f-status', '');
    expect(new Set(await visibleStatuses())).toEqual(new Set(['ON_TIME', 'LATE', 'OVERDUE']));
    expect(await page.locator('#rows tr[data-unit]').count()).toBe(regime.units.filter((u) => u.group === 'district').length);

    await page.selectOption('#f-group', '');
    await page.locator('#counts .chip[data-status="LATE"]').click();
    expect(await visibleUnits()).toEqual(['dak-ha']);
    await page.locator('#counts .chip[data-status="LATE"]').click();

    await page.fill('#f-query', 'dak');
    expect((await visibleUnits()).sort()).toEqual(['dak-glei', 'dak-ha', 'dak-to']);
    await page.fill('#f-query', '');
    expect(await page.locator('#rows tr[data-unit]').count()).toBe(regime.units.length);
  });

  it('shows a unit’s versions readably, with working downloads of the raw upload and the signed PDF', async () => {
    const { page } = browser;
    await row('so-cong-thuong').locator('button.link').click();
    const version = page.locator('#d-versions article.version').first();
    await version.waitFor();

    const report = version.locator('.report');
    await expect(report.locator('h4').first().innerText()).resolves.toBe('I. Phổ biến, quán triệt');
    const sessions = sampleReport(regime, 'so-cong-thuong', PERIOD).dissemination.sessions;
    await expect(report.locator('tr', { hasText: 'Số hội nghị, buổi phổ biến, quán triệt' }).locator('td').innerText()).resolves.toBe(
      String(sessions),
    );
    expect(await report.innerText()).not.toContain('{');

    const raw = await version.locator('a.dl-raw').getAttribute('href');
    const signed = await version.locator('a.dl-signed').getAttribute('href');
    const rawRes = await fetch(raw!);
    expect(rawRes.status).toBe(200);
    expect(((await rawRes.json()) as { unitId: string }).unitId).toBe('so-cong-thuong');
    const pdf = await fetch(signed!);
    expect(pdf.status).toBe(200);
    expect((await pdf.text()).startsWith('%PDF')).toBe(true);
    expect(pdf.headers.get('content-disposition')).toContain('van-ban-ky.pdf');

    await expect(page.locator('#d-audit tr[data-action="REPORT_ACCEPTED"]').count()).resolves.toBe(1);
    // WCAG 2.1 A/AA and best practice, with the unit's panel open over the table.
    expect(await axeViolations(page)).toEqual([]);
  });

  it('returning a report with a reason changes the unit’s status in the table and the unit receives the email', async () => {
    const { page } = browser;
    setVirtualNow(new Date('2026-12-20T02:00:00Z'));
    const reason = 'Đề nghị bổ sung số liệu mục II (đơn thư) và ký số lại văn bản.';

    await page.locator('#btn-return').click();
    await expect(page.locator('#action-msg').innerText()).resolves.toContain('Nhập lý do');
    await page.fill('#return-reason', reason);
    await page.locator('#btn-return').click();
    await page.locator('#action-msg', { hasText: 'Đã trả lại' }).waitFor();

    // No reload: the board's own refresh picks the change up.
    await statusCell('so-cong-thuong', 'RETURNED');
    await page.locator('#rate-all .reporting-rate', { hasText: '12,9%' }).waitFor();
    await page.locator('#d-audit tr[data-action="REPORT_REVIEWED"]', { hasText: reason }).waitFor({ timeout: 15_000 });
    await expect(page.locator('#d-versions .review.RETURN').innerText()).resolves.toContain(reason);

    await stack.bus.idle();
    const store = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[];
    };
    const returned = store.emails.filter(
      (e) => e.destination.to.some((t) => t.includes(emailOf('so-cong-thuong'))) && e.body.text?.includes(reason),
    );
    expect(returned).toHaveLength(1);
    // One live link per unit: the email points to it and mints none.
    expect(returned[0]!.body.text).not.toContain('#t=');

    await browser.screenshot(page, 'board-detail', { fullPage: false });
    await page.locator('#detail').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await browser.screenshot(page, 'board-detail-audit', { fullPage: false });
    await page.locator('#d-close').click();
    await browser.screenshot(page, 'board', { fullPage: false });
  });

  it('follows a report that arrives while it is open, without a reload', async () => {
    await statusCell('ngoc-hoi', 'OVERDUE');

    await upload('ngoc-hoi', sampleReport(regime, 'ngoc-hoi', PERIOD));
    await stack.bus.idle();

    // The board polls /status every few seconds.
    await statusCell('ngoc-hoi', 'LATE');
    expect(await row('ngoc-hoi').locator('td.versions').innerText()).toBe('1');
    // The chart of reports per day follows too: it now runs to 20/12, the day of this report.
    expect(await row('ngoc-hoi').locator('td.first').innerText()).toBe('09:00 20/12/2026');
    expect(await browser.page.locator('#chart-days tr[data-date="2026-12-20"] td').textContent()).toBe('1');
  });

  it('granting an extension from the board asks for a date and a reason, then the late unit counts as on time', async () => {
    // Prepare: Đắk Hà sent its report on 19/12, a day after the deadline.
    const { page } = browser;
    await statusCell('dak-ha', 'LATE');
    await row('dak-ha').locator('button.link').click();
    await page.locator('#btn-extend').waitFor();

    // Act (1): a reason but no date yet
    await page.fill('#ext-reason', 'Đơn vị báo mất điện ngày 18/12.');
    await page.locator('#btn-extend').click();

    // Assess (1): the panel is redrawn with the message, and what was typed is still there
    await page.locator('#action-msg', { hasText: 'Chọn ngày gia hạn.' }).waitFor();
    await expect(page.locator('#ext-reason').inputValue()).resolves.toBe('Đơn vị báo mất điện ngày 18/12.');

    // Act (2): the date too
    await page.fill('#ext-until', '2026-12-19');
    await page.locator('#btn-extend').click();

    // Assess (2): said in the panel, shown in the table and the trail without a reload
    await page.locator('#action-msg', { hasText: 'Đã gia hạn đến hết ngày 19/12/2026. Trạng thái: Đúng hạn.' }).waitFor();
    await statusCell('dak-ha', 'ON_TIME');
    await expect(row('dak-ha').locator('.note').innerText()).resolves.toBe('Gia hạn đến 19/12/2026');
    await page
      .locator('#d-audit tr[data-action="EXTENSION_GRANTED"]', { hasText: 'Đến hết ngày 19/12/2026: Đơn vị báo mất điện ngày 18/12.' })
      .waitFor({ timeout: 15_000 });
    await expect(page.locator('#d-due').innerText()).resolves.toBe(
      'Hạn nộp: 18/12/2026 · Gia hạn đến 19/12/2026 (Đơn vị báo mất điện ngày 18/12.)',
    );
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isHidden()).toBe(true);
  });

  it('lists a unit’s links, re-issues one (shown once, the old one revoked) and revokes it', async () => {
    // Prepare
    const { page } = browser;
    await row('kon-plong').locator('button.link').click();
    await page.locator('#reissue-link').waitFor();

    // Act (1): re-issue twice
    await page.locator('#reissue-link').click();
    await page.locator('#action-msg', { hasText: 'Đã cấp đường dẫn mới' }).waitFor();
    await page.locator('#reissue-link').click();
    await page.locator('#action-msg', { hasText: 'đường dẫn cũ đã bị thu hồi' }).waitFor();

    // Assess (1)
    const link = await page.locator('#new-link').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.endpoints.app}/#t=[\\w-]{32}$`));
    await expect(page.locator('#d-links tr[data-state="live"]').count()).resolves.toBe(1);
    await expect(page.locator('#d-links tr[data-state="revoked"]').count()).resolves.toBe(1);

    // Act (2): revoke the live one
    await page.locator('#d-links tr[data-state="live"] button.revoke-link').click();
    await page.locator('#action-msg', { hasText: 'Đã thu hồi đường dẫn' }).waitFor();

    // Assess (2): the link no longer opens the unit's page
    await page.locator('#d-links tr[data-state="live"]').waitFor({ state: 'detached' });
    const me = await fetch(`${stack.endpoints.app}/me`, { headers: { authorization: `Bearer ${link.split('#t=')[1]}` } });
    expect(me.status).toBe(401);
    await page.keyboard.press('Escape');
  });

  it('without a token sends the person to the sign-in page, and loads no data', async () => {
    const page = await browser.newPage();
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (/\/(status|units)\b/.test(new URL(r.url()).pathname)) apiCalls.push(r.url());
    });
    await page.goto(`${stack.endpoints.app}/board`);
    await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
    expect(await page.locator('input[type="password"]').count()).toBe(1);
    expect(apiCalls).toEqual([]);
    await browser.screenshot(page, 'board-sign-in', { fullPage: false });
    await page.close();
  });

  it('never puts the admin token in a URL it requests, and raises no script error', async () => {
    expect(requestedUrls.length).toBeGreaterThan(5);
    expect(requestedUrls.filter((u) => u.includes(stack.endpoints.adminToken))).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
