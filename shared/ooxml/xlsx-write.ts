import { XML_DECLARATION, attrs, esc } from './xml.js';
import { REL_NS, packageZip, relsXml, type Part } from './package.js';

/**
 * A minimal SpreadsheetML (.xlsx) writer: sheets of styled cells (shared strings, numbers, dates,
 * formulas with cached results), column widths, row heights, merged cells, frozen panes, data
 * validations, sheet protection and an A4 print setup. It replaces exceljs (~900 KB bundled with
 * its dependencies) in the template and summary functions, which must stay within 1.3× their floor
 * bundle (issue 7), and writes only what shared/xlsx/template.ts and
 * shared/documents/summary-workbook.ts use.
 *
 * Excel validates element ORDER inside a worksheet (ECMA-376 Part 1, §18.3.1.99 CT_Worksheet) and
 * inside styles (§18.8.39): `sheetXml` and `stylesXml` emit their children in schema order.
 * Rows and columns are 1-based, as Excel numbers them.
 */

export interface Formula {
  /** Without the leading "=", e.g. "SUM(E5:E9)". */
  formula: string;
  /** The cached result Excel shows until it recalculates (and what readers that do not calculate see). */
  result: number;
}
/** A Date is written as an Excel serial day number; give the cell a date `numFmt` to show it as one. */
export type CellValue = string | number | Date | Formula | null;

export interface Font {
  /** Calibri when not given, the workbook's default font. */
  name?: string;
  /** Points; 11 when not given. */
  size?: number;
  bold?: boolean;
  italic?: boolean;
  /** ARGB, e.g. "FF1F4E79". */
  color?: string;
}

export interface Alignment {
  horizontal?: 'left' | 'center' | 'right';
  vertical?: 'top' | 'center';
  wrapText?: boolean;
}

export interface CellStyle {
  font?: Font;
  /** A solid fill, ARGB. */
  fill?: string;
  /** A thin border on all four sides, in the given ARGB colour or the automatic one. */
  border?: { color?: string };
  alignment?: Alignment;
  /** A number format code, e.g. "#,##0" or "dd/mm/yyyy"; General when not given. */
  numFmt?: string;
  /** `false`: the cell stays editable when its sheet is protected (Excel locks every cell by default). */
  locked?: false;
}

export interface Cell {
  value: CellValue;
  style?: CellStyle;
}

/** A rule Excel enforces on typing: the message box always stops the entry (errorStyle "stop"). */
export interface DataValidation {
  type: 'list' | 'whole' | 'decimal' | 'date' | 'textLength';
  /** "between" when not given: `formulae` holds the two bounds. */
  operator?: 'between' | 'lessThanOrEqual';
  /** Formulas without "=": numbers, a quoted comma-separated list, or a range such as meta!$E$2:$E$31. */
  formulae: readonly (string | number)[];
  allowBlank: boolean;
  error: { title: string; message: string };
  /** Shown when the cell is selected. */
  prompt?: { title: string; message: string };
}

export interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** A4, scaled to fit one page wide (as many pages tall as needed). */
export interface PageSetup {
  orientation: 'portrait' | 'landscape';
  /** Inches; Excel's "Normal" margins when not given. */
  margins?: { left: number; right: number; top: number; bottom: number; header: number; footer: number };
  horizontalCentered?: boolean;
  /** First and last row repeated at the top of every printed page. */
  titleRows?: readonly [first: number, last: number];
  /** Footer with Excel's codes, e.g. "&CTrang &P/&N". */
  footer?: string;
}

export interface SheetOptions {
  /** "veryHidden": not listed by Excel's Unhide dialog either. */
  state?: 'visible' | 'veryHidden';
  showGridLines?: boolean;
  /** Rows above and columns left of the split stay in view when scrolling. */
  frozen?: { rows: number; cols: number };
  page?: PageSetup;
  /** Protected without a password: only cells styled `locked: false` can be edited. */
  protect?: boolean;
}

const NORMAL_MARGINS = { left: 0.7, right: 0.7, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 };

/** One sheet being built: cells are created on first access and styled by the caller. */
export class Worksheet {
  /** Row → column → cell. */
  readonly rows = new Map<number, Map<number, Cell>>();
  /** Column → width in characters. */
  readonly widths = new Map<number, number>();
  readonly hiddenColumns = new Set<number>();
  /** Row → height in points. */
  readonly heights = new Map<number, number>();
  readonly merges: Range[] = [];
  /** The sheet's drawing part, relative to the sheet (e.g. "../drawings/drawing5.xml"), itself among Workbook.parts. */
  drawing?: string;

  constructor(
    readonly name: string,
    readonly options: SheetOptions = {},
  ) {}

  /** The cell at (row, col), created empty when it does not exist yet. */
  cell(row: number, col: number): Cell {
    let cells = this.rows.get(row);
    if (!cells) this.rows.set(row, (cells = new Map<number, Cell>()));
    let c = cells.get(col);
    if (!c) cells.set(col, (c = { value: null }));
    return c;
  }

  /** Sets the cell's value and, when given, its style. */
  set(row: number, col: number, value: CellValue, style?: CellStyle): Cell {
    const c = this.cell(row, col);
    c.value = value;
    if (style) c.style = style;
    return c;
  }

  /** Merges the range; its cells other than the top-left one take the top-left one's style when written. */
  merge(top: number, left: number, bottom: number, right: number): void {
    this.merges.push({ top, left, bottom, right });
  }

  /** The merged range the cell belongs to, if any. */
  mergeOf(row: number, col: number): Range | undefined {
    return this.merges.find((m) => row >= m.top && row <= m.bottom && col >= m.left && col <= m.right);
  }

  /** XML written after the merged cells, where data validations go (ValidatedWorksheet, xlsx-validations.ts). */
  afterMerges(): string {
    return '';
  }
}

export interface Workbook {
  sheets: readonly Worksheet[];
  /** Document properties (File > Info). Without `created`, none is written and the bytes depend on the content only. */
  creator?: string;
  title?: string;
  created?: Date;
  /** More parts, e.g. drawings and charts (shared/ooxml/chart.ts sheetDrawing): name, content type ('' for a .rels part), XML. */
  parts?: readonly (readonly [name: string, type: string, xml: string])[];
}

/** 1 → "A", 27 → "AA". */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const ref = (row: number, col: number) => `${columnLetter(col)}${row}`;
const rangeRef = (r: Range) => `${ref(r.top, r.left)}:${ref(r.bottom, r.right)}`;

/** Excel's serial day number (1900 date system) of an instant: 25569 is 1970-01-01. */
export function serialDate(d: Date): number {
  return d.getTime() / 86_400_000 + 25569;
}

/** Packs the workbook into .xlsx bytes. */
export function writeXlsx(wb: Workbook): Uint8Array {
  if (!wb.sheets.length) throw new Error('A workbook needs at least one sheet');
  const strings = new Interner();
  const styles = new StyleRegistry();
  const sheets = wb.sheets.map((ws) => sheetXml(ws, strings, styles));
  const sheetPart = (i: number) => `xl/worksheets/sheet${i + 1}.xml`;
  return packageZip(
    [
      ['xl/workbook.xml', `${CT}.sheet.main+xml`, workbookXml(wb.sheets)],
      [
        'xl/_rels/workbook.xml.rels',
        '',
        relationships([
          ...wb.sheets.map((_, i) => ['worksheet', `worksheets/sheet${i + 1}.xml`] as const),
          ['styles', 'styles.xml'],
          ['sharedStrings', 'sharedStrings.xml'],
        ]),
      ],
      ['xl/styles.xml', `${CT}.styles+xml`, styles.xml()],
      ['xl/sharedStrings.xml', `${CT}.sharedStrings+xml`, sharedStringsXml(strings.items)],
      ...sheets.map((xml, i): Part => [sheetPart(i), `${CT}.worksheet+xml`, xml]),
      ...wb.sheets.flatMap((ws, i): Part[] =>
        ws.drawing ? [[`xl/worksheets/_rels/sheet${i + 1}.xml.rels`, '', relationships([['drawing', ws.drawing]])]] : [],
      ),
      ...(wb.parts ?? []),
    ],
    wb,
  );
}

// ---------------------------------------------------------------------------------------------
// Package parts.

// Plain literals (see package.ts): ingest imports this module through shared/xlsx/template.ts.
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Relationship types are short names under the officeDocument namespace. */
const relationships = (rels: readonly (readonly [type: string, target: string])[]) =>
  relsXml(rels.map(([type, target], i) => [`rId${i + 1}`, `${REL_NS}/${type}`, target]));

/** Sheet names are quoted in references, with any apostrophe doubled. */
const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

function workbookXml(sheets: readonly Worksheet[]): string {
  const entries = sheets.map(
    (ws, i) =>
      `<sheet${attrs({ name: ws.name, sheetId: i + 1, state: ws.options.state === 'veryHidden' ? 'veryHidden' : undefined, 'r:id': `rId${i + 1}` })}/>`,
  );
  const titles = sheets.flatMap((ws, i) => {
    const rows = ws.options.page?.titleRows;
    if (!rows) return [];
    return [
      `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${esc(`${quoteSheet(ws.name)}!$${rows[0]}:$${rows[1]}`)}</definedName>`,
    ];
  });
  return (
    `${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>${entries.join('')}</sheets>` +
    (titles.length ? `<definedNames>${titles.join('')}</definedNames>` : '') +
    '</workbook>'
  );
}

/** Text is stored once in the shared string table; cells hold its index. */
class Interner {
  readonly items: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.items.push(s) - 1;
      this.index.set(s, i);
    }
    return i;
  }
}

/** Leading/trailing spaces and line breaks survive only with xml:space="preserve". */
const textElement = (s: string) => (/^\s|\s$|\n/.test(s) ? `<t xml:space="preserve">${esc(s)}</t>` : `<t>${esc(s)}</t>`);

function sharedStringsXml(items: readonly string[]): string {
  return `${XML_DECLARATION}<sst xmlns="${MAIN_NS}" count="${items.length}" uniqueCount="${items.length}">${items.map((s) => `<si>${textElement(s)}</si>`).join('')}</sst>`;
}

// ---------------------------------------------------------------------------------------------
// Worksheets.

function sheetXml(ws: Worksheet, strings: Interner, styles: StyleRegistry): string {
  const o = ws.options;
  const rows = withMergedStyles(ws);
  const rowNumbers = [...new Set([...rows.keys(), ...ws.heights.keys()])].sort((a, b) => a - b);
  let maxCol = 1;
  const body = rowNumbers.map((r) => {
    const cells = [...(rows.get(r) ?? new Map<number, Cell>())].sort(([a], [b]) => a - b);
    maxCol = Math.max(maxCol, cells.at(-1)?.[0] ?? 1);
    const height = ws.heights.get(r);
    return `<row${attrs({ r, ht: height, customHeight: height !== undefined })}>${cells.map(([c, cell]) => cellXml(ref(r, c), cell, strings, styles)).join('')}</row>`;
  });
  const lastRow = rowNumbers.at(-1) ?? 1;

  return (
    `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    (o.page ? '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' : '') +
    `<dimension ref="A1:${ref(lastRow, maxCol)}"/>` +
    `<sheetViews><sheetView${attrs({ showGridLines: o.showGridLines === false ? '0' : undefined, workbookViewId: 0 })}>${o.frozen ? paneXml(o.frozen) : ''}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    colsXml(ws) +
    `<sheetData>${body.join('')}</sheetData>` +
    (o.protect ? '<sheetProtection sheet="1"/>' : '') +
    (ws.merges.length
      ? `<mergeCells count="${ws.merges.length}">${ws.merges.map((m) => `<mergeCell ref="${rangeRef(m)}"/>`).join('')}</mergeCells>`
      : '') +
    ws.afterMerges() +
    (o.page ? pageXml(o.page) : '') +
    (ws.drawing ? '<drawing r:id="rId1"/>' : '') +
    '</worksheet>'
  );
}

/** Excel draws a merged range with each covered cell's own style (borders, fill): they get the top-left one's. */
function withMergedStyles(ws: Worksheet): Map<number, Map<number, Cell>> {
  const rows = new Map([...ws.rows].map(([r, cells]) => [r, new Map(cells)]));
  for (const m of ws.merges) {
    const style = ws.rows.get(m.top)?.get(m.left)?.style;
    for (let r = m.top; r <= m.bottom; r += 1) {
      let cells = rows.get(r);
      if (!cells) rows.set(r, (cells = new Map<number, Cell>()));
      for (let c = m.left; c <= m.right; c += 1)
        if (r !== m.top || c !== m.left) cells.set(c, style ? { value: null, style } : { value: null });
    }
  }
  return rows;
}

function cellXml(at: string, cell: Cell, strings: Interner, styles: StyleRegistry): string {
  const s = cell.style ? styles.id(cell.style) : 0;
  const head = `<c r="${at}"${s ? ` s="${s}"` : ''}`;
  const v = cell.value;
  if (v === null) return s ? `${head}/>` : '';
  if (typeof v === 'string') return `${head} t="s"><v>${strings.id(v)}</v></c>`;
  if (typeof v === 'number') return `${head}><v>${finite(v)}</v></c>`;
  if (v instanceof Date) return `${head}><v>${finite(serialDate(v))}</v></c>`;
  return `${head}><f>${esc(v.formula)}</f><v>${finite(v.result)}</v></c>`;
}

/** NaN or Infinity in a <v> makes Excel call the file corrupt: refuse it here instead. */
function finite(n: number): number {
  if (!Number.isFinite(n)) throw new Error(`Cannot write ${n} to a cell`);
  return n;
}

function paneXml({ rows, cols }: { rows: number; cols: number }): string {
  const pane = rows && cols ? 'bottomRight' : rows ? 'bottomLeft' : 'topRight';
  return (
    `<pane${attrs({ xSplit: cols || undefined, ySplit: rows || undefined, topLeftCell: ref(rows + 1, cols + 1), activePane: pane, state: 'frozen' })}/>` +
    `<selection pane="${pane}"/>`
  );
}

function colsXml(ws: Worksheet): string {
  const cols = [...new Set([...ws.widths.keys(), ...ws.hiddenColumns])].sort((a, b) => a - b);
  if (!cols.length) return '';
  const items = cols.map((c) => {
    const width = ws.widths.get(c);
    return `<col${attrs({ min: c, max: c, width: width ?? 9.140625, hidden: ws.hiddenColumns.has(c), customWidth: width !== undefined })}/>`;
  });
  return `<cols>${items.join('')}</cols>`;
}

function pageXml(p: PageSetup): string {
  const m = p.margins ?? NORMAL_MARGINS;
  return (
    (p.horizontalCentered ? '<printOptions horizontalCentered="1"/>' : '') +
    `<pageMargins${attrs(m)}/>` +
    `<pageSetup paperSize="9" orientation="${p.orientation}" fitToWidth="1" fitToHeight="0"/>` +
    (p.footer === undefined ? '' : `<headerFooter><oddFooter>${esc(p.footer)}</oddFooter></headerFooter>`)
  );
}

// ---------------------------------------------------------------------------------------------
// Styles: every distinct cell style becomes one cellXfs entry, its font, fill, border and number
// format each stored once.

/** Number formats Excel has built in, by id; any other code gets an id from 164 on. */
const BUILTIN_FORMATS: Readonly<Record<string, number>> = { '#,##0': 3, '@': 49 };
const DEFAULT_FONT = '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>';

class StyleRegistry {
  private readonly fonts = [DEFAULT_FONT];
  /** The first two fills are reserved by Excel: none and gray125. */
  private readonly fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>'];
  private readonly borders = ['<border><left/><right/><top/><bottom/><diagonal/></border>'];
  private readonly formats: string[] = [];
  private readonly xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];

  /** The cellXfs index of the style. */
  id(style: CellStyle): number {
    const numFmtId = style.numFmt === undefined ? 0 : (BUILTIN_FORMATS[style.numFmt] ?? 164 + intern(this.formats, style.numFmt));
    const fontId = style.font ? intern(this.fonts, fontXml(style.font)) : 0;
    const fillId = style.fill
      ? intern(this.fills, `<fill><patternFill patternType="solid"><fgColor rgb="${esc(style.fill)}"/></patternFill></fill>`)
      : 0;
    const borderId = style.border ? intern(this.borders, borderXml(style.border.color)) : 0;
    const al = style.alignment;
    const alignment = al ? `<alignment${attrs({ horizontal: al.horizontal, vertical: al.vertical, wrapText: al.wrapText })}/>` : '';
    const protection = style.locked === false ? '<protection locked="0"/>' : '';
    const a = attrs({
      numFmtId,
      fontId,
      fillId,
      borderId,
      xfId: 0,
      applyNumberFormat: numFmtId > 0,
      applyFont: fontId > 0,
      applyFill: fillId > 0,
      applyBorder: borderId > 0,
      applyAlignment: alignment !== '',
      applyProtection: protection !== '',
    });
    return intern(this.xfs, `<xf${a}>${alignment}${protection}</xf>`);
  }

  xml(): string {
    const list = (tag: string, items: readonly string[]) => `<${tag} count="${items.length}">${items.join('')}</${tag}>`;
    const numFmts = this.formats.map((code, i) => `<numFmt numFmtId="${164 + i}" formatCode="${esc(code)}"/>`);
    return (
      `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}">` +
      (numFmts.length ? list('numFmts', numFmts) : '') +
      list('fonts', this.fonts) +
      list('fills', this.fills) +
      list('borders', this.borders) +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      list('cellXfs', this.xfs) +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }
}

/** The index of `item` in `list`, appended when new. */
function intern(list: string[], item: string): number {
  const i = list.indexOf(item);
  return i >= 0 ? i : list.push(item) - 1;
}

function fontXml(f: Font): string {
  return (
    '<font>' +
    (f.bold ? '<b/>' : '') +
    (f.italic ? '<i/>' : '') +
    `<sz val="${f.size ?? 11}"/>` +
    (f.color ? `<color rgb="${esc(f.color)}"/>` : '') +
    `<name val="${esc(f.name ?? 'Calibri')}"/>` +
    '</font>'
  );
}

function borderXml(color: string | undefined): string {
  const side = (tag: string) => (color ? `<${tag} style="thin"><color rgb="${esc(color)}"/></${tag}>` : `<${tag} style="thin"/>`);
  return `<border>${side('left')}${side('right')}${side('top')}${side('bottom')}<diagonal/></border>`;
}
