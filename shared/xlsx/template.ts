import { periodJson, periodLabel, periodYear, splitPeriodKey, type PeriodKey } from '../domain/periodicity.js';
import { periodDates, vietnameseDate } from '../domain/calendar.js';
import { expectedUnits, findUnit, type Regime } from '../domain/regime.js';
import { DEFAULT_FORM } from '../domain/default-form.js';
import type { FormDefinition } from '../domain/form-definition.js';
import { currentForm, ENVELOPE_LABELS, MAX_COUNT } from '../domain/report.js';
import { reportSections, valueKind, type ReportField, type ValueKind } from '../domain/report-fields.js';
import { ValidatedWorksheet } from '../ooxml/xlsx-validations.js';
import { serialDate, Worksheet, writeXlsx, type Cell, type CellStyle, type DataValidation, type Font } from '../ooxml/xlsx-write.js';

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
export const META_KEYS = {
  template: 'template',
  formVersion: 'formVersion',
  period: 'period',
  unitId: 'unitId',
  regimeId: 'regimeId',
} as const;
/** Unit list in the metadata sheet: ids in column D, names in column E, from row 2. */
export const META_UNIT_ID_COL = 4;
export const META_UNIT_NAME_COL = 5;

/** The sections of a form's template: the report's sections (shared/domain/report-fields.ts), in form order. */
export function templateSections(form: FormDefinition): readonly TemplateSection[] {
  return reportSections(form).map((s) => ({ ...s, fields: s.fields.map((f) => ({ ...f, kind: valueKind(f.kind) })) }));
}
export const templateFields = (form: FormDefinition): readonly TemplateField[] => templateSections(form).flatMap((s) => s.fields);

/** The seed form's (pure: a bundle that does not read them drops them, and the seed's form with them). */
export const TEMPLATE_SECTIONS: readonly TemplateSection[] = /* @__PURE__ */ templateSections(DEFAULT_FORM);
export const TEMPLATE_FIELDS: readonly TemplateField[] = /* @__PURE__ */ templateFields(DEFAULT_FORM);

export interface BuildTemplateInput {
  regime: Regime;
  period: PeriodKey;
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
const BORDER = { color: COLOR.border };

/** 10000000 → "10.000.000" (Vietnamese grouping), without depending on the runtime's ICU data. */
const groupDigits = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

const COUNT_VALIDATION: DataValidation = {
  type: 'whole',
  operator: 'between',
  formulae: [0, MAX_COUNT],
  allowBlank: true,
  error: { title: 'Số liệu không hợp lệ', message: `Nhập số nguyên từ 0 đến ${groupDigits(MAX_COUNT)}.` },
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
 * 6. Protect both sheets so only the input cells can be edited: without a password, it guards
 *    against slips, not against a determined editor (the server validates everything anyway).
 */
export async function buildTemplate(input: BuildTemplateInput): Promise<Uint8Array> {
  const { regime, period } = input;
  // What the report itself writes (its `period` field): the id, never the '{regime}/' of the key.
  const periodId = splitPeriodKey(period).id;
  const dates = periodDates(regime, period);
  const unit = input.unit === undefined ? undefined : findUnit(regime, input.unit);
  if (input.unit !== undefined && !unit) throw new Error(`Unknown unit "${input.unit}" in regime ${regime.id}`);
  const units = expectedUnits(regime, period);

  const ws = new ValidatedWorksheet(TEMPLATE_SHEET, {
    page: { orientation: 'portrait' },
    showGridLines: false,
    protect: true,
  });
  ws.widths.set(1, 36).set(2, 70).set(3, 42);
  ws.hiddenColumns.add(1);
  let last = 0;
  const addRow = (values: readonly string[] = []) => {
    last += 1;
    values.forEach((v, i) => (ws.cell(last, i + 1).value = v));
    return last;
  };

  // 2. Title and instructions (merged B:C, wrapped).
  const note = (
    text: string,
    font: Font = {},
    height?: number,
    alignment: CellStyle['alignment'] = { wrapText: true, vertical: 'top' },
  ) => {
    const r = addRow();
    ws.merge(r, 2, r, 3);
    ws.set(r, 2, text, { font: { name: 'Times New Roman', size: 12, ...font }, alignment });
    if (height) ws.heights.set(r, height);
  };
  note(regime.name.toUpperCase(), { bold: true, size: 14, color: COLOR.header }, 36, {
    horizontal: 'center',
    vertical: 'center',
    wrapText: true,
  });
  // The annual form keeps its "Năm báo cáo 2026"; another periodicity names its period ("Kỳ báo cáo: quý III năm 2026").
  const periodLine = regime.frequency === 'annual' ? `Năm báo cáo ${periodId}` : `Kỳ báo cáo: ${periodLabel(regime.frequency, period)}`;
  note(`${periodLine} — mẫu phiên bản ${regime.formVersion}`, { italic: true }, undefined, { horizontal: 'center' });
  note(unit ? `Đơn vị báo cáo: ${unit.name}` : 'Đơn vị báo cáo: chọn tên đơn vị ở ô màu vàng bên dưới', { bold: true });
  addRow();
  note('HƯỚNG DẪN', { bold: true });
  const instructions = [
    `1. Số liệu báo cáo tính từ ${vietnameseDate(dates.cutOffFrom)} đến ${vietnameseDate(dates.cutOffTo)}.`,
    `2. Hạn gửi báo cáo: hết ${vietnameseDate(dates.dueDate)}. Nơi nhận: ${regime.receivingBody.name}.`,
    '3. Chỉ nhập vào các ô nền vàng ở cột bên phải; các ô khác đã được khóa. Không đổi tên trang tính, không thêm hoặc xóa dòng.',
    '4. Ô số liệu: nhập số nguyên không âm (để trống nghĩa là chưa nhập, nếu không có thì ghi 0). Ô Có/Không và ô tình hình thực hiện: chọn trong danh sách. Ô ngày: nhập theo dạng ngày/tháng/năm.',
    `5. ${regime.sendingMethod}.`,
  ];
  for (const line of instructions) note(line, {}, 32);
  addRow();

  const header = addRow(['Mã trường', 'Chỉ tiêu', 'Số liệu, nội dung báo cáo']);
  for (let c = 1; c <= 3; c += 1) {
    ws.cell(header, c).style = {
      font: { bold: true, color: 'FFFFFFFF' },
      fill: COLOR.header,
      alignment: { horizontal: 'center', vertical: 'center', wrapText: true },
      border: BORDER,
    };
  }

  /** Code (hidden column A), label, and the value cell, returned for the caller to fill or open. */
  const fieldRow = (code: string, label: string) => {
    const r = addRow([code, label]);
    ws.cell(r, 1).style = { font: { color: COLOR.code, size: 9 } };
    ws.cell(r, 2).style = { alignment: { wrapText: true, vertical: 'top' }, border: BORDER };
    return { row: r, cell: ws.cell(r, 3) };
  };
  const lockedValue = (cell: Cell, value: string | number) => {
    cell.value = value;
    cell.style = { fill: COLOR.locked, border: BORDER, alignment: { horizontal: 'left', vertical: 'top' } };
  };
  /** An editable yellow cell; `style` adds the kind's format and alignment. */
  const inputCell = (cell: Cell, style: CellStyle = { alignment: { vertical: 'top' } }) => {
    cell.style = { fill: COLOR.input, border: BORDER, locked: false, ...style };
  };
  const describe = (path: string) => ENVELOPE_LABELS[path] ?? path;

  // 3. Identity rows.
  lockedValue(fieldRow('formVersion', describe('formVersion')).cell, regime.formVersion);
  const unitRow = fieldRow('unitId', 'Đơn vị báo cáo');
  if (unit) {
    lockedValue(unitRow.cell, unit.name);
  } else {
    inputCell(unitRow.cell);
    ws.validate(unitRow.row, 3, {
      type: 'list',
      formulae: [`${META_SHEET}!$E$2:$E$${units.length + 1}`],
      allowBlank: false,
      error: { title: 'Đơn vị không hợp lệ', message: 'Chọn tên đơn vị trong danh sách.' },
    });
  }
  // A year for the annual form ("Năm báo cáo", as always); the period's id for any other periodicity.
  lockedValue(fieldRow('period', regime.frequency === 'annual' ? describe('period') : 'Kỳ báo cáo').cell, periodJson(period));

  // 4. Sections.
  const tables: ValidatedWorksheet[] = [];
  for (const section of templateSections(currentForm(regime))) {
    const r = addRow();
    ws.merge(r, 2, r, 3);
    ws.set(r, 2, section.label, {
      font: { bold: true },
      fill: COLOR.section,
      border: BORDER,
      alignment: { wrapText: true, vertical: 'center' },
    });
    ws.heights.set(r, 22);

    for (const field of section.fields) {
      const { row, cell } = fieldRow(field.path, field.label);
      if (field.kind === 'table') {
        // A table's rows are typed on a sheet of their own.
        const name = tableSheetName(tables.length);
        tables.push(tableSheet(field, name, dates, period));
        lockedValue(cell, `Nhập ở trang "${name}" (tối đa ${groupDigits(field.maxRows ?? 0)} dòng)`);
        continue;
      }
      inputCell(cell, kindStyle(field));
      const rule = kindValidation(field, dates, period);
      if (rule) ws.validate(row, 3, rule);
      if (field.kind === 'text' && (field.maxLength ?? 0) >= 1000) ws.heights.set(row, 96);
    }
  }

  // 5. Metadata.
  const meta = new Worksheet(META_SHEET, { state: 'veryHidden', protect: true });
  const metaRows: [string, string | number][] = [
    [META_KEYS.template, TEMPLATE_ID],
    [META_KEYS.formVersion, regime.formVersion],
    [META_KEYS.period, periodJson(period)],
    [META_KEYS.unitId, unit?.id ?? ''],
    [META_KEYS.regimeId, regime.id],
  ];
  metaRows.forEach(([k, v], i) => {
    meta.cell(i + 1, 1).value = k;
    meta.cell(i + 1, 2).value = v;
  });
  meta.cell(1, META_UNIT_ID_COL).value = 'unitId';
  meta.cell(1, META_UNIT_NAME_COL).value = 'unitName';
  units.forEach((u, i) => {
    meta.cell(i + 2, META_UNIT_ID_COL).value = u.id;
    meta.cell(i + 2, META_UNIT_NAME_COL).value = u.name;
  });

  // 6. Both sheets were created protected; the input cells are the unlocked ones.
  return writeXlsx({
    sheets: [ws, ...tables, meta],
    creator: regime.receivingBody.name,
    title: `${regime.name} ${periodLabel(regime.frequency, period)}`,
  });
}

/** The sheet of the form's n-th table field (0-based, template order): where the reader looks for its rows. */
export const tableSheetName = (n: number) => `Bảng ${n + 1}`;
/** A table sheet's first data row (row 1 its title, row 2 the column labels). */
export const TABLE_FIRST_ROW = 3;

type Dates = ReturnType<typeof periodDates>;

/** The input style of a value of a kind: number formats, alignment, '@' for text. */
function kindStyle(field: TemplateField): CellStyle {
  switch (field.kind) {
    case 'count':
      return { numFmt: '#,##0', alignment: { horizontal: 'right', vertical: 'top' } };
    case 'decimal': {
      const digits = field.decimals ?? 2;
      return { numFmt: digits > 0 ? `#,##0.${'0'.repeat(digits)}` : '#,##0', alignment: { horizontal: 'right', vertical: 'top' } };
    }
    case 'date':
      return { numFmt: 'dd/mm/yyyy', alignment: { horizontal: 'left', vertical: 'top' } };
    case 'text':
      // '@' keeps what the clerk types as text (a phone number keeps its leading zero).
      return { numFmt: '@', alignment: { wrapText: true, vertical: 'top' } };
    default:
      return { alignment: { vertical: 'top' } };
  }
}

/** Excel's own check of a value of a kind (bounds, lists, dates in the period, lengths); none for a table. */
function kindValidation(field: TemplateField, dates: Dates, period: PeriodKey): DataValidation | undefined {
  switch (field.kind) {
    case 'count':
      // The seed's counts keep their one rule; a field with its own bounds gets them.
      if ((field.min ?? 0) === 0 && (field.max ?? MAX_COUNT) === MAX_COUNT) return COUNT_VALIDATION;
      return {
        ...COUNT_VALIDATION,
        formulae: [field.min ?? 0, field.max ?? MAX_COUNT],
        error: {
          title: 'Số liệu không hợp lệ',
          message: `Nhập số nguyên từ ${field.min ?? 0} đến ${groupDigits(field.max ?? MAX_COUNT)}.`,
        },
      };
    case 'decimal':
      return {
        type: 'decimal',
        operator: 'between',
        formulae: [field.min ?? 0, field.max ?? MAX_COUNT],
        allowBlank: true,
        error: { title: 'Số liệu không hợp lệ', message: `Nhập số từ ${field.min ?? 0} đến ${groupDigits(field.max ?? MAX_COUNT)}.` },
      };
    case 'boolean':
      return listValidation([BOOLEAN_LABELS.true, BOOLEAN_LABELS.false], 'Chọn Có hoặc Không.');
    case 'choice':
      return listValidation(
        (field.choices ?? []).map((ch) => ch.label),
        'Chọn một giá trị trong danh sách.',
      );
    case 'date':
      return {
        type: 'date',
        operator: 'between',
        formulae: [serialDate(utcDate(dates.cutOffFrom)), serialDate(utcDate(dates.cutOffTo))],
        allowBlank: true,
        error: {
          title: 'Ngày không hợp lệ',
          message: `Nhập ngày theo dạng ngày/tháng/năm, trong kỳ báo cáo (${slashDate(dates.cutOffFrom)} đến ${slashDate(dates.cutOffTo)}).`,
        },
        // The example lies in the data window: 05/03 of the year for an annual period (as always), the window's last day otherwise.
        prompt: {
          title: 'Ngày',
          message: `Nhập theo dạng ngày/tháng/năm, ví dụ ${/^\d{4}$/.test(splitPeriodKey(period).id) ? `05/03/${periodYear(period)}` : slashDate(dates.cutOffTo)}`,
        },
      };
    case 'text':
      return field.maxLength === undefined
        ? undefined
        : {
            type: 'textLength',
            operator: 'lessThanOrEqual',
            formulae: [field.maxLength],
            allowBlank: true,
            error: { title: 'Nội dung quá dài', message: `Tối đa ${groupDigits(field.maxLength)} ký tự.` },
          };
    case 'table':
      return undefined;
  }
}

/** A table field's columns as template fields (email, phone and long texts are texts). */
export const tableColumns = (table: TemplateField): TemplateField[] =>
  (table.columns ?? []).map((c) => ({ ...c, kind: valueKind(c.kind) }));

/**
 * A table on its own protected sheet: its label, a header row of column labels, then maxRows
 * numbered rows of yellow input cells, each column with its kind's format and validation.
 */
function tableSheet(table: TemplateField, name: string, dates: Dates, period: PeriodKey): ValidatedWorksheet {
  const columns = tableColumns(table);
  const last = TABLE_FIRST_ROW + (table.maxRows ?? 1) - 1;
  const ws = new ValidatedWorksheet(name, {
    page: { orientation: 'landscape' },
    frozen: { rows: TABLE_FIRST_ROW - 1, cols: 1 },
    protect: true,
  });
  ws.merge(1, 1, 1, columns.length + 1);
  ws.set(1, 1, table.label, { font: { bold: true, size: 12, color: COLOR.header }, alignment: { wrapText: true, vertical: 'center' } });
  ws.heights.set(1, 30);
  ['STT', ...columns.map((c) => c.label)].forEach((h, i) =>
    ws.set(2, i + 1, h, {
      font: { bold: true, color: 'FFFFFFFF' },
      fill: COLOR.header,
      alignment: { horizontal: 'center', vertical: 'center', wrapText: true },
      border: BORDER,
    }),
  );
  ws.widths.set(1, 6);
  columns.forEach((c, j) => ws.widths.set(j + 2, c.kind === 'text' ? 40 : 18));
  for (let r = TABLE_FIRST_ROW; r <= last; r += 1) {
    ws.set(r, 1, r - TABLE_FIRST_ROW + 1, { fill: COLOR.locked, border: BORDER, alignment: { horizontal: 'center', vertical: 'top' } });
    columns.forEach((c, j) => (ws.cell(r, j + 2).style = { fill: COLOR.input, border: BORDER, locked: false, ...kindStyle(c) }));
  }
  columns.forEach((c, j) => {
    const rule = kindValidation(c, dates, period);
    if (rule) ws.validate(TABLE_FIRST_ROW, j + 2, rule, last);
  });
  return ws;
}

function listValidation(labels: readonly string[], message: string): DataValidation {
  return {
    type: 'list',
    formulae: [listFormula(labels)],
    allowBlank: true,
    error: { title: 'Giá trị không hợp lệ', message },
  };
}

const utcDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const slashDate = (iso: string) => iso.split('-').reverse().join('/');
