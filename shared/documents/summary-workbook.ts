import { periodDates, vietnameseDateTime, wallClockAsUtc } from '../domain/calendar.js';
import { periodLabel, type PeriodKey } from '../domain/periodicity.js';
import {
  indicatorDecimals,
  indicatorSections,
  regimeSubject,
  viPercent,
  xmlSafe,
  type Consolidation,
  type ConsolidatedUnit,
  type UnitText,
} from '../domain/consolidation.js';
import { groupLabel, type Regime, type UnitGroup } from '../domain/regime.js';
import { priorNotes, type PriorFigures } from '../domain/reorganization.js';
import { CONTENT_TYPES } from '../domain/file-type.js';
import { currentForm, fieldAt } from '../domain/report.js';
import { STATUS_LABELS } from '../domain/status.js';
import { summaryCharts } from './summary-charts.js';
import { sheetDrawing } from '../ooxml/chart.js';
import { columnLetter, Worksheet, writeXlsx, type Cell, type CellValue } from '../ooxml/xlsx-write.js';

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
/** In place of the seed's proposals sheet, for a form without them: what units wrote in each long-text field. */
export const TEXTS_SHEET_NAME = 'Ý kiến của đơn vị';

export const XLSX_CONTENT_TYPE = CONTENT_TYPES.xlsx;

const FONT = 'Times New Roman';
const NUM = '#,##0';
const PCT = '0.0%';
const HEADER_FILL = 'FFD9E1F2';
const SECTION_FILL = 'FFF2F2F2';
/** A thin border on all four sides, in the automatic colour. */
const THIN = {};

const text = (s: string) => xmlSafe(s);
/** The number format of an indicator: whole numbers, or as many decimals as its field keeps. */
const numFmt = (decimals = 0) => (decimals > 0 ? `#,##0.${'0'.repeat(decimals)}` : NUM);
const quoteFormula = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A4 landscape fitted to one page wide, header rows repeated on every page, the sheet's name in the footer. */
function newSheet(name: string, frozen: { rows: number; cols?: number }): Worksheet {
  return new Worksheet(name, {
    frozen: { rows: frozen.rows, cols: frozen.cols ?? 0 },
    page: {
      orientation: 'landscape',
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      titleRows: [3, frozen.rows],
      footer: `&C${name} — Trang &P/&N`,
    },
  });
}

/** Title (merged across the sheet, bold) and a subtitle line. */
function titleRows(ws: Worksheet, lastCol: number, title: string, subtitle: string): void {
  ws.merge(1, 1, 1, lastCol);
  ws.merge(2, 1, 2, lastCol);
  const alignment = { horizontal: 'center', vertical: 'center', wrapText: true } as const;
  ws.set(1, 1, text(title), { font: { name: FONT, size: 14, bold: true }, alignment });
  ws.heights.set(1, 36);
  ws.set(2, 1, text(subtitle), { font: { name: FONT, size: 11, italic: true }, alignment });
  ws.heights.set(2, 20);
}

function headerCell(ws: Worksheet, row: number, col: number, value: string): void {
  ws.set(row, col, text(value), {
    font: { name: FONT, size: 11, bold: true },
    fill: HEADER_FILL,
    border: THIN,
    alignment: { horizontal: 'center', vertical: 'center', wrapText: true },
  });
}

interface PutOptions {
  numFmt?: string;
  bold?: boolean;
  italic?: boolean;
  wrap?: boolean;
  align?: 'left' | 'center' | 'right';
  fill?: string;
}

function put(ws: Worksheet, row: number, col: number, value: CellValue, opts: PutOptions = {}): void {
  ws.set(row, col, typeof value === 'string' ? text(value) : value, {
    font: { name: FONT, size: 11, bold: opts.bold ?? false, italic: opts.italic ?? false },
    border: THIN,
    alignment: { vertical: 'top', wrapText: opts.wrap ?? typeof value === 'string', ...(opts.align ? { horizontal: opts.align } : {}) },
    ...(opts.numFmt ? { numFmt: opts.numFmt } : {}),
    ...(opts.fill ? { fill: opts.fill } : {}),
  });
}

/** Displayed width of a cell's value (numbers with separators, percentages, dates). */
function displayLength(cell: Cell): number {
  const v = cell.value;
  if (v === null) return 0;
  if (typeof v === 'number') {
    if (cell.style?.numFmt === PCT) return 6;
    const places = cell.style?.numFmt?.split(';')[0]?.split('.')[1]?.length;
    return Math.round(v).toLocaleString('en-US').length + (places ? places + 1 : 0);
  }
  if (v instanceof Date) return 16;
  if (typeof v === 'object') return Math.round(v.result).toLocaleString('en-US').length;
  return v.split('\n').reduce((m, l) => Math.max(m, l.length), 0);
}

/**
 * Column widths that fit the content from `fromRow` on: the longest value, or the longest word of
 * a wrapped header, clamped to [min, max]; wrapped cells get row heights for their line count.
 */
function fitColumns(ws: Worksheet, headerRows: number[], fromRow: number, limits: { min: number; max: number }[]): void {
  const rows = [...ws.rows].sort(([a], [b]) => a - b);
  limits.forEach((lim, i) => {
    const col = i + 1;
    let width = lim.min;
    for (const [rowNumber, cells] of rows) {
      const cell = cells.get(col);
      if (!cell || cell.value === null) continue;
      if (rowNumber < fromRow && !headerRows.includes(rowNumber)) continue;
      const merge = ws.mergeOf(rowNumber, col);
      if (merge && (merge.top !== rowNumber || merge.left !== col)) continue;
      const len = headerRows.includes(rowNumber)
        ? (typeof cell.value === 'string' ? cell.value : '').split(/\s+/).reduce((m, w) => Math.max(m, w.length), 0)
        : displayLength(cell);
      width = Math.max(width, len + 2);
    }
    ws.widths.set(col, Math.min(width, lim.max));
  });
  for (const [rowNumber, cells] of rows) {
    if (rowNumber < 3) continue;
    let lines = 1;
    for (const [col, cell] of cells) {
      // Merged cells span several columns: their rows get a fixed height where they are made.
      if (typeof cell.value !== 'string' || !cell.style?.alignment?.wrapText || ws.mergeOf(rowNumber, col)) continue;
      const width = (ws.widths.get(col) ?? 10) - 2;
      const n = cell.value.split('\n').reduce((sum, l) => sum + Math.max(1, Math.ceil(l.length / Math.max(width, 1))), 0);
      lines = Math.max(lines, n);
    }
    if (lines > 1) ws.heights.set(rowNumber, Math.min(409, lines * 15 + 3));
  }
}

/** "NĂM 2026", "QUÝ III NĂM 2026": the period in a title row. */
const upperLabel = (regime: Regime, period: PeriodKey) => periodLabel(regime.frequency, period).toLocaleUpperCase('vi');

// ---------------------------------------------------------------------------------------------

/**
 * The totals per group; with `prior` (last year's figures on this year's units), "cùng kỳ năm trước"
 * beside them in F:H — a group none of whose units has last year's figures left blank — the change
 * in I, and a note on how merged units were mapped below the table.
 */
function summarySheet(c: Consolidation, regime: Regime, subtitle: string, prior?: PriorFigures): Worksheet {
  const ws = newSheet(SHEET_NAMES.summary, { rows: 3 });
  const lastCol = prior ? 9 : 5;
  titleRows(ws, lastCol, `TỔNG HỢP ${regimeSubject(regime).toLocaleUpperCase('vi')} ${upperLabel(regime, c.period)}`, subtitle);
  const heads = ['STT', 'Chỉ tiêu', 'Tổng cộng', groupLabel(regime, 'province'), groupLabel(regime, 'district')];
  const past = `Cùng kỳ ${prior ? periodLabel(regime.frequency, prior.period) : ''}`;
  if (prior) heads.push(`${past}: tổng cộng`, `${past}: ${heads[3]}`, `${past}: ${heads[4]}`, 'Tăng (+), giảm (-) so với cùng kỳ');
  heads.forEach((h, i) => headerCell(ws, 3, i + 1, h));
  ws.heights.set(3, 32);
  const from = (g?: UnitGroup) => prior?.units.reduce((n, u) => n + (!g || u.group === g ? u.from.length : 0), 0) ?? 0;
  const pastCells = (r: number, now: number, was: { total: number; province: number; district: number }, italic = false, fmt = NUM) => {
    if (!prior) return;
    [was.total, from('province') ? was.province : null, from('district') ? was.district : null].forEach((v, i) =>
      put(ws, r, 6 + i, v, { numFmt: fmt, italic }),
    );
    put(ws, r, 9, { formula: `C${r}-F${r}`, result: now - was.total }, { numFmt: `+${fmt};-${fmt};0`, italic });
  };

  let r = 4;
  put(ws, r, 1, null);
  put(ws, r, 2, 'Số cơ quan, đơn vị có số liệu được tổng hợp', { italic: true });
  put(ws, r, 3, c.countedReports.total, { numFmt: NUM, italic: true });
  put(ws, r, 4, c.countedReports.province, { numFmt: NUM, italic: true });
  put(ws, r, 5, c.countedReports.district, { numFmt: NUM, italic: true });
  pastCells(r, c.countedReports.total, { total: from(), province: from('province'), district: from('district') }, true);
  r += 1;
  const form = currentForm(regime);
  const decimals = indicatorDecimals(form);
  for (const section of indicatorSections(c, form)) {
    ws.merge(r, 1, r, lastCol);
    put(ws, r, 1, section.label, { bold: true, wrap: false, fill: SECTION_FILL });
    r += 1;
    section.indicators.forEach((ind, i) => {
      const fmt = numFmt(decimals.get(ind.path));
      put(ws, r, 1, i + 1, { align: 'center' });
      put(ws, r, 2, ind.label, { wrap: true });
      put(ws, r, 3, ind.total, { numFmt: fmt, bold: true });
      put(ws, r, 4, ind.province, { numFmt: fmt });
      put(ws, r, 5, ind.district, { numFmt: fmt });
      pastCells(r, ind.total, prior?.totals[ind.path] ?? ind, false, fmt);
      r += 1;
    });
  }
  if (prior) {
    const notes = priorNotes(regime, prior);
    ws.merge(r, 1, r, lastCol);
    put(ws, r, 1, notes.join('\n'), { italic: true });
    ws.heights.set(r, notes.length * 16 + 4);
  }
  const limits = [
    { min: 5, max: 6 },
    { min: 30, max: 70 },
    { min: 12, max: 18 },
    { min: 16, max: 22 },
    { min: 16, max: 22 },
  ];
  if (prior) limits.push(limits[3]!, limits[3]!, limits[3]!, { min: 14, max: 16 });
  fitColumns(ws, [3], 4, limits);
  return ws;
}

function byUnitSheet(c: Consolidation, regime: Regime, subtitle: string): Worksheet {
  const ws = newSheet(SHEET_NAMES.byUnit, { rows: 4, cols: 2 });
  const first = 5; // first indicator column
  const lastCol = first + c.indicators.length - 1;
  titleRows(
    ws,
    lastCol,
    `${regimeSubject(regime).toLocaleUpperCase('vi')} ${upperLabel(regime, c.period)} — SỐ LIỆU THEO TỪNG CƠ QUAN, ĐƠN VỊ`,
    subtitle,
  );

  ['STT', 'Tên cơ quan, đơn vị', 'Nhóm', 'Tình trạng báo cáo'].forEach((h, i) => {
    ws.merge(3, i + 1, 4, i + 1);
    headerCell(ws, 3, i + 1, h);
  });
  const form = currentForm(regime);
  const decimals = indicatorDecimals(form);
  const fmts = c.indicators.map((ind) => numFmt(decimals.get(ind.path)));
  let col = first;
  for (const section of indicatorSections(c, form)) {
    const inds = section.indicators;
    if (inds.length > 1) ws.merge(3, col, 3, col + inds.length - 1);
    headerCell(ws, 3, col, section.label);
    inds.forEach((ind, i) => headerCell(ws, 4, col + i, ind.label));
    col += inds.length;
  }
  ws.heights.set(3, 45);

  const firstData = 5;
  c.units.forEach((u, i) => {
    const r = firstData + i;
    const muted = !u.counted;
    put(ws, r, 1, i + 1, { align: 'center' });
    put(ws, r, 2, u.name, { italic: muted });
    put(ws, r, 3, groupLabel(regime, u.group), { italic: muted });
    put(ws, r, 4, STATUS_LABELS[u.status], { italic: muted });
    c.indicators.forEach((ind, j) => put(ws, r, first + j, u.values[ind.path] ?? null, { numFmt: fmts[j] }));
  });
  const lastData = firstData + c.units.length - 1;

  // Totals with live formulas (so edits by Sở Nội vụ recalculate) and cached results equal to the totals.
  const totalRow = lastData + 1;
  const subRows: [UnitGroup, number][] = [
    ['province', totalRow + 1],
    ['district', totalRow + 2],
  ];
  ws.merge(totalRow, 1, totalRow, 4);
  put(ws, totalRow, 1, 'Tổng cộng', { bold: true, align: 'center' });
  for (const [g, r] of subRows) {
    ws.merge(r, 1, r, 4);
    put(ws, r, 1, `Trong đó: ${groupLabel(regime, g)}`, { italic: true });
  }
  c.indicators.forEach((ind, j) => {
    const letter = columnLetter(first + j);
    const range = `${letter}${firstData}:${letter}${lastData}`;
    const groupRange = `$C$${firstData}:$C$${lastData}`;
    const empty = c.units.length === 0;
    put(ws, totalRow, first + j, empty ? 0 : { formula: `SUM(${range})`, result: ind.total }, { numFmt: fmts[j], bold: true });
    for (const [g, r] of subRows) {
      const value = ind[g];
      put(
        ws,
        r,
        first + j,
        empty ? 0 : { formula: `SUMIF(${groupRange},${quoteFormula(groupLabel(regime, g))},${range})`, result: value },
        {
          numFmt: fmts[j],
          italic: true,
        },
      );
    }
  });

  fitColumns(ws, [4], firstData, [
    { min: 5, max: 6 },
    { min: 24, max: 45 },
    { min: 16, max: 24 },
    { min: 14, max: 22 },
    ...c.indicators.map(() => ({ min: 12, max: 18 })),
  ]);
  return ws;
}

function complianceSheet(c: Consolidation, regime: Regime, subtitle: string) {
  const ws = newSheet(SHEET_NAMES.compliance, { rows: 3 });
  titleRows(ws, 8, `TÌNH HÌNH GỬI BÁO CÁO ${regimeSubject(regime).toLocaleUpperCase('vi')} ${upperLabel(regime, c.period)}`, subtitle);
  [
    'STT',
    'Tên cơ quan, đơn vị',
    'Nhóm',
    'Tình trạng',
    'Thời điểm gửi báo cáo hợp lệ (giờ địa phương)',
    'Đúng hạn / Trễ hạn',
    'Số lần gửi',
    'Email liên hệ',
  ].forEach((h, i) => headerCell(ws, 3, i + 1, h));
  ws.heights.set(3, 32);

  const onTimeLabel = (u: ConsolidatedUnit) => (u.onTime === true ? 'Đúng hạn' : u.onTime === false ? 'Trễ hạn' : '');
  c.units.forEach((u, i) => {
    const r = 4 + i;
    put(ws, r, 1, i + 1, { align: 'center' });
    put(ws, r, 2, u.name);
    put(ws, r, 3, groupLabel(regime, u.group));
    put(ws, r, 4, STATUS_LABELS[u.status]);
    put(ws, r, 5, u.submittedAt ? wallClockAsUtc(new Date(u.submittedAt), regime.timeZone) : null, {
      numFmt: 'dd/mm/yyyy hh:mm',
      align: 'center',
    });
    put(ws, r, 6, onTimeLabel(u), { align: 'center' });
    put(ws, r, 7, u.versions, { numFmt: NUM, align: 'center' });
    put(ws, r, 8, u.email, { wrap: false });
  });

  // The rates block below the table: counts and DHIS2 rates, overall and per group.
  let r = 4 + c.units.length + 1;
  const head = r;
  ['Chỉ tiêu', 'Toàn tỉnh', groupLabel(regime, 'province'), groupLabel(regime, 'district')].forEach((h, i) => headerCell(ws, r, i + 2, h));
  ws.heights.set(r, 32);
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

  // The reports received per day (B:D) below the rates, and the two charts beside it.
  const charts = summaryCharts(c, regime, { sheet: SHEET_NAMES.compliance, rates: head, days: r + 3 });
  charts.heads.forEach((h, i) => headerCell(ws, r + 2, i + 2, h));
  charts.days.forEach((d, i) => {
    put(ws, r + 3 + i, 2, d.label, { align: 'center' });
    put(ws, r + 3 + i, 3 + Number(d.late), d.count, { numFmt: NUM });
    put(ws, r + 3 + i, 4 - Number(d.late), null);
  });
  ws.drawing = '../drawings/drawing3.xml';
  const parts = sheetDrawing(
    3,
    charts.charts.map((ch, i) => ({ ...ch, from: [r + 2 + 20 * i, 5] as const, to: [r + 21 + 20 * i, 9] as const })),
  );

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
  return { ws, parts };
}

/**
 * The units' own words, one row per unit that wrote any, one column per text: the seed's proposals
 * ("Kiến nghị"), or another form's long-text fields side by side.
 */
function textsSheet(
  c: Consolidation,
  regime: Regime,
  name: string,
  title: string,
  subtitle: string,
  texts: readonly { label: string; items: readonly UnitText[] }[],
  none: string,
  width: { min: number; max: number },
): Worksheet {
  const ws = newSheet(name, { rows: 3 });
  const lastCol = 3 + texts.length;
  titleRows(ws, lastCol, title, subtitle);
  ['STT', 'Tên cơ quan, đơn vị', 'Nhóm', ...texts.map((t) => t.label)].forEach((h, i) => headerCell(ws, 3, i + 1, h));
  const byUnit = new Map<string, string[]>();
  texts.forEach((t, j) => t.items.forEach((it) => ((byUnit.get(it.unitId) ?? byUnit.set(it.unitId, []).get(it.unitId)!)[j] = it.text)));
  const units = c.units.filter((u) => byUnit.has(u.unitId));
  if (units.length === 0) {
    ws.merge(4, 1, 4, lastCol);
    put(ws, 4, 1, none, { italic: true, align: 'center' });
  }
  units.forEach((u, i) => {
    const r = 4 + i;
    put(ws, r, 1, i + 1, { align: 'center' });
    put(ws, r, 2, u.name);
    put(ws, r, 3, groupLabel(regime, u.group));
    texts.forEach((_, j) => put(ws, r, 4 + j, byUnit.get(u.unitId)?.[j] ?? '', { wrap: true }));
  });
  fitColumns(ws, [3], 4, [{ min: 5, max: 6 }, { min: 24, max: 45 }, { min: 16, max: 24 }, ...texts.map(() => width)]);
  return ws;
}

/** Builds the .xlsx; the same consolidation gives the same bytes. */
export async function buildSummaryWorkbook(c: Consolidation, regime: Regime, prior?: PriorFigures): Promise<Uint8Array> {
  const due = periodDates(regime, c.period).dueDate.split('-').reverse().join('/');
  const o = c.rates.overall;
  const subtitle = `Số liệu đến ${vietnameseDateTime(new Date(c.asOf), regime.timeZone)} — hạn gửi báo cáo ${due} — đã nhận ${o.reported}/${o.expected} báo cáo (${viPercent(o.reportingRate)}), đúng hạn ${o.onTime} (${viPercent(o.onTimeRate)})`;

  const compliance = complianceSheet(c, regime, subtitle);
  const subject = regimeSubject(regime).toLocaleUpperCase('vi');
  return writeXlsx({
    // The third sheet: its drawing is drawing3.
    sheets: [
      summarySheet(c, regime, subtitle, prior),
      byUnitSheet(c, regime, subtitle),
      compliance.ws,
      // The seed's form has its proposals; another form gets its long-text fields (none: no fourth sheet).
      ...(fieldAt(currentForm(regime), 'narrative.proposals')
        ? [
            textsSheet(
              c,
              regime,
              SHEET_NAMES.proposals,
              `KIẾN NGHỊ, ĐỀ XUẤT CỦA CÁC CƠ QUAN, ĐƠN VỊ — ${subject} ${upperLabel(regime, c.period)}`,
              subtitle,
              [{ label: 'Kiến nghị, đề xuất', items: c.proposals }],
              'Không có cơ quan, đơn vị nào nêu kiến nghị, đề xuất.',
              { min: 40, max: 90 },
            ),
          ]
        : c.texts.length > 0
          ? [
              textsSheet(
                c,
                regime,
                TEXTS_SHEET_NAME,
                `Ý KIẾN CỦA CÁC CƠ QUAN, ĐƠN VỊ — ${subject} ${upperLabel(regime, c.period)}`,
                subtitle,
                c.texts,
                'Không có cơ quan, đơn vị nào nêu ý kiến.',
                { min: 30, max: 60 },
              ),
            ]
          : []),
    ],
    parts: compliance.parts,
    creator: 'Hệ thống báo cáo công tác dân vận chính quyền',
    title: text(`Tổng hợp ${regimeSubject(regime)} ${periodLabel(regime.frequency, c.period)}`),
    created: new Date(c.asOf),
  });
}
