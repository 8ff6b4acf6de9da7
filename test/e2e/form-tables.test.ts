import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_NAMES } from '../../local/names.js';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { Regime } from '../../shared/domain/regime.js';
import { readRegimeFile } from '../../shared/regime-file.js';
import { writeSite } from '../../web/build.js';
import { axeViolations } from './support/axe.js';
import { assertChromium, launchBrowser, type TestBrowser } from './support/browser.js';
import { startTestStack, type TestStack } from './support/stack.js';

/**
 * Issue 15 in headless Chromium: a regime whose form is test/fixtures/form-every-field.json (every
 * field type, a repeating table, every rule). The clerk fills every field and two table rows, a rule
 * violation and an empty required cell are shown beside their field and cell in Vietnamese, the rows
 * survive a reload (the draft), the report is accepted; a reviewer then sees every value on the
 * board, the table's rows as a table. axe finds nothing on either page.
 */
const PERIOD = 2026;
const NOW = new Date('2026-11-28T03:00:00Z');
const UNIT = 'so-tu-phap';
const JUDGED = 60_000;
const TABLE = 'Danh sách hội nghị';

let dir: string;
let t: TestStack;
let browser: TestBrowser;

async function everyFieldRegime(): Promise<Regime> {
  const form = JSON.parse(await readFile(new URL('../fixtures/form-every-field.json', import.meta.url), 'utf8')) as object;
  const file = join(dir, 'regime.json');
  await writeFile(
    file,
    JSON.stringify({ ...(JSON.parse(JSON.stringify(DEFAULT_REGIME)) as object), formVersion: '2027.1', forms: [form] }),
  );
  return readRegimeFile(file);
}

beforeAll(async () => {
  await assertChromium();
  await writeSite();
  dir = await mkdtemp(join(tmpdir(), 'baocao-tables-'));
  setVirtualNow(NOW);
  t = await startTestStack({ regime: await everyFieldRegime() });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  resetClock();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function openForm(page: Page, unitId: string): Promise<void> {
  await page.goto(`${t.app}/#t=${await t.token(unitId)}`);
  await page.locator('#unit-panel:not([hidden])').waitFor();
  await page.getByRole('table', { name: TABLE }).waitFor();
}

const table = (page: Page) => page.getByRole('table', { name: TABLE });
const cell = (page: Page, column: string, row: number) => page.getByLabel(`${column}, dòng ${row}`, { exact: true });
const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();
const focusedName = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);

async function fillRow(page: Page, row: number, v: { name: string; held: string; participants: string; cost: string }) {
  await cell(page, 'Tên hội nghị', row).fill(v.name);
  await cell(page, 'Ngày tổ chức', row).fill(v.held);
  await cell(page, 'Số người tham dự', row).fill(v.participants);
  await cell(page, 'Kinh phí (triệu đồng)', row).fill(v.cost);
}

describe('a form with every field type and a repeating table', () => {
  it('adds rows up to maxRows and removes them from the keyboard, focus staying in the table', async () => {
    const page = await browser.newPage();
    await openForm(page, 'so-tai-chinh');
    const add = page.getByRole('button', { name: 'Thêm dòng' });
    expect(await text(page, '#f-activities-events-status')).toBe('Chưa có dòng nào (tối đa 20 dòng).');

    // Act: Enter on the add button twenty times
    for (let i = 1; i <= 20; i++) {
      await add.focus();
      await page.keyboard.press('Enter');
      expect(await focusedName(page)).toBe(`Tên hội nghị, dòng ${i}`);
    }

    // Assess: full, the button off, the line says so
    expect(await table(page).locator('tbody tr').count()).toBe(20);
    expect(await add.isDisabled()).toBe(true);
    expect(await text(page, '#f-activities-events-status')).toContain('20/20 dòng — đã đủ số dòng tối đa.');

    // Act: the row 3 gets a name, row 2 is deleted with the keyboard
    await cell(page, 'Tên hội nghị', 3).fill('Dòng ba');
    await page.getByRole('button', { name: 'Xóa dòng 2', exact: true }).focus();
    await page.keyboard.press('Enter');

    // Assess: the rows renumbered, the old row 3 now row 2, focus on the row that took its place
    expect(await table(page).locator('tbody tr').count()).toBe(19);
    expect(await cell(page, 'Tên hội nghị', 2).inputValue()).toBe('Dòng ba');
    expect(await focusedName(page)).toBe('Xóa dòng 2');
    expect(await add.isDisabled()).toBe(false);
    expect(await text(page, '#f-activities-events-status')).toBe('Đã xóa dòng 2. 19/20 dòng.');
    await page.close();
  });

  it('shows a rule violation and an empty required cell beside their field and cell, keeps the rows in the draft, and is accepted', async () => {
    // Prepare
    const page = browser.page;
    await openForm(page, UNIT);
    expect(await axeViolations(page)).toEqual([]);

    // Act: every field; "resolved" above "received" (the lte rule); row 2 without its participants
    await page.getByLabel('Số hồ sơ tiếp nhận').fill('40');
    await page.getByLabel('Số hồ sơ đã giải quyết').fill('50');
    await page.getByLabel('Số hồ sơ đúng hạn').fill('25');
    await page.getByLabel('Số hồ sơ quá hạn').fill('5');
    await page.getByLabel('Kinh phí thực hiện (triệu đồng)').fill('12.5');
    await page.getByLabel('Tỷ lệ hài lòng (%)').fill('92.5');
    await page.getByRole('radiogroup', { name: 'Đã ban hành kế hoạch' }).getByLabel('Có', { exact: true }).check();
    await page.getByLabel('Số hiệu kế hoạch').fill('12/KH-STP');
    await page.getByLabel('Ngày ban hành').fill('2026-03-05');
    await page.getByLabel('Mức độ hoàn thành').selectOption('MID');
    await page.getByLabel('Email đầu mối').fill('dau.moi@stp.example.vn');
    await page.getByLabel('Ghi chú').fill('Ổn định.');
    const add = page.getByRole('button', { name: 'Thêm dòng' });
    await add.click();
    await fillRow(page, 1, { name: 'Hội nghị quán triệt', held: '2026-02-10', participants: '120', cost: '10.25' });
    await add.click();
    await fillRow(page, 2, { name: 'Tập huấn', held: '2026-06-01', participants: '', cost: '4.5' });
    await page.getByLabel('Họ và tên').fill('Trần Văn An');
    await page.getByLabel('Chức vụ').fill('Chuyên viên');
    await page.getByLabel('Email', { exact: true }).fill('an.tran@stp.example.vn');
    await page.getByLabel('Điện thoại').fill('0260 3862 123');
    await page.getByRole('button', { name: 'Kiểm tra và nộp báo cáo' }).click();

    // Assess: each message where it belongs, in Vietnamese; nothing was sent
    await page.locator('#error-summary:not([hidden])').waitFor();
    expect(await text(page, '#err-figures-resolved')).toContain('không được lớn hơn Số hồ sơ tiếp nhận (40)');
    expect(await page.getByLabel('Số hồ sơ đã giải quyết').getAttribute('aria-invalid')).toBe('true');
    expect(await text(page, '#err-activities-events-1-participants')).toBe('Bắt buộc phải nhập');
    expect(await cell(page, 'Số người tham dự', 2).getAttribute('aria-invalid')).toBe('true');
    expect(await text(page, '#err-activities-events-0-participants')).toBe('');
    expect(await text(page, '#error-summary-list')).toContain(`${TABLE}, dòng 2, Số người tham dự: Bắt buộc phải nhập`);
    expect(await page.locator('#receipt:not([hidden])').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#f-activities-events').screenshot({ path: await browser.screenshot(page, 'form-table-errors') });

    // Act: the summary's link leads to the cell; fix both, reload (the draft), submit
    await page.getByRole('link', { name: /dòng 2, Số người tham dự/ }).click();
    expect(await focusedName(page)).toBe('Số người tham dự, dòng 2');
    await page.keyboard.type('45');
    await page.getByLabel('Số hồ sơ đã giải quyết').fill('30');
    await expect.poll(() => text(page, '#draft-status')).toContain('Bản nháp được lưu');
    await page.reload();
    await page.locator('#unit-panel:not([hidden])').waitFor();
    await expect.poll(() => text(page, '#draft-status')).toContain('Đã khôi phục bản nháp');
    expect(await table(page).locator('tbody tr').count()).toBe(2);
    expect(await cell(page, 'Tên hội nghị', 2).inputValue()).toBe('Tập huấn');
    expect(await cell(page, 'Số người tham dự', 2).inputValue()).toBe('45');
    expect(await cell(page, 'Kinh phí (triệu đồng)', 1).inputValue()).toBe('10.25');
    await page.getByRole('button', { name: 'Kiểm tra và nộp báo cáo' }).click();

    // Assess: accepted, and the stored report holds the rows as the schema says
    await page.locator('#receipt-outcome[data-status="ON_TIME"]').waitFor({ timeout: JUDGED });
    const [key] = await t.objectKeys(`incoming/${PERIOD}/${UNIT}/`);
    const stored = await t.s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.bucket, Key: key }));
    const body = JSON.parse((await stored.Body?.transformToString()) ?? '{}') as { activities?: unknown };
    expect(body.activities).toEqual({
      events: [
        { name: 'Hội nghị quán triệt', held: '2026-02-10', participants: 120, cost: 10.25 },
        { name: 'Tập huấn', held: '2026-06-01', participants: 45, cost: 4.5 },
      ],
    });
    expect(browser.errors).toEqual([]);
  });

  it('shows the accepted report to a reviewer on the board: every value, the rows as a table', async () => {
    // Prepare: sign in as the seeded reviewer
    await browser.context.clearCookies();
    const page = await browser.newPage();
    const user = t.stack.endpoints.users.find((u) => u.roles.includes('reviewer'));
    if (!user) throw new Error('no seeded reviewer');
    await page.goto(`${t.app}/board`);
    await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
    await page.locator('input[name="username"], input[name="login"]').fill(user.username);
    await page.locator('input[type="password"]').fill(user.password);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname === '/board' && u.search === '');

    // Act: open the unit
    await page.locator(`#rows tr[data-unit="${UNIT}"]`).locator('button.link').click();
    const report = page.locator('#d-versions article.version .report').first();
    await report.waitFor({ timeout: 15_000 });

    // Assess: the scalars…
    const value = (label: string) =>
      report.locator('table.kv > tbody > tr', { has: page.getByRole('rowheader', { name: label, exact: true }) }).locator('td');
    expect(await value('Số hồ sơ tiếp nhận').innerText()).toBe('40');
    expect(await value('Số hồ sơ đã giải quyết').innerText()).toBe('30');
    expect(await value('Kinh phí thực hiện (triệu đồng)').innerText()).toBe('12,5');
    expect(await value('Tỷ lệ hài lòng (%)').innerText()).toBe('92,5');
    expect(await value('Đã ban hành kế hoạch').innerText()).toBe('Có');
    expect(await value('Số hiệu kế hoạch').innerText()).toBe('12/KH-STP');
    expect(await value('Ngày ban hành').innerText()).toBe('05/03/2026');
    expect(await value('Mức độ hoàn thành').innerText()).toBe('Đạt');
    expect(await value('Email đầu mối').innerText()).toBe('dau.moi@stp.example.vn');
    expect(await value('Ghi chú').innerText()).toBe('Ổn định.');
    // …and the table, caption and headers included
    const rows = report.getByRole('table', { name: `${TABLE} (2 dòng)` });
    expect(await rows.getByRole('columnheader').allInnerTexts()).toEqual([
      'STT',
      'Tên hội nghị',
      'Ngày tổ chức',
      'Số người tham dự',
      'Kinh phí (triệu đồng)',
    ]);
    expect(
      await rows.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c as HTMLElement).innerText))),
    ).toEqual([
      ['1', 'Hội nghị quán triệt', '10/02/2026', '120', '10,25'],
      ['2', 'Tập huấn', '01/06/2026', '45', '4,5'],
    ]);
    await rows.screenshot({ path: await browser.screenshot(page, 'board-table') });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
