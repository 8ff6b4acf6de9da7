import ExcelJS from 'exceljs';
import { periodDates, vietnameseDateTime, wallClockAsUtc } from '../domain/calendar.js';
import { regimeSubject, viPercent, xmlSafe, type Consolidation, type ConsolidatedUnit } from '../domain/consolidation.js';
import { GROUP_LABELS, type Regime, type UnitGroup } from '../domain/regime.js';
import { NUMERIC_SECTIONS, SECTION_LABELS } from '../domain/report.js';
import { STATUS_LABELS } from '../domain/status.js';

/**
 * The consolidated workbook Sở Nội vụ and the leadership open in Excel. Four sheets, each with a
 * title row naming the period, a bold frozen header, Vietnamese labels, number formats, widths
 * sized to the content and an A4 landscape print setup fitted to one page wide.
 */
export const SHEET_NAMES = {
  summary: 'Tổng hợp',
  byUnit: 'Theo đơn vị',
  compliance: 'Tình hình nộp báo cáo',
  proposals: 'Kiến nghị',
} as const;

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FONT = 'Times New Roman';
const NUM = '#,##0';
const PCT = '0.0%';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

type Value = string | number | Date | ExcelJS.CellFormulaValue | null;

const text = (s: string) => xmlSafe(s);
const quoteFormula = (s: string) => `"${s.replace(/"/g, '""')}"`;

function newSheet(wb: ExcelJS.Workbook, name: string, frozen: { rows: number; cols?: number }): ExcelJS.Worksheet {
  return wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: frozen.rows, xSplit: frozen.cols ?? 0 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      printTitlesRow: `3:${frozen.rows}`,
    },
    headerFooter: { oddFooter: `&C${name} — Trang &P/&N` },
  });
}

/** Title (merged across the sheet, bold) and a subtitle line. */
function titleRows(ws: ExcelJS.Worksheet, lastCol: number, title: string, subtitle: string): void {
  ws.mergeCells(1, 1, 1, lastCol);
  ws.mergeCells(2, 1, 2, lastCol);
  const t = ws.getCell(1, 1);
  t.value = text(title);
  t.font = { name: FONT, size: 14, bold: true };
  t.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  ws.getRow(1).height = 36;
  const s = ws.getCell(2, 1);
  s.value = text(subtitle);
  s.font = { name: FONT, size: 11, italic: true };
  s.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  ws.getRow(2).height = 20;
}

function headerCell(ws: ExcelJS.Worksheet, row: number, col: number, value: string): void {
  const c = ws.getCell(row, col);
  c.value = text(value);
  c.font = { name: FONT, size: 11, bold: true };
  c.fill = HEADER_FILL;
  c.border = THIN;
  c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
}

function put(ws: ExcelJS.Worksheet, row: number, col: number, value: Value, opts: { numFmt?: string; bold?: boolean; italic?: boolean; wrap?: boolean; align?: 'left' | 'center' | 'right' } = {}): ExcelJS.Cell {
  const c = ws.getCell(row, col);
  c.value = typeof value === 'string' ? text(value) : value;
  c.font = { name: FONT, size: 11, bold: opts.bold ?? false, italic: opts.italic ?? false };
  c.border = THIN;
  c.alignment = { vertical: 'top', wrapText: opts.wrap ?? typeof value === 'string', ...(opts.align ? { horizontal: opts.align } : {}) };
  if (opts.numFmt) c.numFmt = opts.numFmt;
  return c;
}

/** Displayed width of a cell's value (numbers with separators, percentages, dates). */
function displayLength(cell: ExcelJS.Cell): number {
  const v = cell.value;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') {
    if (cell.numFmt === PCT) return 6;
    return Math.round(v).toLocaleString('en-US').length;
  }
  if (v instanceof Date) return 16;
  if (typeof v === 'object' && 'result' in v) return typeof v.result === 'number' ? Math.round(v.result).toLocaleString('en-US').length : 8;
  return String(v).split('\n').reduce((m, l) => Math.max(m, l.length), 0);
}

/**
 * Column widths that fit the content from `fromRow` on: the longest value, or the longest word of
 * a wrapped header, clamped to [min, max]; wrapped cells get row heights for their line count.
 */
function fitColumns(ws: ExcelJS.Worksheet, headerRows: number[], fromRow: number, limits: { min: number; max: number }[]): void {
  limits.forEach((lim, i) => {
    const col = ws.getColumn(i + 1);
    let width = lim.min;
    col.eachCell({ includeEmpty: false }, (cell, rowNumber) => {
      if (rowNumber < fromRow && !headerRows.includes(rowNumber)) return;
      if (cell.isMerged && cell.master.address !== cell.address) return;
      const len = headerRows.includes(rowNumber)
        ? String(cell.value ?? '').split(/\s+/).reduce((m, w) => Math.max(m, w.length), 0)
        : displayLength(cell);
      width = Math.max(width, len + 2);
    });
    col.width = Math.min(width, lim.max);
  });
  ws.eachRow((row, rowNumber) => {
    if (rowNumber < 3) return;
    let lines = 1;
    row.eachCell((cell, colNumber) => {
      // Merged cells span several columns: their rows get a fixed height where they are made.
      if (typeof cell.value !== 'string' || !cell.alignment?.wrapText || cell.isMerged) return;
      const width = (ws.getColumn(colNumber).width ?? 10) - 2;
      const n = cell.value.split('\n').reduce((sum, l) => sum + Math.max(1, Math.ceil(l.length / Math.max(width, 1))), 0);
      lines = Math.max(lines, n);
    });
    if (lines > 1) row.height = Math.min(409, lines * 15 + 3);
  });
}

const groupLabel = (g: UnitGroup) => GROUP_LABELS[g];

// ---------------------------------------------------------------------------------------------

function summarySheet(wb: ExcelJS.Workbook, c: Consolidation, regime: Regime, subtitle: string): void {
  const ws = newSheet(wb, SHEET_NAMES.summary, { rows: 3 });
  titleRows(ws, 5, `TỔNG HỢP ${regimeSubject(regime).toLocaleUpperCase('vi')} NĂM ${c.period}`, subtitle);
  ['STT', 'Chỉ tiêu', 'Tổng cộng', groupLabel('province'), groupLabel('district')].forEach((h, i) => headerCell(ws, 3, i + 1, h));
  ws.getRow(3).height = 32;

  let r = 4;
  put(ws, r, 1, null);
  put(ws, r, 2, 'Số cơ quan, đơn vị có số liệu được tổng hợp', { italic: true });
  put(ws, r, 3, c.countedReports.total, { numFmt: NUM, italic: true });
  put(ws, r, 4, c.countedReports.province, { numFmt: NUM, italic: true });
  put(ws, r, 5, c.countedReports.district, { numFmt: NUM, italic: true });
  r += 1;
  for (const section of NUMERIC_SECTIONS) {
    ws.mergeCells(r, 1, r, 5);
    const s = put(ws, r, 1, SECTION_LABELS[section], { bold: true, wrap: false });
    s.fill = SECTION_FILL;
    r += 1;
    c.indicators
      .filter((ind) => ind.section === section)
      .forEach((ind, i) => {
        put(ws, r, 1, i + 1, { align: 'center' });
        put(ws, r, 2, ind.label, { wrap: true });
        put(ws, r, 3, ind.total, { numFmt: NUM, bold: true });
        put(ws, r, 4, ind.province, { numFmt: NUM });
        put(ws, r, 5, ind.district, { numFmt: NUM });
        r += 1;
      });
  }
  fitColumns(ws, [3], 4, [
    { min: 5, max: 6 },
    { min: 30, max: 70 },
    { min: 12, max: 18 },
    { min: 16, max: 22 },
    { min: 16, max: 22 },
  ]);
}

function byUnitSheet(wb: ExcelJS.Workbook, c: Consolidation, regime: Regime, subtitle: string): void {
  const ws = newSheet(wb, SHEET_NAMES.byUnit, { rows: 4, cols: 2 });
  const first = 5; // first indicator column
  const lastCol = first + c.indicators.length - 1;
  titleRows(ws, lastCol, `${regimeSubject(regime).toLocaleUpperCase('vi')} NĂM ${c.period} — SỐ LIỆU THEO TỪNG CƠ QUAN, ĐƠN VỊ`, subtitle);

  ['STT', 'Tên cơ quan, đơn vị', 'Nhóm', 'Tình trạng báo cáo'].forEach((h, i) => {
    ws.mergeCells(3, i + 1, 4, i + 1);
    headerCell(ws, 3, i + 1, h);
  });
  let col = first;
  for (const section of NUMERIC_SECTIONS) {
    const inds = c.indicators.filter((ind) => ind.section === section);
    if (inds.length === 0) continue;
    if (inds.length > 1) ws.mergeCells(3, col, 3, col + inds.length - 1);
    headerCell(ws, 3, col, SECTION_LABELS[section]);
    inds.forEach((ind, i) => headerCell(ws, 4, col + i, ind.label));
    col += inds.length;
  }
  ws.getRow(3).height = 45;

  const firstData = 5;
  c.units.forEach((u, i) => {
    const r = firstData + i;
    const muted = !u.counted;
    put(ws, r, 1, i + 1, { align: 'center' });
    put(ws, r, 2, u.name, { italic: muted });
    put(ws, r, 3, groupLabel(u.group), { italic: muted });
    put(ws, r, 4, STATUS_LABELS[u.status], { italic: muted });
    c.indicators.forEach((ind, j) => put(ws, r, first + j, u.values[ind.path] ?? null, { numFmt: NUM }));
  });
  const lastData = firstData + c.units.length - 1;

  // Totals with live formulas (so edits by Sở Nội vụ recalculate) and cached results equal to the totals.
  const totalRow = lastData + 1;
  const subRows: [UnitGroup, number][] = [
    ['province', totalRow + 1],
    ['district', totalRow + 2],
  ];
  ws.mergeCells(totalRow, 1, totalRow, 4);
  put(ws, totalRow, 1, 'Tổng cộng', { bold: true, align: 'center' });
  for (const [g, r] of subRows) {
    ws.mergeCells(r, 1, r, 4);
    put(ws, r, 1, `Trong đó: ${groupLabel(g)}`, { italic: true });
  }
  c.indicators.forEach((ind, j) => {
    const letter = ws.getColumn(first + j).letter;
    const range = `${letter}${firstData}:${letter}${lastData}`;
    const groupRange = `$C$${firstData}:$C$${lastData}`;
    const empty = c.units.length === 0;
    put(ws, totalRow, first + j, empty ? 0 : { formula: `SUM(${range})`, result: ind.total }, { numFmt: NUM, bold: true });
    for (const [g, r] of subRows) {
      const value = ind[g];
      put(ws, r, first + j, empty ? 0 : { formula: `SUMIF(${groupRange},${quoteFormula(groupLabel(g))},${range})`, result: value }, { numFmt: NUM, italic: true });
    }
  });

  fitColumns(ws, [4], firstData, [
    { min: 5, max: 6 },
    { min: 24, max: 45 },
    { min: 16, max: 24 },
    { min: 14, max: 22 },
    ...c.indicators.map(() => ({ min: 12, max: 18 })),
  ]);
}

function complianceSheet(wb: ExcelJS.Workbook, c: Consolidation, regime: Regime, subtitle: string): void {
  const ws = newSheet(wb, SHEET_NAMES.compliance, { rows: 3 });
  titleRows(ws, 8, `TÌNH HÌNH GỬI BÁO CÁO ${regimeSubject(regime).toLocaleUpperCase('vi')} NĂM ${c.period}`, subtitle);
  ['STT', 'Tên cơ quan, đơn vị', 'Nhóm', 'Tình trạng', 'Thời điểm gửi báo cáo hợp lệ (giờ địa phương)', 'Đúng hạn / Trễ hạn', 'Số lần gửi', 'Email liên hệ'].forEach((h, i) =>
    headerCell(ws, 3, i + 1, h),
  );
  ws.getRow(3).height = 32;

  const onTimeLabel = (u: ConsolidatedUnit) => (u.onTime === true ? 'Đúng hạn' : u.onTime === false ? 'Trễ hạn' : '');
  c.units.forEach((u, i) => {
    const r = 4 + i;
    put(ws, r, 1, i + 1, { align: 'center' });
    put(ws, r, 2, u.name);
    put(ws, r, 3, groupLabel(u.group));
    put(ws, r, 4, STATUS_LABELS[u.status]);
    put(ws, r, 5, u.submittedAt ? wallClockAsUtc(new Date(u.submittedAt), regime.timeZone) : null, { numFmt: 'dd/mm/yyyy hh:mm', align: 'center' });
    put(ws, r, 6, onTimeLabel(u), { align: 'center' });
    put(ws, r, 7, u.versions, { numFmt: NUM, align: 'center' });
    put(ws, r, 8, u.email, { wrap: false });
  });

  // The rates block below the table: counts and DHIS2 rates, overall and per group.
  let r = 4 + c.units.length + 1;
  ['Chỉ tiêu', 'Toàn tỉnh', groupLabel('province'), groupLabel('district')].forEach((h, i) => headerCell(ws, r, i + 2, h));
  ws.getRow(r).height = 32;
  const rates = [c.rates.overall, c.rates.province, c.rates.district];
  const lines: [string, (x: (typeof rates)[number]) => number, string][] = [
    ['Số cơ quan, đơn vị phải báo cáo', (x) => x.expected, NUM],
    ['Số cơ quan, đơn vị đã báo cáo', (x) => x.reported, NUM],
    ['Số cơ quan, đơn vị báo cáo đúng hạn', (x) => x.onTime, NUM],
    ['Tỷ lệ báo cáo (đã báo cáo / phải báo cáo)', (x) => x.reportingRate, PCT],
    ['Tỷ lệ báo cáo đúng hạn (đúng hạn / phải báo cáo)', (x) => x.onTimeRate, PCT],
  ];
  for (const [label, pick, fmt] of lines) {
    r += 1;
    put(ws, r, 2, label, { bold: true });
    rates.forEach((x, i) => put(ws, r, 3 + i, pick(x), { numFmt: fmt, bold: fmt === PCT }));
  }

  fitColumns(ws, [3], 4, [
    { min: 5, max: 6 },
    { min: 24, max: 48 },
    { min: 16, max: 24 },
    { min: 14, max: 26 },
    { min: 18, max: 22 },
    { min: 12, max: 14 },
    { min: 10, max: 10 },
    { min: 20, max: 45 },
  ]);
}

function proposalsSheet(wb: ExcelJS.Workbook, c: Consolidation, regime: Regime, subtitle: string): void {
  const ws = newSheet(wb, SHEET_NAMES.proposals, { rows: 3 });
  titleRows(ws, 4, `KIẾN NGHỊ, ĐỀ XUẤT CỦA CÁC CƠ QUAN, ĐƠN VỊ — ${regimeSubject(regime).toLocaleUpperCase('vi')} NĂM ${c.period}`, subtitle);
  ['STT', 'Tên cơ quan, đơn vị', 'Nhóm', 'Kiến nghị, đề xuất'].forEach((h, i) => headerCell(ws, 3, i + 1, h));
  if (c.proposals.length === 0) {
    ws.mergeCells(4, 1, 4, 4);
    put(ws, 4, 1, 'Không có cơ quan, đơn vị nào nêu kiến nghị, đề xuất.', { italic: true, align: 'center' });
  }
  c.proposals.forEach((p, i) => {
    const r = 4 + i;
    put(ws, r, 1, i + 1, { align: 'center' });
    put(ws, r, 2, p.name);
    put(ws, r, 3, groupLabel(p.group));
    put(ws, r, 4, p.text, { wrap: true });
  });
  fitColumns(ws, [3], 4, [
    { min: 5, max: 6 },
    { min: 24, max: 45 },
    { min: 16, max: 24 },
    { min: 40, max: 90 },
  ]);
}

/** Builds the .xlsx; the bytes differ run to run (zip timestamps), the content does not. */
export async function buildSummaryWorkbook(c: Consolidation, regime: Regime): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Hệ thống báo cáo công tác dân vận chính quyền';
  wb.title = text(`Tổng hợp ${regimeSubject(regime)} năm ${c.period}`);
  wb.created = new Date(c.asOf);
  wb.modified = new Date(c.asOf);

  const due = periodDates(regime, c.period).dueDate.split('-').reverse().join('/');
  const o = c.rates.overall;
  const subtitle = `Số liệu đến ${vietnameseDateTime(new Date(c.asOf), regime.timeZone)} — hạn gửi báo cáo ${due} — đã nhận ${o.reported}/${o.expected} báo cáo (${viPercent(o.reportingRate)}), đúng hạn ${o.onTime} (${viPercent(o.onTimeRate)})`;

  summarySheet(wb, c, regime, subtitle);
  byUnitSheet(wb, c, regime, subtitle);
  complianceSheet(wb, c, regime, subtitle);
  proposalsSheet(wb, c, regime, subtitle);

  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
