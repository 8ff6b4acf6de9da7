import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildSummaryDocx } from '../../shared/documents/summary-docx.js';
import { SHEET_NAMES, TEXTS_SHEET_NAME, buildSummaryWorkbook } from '../../shared/documents/summary-workbook.js';
import { summaryEmail } from '../../shared/email/summary-email.js';
import { consolidate, indicatorTotal } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { currentForm, indicatorsOf, validateReport, type AnnualReport, type ReportContext } from '../../shared/domain/report.js';
import { reportSections } from '../../shared/domain/report-fields.js';
import { readRegimeFile } from '../../shared/regime-file.js';
import { keyFigures } from '../../shared/use-cases/update-compliance.js';
import { parseTemplate } from '../../shared/xlsx/parse.js';
import { buildTemplate, TABLE_FIRST_ROW, tableSheetName, templateFields } from '../../shared/xlsx/template.js';
import { reportLayout } from '../../web/board/layout.js';
import { formSections } from '../../web/form/fields.js';
import { formFieldsHtml } from '../../web/form/fields-html.js';
import { fromReport, toReportInput } from '../../web/form/values.js';
import { fillTemplate } from '../support/xlsx-fill.js';

/**
 * Issue 15: a regime whose form (test/fixtures/form-every-field.json) has every field type and every
 * rule goes through the regime file, validation, the Excel template and its reader, the report
 * sections the form and board are drawn from, and the consolidation.
 */
const PERIOD = '2026';
const UNIT = 'so-tu-phap';
const OTHER = 'so-tai-chinh';
const DISTRICT = 'dak-ha';
type Json = Record<string, unknown>;

function regimeFile() {
  const dir = mkdtempSync(join(tmpdir(), 'every-field-'));
  const form = JSON.parse(readFileSync(new URL('../fixtures/form-every-field.json', import.meta.url), 'utf8')) as Json;
  const file = join(dir, 'regime.json');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(JSON.stringify(DEFAULT_REGIME)) as Json), formVersion: '2027.1', forms: [form] }));
  return readRegimeFile(file);
}
const regime = regimeFile();
const ctx = (unitId = UNIT): ReportContext => ({ regime, expected: { unitId, period: PERIOD } });

const report = (unitId = UNIT, budget = 12.5): Json => ({
  formVersion: '2027.1',
  unitId,
  period: 2026,
  figures: { received: 40, resolved: 30, onTime: 25, late: 5, budget, satisfaction: 92.5 },
  plan: { issued: true, number: '12/KH-STP', date: '2026-03-05', level: 'MID', contact: 'dau.moi@stp.example.vn', notes: 'Ổn định.' },
  activities: {
    events: [
      { name: 'Hội nghị quán triệt', held: '2026-02-10', participants: 120, cost: 10.25 },
      { name: 'Tập huấn', held: '2026-06-01', participants: 45, cost: 4.5 },
    ],
  },
  preparer: { name: 'Trần Văn An', title: 'Chuyên viên', email: 'an.tran@stp.example.vn', phone: '0260 3862 123' },
});
const issuesOf = (input: unknown) => {
  const r = validateReport(input, ctx());
  if (r.ok) throw new Error('expected the report to be rejected');
  return r.issues.map((i) => `${i.path}: ${i.message}`);
};
const edit = (f: (r: Record<string, Json>) => void) => {
  const r = structuredClone(report()) as Record<string, Json>;
  f(r);
  return r;
};

describe('a regime whose form has every field type and rule', () => {
  it('loads, with the file’s form as the current one', () => {
    expect(currentForm(regime).version).toBe('2027.1');
    expect(currentForm(regime).sections.map((s) => s.key)).toEqual(['figures', 'plan', 'activities']);
  });

  it('accepts a good report, keeping decimals, dates, choices and table rows', () => {
    const r = validateReport(report(), ctx());
    // The board's headline figures are the seed form's: a report of another form has none, and no crash.
    expect(keyFigures(report() as unknown as AnnualReport)).toEqual({});
    expect(r).toMatchObject({
      ok: true,
      report: { figures: { budget: 12.5 }, plan: { level: 'MID' }, activities: { events: [{ cost: 10.25 }, { cost: 4.5 }] } },
    });
  });

  it('applies each type’s limits with Vietnamese messages', () => {
    const bad = edit((r) => {
      r.figures!.budget = 1.234;
      r.figures!.satisfaction = 101;
      r.plan!.level = 'TOP';
      r.plan!.contact = 'không-phải-email';
      r.plan!.date = '2026-02-30';
      (r.activities!.events as Json[])[0]!.participants = 'nhiều';
      (r.activities!.events as Json[])[1]!.extra = 1;
    });
    expect(issuesOf(bad)).toEqual([
      'figures.budget: Tối đa 2 chữ số thập phân',
      'figures.satisfaction: Không được lớn hơn 100',
      'plan.date: Ngày không tồn tại',
      'plan.level: Giá trị phải là một trong: LOW, MID, HIGH',
      'plan.contact: Email không hợp lệ',
      'activities.events.0.participants: Phải là số nguyên không âm',
      'activities.events.1: Trường không thuộc biểu mẫu: extra',
    ]);
  });

  it('applies each rule: a ≤ b, parts sum to the total, required-if, date within the period', () => {
    const bad = edit((r) => {
      r.figures!.resolved = 50;
      r.figures!.late = 4;
      delete r.plan!.number;
      r.plan!.date = '2025-01-01';
    });
    expect(issuesOf(bad)).toEqual([
      'figures.resolved: Số hồ sơ đã giải quyết (50) không được lớn hơn Số hồ sơ tiếp nhận (40)',
      'figures.resolved: Đúng hạn cộng quá hạn (29) phải bằng số đã giải quyết (50)',
      'plan.number: Bắt buộc phải nhập khi "Đã ban hành kế hoạch" được chọn',
      'plan.date: Ngày ban hành phải trong kỳ báo cáo (2025-12-15 đến 2026-12-14)',
    ]);
  });

  it('draws the sections the form and the board show from the definition, the table with its columns', () => {
    const sections = reportSections(currentForm(regime));
    expect(sections.map((s) => s.key)).toEqual(['figures', 'plan', 'activities', 'preparer']);
    const table = sections[2]!.fields[0]!;
    expect(table).toMatchObject({ path: 'activities.events', kind: 'table', maxRows: 20 });
    expect(table.columns?.map((c) => `${c.path}:${c.kind}`)).toEqual(['name:text', 'held:date', 'participants:count', 'cost:decimal']);
    expect(sections[0]!.fields.find((f) => f.path === 'figures.budget')).toMatchObject({ kind: 'decimal', decimals: 2, max: 1_000_000 });
    // The board's report view (GET /units/{id}/reports returns these sections).
    const layout = reportLayout(sections);
    expect(layout.map((s) => s.legend)).toEqual(['I. Số liệu', 'II. Kế hoạch', 'III. Các hoạt động', 'Người lập báo cáo']);
    expect(layout[1]!.fields.map((f) => `${f.path}:${f.kind}`)).toEqual([
      'plan.issued:boolean',
      'plan.number:text',
      'plan.date:date',
      'plan.level:choice',
      'plan.contact:text',
      'plan.notes:text',
    ]);
  });

  it('draws the web form from the definition and reads a report back from its values', () => {
    // prepare
    const sections = formSections(currentForm(regime));
    const fields = sections.flatMap((s) => s.fields);
    const { activities: _table, ...typed } = report();
    // act
    const html = formFieldsHtml(sections);
    const input = toReportInput(fromReport(typed, fields), { formVersion: '2027.1', unitId: UNIT, period: 2026 }, undefined, fields);
    // assess
    expect(html).toContain('id="f-figures-budget" name="figures.budget" data-path="figures.budget"');
    expect(html).toMatch(/id="f-figures-budget"[^>]*inputmode="decimal"[^>]*max="1000000" step="any"/);
    expect(html).toContain('<option value="HIGH">Vượt</option>');
    expect(html).toContain('<legend>III. Các hoạt động</legend>');
    expect(html).toContain('Danh sách hội nghị');
    expect(input).toEqual({ ...typed, activities: {} });
    expect(validateReport(input, ctx()).ok).toBe(true);
  });

  it('round-trips through its Excel template and reader, the table on its own sheet', async () => {
    // prepare
    const form = currentForm(regime);
    const template = await buildTemplate({ regime, period: PERIOD, unit: UNIT });
    const { activities, ...cells } = report();
    const filled = await fillTemplate(template, cells, {}, templateFields(form));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(filled) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet(tableSheetName(0))!;
    (activities as { events: Json[] }).events.forEach((e, i) => {
      const row = sheet.getRow(TABLE_FIRST_ROW + i);
      row.getCell(2).value = e.name as string;
      row.getCell(3).value = new Date(`${String(e.held)}T00:00:00Z`);
      row.getCell(4).value = e.participants as number;
      row.getCell(5).value = String(e.cost).replace('.', ','); // typed as text with the Vietnamese comma
    });
    // a row after the first blank one is not read
    sheet.getRow(TABLE_FIRST_ROW + 3).getCell(2).value = 'Sau dòng trống';
    // act
    const parsed = await parseTemplate(new Uint8Array(await wb.xlsx.writeBuffer()), form);
    // assess
    expect(parsed).toEqual(report());
    expect(validateReport(parsed, ctx())).toMatchObject({
      ok: true,
      report: {
        figures: { budget: 12.5, satisfaction: 92.5 },
        plan: { date: '2026-03-05' },
        activities: { events: [{ cost: 10.25 }, { cost: 4.5 }] },
      },
    });
  });

  it('lays the table out on its sheet: column labels, numbered input rows up to maxRows, a validation per column type', async () => {
    // act
    const files = unzipSync(await buildTemplate({ regime, period: PERIOD, unit: UNIT }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await buildTemplate({ regime, period: PERIOD, unit: UNIT })) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet(tableSheetName(0))!;
    const xml = strFromU8(files['xl/worksheets/sheet2.xml']!);
    // assess
    expect(sheet.getCell(1, 1).value).toBe('Danh sách hội nghị');
    expect(sheet.getRow(2).values).toEqual([undefined, 'STT', 'Tên hội nghị', 'Ngày tổ chức', 'Số người tham dự', 'Kinh phí (triệu đồng)']);
    expect(sheet.getCell(TABLE_FIRST_ROW + 19, 1).value).toBe(20);
    expect(sheet.getCell(TABLE_FIRST_ROW + 20, 1).value).toBeNull();
    expect(sheet.getCell(TABLE_FIRST_ROW, 5).numFmt).toBe('#,##0.00');
    expect(xml).toContain('sqref="B3:B22"');
    expect(xml).toMatch(/<dataValidation sqref="C3:C22"[^>]*type="date"/);
    expect(xml).toMatch(/<dataValidation sqref="D3:D22"[^>]*type="whole"/);
    expect(xml).toMatch(/<dataValidation sqref="E3:E22"[^>]*type="decimal"/);
  });

  it('names the row and the column of a bad table cell', async () => {
    // prepare
    const form = currentForm(regime);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      Buffer.from(
        await fillTemplate(await buildTemplate({ regime, period: PERIOD, unit: UNIT }), report(), {}, templateFields(form)),
      ) as unknown as ArrayBuffer,
    );
    const sheet = wb.getWorksheet(tableSheetName(0))!;
    sheet.getRow(TABLE_FIRST_ROW).getCell(2).value = 'Hội nghị';
    sheet.getRow(TABLE_FIRST_ROW + 1).getCell(4).value = 'nhiều';
    // act
    const r = validateReport(await parseTemplate(new Uint8Array(await wb.xlsx.writeBuffer()), form), ctx());
    // assess
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'activities.events.1.participants', label: 'Danh sách hội nghị, dòng 2 — Số người tham dự' }),
      ]),
    );
  });

  it('consolidates every number field per group, and table columns summed over rows', () => {
    // prepare
    const rows = [UNIT, OTHER, DISTRICT].map((unitId, i) => ({
      unitId,
      status: 'ON_TIME' as const,
      firstValidAt: '2026-12-01T01:00:00Z',
      versions: 1,
      report: report(unitId, [12.5, 7.25, 1][i]) as unknown as AnnualReport,
    }));
    // act
    const c = consolidate({ regime, period: PERIOD, now: new Date('2026-12-20T01:00:00Z'), rows });
    // assess
    expect(indicatorsOf(currentForm(regime)).map((i) => i.path)).toEqual([
      'figures.received',
      'figures.resolved',
      'figures.onTime',
      'figures.late',
      'figures.budget',
      'figures.satisfaction',
      'activities.events.participants',
      'activities.events.cost',
    ]);
    expect(indicatorTotal(c, 'figures.budget')).toMatchObject({ province: 19.75, district: 1, total: 20.75 });
    expect(indicatorTotal(c, 'activities.events.participants')).toMatchObject({ province: 330, district: 165, total: 495 });
    expect(indicatorTotal(c, 'activities.events.cost')).toMatchObject({ province: 29.5, district: 14.75, total: 44.25 });
  });

  it("sums decimals exactly, to each field's decimals, with no 0.1 + 0.2 float noise", () => {
    // prepare: 0.1 + 0.2 + 0.7 is 0.9999999999999999 in floating point; 0.1 + 0.2 is 0.30000000000000004
    const budgets = [0.1, 0.2, 0.7];
    const rows = [UNIT, OTHER, DISTRICT].map((unitId, i) => ({
      unitId,
      status: 'ON_TIME' as const,
      firstValidAt: '2026-12-01T01:00:00Z',
      versions: 1,
      report: report(unitId, budgets[i]) as unknown as AnnualReport,
    }));
    // act
    const c = consolidate({ regime, period: PERIOD, now: new Date('2026-12-20T01:00:00Z'), rows });
    // assess
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(indicatorTotal(c, 'figures.budget')).toMatchObject({ province: 0.3, district: 0.7, total: 1 });
    expect(indicatorTotal(c, 'figures.satisfaction')).toMatchObject({ province: 185, district: 92.5, total: 277.5 });
  });

  describe('the summary of another form', () => {
    const rows = [UNIT, OTHER, DISTRICT].map((unitId, i) => ({
      unitId,
      status: 'ON_TIME' as const,
      firstValidAt: '2026-12-01T01:00:00Z',
      versions: 1,
      report: {
        ...report(unitId, [12.5, 7.25, 1][i]),
        plan: { ...(report().plan as Json), notes: `Ghi chú của ${unitId}` },
      } as unknown as AnnualReport,
    }));
    const c = consolidate({ regime, period: PERIOD, now: new Date('2026-12-20T01:00:00Z'), rows });

    it('draws the workbook from the form: its sections, decimal formats and long-text fields', async () => {
      // act
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await buildSummaryWorkbook(c, regime)) as unknown as ArrayBuffer);
      // assess
      expect(wb.worksheets.map((w) => w.name)).toEqual([SHEET_NAMES.summary, SHEET_NAMES.byUnit, SHEET_NAMES.compliance, TEXTS_SHEET_NAME]);
      const summary = wb.getWorksheet(SHEET_NAMES.summary)!;
      const column = (col: number) =>
        summary.getColumn(col).values.map((v) => (typeof v === 'object' && v && 'result' in v ? v.result : v));
      expect(column(1)).toEqual(expect.arrayContaining(['I. Số liệu', 'III. Các hoạt động']));
      expect(column(1)).not.toContain('II. Kế hoạch'); // no figures in it
      expect(column(1).join('|')).not.toContain('Phổ biến, quán triệt');
      const budgetRow = column(2).indexOf('Kinh phí thực hiện (triệu đồng)');
      expect(summary.getCell(budgetRow, 3)).toMatchObject({ value: 20.75, numFmt: '#,##0.00' });
      expect(summary.getCell(column(2).indexOf('Danh sách hội nghị — Số người tham dự'), 3).value).toBe(495);
      const texts = wb.getWorksheet(TEXTS_SHEET_NAME)!;
      expect(texts.getCell(3, 4).value).toBe('Ghi chú');
      expect(texts.getColumn(4).values).toContain(`Ghi chú của ${DISTRICT}`);
    });

    it('writes the draft from the form: figures listed per section, decimals with a comma, long texts as parts', async () => {
      // act
      const xml = strFromU8(unzipSync(await buildSummaryDocx(c, regime))['word/document.xml']!);
      const text = xml.replace(/<[^>]+>/g, '');
      // assess
      expect(text).toContain('I. Số liệu');
      expect(text).toContain('Số hồ sơ tiếp nhận: 120; Số hồ sơ đã giải quyết: 90');
      expect(text).toContain('Kinh phí thực hiện (triệu đồng): 20,75; Tỷ lệ hài lòng (%): 277,5');
      expect(text).toContain('Danh sách hội nghị — Kinh phí (triệu đồng): 44,25');
      expect(text).toContain('III. Tình hình gửi báo cáo của các cơ quan, đơn vị');
      expect(text).toContain('IV. Ghi chú');
      expect(text).toContain(`Ghi chú của ${UNIT}`);
      expect(text).not.toContain('Dân vận khéo');
      expect(text).not.toContain('Kiến nghị, đề xuất');
    });

    it("shows the form's first figures in the email, decimals as they are", () => {
      // act
      const mail = summaryEmail(c, regime, { version: 1, isUpdate: false });
      // assess
      expect(mail.text).toContain('- Số hồ sơ tiếp nhận: 120');
      expect(mail.text).toContain('- Kinh phí thực hiện (triệu đồng): 20,75');
    });
  });
});
