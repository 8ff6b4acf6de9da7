import ExcelJS from 'exceljs';
import type { Regime } from '../../shared/domain/regime.js';
import type { AnnualReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { BOOLEAN_LABELS, buildTemplate, TEMPLATE_FIELDS, TEMPLATE_SHEET } from '../../shared/xlsx/template.js';
import type { UploadAction } from './plan.js';

/**
 * The files the demo's units upload: the JSON the form posts, or the Excel template filled in the
 * way a clerk's Excel would (labels for lists, date cells for dates, the value in column C of the
 * row whose code is the field's path).
 */

/** The report an upload carries (the invalid ones break cross-field rules the schema checks). */
export function reportFor(regime: Regime, period: number, unitId: string, action: Pick<UploadAction, 'valid' | 'variant'>): AnnualReport {
  const report = sampleReport(regime, unitId, period, action.variant);
  if (action.valid) return report;
  const p = report.planAndSolutions;
  const c = report.programmes;
  return {
    ...report,
    planAndSolutions: { ...p, petitionsResolved: p.petitionsReceived + 7 },
    programmes: { ...c, commentsAccepted: c.commentsReceived + 3 },
  };
}

export async function uploadBody(regime: Regime, period: number, unitId: string, action: UploadAction): Promise<Uint8Array> {
  if (action.channel === 'json') {
    return new TextEncoder().encode(JSON.stringify(reportFor(regime, period, unitId, action), null, 2));
  }
  // The Excel path: the unit's own template; an invalid upload types a number in words.
  const report = sampleReport(regime, unitId, period, action.variant);
  const values = Object.fromEntries(TEMPLATE_FIELDS.map((f) => [f.path, cellValue(f.path, valueAt(report, f.path))]));
  if (!action.valid) values['emulation.movementsLaunched'] = 'mười hai';
  return fillTemplate(await buildTemplate({ regime, period, unit: unitId }), values);
}

function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function cellValue(path: string, value: unknown): ExcelJS.CellValue {
  const field = TEMPLATE_FIELDS.find((f) => f.path === path);
  if (!field || value === undefined) return null;
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

async function fillTemplate(template: Uint8Array, values: Record<string, ExcelJS.CellValue>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(template) as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet(TEMPLATE_SHEET);
  if (!ws) throw new Error(`The template has no sheet "${TEMPLATE_SHEET}"`);
  const rows = new Map<string, ExcelJS.Row>();
  ws.eachRow((row) => {
    const code = row.getCell(1).value;
    if (typeof code === 'string' && code) rows.set(code, row);
  });
  for (const [code, value] of Object.entries(values)) {
    const row = rows.get(code);
    if (!row) throw new Error(`The template has no row for ${code}`);
    row.getCell(3).value = value;
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
