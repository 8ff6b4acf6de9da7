import ExcelJS from 'exceljs';
import * as z from 'zod';
import { periodDates, vietnameseDate } from '../domain/calendar.js';
import { expectedUnits, findUnit, type Regime } from '../domain/regime.js';
import { MAX_COUNT, ReportSchema } from '../domain/report.js';
import { REPORT_SECTIONS, valueKind, type ReportField, type ValueKind } from '../domain/report-fields.js';

/**
 * The Excel "biểu mẫu" clerks know, generated from ReportSchema: every row of the sheet is a field
 * of the schema, labelled with the schema's `.describe()` text, keyed by its dotted path in
 * column A so parsing does not depend on labels or row positions.
 */

/** A cell holds a value; how the form lets it be typed (email, phone, long text) does not matter here. */
export type TemplateField = Omit<ReportField, 'kind'> & { kind: ValueKind };

export interface TemplateSection {
  key: string;
  label: string;
  fields: readonly TemplateField[];
}

export const TEMPLATE_ID = 'baocao-report';
export const TEMPLATE_SHEET = 'Báo cáo';
/** Very hidden: Excel's UI cannot unhide it, and the sheet is protected anyway. */
export const META_SHEET = 'meta';
/** Top-level fields the template carries in its metadata; the parser reads them from there. */
export const IDENTITY_PATHS = ['formVersion', 'unitId', 'period'] as const;
export const BOOLEAN_LABELS = { true: 'Có', false: 'Không' } as const;
/** Row keys of the metadata sheet (column A), values in column B. */
export const META_KEYS = { template: 'template', formVersion: 'formVersion', period: 'period', unitId: 'unitId', regimeId: 'regimeId' } as const;
/** Unit list in the metadata sheet: ids in column D, names in column E, from row 2. */
export const META_UNIT_ID_COL = 4;
export const META_UNIT_NAME_COL = 5;

/** The sections of the template: the report's sections (shared/domain/report-fields.ts), in schema order. */
export const TEMPLATE_SECTIONS: readonly TemplateSection[] = REPORT_SECTIONS.map((s) => ({
  ...s,
  fields: s.fields.map((f) => ({ ...f, kind: valueKind(f.kind) })),
}));

export const TEMPLATE_FIELDS: readonly TemplateField[] = TEMPLATE_SECTIONS.flatMap((s) => s.fields);

export interface BuildTemplateInput {
  regime: Regime;
  period: number;
  /** The unit's id (from the link's token): prefilled and locked. Without it, the clerk picks the unit from a list. */
  unit?: string;
}

const COLOR = {
  code: 'FF808080',
  input: 'FFFFF2CC',
  locked: 'FFF2F2F2',
  section: 'FFD9E1F2',
  header: 'FF1F4E79',
  border: 'FFBFBFBF',
};
const thin = { style: 'thin' as const, color: { argb: COLOR.border } };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const fill = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });

/** 10000000 → "10.000.000" (Vietnamese grouping), without depending on the runtime's ICU data. */
const groupDigits = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

const COUNT_VALIDATION: ExcelJS.DataValidation = {
  type: 'whole',
  operator: 'between',
  formulae: [0, MAX_COUNT],
  allowBlank: true,
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: 'Số liệu không hợp lệ',
  error: `Nhập số nguyên từ 0 đến ${groupDigits(MAX_COUNT)}.`,
};

const listFormula = (labels: readonly string[]) => {
  // Inline lists are comma-separated and limited to 255 characters by Excel.
  const joined = labels.join(',');
  if (labels.some((l) => l.includes(',') || l.includes('"')) || joined.length > 250) throw new Error(`Cannot inline list ${joined}`);
  return `"${joined}"`;
};

/**
 * The primary course:
 * 1. Resolve the period's dates (deadline, data cut-off window) and, when given, the unit.
 * 2. Write the title and Vietnamese instructions.
 * 3. Write the identity rows (form version, unit, year) — locked, except the unit list when no unit is given.
 * 4. For each schema section: a header row, then one row per field — code, label, input cell
 *    with the validation and format of its kind.
 * 5. Write the very hidden metadata sheet (template id, form version, period, unit, unit list).
 * 6. Protect both sheets so only the input cells can be edited.
 */
export async function buildTemplate(input: BuildTemplateInput): Promise<Uint8Array> {
  const { regime, period } = input;
  const dates = periodDates(regime, period);
  const unit = input.unit === undefined ? undefined : findUnit(regime, input.unit);
  if (input.unit !== undefined && !unit) throw new Error(`Unknown unit "${input.unit}" in regime ${regime.id}`);
  const units = expectedUnits(regime, period);

  const wb = new ExcelJS.Workbook();
  wb.creator = regime.receivingBody.name;
  wb.title = `${regime.name} năm ${period}`;
  const ws = wb.addWorksheet(TEMPLATE_SHEET, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ showGridLines: false }],
  });
  ws.columns = [
    { key: 'code', width: 36, hidden: true },
    { key: 'label', width: 70 },
    { key: 'value', width: 42 },
  ];

  // 2. Title and instructions (merged B:C, wrapped).
  const note = (text: string, font: Partial<ExcelJS.Font> = {}, height?: number) => {
    const row = ws.addRow([]);
    ws.mergeCells(row.number, 2, row.number, 3);
    const c = row.getCell(2);
    c.value = text;
    c.font = { name: 'Times New Roman', size: 12, ...font };
    c.alignment = { wrapText: true, vertical: 'top' };
    if (height) row.height = height;
    return row;
  };
  note(regime.name.toUpperCase(), { bold: true, size: 14, color: { argb: COLOR.header } }, 36).getCell(2).alignment = {
    horizontal: 'center',
    vertical: 'middle',
    wrapText: true,
  };
  note(`Năm báo cáo ${period} — mẫu phiên bản ${regime.formVersion}`, { italic: true }).getCell(2).alignment = { horizontal: 'center' };
  note(unit ? `Đơn vị báo cáo: ${unit.name}` : 'Đơn vị báo cáo: chọn tên đơn vị ở ô màu vàng bên dưới', { bold: true });
  ws.addRow([]);
  note('HƯỚNG DẪN', { bold: true });
  const instructions = [
    `1. Số liệu báo cáo tính từ ${vietnameseDate(dates.cutOffFrom)} đến ${vietnameseDate(dates.cutOffTo)}.`,
    `2. Hạn gửi báo cáo: hết ${vietnameseDate(dates.dueDate)}. Nơi nhận: ${regime.receivingBody.name}.`,
    '3. Chỉ nhập vào các ô nền vàng ở cột bên phải; các ô khác đã được khóa. Không đổi tên trang tính, không thêm hoặc xóa dòng.',
    '4. Ô số liệu: nhập số nguyên không âm (để trống nghĩa là chưa nhập, nếu không có thì ghi 0). Ô Có/Không và ô tình hình thực hiện: chọn trong danh sách. Ô ngày: nhập theo dạng ngày/tháng/năm.',
    `5. ${regime.sendingMethod}.`,
  ];
  for (const line of instructions) note(line, {}, 32);
  ws.addRow([]);

  const header = ws.addRow(['Mã trường', 'Chỉ tiêu', 'Số liệu, nội dung báo cáo']);
  header.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = fill(COLOR.header);
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.border = BORDER;
  });

  const fieldRow = (code: string, label: string) => {
    const row = ws.addRow([code, label]);
    const [a, b] = [row.getCell(1), row.getCell(2)];
    a.font = { color: { argb: COLOR.code }, size: 9 };
    b.alignment = { wrapText: true, vertical: 'top' };
    b.border = BORDER;
    const c = row.getCell(3);
    c.border = BORDER;
    c.alignment = { vertical: 'top' };
    return { row, cell: c };
  };
  const lockedValue = (cell: ExcelJS.Cell, value: ExcelJS.CellValue) => {
    cell.value = value;
    cell.fill = fill(COLOR.locked);
    cell.alignment = { horizontal: 'left', vertical: 'top' };
  };
  const inputCell = (cell: ExcelJS.Cell) => {
    cell.protection = { locked: false };
    cell.fill = fill(COLOR.input);
  };
  const describe = (path: string) => (ReportSchema.shape as Record<string, z.ZodType>)[path]?.description ?? path;

  // 3. Identity rows.
  lockedValue(fieldRow('formVersion', describe('formVersion')).cell, regime.formVersion);
  const unitCell = fieldRow('unitId', 'Đơn vị báo cáo').cell;
  if (unit) {
    lockedValue(unitCell, unit.name);
  } else {
    inputCell(unitCell);
    unitCell.dataValidation = {
      type: 'list',
      formulae: [`${META_SHEET}!$E$2:$E$${units.length + 1}`],
      allowBlank: false,
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: 'Đơn vị không hợp lệ',
      error: 'Chọn tên đơn vị trong danh sách.',
    };
  }
  lockedValue(fieldRow('period', describe('period')).cell, period);

  // 4. Sections.
  for (const section of TEMPLATE_SECTIONS) {
    const row = ws.addRow(['', section.label]);
    ws.mergeCells(row.number, 2, row.number, 3);
    const c = row.getCell(2);
    c.font = { bold: true };
    c.fill = fill(COLOR.section);
    c.border = BORDER;
    c.alignment = { wrapText: true, vertical: 'middle' };
    row.height = 22;

    for (const field of section.fields) {
      const { row: r, cell } = fieldRow(field.path, field.label);
      inputCell(cell);
      switch (field.kind) {
        case 'count':
          cell.numFmt = '#,##0';
          cell.alignment = { horizontal: 'right', vertical: 'top' };
          cell.dataValidation = COUNT_VALIDATION;
          break;
        case 'boolean':
          cell.dataValidation = listValidation([BOOLEAN_LABELS.true, BOOLEAN_LABELS.false], 'Chọn Có hoặc Không.');
          break;
        case 'choice':
          cell.dataValidation = listValidation((field.choices ?? []).map((ch) => ch.label), 'Chọn một giá trị trong danh sách.');
          break;
        case 'date':
          cell.numFmt = 'dd/mm/yyyy';
          cell.alignment = { horizontal: 'left', vertical: 'top' };
          cell.dataValidation = {
            type: 'date',
            operator: 'between',
            formulae: [utcDate(dates.cutOffFrom), utcDate(dates.cutOffTo)],
            allowBlank: true,
            showErrorMessage: true,
            errorStyle: 'stop',
            errorTitle: 'Ngày không hợp lệ',
            error: `Nhập ngày theo dạng ngày/tháng/năm, trong kỳ báo cáo (${slashDate(dates.cutOffFrom)} đến ${slashDate(dates.cutOffTo)}).`,
            showInputMessage: true,
            promptTitle: 'Ngày',
            prompt: 'Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/' + period,
          };
          break;
        case 'text': {
          // '@' keeps what the clerk types as text (a phone number keeps its leading zero).
          cell.numFmt = '@';
          cell.alignment = { wrapText: true, vertical: 'top' };
          if (field.maxLength !== undefined) {
            cell.dataValidation = {
              type: 'textLength',
              operator: 'lessThanOrEqual',
              formulae: [field.maxLength],
              allowBlank: true,
              showErrorMessage: true,
              errorStyle: 'stop',
              errorTitle: 'Nội dung quá dài',
              error: `Tối đa ${groupDigits(field.maxLength)} ký tự.`,
            };
            if (field.maxLength >= 1000) r.height = 96;
          }
          break;
        }
      }
    }
  }

  // 5. Metadata.
  const meta = wb.addWorksheet(META_SHEET, { state: 'veryHidden' });
  const metaRows: [string, string | number][] = [
    [META_KEYS.template, TEMPLATE_ID],
    [META_KEYS.formVersion, regime.formVersion],
    [META_KEYS.period, period],
    [META_KEYS.unitId, unit?.id ?? ''],
    [META_KEYS.regimeId, regime.id],
  ];
  metaRows.forEach(([k, v], i) => {
    meta.getCell(i + 1, 1).value = k;
    meta.getCell(i + 1, 2).value = v;
  });
  meta.getCell(1, META_UNIT_ID_COL).value = 'unitId';
  meta.getCell(1, META_UNIT_NAME_COL).value = 'unitName';
  units.forEach((u, i) => {
    meta.getCell(i + 2, META_UNIT_ID_COL).value = u.id;
    meta.getCell(i + 2, META_UNIT_NAME_COL).value = u.name;
  });

  // 6. Protection without a password: it guards against slips, not against a determined editor
  // (the server validates everything anyway).
  const protection: Partial<ExcelJS.WorksheetProtection> = {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatCells: false,
    formatColumns: false,
    formatRows: false,
    insertRows: false,
    insertColumns: false,
    deleteRows: false,
    deleteColumns: false,
    sort: false,
    autoFilter: false,
  };
  await ws.protect('', protection);
  await meta.protect('', protection);

  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

function listValidation(labels: readonly string[], error: string): ExcelJS.DataValidation {
  return {
    type: 'list',
    formulae: [listFormula(labels)],
    allowBlank: true,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Giá trị không hợp lệ',
    error,
  };
}

const utcDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const slashDate = (iso: string) => iso.split('-').reverse().join('/');
