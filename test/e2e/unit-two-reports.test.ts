import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { vietnameseDate } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { Regime } from '../../shared/domain/regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { STATUS_LABELS } from '../../shared/domain/status.js';
import type { PeriodStatus } from '../../shared/use-cases/read-status.js';
import { writeSite } from '../../web/build.js';
import { draftKey } from '../../web/form/values.js';
import { axeViolations } from './support/axe.js';
import { assertChromium, launchBrowser, type TestBrowser } from './support/browser.js';
import { fillForm } from './support/form.js';
import { startTestStack, type TestStack } from './support/stack.js';

/**
 * Issue 15 in headless Chromium: one deployment runs the seed's annual regime (the main one) and a
 * quarterly regime beside it that two of the seed's units also report under. Time is pinned to
 * Wednesday 2 Dec 2026, 10:00 in Kon Tum: the 2026 annual period is open (due 18 Dec) and so is the
 * fourth quarter (opened 1 Dec, due 21 Dec: five working days after the 14 Dec cut-off). The unit's
 * link lists both reports, pending; the clerk opens the quarterly one from the list and files it;
 * it is accepted and the annual report stays pending — on the page after a reload and on the board's
 * API for each regime.
 */
const NOW = new Date('2026-12-02T03:00:00Z');
const UNIT = 'van-phong-ubnd';
const QUARTER = '2026-Q4';
const JUDGED = 60_000;

const quarterly: Regime = {
  ...(JSON.parse(JSON.stringify(DEFAULT_REGIME)) as Regime),
  id: 'dv-quy',
  name: 'Báo cáo quý công tác dân vận chính quyền',
  frequency: 'quarterly',
  deadlineRule: { afterCutOff: { workingDays: 5 } },
  // Units are shared between regimes: the same ids, names and emails as the seed's.
  units: DEFAULT_REGIME.units.filter((u) => u.id === UNIT || u.id === 'so-noi-vu'),
};

let t: TestStack;
let browser: TestBrowser;

beforeAll(async () => {
  await assertChromium();
  await writeSite();
  setVirtualNow(NOW);
  t = await startTestStack({ otherRegimes: [quarterly] });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  resetClock();
});

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

/** The owed list as the clerk reads it: one line per report, its cells' text. */
const owedRows = (page: Page) =>
  page
    .locator('#owed-body tr')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')));

async function boardStatus(regime: string, period: number | string): Promise<PeriodStatus> {
  const res = await fetch(`${t.app}/status?regime=${regime}&period=${period}`, {
    headers: { authorization: `Bearer ${t.stack.endpoints.adminToken}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as PeriodStatus;
}
const statusOf = (s: PeriodStatus, unitId: string) => s.units.find((u) => u.unitId === unitId)?.status;

describe('a unit owing reports under two regimes', () => {
  it('sees both on its link, files the quarterly one, and the annual one stays pending', async () => {
    // Prepare
    const token = await t.token(UNIT);
    const page = browser.page;
    await page.goto(`${t.app}/#t=${token}`);
    await page.locator('#unit-panel:not([hidden])').waitFor();

    // Assess: both reports listed, pending, with their deadlines; the main regime's form is shown first
    await page.locator('#owed:not([hidden])').waitFor();
    expect(await owedRows(page)).toEqual([
      [DEFAULT_REGIME.name, 'Năm 2026', vietnameseDate('2026-12-18'), STATUS_LABELS.PENDING, 'Đang mở'],
      [quarterly.name, 'Quý IV năm 2026', vietnameseDate('2026-12-21'), STATUS_LABELS.PENDING, 'Mở biểu mẫu'],
    ]);
    expect(await page.locator('#owed-body tr[aria-current="true"]').getAttribute('data-regime')).toBe(DEFAULT_REGIME.id);
    expect(await text(page, '#regime-name')).toBe(DEFAULT_REGIME.name);
    expect(await page.locator('#period-select').inputValue()).toBe('2026');
    expect(await axeViolations(page)).toEqual([]);

    // Act: open the quarterly report from the list
    await page.getByRole('button', { name: `Mở biểu mẫu: ${quarterly.name}, kỳ quý IV năm 2026` }).click();

    // Assess: that report's form, named as such, everything it sends carrying the regime
    await expect.poll(() => text(page, '#regime-name')).toBe(quarterly.name);
    expect(await page.locator('#owed-body tr[aria-current="true"]').getAttribute('data-regime')).toBe(quarterly.id);
    expect(await text(page, '#period-label')).toBe('Kỳ báo cáo');
    expect(await page.locator('#period-select').inputValue()).toBe(QUARTER);
    expect(await page.locator('#period-select option:checked').textContent()).toBe('Quý IV năm 2026');
    expect(await text(page, '#due-date')).toContain(vietnameseDate('2026-12-21'));
    expect(await page.locator('#template-link').getAttribute('href')).toBe(`/template.xlsx?regime=${quarterly.id}&period=${QUARTER}`);
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('r')).toBe(quarterly.id);
    expect(await page.title()).toContain('quý IV năm 2026');

    // Act: fill and file it (its plan dated inside the quarter's cut-off window)
    const report = sampleReport(quarterly, UNIT, `${quarterly.id}/${QUARTER}`);
    await fillForm(page, { ...report, planAndSolutions: { ...report.planAndSolutions, planDate: '2026-10-05' } });
    const presigned = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/uploads');
    await page.getByRole('button', { name: 'Kiểm tra và nộp báo cáo' }).click();
    expect((await presigned).postDataJSON()).toMatchObject({ regime: quarterly.id, period: QUARTER });

    // Assess: accepted on time; stored under the quarterly regime's key; the draft (keyed by regime) gone
    await page.locator('#receipt-outcome[data-status="ON_TIME"]').waitFor({ timeout: JUDGED });
    expect(await text(page, '#status-pill')).toBe(STATUS_LABELS.ON_TIME);
    await t.stack.bus.idle();
    expect((await t.tables.reports.facts(`${quarterly.id}/${QUARTER}`, UNIT)).versions).toHaveLength(1);
    expect((await t.tables.reports.facts('2026', UNIT)).versions).toEqual([]);
    expect(await t.objectKeys(`incoming/${quarterly.id}/${QUARTER}/${UNIT}/`)).toHaveLength(1);
    expect(await page.evaluate((k) => localStorage.getItem(k), draftKey(UNIT, `${quarterly.id}/${QUARTER}`))).toBeNull();

    // Act: reload (the address keeps the regime and period)
    await page.reload();
    await page.locator('#owed:not([hidden])').waitFor();

    // Assess: the quarterly report shown again, accepted; the annual one still owed
    await expect.poll(() => text(page, '#regime-name')).toBe(quarterly.name);
    expect(await text(page, '#status-pill')).toBe(STATUS_LABELS.ON_TIME);
    expect(await owedRows(page)).toEqual([
      [DEFAULT_REGIME.name, 'Năm 2026', vietnameseDate('2026-12-18'), STATUS_LABELS.PENDING, 'Mở biểu mẫu'],
      [quarterly.name, 'Quý IV năm 2026', vietnameseDate('2026-12-21'), STATUS_LABELS.ON_TIME, 'Đang mở'],
    ]);
    await browser.screenshot(page, 'unit-two-reports');

    // Act and assess: back to the annual report from the list — still pending, nothing filed
    await page.getByRole('button', { name: `Mở biểu mẫu: ${DEFAULT_REGIME.name}, kỳ năm 2026` }).click();
    await expect.poll(() => text(page, '#regime-name')).toBe(DEFAULT_REGIME.name);
    expect(await text(page, '#status-pill')).toBe(STATUS_LABELS.PENDING);
    expect(await text(page, '#versions-empty')).toContain('Chưa có lần nộp');
    expect(await page.locator('#template-link').getAttribute('href')).toBe('/template.xlsx?period=2026');
    expect(await axeViolations(page)).toEqual([]);

    // Assess: the board's API, regime by regime
    expect(statusOf(await boardStatus(quarterly.id, QUARTER), UNIT)).toBe('ON_TIME');
    expect(statusOf(await boardStatus(quarterly.id, QUARTER), 'so-noi-vu')).toBe('PENDING');
    expect(statusOf(await boardStatus(DEFAULT_REGIME.id, 2026), UNIT)).toBe('PENDING');
    expect(browser.errors).toEqual([]);
  }, 180_000);

  it('the board offers both regimes: the quarterly one shows its quarter, labelled, and the unit’s filed report', async () => {
    // Prepare (runs after the filing above)
    const page = await browser.newPage();
    await page.goto(`${t.app}/board#admin=${t.stack.endpoints.adminToken}`);
    const rowOf = (unitId: string) => page.locator(`#rows tr[data-unit="${unitId}"]`);
    await rowOf(UNIT).waitFor();

    // Assess: the main regime first, its years as always; the regime choice offered
    await page.locator('#regime-choice:not([hidden])').waitFor();
    expect(await page.locator('#regime').inputValue()).toBe(DEFAULT_REGIME.id);
    expect(await text(page, '#period-label')).toBe('Kỳ báo cáo năm');
    expect(await page.locator('#period option:checked').textContent()).toBe('2026');
    expect(await rowOf(UNIT).getAttribute('data-status')).toBe('PENDING');

    // Act: choose the quarterly regime
    await page.selectOption('#regime', quarterly.id);

    // Assess: its current quarter, labelled, its two units, the filed one on time
    await expect.poll(() => page.locator('#rows tr[data-unit]').count()).toBe(2);
    await expect.poll(() => rowOf(UNIT).getAttribute('data-status')).toBe('ON_TIME');
    expect(await rowOf('so-noi-vu').getAttribute('data-status')).toBe('PENDING');
    expect(await text(page, '#period-label')).toBe('Kỳ báo cáo');
    expect(await page.locator('#period').inputValue()).toBe(QUARTER);
    expect(await page.locator('#period option:checked').textContent()).toBe('Quý IV năm 2026');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('a unit owing only the main regime’s report sees the page as before: no list of reports', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.app}/#t=${await t.token('so-tu-phap')}`);
    await page.locator('#unit-panel:not([hidden])').waitFor();
    await expect.poll(() => text(page, '#unit-name')).toBe('Sở Tư pháp');
    expect(await page.locator('#owed').isHidden()).toBe(true);
    expect(await page.locator('#regime-name').isHidden()).toBe(true);
    expect(await text(page, '#period-label')).toBe('Năm báo cáo');
    expect(await page.locator('#period-select option:checked').textContent()).toBe('Năm 2026');
    await page.close();
  }, 60_000);
});
