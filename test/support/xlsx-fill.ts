import ExcelJS from 'exceljs';
import { BOOLEAN_LABELS, TEMPLATE_FIELDS, TEMPLATE_SHEET, type TemplateField } from '../../shared/xlsx/template.js';

/**
 * Fills a template's input cells from a report the way a clerk's Excel stores them: labels for
 * Có/Không and lists, date cells for dates, the value in column C of the row whose column A code
 * is the field's path. The inverse of parseTemplate, for the demo and the tests (`fields`: another
 * form's template fields; a table's rows go on its own sheet, which this does not fill).
 *
 * `overrides` replace cells by their column A code after the report is written (a number typed in
 * words, a unit picked by name, a cell left blank with `null`).
 */
export async function fillTemplate(
  template: Uint8Array,
  report: unknown,
  overrides: Record<string, ExcelJS.CellValue> = {},
  fields: readonly TemplateField[] = TEMPLATE_FIELDS,
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(template) as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet(TEMPLATE_SHEET);
  if (!ws) throw new Error(`The template has no sheet "${TEMPLATE_SHEET}"`);
  const rows = new Map<string, ExcelJS.Row>();
  ws.eachRow((row) => {
    const code = row.getCell(1).value;
    if (typeof code === 'string' && code) rows.set(code, row);
  });
  const cells = fields.filter((f) => f.kind !== 'table');
  const values = { ...Object.fromEntries(cells.map((f) => [f.path, cellValue(f, valueAt(report, f.path))])), ...overrides };
  for (const [code, value] of Object.entries(values)) {
    const row = rows.get(code);
    if (!row) throw new Error(`The template has no row for ${code}`);
    row.getCell(3).value = value;
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function cellValue(field: TemplateField, value: unknown): ExcelJS.CellValue {
  if (value === undefined) return null;
  switch (field.kind) {
    case 'boolean':
      return value ? BOOLEAN_LABELS.true : BOOLEAN_LABELS.false;
    case 'choice':
      return field.choices?.find((c) => c.value === value)?.label ?? null;
    case 'date':
      return new Date(`${String(value)}T00:00:00Z`);
    default:
      return value as ExcelJS.CellValue;
  }
}
