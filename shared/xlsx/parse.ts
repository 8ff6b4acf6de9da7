import { readXlsx, type XlsxSheet, type XlsxValue } from '../ooxml/xlsx-read.js';
import { sniffFileType } from '../domain/file-type.js';
import {
  BOOLEAN_LABELS,
  META_KEYS,
  META_SHEET,
  META_UNIT_ID_COL,
  META_UNIT_NAME_COL,
  TABLE_FIRST_ROW,
  tableColumns,
  tableSheetName,
  templateFields,
  TEMPLATE_SHEET,
  type TemplateField,
} from './template.js';
import type { FormDefinition } from '../domain/form-definition.js';
import { DEFAULT_XLSX_LIMITS, XlsxRejectedError, assertDimensions, guardXlsx, type XlsxLimits } from './zip-guard.js';

export { XlsxRejectedError, type XlsxRejectionCode, type XlsxLimits, DEFAULT_XLSX_LIMITS } from './zip-guard.js';

export interface ParseTemplateOptions {
  limits?: Partial<XlsxLimits>;
}

/**
 * Reads a filled template into the report's input shape, for validateReport to judge. It does not
 * validate: a text in a number cell reaches validateReport as a string, so the clerk gets the
 * schema's Vietnamese message for that field.
 *
 * The primary course:
 * 1. Refuse anything that is not an xlsx by content (magic bytes and package parts).
 * 2. Run the zip guard (entries, sizes, real inflation, XML shape); read only the parts it checked.
 * 3. Bound every sheet's dimensions again after reading (rows and cells may omit their address).
 * 4. Find the report sheet and map column A codes to column C values (the fields of `form`, the regime's current form).
 * 5. Convert each known field by its kind (Có/Không, status labels, dates, numbers); omit empty cells.
 * 6. Take formVersion, unitId and period from the metadata sheet (the visible rows as fallback).
 * 7. Read each table field's rows from its sheet ("Bảng 1", …: column B on, one column per table
 *    column), up to the first row with every cell blank and at most maxRows; a row's blank cells are
 *    left out, for validateReport to name (row and column) if they are required.
 */
export async function parseTemplate(bytes: Uint8Array, form: FormDefinition, opts: ParseTemplateOptions = {}): Promise<unknown> {
  const TEMPLATE_FIELDS = templateFields(form);
  const limits: XlsxLimits = { ...DEFAULT_XLSX_LIMITS, ...opts.limits };
  if (sniffFileType(bytes) !== 'xlsx') throw new XlsxRejectedError('NOT_XLSX', 'Tệp không phải Excel hợp lệ (.xlsx)');
  const guarded = guardXlsx(bytes, limits);

  let sheets: XlsxSheet[];
  try {
    sheets = readXlsx(guarded.entries);
  } catch (e) {
    throw new XlsxRejectedError('CORRUPT', 'Tệp Excel bị hỏng hoặc không đúng cấu trúc, không đọc được', {
      why: e instanceof Error ? e.message : String(e),
    });
  }
  for (const sheet of sheets) assertDimensions(sheet.rowCount, sheet.columnCount, limits, sheet.name);

  const sheet = sheets.find((s) => s.name === TEMPLATE_SHEET) ?? sheets.find((s) => s.state === 'visible');
  const cells = sheet ? codedCells(sheet) : new Map<string, XlsxValue>();
  if (!TEMPLATE_FIELDS.some((f) => cells.has(f.path))) {
    throw new XlsxRejectedError(
      'NOT_TEMPLATE',
      `Tệp Excel không theo biểu mẫu báo cáo: không tìm thấy trang "${TEMPLATE_SHEET}" với mã trường ở cột A. Hãy tải biểu mẫu mới và nhập lại.`,
    );
  }

  const report: Record<string, unknown> = {};
  const meta = readMeta(sheets.find((s) => s.name === META_SHEET));
  const formVersion = meta.get(META_KEYS.formVersion) ?? plain(cells.get('formVersion'));
  const unitId = meta.get(META_KEYS.unitId) ?? unitFromName(plain(cells.get('unitId')), meta.units);
  const period = meta.get(META_KEYS.period) ?? plain(cells.get('period'));
  if (formVersion !== undefined) report.formVersion = typeof formVersion === 'number' ? String(formVersion) : formVersion;
  if (unitId !== undefined) report.unitId = unitId;
  if (period !== undefined) report.period = typeof period === 'string' && /^\d{4}$/.test(period) ? Number(period) : period;

  for (const field of TEMPLATE_FIELDS) {
    const value = convert(field, plain(cells.get(field.path)));
    // Sections exist even when empty, so each missing field is reported by its own path.
    const keys = field.path.split('.');
    let target = report;
    for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Record<string, unknown>;
    if (value !== undefined) target[keys[keys.length - 1] as string] = value;
  }

  // 7. Each table's rows from its own sheet, down to the first fully blank row.
  TEMPLATE_FIELDS.filter((f) => f.kind === 'table').forEach((table, i) => {
    const rows = tableRows(
      table,
      sheets.find((s) => s.name === tableSheetName(i)),
    );
    const [section = '', key = ''] = table.path.split('.');
    if (rows.length > 0) ((report[section] ??= {}) as Record<string, unknown>)[key] = rows;
  });

  return report;
}

function tableRows(table: TemplateField, sheet: XlsxSheet | undefined): Record<string, unknown>[] {
  const columns = tableColumns(table);
  const rows: Record<string, unknown>[] = [];
  for (let r = TABLE_FIRST_ROW; sheet && r < TABLE_FIRST_ROW + (table.maxRows ?? 0); r += 1) {
    const cells = sheet.rows.get(r);
    const values = columns.map((c, j) => convert(c, plain(cells?.get(j + 2))));
    if (values.every((v) => v === undefined)) break;
    rows.push(Object.fromEntries(columns.flatMap((c, j) => (values[j] === undefined ? [] : [[c.path, values[j]]]))));
  }
  return rows;
}

/** Column A code → column C value, for every row that has a code. The first row with a code wins. */
function codedCells(sheet: XlsxSheet): Map<string, XlsxValue | undefined> {
  const out = new Map<string, XlsxValue | undefined>();
  for (const [, row] of rowsInOrder(sheet)) {
    const code = plain(row.get(1));
    if (typeof code === 'string' && !out.has(code)) out.set(code, row.get(3));
  }
  return out;
}

/** The sheet's rows with their numbers, top to bottom (a file may list them in any order). */
const rowsInOrder = (sheet: XlsxSheet) => [...sheet.rows].sort(([a], [b]) => a - b);

type Plain = string | number | boolean | Date | undefined;

/**
 * A cell value as the conversions want it: text in NFC (a Vietnamese letter with its diacritics
 * can be typed composed or decomposed) and trimmed, blank text as no value. The reader has
 * already reduced formulas to their cached result and rich text to its text.
 */
export function plain(v: XlsxValue | undefined): Plain {
  if (typeof v !== 'string') return v;
  const t = v.normalize('NFC').trim();
  return t === '' ? undefined : t;
}

const same = (a: string, b: string) => a.localeCompare(b, 'vi', { sensitivity: 'accent' }) === 0;
const pad = (n: number | string) => String(n).padStart(2, '0');
/** Excel's serial day 25569 is 1970-01-01 (1900 date system). */
const EXCEL_EPOCH_OFFSET = 25569;

function convert(field: TemplateField, v: Plain): unknown {
  if (v === undefined) return undefined;
  switch (field.kind) {
    case 'count':
      // Digits typed into a text-formatted cell are still the clerk's number; anything else goes to zod as is.
      return typeof v === 'string' && /^[+-]?\d{1,15}$/.test(v) ? Number(v) : v;
    case 'decimal':
      // A decimal typed as text, with a point or the Vietnamese comma.
      return typeof v === 'string' && /^[+-]?\d{1,15}([.,]\d{1,6})?$/.test(v) ? Number(v.replace(',', '.')) : v;
    case 'table':
      return undefined; // its rows are on a sheet of their own (tableRows)
    case 'boolean':
      if (typeof v === 'string') {
        if (same(v, BOOLEAN_LABELS.true)) return true;
        if (same(v, BOOLEAN_LABELS.false)) return false;
      }
      return v;
    case 'choice': {
      if (typeof v !== 'string') return v;
      const hit = field.choices?.find((c) => same(v, c.label) || v === c.value);
      return hit ? hit.value : v;
    }
    case 'date':
      return toIsoDate(v);
    case 'text':
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      return typeof v === 'string' ? v : String(v);
  }
}

function toIsoDate(v: Exclude<Plain, undefined>): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'ngày không hợp lệ' : v.toISOString().slice(0, 10);
  // A serial number in a cell that lost its date format (1950..2149).
  if (typeof v === 'number' && Number.isInteger(v) && v > 18264 && v < 91311) {
    return new Date((v - EXCEL_EPOCH_OFFSET) * 86_400_000).toISOString().slice(0, 10);
  }
  if (typeof v !== 'string') return v;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  return m ? `${m[3]}-${pad(m[2] as string)}-${pad(m[1] as string)}` : v;
}

interface Meta {
  get(key: string): Plain;
  units: ReadonlyMap<string, string>;
}

function readMeta(sheet: XlsxSheet | undefined): Meta {
  const values = new Map<string, Plain>();
  const units = new Map<string, string>();
  for (const [n, row] of sheet ? rowsInOrder(sheet) : []) {
    const key = plain(row.get(1));
    if (typeof key === 'string') values.set(key, plain(row.get(2)));
    const id = plain(row.get(META_UNIT_ID_COL));
    const name = plain(row.get(META_UNIT_NAME_COL));
    if (n > 1 && typeof id === 'string' && typeof name === 'string') units.set(name, id);
  }
  return { get: (k) => values.get(k), units };
}

/** The unit list shows names; the report needs the id. An unknown name goes through for validateReport to refuse. */
function unitFromName(v: Plain, units: ReadonlyMap<string, string>): Plain {
  if (typeof v !== 'string') return v;
  for (const [name, id] of units) if (same(v, name)) return id;
  return v;
}
