import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { SECTION_LABELS } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { sha256Hex } from '../../shared/use-cases/tokens.js';
import { fillTemplate } from '../support/xlsx-fill.js';
import { META_KEYS, META_SHEET } from '../../shared/xlsx/template.js';
import { writeSite } from '../../web/build.js';
import { errorId, fieldId } from '../../web/form/fields.js';
import { draftKey } from '../../web/form/values.js';
import { axeViolations } from './support/axe.js';
import { assertChromium, launchBrowser, type TestBrowser } from './support/browser.js';
import { fillForm } from './support/form.js';
import { startTestStack, type TestStack } from './support/stack.js';

/**
 * The clerk's path in real headless Chromium against a fresh local stack: the form generated from
 * the schema, validation in the browser, drafts, the presigned POST straight to S3, the receipt and
 * the status that follows; the Excel template both ways; hostile and oversize files; dead links.
 * Time is pinned to 28 Nov 2026 (10:00 in Kon Tum): the 2026 period is open, its deadline
 * (18 Dec) three weeks ahead.
 */
const PERIOD = 2026;
/** The period's key in tables and domain functions (the main regime's: the bare year). */
const KEY = String(PERIOD);
const NOW = new Date('2026-11-28T03:00:00Z');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const JUDGED = 60_000;

let t: TestStack;
let browser: TestBrowser;

beforeAll(async () => {
  // No browser is a failure with a clear message, never a skip.
  await assertChromium();
  // The page must serve the bundle of the source under test, not a stale build.
  await writeSite();
  setVirtualNow(NOW);
  t = await startTestStack();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  resetClock();
});

// ---------------------------------------------------------------- helpers

async function openForm(page: Page, token: string | null, extra = ''): Promise<void> {
  await page.goto(`${t.app}/${token === null ? '' : `#t=${token}`}${extra}`);
  await page.locator('#unit-panel:not([hidden]), #link-error:not([hidden])').first().waitFor();
}

/** Every request the page makes from now on that would upload something. */
function watchUploads(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() === 'POST' && (url.pathname === '/uploads' || url.origin !== new URL(t.app).origin)) seen.push(r);
  });
  return seen;
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

const enc = (s: string) => new TextEncoder().encode(s);
/** The two parts that make a zip an xlsx to a content sniffer. */
const xlsxParts = () => ({
  '[Content_Types].xml': enc('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
  'xl/workbook.xml': enc('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'),
});

// ---------------------------------------------------------------- the form

describe('the upload form', () => {
  it('shows the unit, its deadline and cut-off window, and a filled form ends ON_TIME with a receipt', async () => {
    // Prepare
    const unitId = 'so-tu-phap';
    const token = await t.token(unitId);
    const page = browser.page;
    await openForm(page, token);
    const report = sampleReport(t.regime, unitId, KEY);

    // Assess the view before anything is sent
    await expect.poll(() => text(page, '#unit-name')).toBe('Sở Tư pháp');
    expect(await text(page, '#status-pill')).toBe('Chưa nộp');
    expect(await text(page, '#due-date')).toContain('ngày 18 tháng 12 năm 2026');
    expect(await text(page, '#due-date')).toContain('còn 20 ngày, trong đó 15 ngày làm việc');
    expect(await text(page, '#cut-off')).toBe('Từ ngày 15 tháng 12 năm 2025 đến ngày 14 tháng 12 năm 2026');
    expect(await page.locator('#period-select').inputValue()).toBe(String(PERIOD));
    expect(await text(page, '#versions-empty')).toContain('Chưa có lần nộp');
    for (const legend of Object.values(SECTION_LABELS))
      await expect.poll(() => page.getByRole('group', { name: legend, exact: true }).count()).toBe(1);
    const sessions = page.getByLabel('Số hội nghị, buổi phổ biến, quán triệt');
    expect(await sessions.getAttribute('type')).toBe('number');
    expect(await sessions.getAttribute('inputmode')).toBe('numeric');
    expect(await sessions.getAttribute('min')).toBe('0');
    expect(await sessions.getAttribute('step')).toBe('1');

    // Act: fill everything, attach the signed PDF, submit
    await fillForm(page, report);
    await page.getByLabel('Văn bản báo cáo đã ký (PDF)').setInputFiles({
      name: 'bao-cao-da-ky.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await browser.screenshot(page, 'form');
    const uploads = watchUploads(page);
    await page.getByRole('button', { name: 'Kiểm tra và nộp báo cáo' }).click();

    // Assess: the receipt, then the judged status
    await page.locator('#receipt:not([hidden])').waitFor();
    const shownSha = await text(page, '#receipt-sha');
    expect(shownSha).toMatch(/^[0-9a-f]{64}$/);
    await page.locator('#receipt-outcome[data-status="ON_TIME"]').waitFor({ timeout: JUDGED });
    expect(await text(page, '#receipt-outcome')).toContain('Đúng hạn');
    expect(await text(page, '#status-pill')).toBe('Đúng hạn');
    expect(await text(page, '#receipt-progress')).toContain('khớp');
    // The system's time of receipt (the pinned clock: 10:00 in Kon Tum), not the device's.
    expect(await text(page, '#receipt-time')).toMatch(/^10:0\d ngày 28\/11\/2026 \(giờ hệ thống ghi nhận\)$/);
    await page.locator('#receipt').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('unit-panel')?.scrollIntoView());
    await browser.screenshot(page, 'receipt', { fullPage: false });

    // Assess what was really stored: the PDF first, then the report naming it, hashed as the browser said
    await t.stack.bus.idle();
    const facts = await t.tables.reports.facts(KEY, unitId);
    expect(facts.versions).toHaveLength(1);
    const [version] = facts.versions;
    expect(version).toMatchObject({ valid: true, format: 'json', sha256: shownSha, reasons: [] });
    expect(version?.signedDocumentKey).toMatch(new RegExp(`^signed/${PERIOD}/${unitId}/[0-9a-z]+\\.pdf$`));
    expect(await t.objectKeys(`signed/${PERIOD}/${unitId}/`)).toEqual([version?.signedDocumentKey]);
    expect(await t.objectKeys(`incoming/${PERIOD}/${unitId}/`)).toEqual([version?.key]);
    expect(uploads.map((r) => new URL(r.url()).pathname)).toEqual(['/uploads', '/baocao-reports', '/uploads', '/baocao-reports']);
    expect(await text(page, `#version-${version?.uploadId}`)).toContain('Hợp lệ');
    // The draft has done its job.
    expect(await page.evaluate((k) => localStorage.getItem(k), draftKey(unitId, PERIOD))).toBeNull();
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('keeps a draft in the browser so a closed tab loses nothing', async () => {
    // Prepare
    const unitId = 'so-tai-chinh';
    const token = await t.token(unitId);
    const first = await browser.newPage();
    await openForm(first, token);

    // Act: type, let the draft save, close the tab, open the link again
    await first.getByLabel('Số hội nghị, buổi phổ biến, quán triệt').fill('12');
    await first.getByLabel('Họ và tên').fill('Trần Văn Bình');
    await first.getByRole('radiogroup', { name: 'Đơn vị đã ban hành kế hoạch cụ thể' }).getByLabel('Có', { exact: true }).check();
    await first.getByLabel('Kế hoạch số 739/KH-UBND (Nghị quyết 18-NQ/TW) — tình hình thực hiện').selectOption('COMPLETED');
    await expect.poll(() => text(first, '#draft-status')).toContain('Bản nháp được lưu');
    await first.close();
    const second = await browser.newPage();
    await openForm(second, token);

    // Assess
    await expect.poll(() => text(second, '#draft-status')).toContain('Đã khôi phục bản nháp');
    expect(await second.getByLabel('Số hội nghị, buổi phổ biến, quán triệt').inputValue()).toBe('12');
    expect(await second.getByLabel('Họ và tên').inputValue()).toBe('Trần Văn Bình');
    expect(await second.locator(`#${fieldId('planAndSolutions.planIssued')}-true`).isChecked()).toBe(true);
    expect(await second.getByLabel('Kế hoạch số 739/KH-UBND (Nghị quyết 18-NQ/TW) — tình hình thực hiện').inputValue()).toBe('COMPLETED');
    const stored = JSON.parse((await second.evaluate((k) => localStorage.getItem(k), draftKey(unitId, PERIOD))) ?? '{}') as {
      values?: Record<string, string>;
    };
    expect(stored.values?.['dissemination.sessions']).toBe('12');
    await second.close();
  }, 60_000);

  it('shows each error beside its field in Vietnamese, with a summary, and uploads nothing while invalid', async () => {
    // Prepare: a good report, then four mistakes a clerk makes
    const unitId = 'so-ke-hoach-dau-tu';
    const token = await t.token(unitId);
    const page = await browser.newPage();
    await openForm(page, token);
    const uploads = watchUploads(page);
    await fillForm(page, sampleReport(t.regime, unitId, KEY));
    await page.getByLabel('Số đơn thư khiếu nại, tố cáo, kiến nghị tiếp nhận').fill('5');
    await page.getByLabel('Số đơn thư đã giải quyết').fill('9');
    await page.getByLabel('Số hội nghị, buổi phổ biến, quán triệt').fill('');

    // Act (1): a wrong number, then leave the field — checked on blur, before any submit
    await page.getByLabel('Số lượt người lao động tham dự').fill('-3');
    await page.getByLabel('Số lượt người lao động tham dự').blur();

    // Assess (1)
    await expect.poll(() => text(page, `#${errorId('dissemination.participantsWorkers')}`)).toBe('Không được nhỏ hơn 0');
    expect(await page.locator('#error-summary').isHidden()).toBe(true);

    // Act (2): type a wrong email and press submit straight from the field, a few lines above the
    // button (its error must not appear on blur and push the button away from under the pointer)
    await page.getByLabel('Email').fill('lan.nguyen@');
    await page.getByRole('button', { name: 'Kiểm tra và nộp báo cáo' }).click();

    // Assess (2): beside each field, described by it, and in the summary
    await page.locator('#error-summary:not([hidden])').waitFor();
    const expected: Record<string, string> = {
      'planAndSolutions.petitionsResolved': 'Số đơn thư đã giải quyết (9) không được lớn hơn số tiếp nhận (5)',
      'dissemination.sessions': 'Bắt buộc phải nhập',
      'dissemination.participantsWorkers': 'Không được nhỏ hơn 0',
      'preparer.email': 'Email không hợp lệ',
    };
    for (const [path, message] of Object.entries(expected)) {
      expect(await text(page, `#${errorId(path)}`)).toBe(message);
      const input = page.locator(`#${fieldId(path)}`);
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect((await input.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId(path));
    }
    const summary = await page.locator('#error-summary-list li').allTextContents();
    expect(summary).toHaveLength(Object.keys(expected).length);
    expect(summary).toContain('Số hội nghị, buổi phổ biến, quán triệt: Bắt buộc phải nhập');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    await page.getByRole('link', { name: 'Email: Email không hợp lệ' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(fieldId('preparer.email'));
    await browser.screenshot(page, 'form-errors');

    // Nothing left the browser, nothing was stored.
    expect(uploads).toEqual([]);
    await t.stack.bus.idle();
    expect(await t.objectKeys(`incoming/${PERIOD}/${unitId}/`)).toEqual([]);
    expect((await t.tables.reports.facts(KEY, unitId)).versions).toEqual([]);

    // Act (3): fix one field; its error goes on blur
    await page.getByLabel('Email').fill('lan.nguyen@skhdt.kontum.gov.example');
    await page.getByLabel('Email').blur();
    await expect.poll(() => text(page, `#${errorId('preparer.email')}`)).toBe('');
    await page.close();
  }, 60_000);
});

describe('accessibility of the form', () => {
  it('has no axe-core violations (WCAG 2.1 A/AA, best practice): opened, showing its errors, and on a dead link', async () => {
    // Prepare
    const token = await t.token('so-noi-vu');
    const page = await browser.newPage();
    await openForm(page, token);
    await expect.poll(() => text(page, '#unit-name')).toBe('Sở Nội vụ');

    // Act and assess: the form as it opens
    expect(await axeViolations(page)).toEqual([]);

    // Act and assess: an empty form submitted, every field with its error
    await page.getByRole('button', { name: 'Kiểm tra và nộp báo cáo' }).click();
    await page.locator('#error-summary:not([hidden])').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Act and assess: a link that does not work
    const dead = await browser.newPage();
    await openForm(dead, 'khong-phai-ma-that-0123456789');
    await dead.locator('#link-error:not([hidden])').waitFor();
    expect(await axeViolations(dead)).toEqual([]);
    await Promise.all([page.close(), dead.close()]);
  }, 60_000);
});

// ---------------------------------------------------------------- the Excel path

describe('the Excel template', () => {
  it('downloads the template prefilled for the unit, and the filled template uploaded through the page is accepted', async () => {
    // Prepare
    const unitId = 'dak-ha';
    const token = await t.token(unitId);
    const page = await browser.newPage();
    await openForm(page, token);

    // Act (1): download through the page (fetch with the token, saved as a blob)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải biểu mẫu Excel' }).click()]);
    const path = await download.path();
    const template = new Uint8Array(await readFile(path));

    // Assess (1): the unit's template, with a Vietnamese file name
    expect(download.suggestedFilename()).toBe('Biểu mẫu báo cáo dân vận 2026 - UBND huyện Đắk Hà.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(template) as unknown as ExcelJS.Buffer);
    const meta = new Map<string, unknown>();
    wb.getWorksheet(META_SHEET)?.eachRow((row) => meta.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(meta.get(META_KEYS.unitId)).toBe(unitId);
    expect(Number(meta.get(META_KEYS.period))).toBe(PERIOD);

    // Act (2): fill it as a clerk would and upload it through the page's Excel path
    const filled = Buffer.from(await fillTemplate(template, sampleReport(t.regime, unitId, KEY)));
    await page.getByLabel('Tệp Excel (.xlsx)').setInputFiles({ name: download.suggestedFilename(), mimeType: XLSX_TYPE, buffer: filled });
    await page.getByRole('button', { name: 'Nộp tệp Excel' }).click();

    // Assess (2)
    await page.locator('#receipt-outcome[data-status="ON_TIME"]').waitFor({ timeout: JUDGED });
    expect(await text(page, '#receipt-sha')).toBe(sha256Hex(filled));
    const facts = await t.tables.reports.facts(KEY, unitId);
    expect(facts.versions).toHaveLength(1);
    expect(facts.versions[0]).toMatchObject({ valid: true, format: 'xlsx', sha256: sha256Hex(filled) });
    expect(await text(page, '#status-pill')).toBe('Đúng hạn');
    await page.close();
  }, 120_000);

  it('rejects a crafted zip-bomb xlsx uploaded through the page and shows the reason in the browser', async () => {
    // Prepare: tiny on the wire, 64 MB of zeros inside — it passes the content sniff, not the zip guard
    const unitId = 'so-cong-thuong';
    const token = await t.token(unitId);
    const bomb = Buffer.from(zipSync({ ...xlsxParts(), 'xl/worksheets/sheet1.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 }));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const page = await browser.newPage();
    await openForm(page, token);

    // Act
    await page.getByLabel('Tệp Excel (.xlsx)').setInputFiles({ name: 'bao-cao.xlsx', mimeType: XLSX_TYPE, buffer: bomb });
    await page.getByRole('button', { name: 'Nộp tệp Excel' }).click();

    // Assess: rejected, with the stored reason shown; the raw object is kept
    await page.locator('#receipt-outcome[data-status="REJECTED"]').waitFor({ timeout: JUDGED });
    const facts = await t.tables.reports.facts(KEY, unitId);
    expect(facts.versions).toHaveLength(1);
    const reason = facts.versions[0]?.reasons[0]?.message ?? '';
    expect(reason).not.toBe('');
    expect(await page.locator('#receipt-reasons li').allTextContents()).toContain(reason);
    await expect.poll(() => text(page, '#status-pill')).toBe('Bị từ chối (chưa hợp lệ)');
    expect(await t.objectKeys(`incoming/${PERIOD}/${unitId}/`)).toHaveLength(1);
    await browser.screenshot(page, 'rejected-xlsx');
    await page.close();
  }, 120_000);

  it('refuses an oversize file: the API before the upload, and the storage POST as S3 would', async () => {
    // Prepare
    const unitId = 'so-giao-thong';
    const token = await t.token(unitId);
    const page = await browser.newPage();
    await openForm(page, token);
    const uploads = watchUploads(page);
    const random = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    const big = Buffer.from(zipSync({ ...xlsxParts(), 'xl/media/image1.png': random }, { level: 0 }));

    // Act (1): an honest page declares the real size
    await page.getByLabel('Tệp Excel (.xlsx)').setInputFiles({ name: 'bao-cao.xlsx', mimeType: XLSX_TYPE, buffer: big });
    await page.getByRole('button', { name: 'Nộp tệp Excel' }).click();

    // Assess (1): refused by POST /uploads; nothing reached the storage
    await expect.poll(() => text(page, '#err-excel')).toContain('FILE_TOO_LARGE');
    expect(uploads.map((r) => new URL(r.url()).pathname)).toEqual(['/uploads']);

    // Act (2): a forged client lies about the size, then posts more than the policy allows
    const forged = await page.evaluate(async (tok) => {
      const res = await fetch('/uploads', {
        method: 'POST',
        headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
        body: JSON.stringify({ period: 2026, fileName: 'bao-cao.json', contentType: 'application/json', size: 100 }),
      });
      const p = (await res.json()) as { url: string; fields: Record<string, string>; key: string };
      const form = new FormData();
      for (const [k, v] of Object.entries(p.fields)) form.append(k, v);
      form.append('file', new Blob([new Uint8Array(1024 * 1024 + 1).fill(0x20)], { type: 'application/json' }), 'bao-cao.json');
      const s3 = await fetch(p.url, { method: 'POST', body: form });
      return { status: s3.status, body: await s3.text(), key: p.key };
    }, token);

    // Assess (2): S3's answer, and nothing stored
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('<Code>EntityTooLarge</Code>');
    await t.stack.bus.idle();
    expect(await t.objectKeys(`incoming/${PERIOD}/${unitId}/`)).toEqual([]);
    expect((await t.tables.reports.facts(KEY, unitId)).versions).toEqual([]);
    await page.close();
  }, 120_000);
});

// ---------------------------------------------------------------- dead links and the endpoints

describe('links and endpoints', () => {
  it.each([
    ['expired', 'EXPIRED_TOKEN', 'Đường dẫn nộp báo cáo đã hết hạn'],
    ['revoked', 'REVOKED_TOKEN', 'Đường dẫn nộp báo cáo đã bị thu hồi'],
    ['unknown', 'INVALID_TOKEN', 'Đường dẫn nộp báo cáo không hợp lệ'],
    ['missing', 'MISSING_TOKEN', 'Chưa có đường dẫn nộp báo cáo của đơn vị'],
  ] as const)(
    'a dead link (%s) shows a clear Vietnamese message with the error code, not a blank page',
    async (state, code, title) => {
      // Prepare
      const token =
        state === 'expired' || state === 'revoked'
          ? await t.token('so-y-te', state)
          : state === 'unknown'
            ? 'khong-phai-ma-that-0123456789'
            : null;
      const page = await browser.newPage();

      // Act
      await openForm(page, token);

      // Assess
      expect(await page.locator('#link-error').isVisible()).toBe(true);
      expect(await text(page, '#link-error-title')).toBe(title);
      expect(await text(page, '#link-error-code')).toBe(code);
      expect(await text(page, '#link-error-message')).toMatch(/[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữựíìỉĩịúùủũụýỳỷỹỵ]/);
      expect(await page.locator('#form-area').isHidden()).toBe(true);
      expect(await page.locator('#unit-panel').isHidden()).toBe(true);
      if (state === 'expired') await browser.screenshot(page, 'expired-link');
      if (state === 'missing') {
        // Without a link the blank template can still be prepared in advance.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: 'tải biểu mẫu Excel trống' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe('Biểu mẫu báo cáo dân vận 2026.xlsx');
      }
      await page.close();
    },
    30_000,
  );

  it('takes the token out of the address bar and history once read, and a reload of the tab still works', async () => {
    // Prepare
    const token = await t.token('so-thong-tin');
    const page = await browser.newPage();

    // Act
    await openForm(page, token);
    await expect.poll(() => text(page, '#unit-name')).not.toBe('');
    const shown = page.url();
    await page.reload();
    await page.locator('#unit-panel:not([hidden]), #link-error:not([hidden])').first().waitFor();

    // Assess
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('t=');
    expect(await page.locator('#unit-panel').isVisible()).toBe(true);
    expect(page.url()).not.toContain(token);
    await page.close();
  }, 30_000);

  it('serves GET / as the static page with a CSP that runs only the site’s own script and style files', async () => {
    // Act
    const res = await fetch(`${t.app}/`);
    const html = await res.text();
    const script = await fetch(`${t.app}/form.js`);

    // Assess
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:");
    expect(html).toContain('<legend>I. Phổ biến, quán triệt</legend>');
    expect(html).toContain('<script src="/form.js"></script>');
    expect(html).not.toMatch(/<script>|<style>| on[a-z]+="/); // nothing inline for the CSP to refuse
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(10_000);
  }, 30_000);

  it('serves GET /template.xlsx blank without a token and prefilled with one, with a UTF-8 file name', async () => {
    // Prepare
    const token = await t.token('ia-hdrai');

    // Act
    const blank = await fetch(`${t.app}/template.xlsx?period=${PERIOD}`);
    const mine = await fetch(`${t.app}/template.xlsx?period=${PERIOD}`, { headers: { authorization: `Bearer ${token}` } });
    const dead = await fetch(`${t.app}/template.xlsx?period=${PERIOD}`, {
      headers: { authorization: `Bearer ${await t.token('ia-hdrai', 'revoked')}` },
    });

    // Assess
    expect(blank.status).toBe(200);
    expect(blank.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(blank.headers.get('content-disposition')).toBe(
      `attachment; filename="Bieu mau bao cao dan van 2026.xlsx"; filename*=UTF-8''${encodeURIComponent('Biểu mẫu báo cáo dân vận 2026.xlsx')}`,
    );
    expect(
      Buffer.from(await blank.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(mine.status).toBe(200);
    const mineName = "Biểu mẫu báo cáo dân vận 2026 - UBND huyện Ia H'Drai.xlsx";
    expect(mine.headers.get('content-disposition')).toBe(
      `attachment; filename="Bieu mau bao cao dan van 2026 - UBND huyen Ia H_Drai.xlsx"; filename*=UTF-8''${encodeURIComponent(mineName).replace("'", '%27')}`,
    );
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(mine.headers.get('content-disposition') ?? '')?.[1] ?? '')).toBe(mineName);
    expect(dead.status).toBe(401);
    expect(((await dead.json()) as { error: { code: string } }).error.code).toBe('REVOKED_TOKEN');
  }, 30_000);

  it('answers GET /me with the unit view and records the token use in the audit trail', async () => {
    // Prepare
    const unitId = 'thanh-tra';
    const token = await t.token(unitId);

    // Act
    const res = await fetch(`${t.app}/me?period=${PERIOD}`, { headers: { authorization: `Bearer ${token}` } });
    const again = await fetch(`${t.app}/me`, { headers: { authorization: `Bearer ${token}` } });
    const bad = await fetch(`${t.app}/me?period=26`, { headers: { authorization: `Bearer ${token}` } });

    // Assess
    expect(res.status).toBe(200);
    const view = (await res.json()) as Record<string, unknown> & { regime: { units: { id: string }[]; leadership: unknown[] } };
    expect(view).toMatchObject({
      unit: { id: unitId, name: 'Thanh tra tỉnh', group: 'province' },
      period: PERIOD,
      status: 'PENDING',
      versions: [],
      extensionUntil: null,
      dates: { cutOffFrom: '2025-12-15', cutOffTo: '2026-12-14', dueDate: '2026-12-18', dueAt: '2026-12-18T16:59:59.999Z' },
    });
    expect(view.regime.units.map((u) => u.id)).toEqual([unitId]);
    expect(view.regime.leadership).toEqual([]);
    expect(((await again.json()) as { period: number }).period).toBe(PERIOD);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_PERIOD');
    // Two uses within a minute (rarely across a minute boundary) give one entry a minute.
    const used = (await t.tables.audit.list(KEY, unitId)).filter((e) => e.action === 'TOKEN_USED');
    expect(used.length).toBeGreaterThanOrEqual(1);
    expect(used.length).toBeLessThanOrEqual(2);
    expect(used[0]).toMatchObject({ actor: `token:${sha256Hex(token).slice(0, 12)}`, detail: { route: 'GET /me' } });
  }, 30_000);
});
