import { unesc } from './xml.js';

/**
 * Reads cell values out of an .xlsx package whose parts the zip guard has already inflated and
 * checked (no DTDs, bounded element count and sheet size): the sheet list from xl/workbook.xml and
 * its relationships, the shared strings (rich-text runs joined), the date formats from the styles,
 * and every worksheet's cells. It replaces exceljs in the ingest function (issue 7: ≤ 1.3× its
 * floor bundle) and reads only values — no styles beyond "is this number a date", no formulas
 * beyond their cached results.
 *
 * The XML is walked by a scanner that is linear in its input whatever the input holds, and that
 * accepts any namespace prefix (Excel, LibreOffice, exceljs and the OpenXML SDK all write the
 * parts a little differently).
 */

/** A cell's value: text (rich text joined; an error cell gives its code, e.g. "#N/A"), number, boolean, or a date for numbers in a date format. */
export type XlsxValue = string | number | boolean | Date;

export interface XlsxSheet {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Row → column → value (1-based); blank cells are absent. */
  rows: ReadonlyMap<number, ReadonlyMap<number, XlsxValue>>;
  /** The highest row and column the sheet's XML addresses, blank cells included. */
  rowCount: number;
  columnCount: number;
}

/** A malformed or incomplete package: the caller turns it into its own rejection. */
export class XlsxReadError extends Error {
  override name = 'XlsxReadError';
}

/** Counts the characters the scanner looks at: tests prove with it that reading is linear in the input. */
export interface ScanMeter {
  steps: number;
}

/** The parts readXlsx reads, found exactly as it finds them. */
export interface XlsxPartPlan {
  /** Every part it reads: the workbook, its relationships, shared strings, styles, the sheets. */
  parts: string[];
  /** The worksheet parts among them (a part named by several sheets is listed once). */
  sheets: string[];
}

/** The sheets, in workbook order. `parts` maps part names (e.g. "xl/workbook.xml") to their bytes. */
export function readXlsx(parts: ReadonlyMap<string, Uint8Array>, meter?: ScanMeter): XlsxSheet[] {
  const text = partText(parts);
  const plan = readPlan(text, meter);
  const strings = plan.sharedPart ? readSharedStrings(text(plan.sharedPart) ?? '', meter) : [];
  const dates = plan.stylesPart ? readDateStyles(text(plan.stylesPart) ?? '', meter) : [];
  const context: CellContext = { strings, dates, date1904: plan.date1904 };

  // Many sheets may name one part: it is read once, so the work stays that of the parts' bytes.
  const read = new Map<string, ReturnType<typeof readCells>>();
  return plan.sheets.map((s) => {
    const xml = s.target === undefined ? undefined : text(s.target);
    if (s.target === undefined || xml === undefined) throw new XlsxReadError(`sheet "${s.name}" has no part`);
    let cells = read.get(s.target);
    if (!cells) read.set(s.target, (cells = readCells(xml, context, meter)));
    return { name: s.name, state: s.state, ...cells };
  });
}

/**
 * Which parts readXlsx would read, for the zip guard to check every one of them (whatever their
 * names) before the reader runs. Reads the workbook and its relationships only.
 */
export function xlsxPartPlan(parts: ReadonlyMap<string, Uint8Array>, meter?: ScanMeter): XlsxPartPlan {
  const plan = readPlan(partText(parts), meter);
  const sheets = [...new Set(plan.sheets.flatMap((s) => (s.target === undefined ? [] : [s.target])))];
  const optional = [WORKBOOK_RELS, plan.sharedPart, plan.stylesPart].filter((p): p is string => p !== undefined && parts.has(p));
  return { parts: [...new Set([WORKBOOK, ...optional, ...sheets])], sheets };
}

/**
 * The highest row and column a worksheet part addresses, walked exactly as readXlsx walks it but
 * keeping no values: the zip guard bounds a sheet with it before anything is allocated per cell.
 */
export function sheetExtent(xml: string, meter?: ScanMeter): { rowCount: number; columnCount: number } {
  const { rowCount, columnCount } = readCells(xml, undefined, meter);
  return { rowCount, columnCount };
}

const partText = (parts: ReadonlyMap<string, Uint8Array>) => (name: string) => {
  const data = parts.get(name);
  return data === undefined ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
};

interface Plan {
  date1904: boolean;
  sheets: Array<SheetEntry & { target: string | undefined }>;
  sharedPart: string | undefined;
  stylesPart: string | undefined;
}

function readPlan(text: (name: string) => string | undefined, meter: ScanMeter | undefined): Plan {
  const workbook = text(WORKBOOK);
  if (workbook === undefined) throw new XlsxReadError(`missing ${WORKBOOK}`);
  const book = readWorkbook(workbook, meter);
  const rels = readRelationships(text(WORKBOOK_RELS) ?? '', 'xl/', meter);
  const byType = (type: string) => [...rels.values()].find((r) => r.type === type)?.target;
  return {
    date1904: book.date1904,
    sheets: book.sheets.map((s) => ({ ...s, target: rels.get(s.rid)?.target })),
    sharedPart: byType('sharedStrings'),
    stylesPart: byType('styles'),
  };
}

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

// ---------------------------------------------------------------------------------------------
// The scanner.

interface Tag {
  /** Local name, without its namespace prefix. */
  name: string;
  /** The raw text between the "<" and the closing ">" ("/>"), for `attributesOf`. */
  raw: string;
  /** Where the name ends in `raw`: attributes start there. */
  nameEnd: number;
  kind: 'open' | 'close' | 'empty';
}

const DQ = 0x22;
const SQ = 0x27;
const GT = 0x3e;
/** XML names as this reader knows them: [A-Za-z0-9_.-] (the old \w.-), plus ':' between prefix and local name. */
const isNameChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Calls `onTag` for each element tag and `onText` (when given) for each run of character data
 * (entities decoded), in document order. Comments, processing instructions and declarations are
 * skipped; CDATA is text.
 *
 * Hand-written rather than regular expressions: every character is looked at a bounded number of
 * times whatever the input holds (an unterminated tag, quote or attribute list ends the scan with
 * an error after one look), which `meter` counts for the tests.
 */
function scan(xml: string, onTag: (t: Tag) => void, onText: ((text: string) => void) | undefined, meter: ScanMeter | undefined): void {
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (meter) meter.steps += textEnd - i + 1;
    if (textEnd > i && onText) onText(unesc(xml.slice(i, textEnd), meter));
    if (lt < 0) return;
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = closing(xml, ']]>', lt, meter);
      onText?.(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!--', lt)) {
      i = closing(xml, '-->', lt, meter) + 3;
    } else if (xml[lt + 1] === '?' || xml[lt + 1] === '!') {
      i = closing(xml, '>', lt, meter) + 1;
    } else {
      const gt = tagEnd(xml, lt + 1);
      if (meter) meter.steps += (gt < 0 ? xml.length : gt) - lt;
      if (gt < 0) throw new XlsxReadError('unterminated tag');
      const body = xml.slice(lt + 1, gt);
      const [name, nameEnd] = tagName(body);
      if (!name) throw new XlsxReadError('malformed tag');
      const kind = body.charCodeAt(0) === 0x2f /* / */ ? 'close' : body.charCodeAt(body.length - 1) === 0x2f ? 'empty' : 'open';
      onTag({ name, raw: body, nameEnd, kind });
      i = gt + 1;
    }
  }
}

/** The '>' that ends a tag whose body starts at `from`, quoted values skipped; -1 when there is none. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let j = from; j < xml.length; j += 1) {
    const c = xml.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === GT) return j;
    else if (c === DQ || c === SQ) quote = c;
  }
  return -1;
}

/** The local name of a tag body ("/x:row …" → "row") and where the name ends. */
function tagName(body: string): [name: string, end: number] {
  let j = body.charCodeAt(0) === 0x2f ? 1 : 0;
  const start = j;
  while (j < body.length && isNameChar(body.charCodeAt(j))) j += 1;
  const first = body.slice(start, j);
  if (body.charCodeAt(j) !== 0x3a /* : */) return [first, j];
  const local = j + 1;
  let k = local;
  while (k < body.length && isNameChar(body.charCodeAt(k))) k += 1;
  return k > local ? [body.slice(local, k), k] : [first, j];
}

function closing(xml: string, token: string, from: number, meter: ScanMeter | undefined): number {
  const at = xml.indexOf(token, from);
  if (meter) meter.steps += (at < 0 ? xml.length : at + token.length) - from;
  if (at < 0) throw new XlsxReadError(`unterminated ${token}`);
  return at;
}

/**
 * Attributes by local name (`r:id` is `id`), values unescaped: `name = "value"` or `name='value'`.
 * Anything else between them is passed over, one character at a time.
 */
function attributesOf(tag: Tag, meter?: ScanMeter): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = tag.raw;
  let j = tag.nameEnd;
  while (j < raw.length) {
    const c = raw.charCodeAt(j);
    if (!isNameChar(c) && c !== 0x3a) {
      j += 1;
      continue;
    }
    const start = j;
    while (j < raw.length && (isNameChar(raw.charCodeAt(j)) || raw.charCodeAt(j) === 0x3a)) j += 1;
    const nameEnd = j;
    let k = j;
    while (k < raw.length && isSpace(raw.charCodeAt(k))) k += 1;
    if (raw.charCodeAt(k) !== 0x3d /* = */) continue;
    k += 1;
    while (k < raw.length && isSpace(raw.charCodeAt(k))) k += 1;
    const quote = raw.charCodeAt(k);
    if (quote !== DQ && quote !== SQ) {
      j = k;
      continue;
    }
    const close = raw.indexOf(String.fromCharCode(quote), k + 1);
    if (close < 0) break;
    // Sliced only now: a tag of names without values allocates nothing.
    const name = raw.slice(start, nameEnd);
    out[name.slice(name.indexOf(':') + 1)] = unesc(raw.slice(k + 1, close), meter);
    j = close + 1;
  }
  if (meter) meter.steps += raw.length - tag.nameEnd;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Workbook, relationships, shared strings, styles.

interface SheetEntry {
  name: string;
  rid: string;
  state: XlsxSheet['state'];
}

function readWorkbook(xml: string, meter: ScanMeter | undefined): { sheets: SheetEntry[]; date1904: boolean } {
  const sheets: SheetEntry[] = [];
  let date1904 = false;
  let inSheets = false;
  scan(
    xml,
    (t) => {
      if (t.name === 'sheets') inSheets = t.kind === 'open';
      if (t.kind === 'close') return;
      if (t.name === 'workbookPr') date1904 = isTrue(attributesOf(t, meter).date1904);
      if (t.name !== 'sheet' || !inSheets) return;
      const a = attributesOf(t, meter);
      const state = a.state === 'hidden' || a.state === 'veryHidden' ? a.state : 'visible';
      if (a.name !== undefined && a.id !== undefined) sheets.push({ name: a.name, rid: a.id, state });
    },
    undefined,
    meter,
  );
  return { sheets, date1904 };
}

const isTrue = (v: string | undefined) => v === '1' || v === 'true';

/** Relationship id → type (last segment of its URI) and the target's part name. */
function readRelationships(xml: string, base: string, meter: ScanMeter | undefined): Map<string, { type: string; target: string }> {
  const rels = new Map<string, { type: string; target: string }>();
  scan(
    xml,
    (t) => {
      if (t.name !== 'Relationship' || t.kind === 'close') return;
      const a = attributesOf(t, meter);
      if (a.Id === undefined || a.Target === undefined || a.TargetMode === 'External') return;
      rels.set(a.Id, { type: (a.Type ?? '').split('/').pop() ?? '', target: partName(base, a.Target) });
    },
    undefined,
    meter,
  );
  return rels;
}

/** A relationship target resolved against the folder of its source part: "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml". */
function partName(base: string, target: string): string {
  const out: string[] = [];
  for (const seg of (target.startsWith('/') ? target : base + target).split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '' && seg !== '.') out.push(seg);
  }
  return out.join('/');
}

/** OOXML escapes characters XML cannot hold as _xHHHH_ (a carriage return is _x000D_). */
const decodeEscapes = (s: string) =>
  s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;

/**
 * Collects the text of <t> elements inside the current string item (<si>, or a cell's <is>),
 * rich-text runs included, phonetic guides (<rPh>) left out.
 */
class StringItem {
  private parts: string[] | undefined;
  private inT = false;
  private phonetic = 0;

  begin(): void {
    this.parts = [];
  }
  get active(): boolean {
    return this.parts !== undefined;
  }
  tag(t: Tag): void {
    if (t.name === 'rPh') this.phonetic += t.kind === 'open' ? 1 : t.kind === 'close' ? -1 : 0;
    else if (t.name === 't') this.inT = t.kind === 'open';
  }
  text(s: string): void {
    if (this.inT && this.phonetic === 0) this.parts?.push(s);
  }
  end(): string {
    const s = decodeEscapes((this.parts ?? []).join(''));
    this.parts = undefined;
    this.inT = false;
    this.phonetic = 0;
    return s;
  }
}

function readSharedStrings(xml: string, meter: ScanMeter | undefined): string[] {
  const out: string[] = [];
  const item = new StringItem();
  scan(
    xml,
    (t) => {
      if (t.name === 'si') {
        if (t.kind === 'open') item.begin();
        else out.push(t.kind === 'empty' ? '' : item.end());
      } else if (item.active) item.tag(t);
    },
    (s) => item.text(s),
    meter,
  );
  return out;
}

/** Built-in number formats that show a date or a time (ECMA-376 Part 1, §18.8.30, East Asian ones included). */
const isBuiltinDate = (id: number) => (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);

/**
 * A format code shows a date when, outside quoted text, escapes and [brackets], it has a d, m, y,
 * h or s. Hand-written: the regular expression it replaces (/"[^"]*"|\\.|_.|\*.|\[[^\]]*\]/g
 * removed, then /[dmyhs]/i) looked to the end of the code for every unclosed "[", quadratic in a
 * crafted code. Here an opener with no closer after it is known as such in one step.
 */
export function isDateCode(code: string): boolean {
  const lastQuote = code.lastIndexOf('"');
  const lastBracket = code.lastIndexOf(']');
  for (let i = 0; i < code.length; i += 1) {
    const c = code[i] as string;
    if (c === '"' && i < lastQuote) i = code.indexOf('"', i + 1);
    else if (c === '[' && i < lastBracket) i = code.indexOf(']', i + 1);
    else if ((c === '\\' || c === '_' || c === '*') && i + 1 < code.length && !LINE_END.has(code[i + 1] as string)) i += 1;
    else if (DATE_LETTERS.has(c)) return true;
  }
  return false;
}
const DATE_LETTERS = new Set('dmyhsDMYHS');
/** What "." does not match in a regular expression. */
const LINE_END = new Set(['\n', '\r', '\u2028', '\u2029']);

/** For each cellXfs index: whether its number format is a date. Formats of conditional formatting (dxfs) are not cell formats. */
function readDateStyles(xml: string, meter: ScanMeter | undefined): boolean[] {
  const custom = new Map<number, string>();
  const out: boolean[] = [];
  let inNumFmts = false;
  let inCellXfs = false;
  scan(
    xml,
    (t) => {
      if (t.name === 'numFmts') inNumFmts = t.kind === 'open';
      else if (t.name === 'cellXfs') inCellXfs = t.kind === 'open';
      else if (t.name === 'numFmt' && inNumFmts && t.kind !== 'close') {
        const a = attributesOf(t, meter);
        custom.set(Number(a.numFmtId), a.formatCode ?? '');
      } else if (t.name === 'xf' && inCellXfs && t.kind !== 'close') {
        const id = Number(attributesOf(t, meter).numFmtId ?? 0);
        const code = custom.get(id);
        out.push(code === undefined ? isBuiltinDate(id) : isDateCode(code));
      }
    },
    undefined,
    meter,
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cells.

interface CellContext {
  strings: readonly string[];
  dates: readonly boolean[];
  date1904: boolean;
}

/** "AB12" → [12, 28]. */
function parseRef(ref: string): [row: number, col: number] | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
  if (!m) return undefined;
  let col = 0;
  for (const ch of (m[1] as string).toUpperCase()) col = col * 26 + ch.charCodeAt(0) - 64;
  return [Number(m[2]), col];
}

/** Excel's serial day 25569 is 1970-01-01 in the 1900 system; the 1904 system counts 1462 days fewer. */
const fromSerial = (serial: number, date1904: boolean) => new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

interface OpenCell {
  row: number;
  col: number;
  type: string;
  style: number;
  /** The <v> text; undefined when the cell has no <v>. */
  v: string | undefined;
  inV: boolean;
}

/**
 * The cells of one worksheet. A <row> or <c> without an address follows the previous one, as the
 * format allows; a cell's value is its <v> read by its type, or its inline string.
 */
function readCells(
  xml: string,
  ctx: CellContext | undefined,
  meter: ScanMeter | undefined,
): Pick<XlsxSheet, 'rows' | 'rowCount' | 'columnCount'> {
  const rows = new Map<number, Map<number, XlsxValue>>();
  let inData = false;
  let row = 0;
  let col = 0;
  let rowCount = 0;
  let columnCount = 0;
  let cell: OpenCell | undefined;
  const inline = new StringItem();

  const finish = (c: OpenCell) => {
    const value = inline.active ? inline.end() : c.v === undefined || !ctx ? undefined : cellValue(c, c.v, ctx);
    if (value === undefined) return;
    let cells = rows.get(c.row);
    if (!cells) rows.set(c.row, (cells = new Map<number, XlsxValue>()));
    cells.set(c.col, value);
  };

  scan(
    xml,
    (t) => {
      if (t.name === 'sheetData') {
        inData = t.kind === 'open';
        return;
      }
      if (!inData) return;
      if (t.name === 'row' && t.kind !== 'close') {
        const r = Number(attributesOf(t, meter).r);
        row = Number.isInteger(r) && r > 0 ? r : row + 1;
        col = 0;
        rowCount = Math.max(rowCount, row);
      } else if (t.name === 'c') {
        if (t.kind === 'close') {
          if (cell) finish(cell);
          cell = undefined;
          return;
        }
        const a = attributesOf(t, meter);
        const at = a.r === undefined ? undefined : parseRef(a.r);
        if (at) [row, col] = at;
        else col += 1;
        rowCount = Math.max(rowCount, row);
        columnCount = Math.max(columnCount, col);
        cell = t.kind === 'open' && ctx ? { row, col, type: a.t ?? 'n', style: Number(a.s ?? 0), v: undefined, inV: false } : undefined;
      } else if (cell) {
        if (t.name === 'v') {
          cell.v ??= '';
          cell.inV = t.kind === 'open';
        } else if (t.name === 'is' && t.kind === 'open') inline.begin();
        else if (inline.active) inline.tag(t);
      }
    },
    // Without a context only the addresses are wanted: no cell is opened, no text decoded.
    ctx
      ? (s) => {
          if (cell?.inV) cell.v += s;
          else if (cell) inline.text(s);
        }
      : undefined,
    meter,
  );
  return { rows, rowCount, columnCount };
}

function cellValue(c: OpenCell, v: string, ctx: CellContext): XlsxValue | undefined {
  switch (c.type) {
    case 's':
      return ctx.strings[Number(v)];
    case 'str':
    case 'inlineStr':
      return decodeEscapes(v);
    case 'e':
      return v;
    case 'b':
      return v.trim() === '1' || v.trim() === 'true';
    case 'd': {
      const d = new Date(v.trim());
      return Number.isNaN(d.getTime()) ? v : d;
    }
    default: {
      if (v.trim() === '') return undefined;
      const n = Number(v);
      if (Number.isNaN(n)) return v;
      return ctx.dates[c.style] ? fromSerial(n, ctx.date1904) : n;
    }
  }
}
