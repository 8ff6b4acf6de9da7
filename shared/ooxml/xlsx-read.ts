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

/** The sheets, in workbook order. `parts` maps part names (e.g. "xl/workbook.xml") to their bytes. */
export function readXlsx(parts: ReadonlyMap<string, Uint8Array>): XlsxSheet[] {
  const text = (name: string) => {
    const data = parts.get(name);
    return data === undefined ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  };
  const workbook = text(WORKBOOK);
  if (workbook === undefined) throw new XlsxReadError(`missing ${WORKBOOK}`);
  const book = readWorkbook(workbook);
  const rels = readRelationships(text(WORKBOOK_RELS) ?? '', 'xl/');
  const byType = (type: string) => [...rels.values()].find((r) => r.type === type)?.target;
  const sharedPart = byType('sharedStrings');
  const stylesPart = byType('styles');
  const strings = sharedPart ? readSharedStrings(text(sharedPart) ?? '') : [];
  const dates = stylesPart ? readDateStyles(text(stylesPart) ?? '') : [];
  const context: CellContext = { strings, dates, date1904: book.date1904 };

  return book.sheets.map((s) => {
    const target = rels.get(s.rid)?.target;
    const xml = target === undefined ? undefined : text(target);
    if (xml === undefined) throw new XlsxReadError(`sheet "${s.name}" has no part`);
    return { name: s.name, state: s.state, ...readCells(xml, context) };
  });
}

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

// ---------------------------------------------------------------------------------------------
// The scanner.

interface Tag {
  /** Local name, without its namespace prefix. */
  name: string;
  /** The raw text between the name and the closing ">" ("/>"), for `attributesOf`. */
  raw: string;
  kind: 'open' | 'close' | 'empty';
}

/** `[^>"']` and the two quoted forms start with different characters: no backtracking, whatever the input. */
const TAG_END = /(?:[^>"']|"[^"]*"|'[^']*')*>/y;
const NAME = /^\/?(?:[\w.-]+:)?([\w.-]+)/;

/**
 * Calls `onTag` for each element tag and `onText` for each run of character data (entities
 * decoded), in document order. Comments, processing instructions and declarations are skipped;
 * CDATA is text. Every character is looked at a bounded number of times.
 */
function scan(xml: string, onTag: (t: Tag) => void, onText: (text: string) => void): void {
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      onText(unesc(xml.slice(i)));
      return;
    }
    if (lt > i) onText(unesc(xml.slice(i, lt)));
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = closing(xml, ']]>', lt);
      onText(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!--', lt)) {
      i = closing(xml, '-->', lt) + 3;
    } else if (xml[lt + 1] === '?' || xml[lt + 1] === '!') {
      i = closing(xml, '>', lt) + 1;
    } else {
      TAG_END.lastIndex = lt + 1;
      if (!TAG_END.test(xml)) throw new XlsxReadError('unterminated tag');
      const body = xml.slice(lt + 1, TAG_END.lastIndex - 1);
      const name = NAME.exec(body)?.[1];
      if (!name) throw new XlsxReadError('malformed tag');
      const kind = body[0] === '/' ? 'close' : body.endsWith('/') ? 'empty' : 'open';
      onTag({ name, raw: body, kind });
      i = TAG_END.lastIndex;
    }
  }
}

function closing(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw new XlsxReadError(`unterminated ${token}`);
  return at;
}

const ATTRIBUTE = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Attributes by local name (`r:id` is `id`), values unescaped. */
function attributesOf(tag: Tag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.raw.matchAll(ATTRIBUTE)) {
    const name = m[1] as string;
    out[name.slice(name.indexOf(':') + 1)] = unesc(m[2] ?? m[3] ?? '');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Workbook, relationships, shared strings, styles.

interface SheetEntry {
  name: string;
  rid: string;
  state: XlsxSheet['state'];
}

function readWorkbook(xml: string): { sheets: SheetEntry[]; date1904: boolean } {
  const sheets: SheetEntry[] = [];
  let date1904 = false;
  let inSheets = false;
  scan(
    xml,
    (t) => {
      if (t.name === 'sheets') inSheets = t.kind === 'open';
      if (t.kind === 'close') return;
      if (t.name === 'workbookPr') date1904 = isTrue(attributesOf(t).date1904);
      if (t.name !== 'sheet' || !inSheets) return;
      const a = attributesOf(t);
      const state = a.state === 'hidden' || a.state === 'veryHidden' ? a.state : 'visible';
      if (a.name !== undefined && a.id !== undefined) sheets.push({ name: a.name, rid: a.id, state });
    },
    () => {},
  );
  return { sheets, date1904 };
}

const isTrue = (v: string | undefined) => v === '1' || v === 'true';

/** Relationship id → type (last segment of its URI) and the target's part name. */
function readRelationships(xml: string, base: string): Map<string, { type: string; target: string }> {
  const rels = new Map<string, { type: string; target: string }>();
  scan(
    xml,
    (t) => {
      if (t.name !== 'Relationship' || t.kind === 'close') return;
      const a = attributesOf(t);
      if (a.Id === undefined || a.Target === undefined || a.TargetMode === 'External') return;
      rels.set(a.Id, { type: (a.Type ?? '').split('/').pop() ?? '', target: partName(base, a.Target) });
    },
    () => {},
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
const decodeEscapes = (s: string) => (s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s);

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

function readSharedStrings(xml: string): string[] {
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
  );
  return out;
}

/** Built-in number formats that show a date or a time (ECMA-376 Part 1, §18.8.30, East Asian ones included). */
const isBuiltinDate = (id: number) => (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);

/** A format code shows a date when, outside quoted text, escapes and [brackets], it has a d, m, y, h or s. */
const isDateCode = (code: string) => /[dmyhs]/i.test(code.replace(/"[^"]*"|\\.|_.|\*.|\[[^\]]*\]/g, ''));

/** For each cellXfs index: whether its number format is a date. Formats of conditional formatting (dxfs) are not cell formats. */
function readDateStyles(xml: string): boolean[] {
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
        const a = attributesOf(t);
        custom.set(Number(a.numFmtId), a.formatCode ?? '');
      } else if (t.name === 'xf' && inCellXfs && t.kind !== 'close') {
        const id = Number(attributesOf(t).numFmtId ?? 0);
        const code = custom.get(id);
        out.push(code === undefined ? isBuiltinDate(id) : isDateCode(code));
      }
    },
    () => {},
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
function readCells(xml: string, ctx: CellContext): Pick<XlsxSheet, 'rows' | 'rowCount' | 'columnCount'> {
  const rows = new Map<number, Map<number, XlsxValue>>();
  let inData = false;
  let row = 0;
  let col = 0;
  let rowCount = 0;
  let columnCount = 0;
  let cell: OpenCell | undefined;
  const inline = new StringItem();

  const finish = (c: OpenCell) => {
    const value = inline.active ? inline.end() : c.v === undefined ? undefined : cellValue(c, c.v, ctx);
    if (value === undefined) return;
    let cells = rows.get(c.row);
    if (!cells) rows.set(c.row, (cells = new Map()));
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
        const r = Number(attributesOf(t).r);
        row = Number.isInteger(r) && r > 0 ? r : row + 1;
        col = 0;
        rowCount = Math.max(rowCount, row);
      } else if (t.name === 'c') {
        if (t.kind === 'close') {
          if (cell) finish(cell);
          cell = undefined;
          return;
        }
        const a = attributesOf(t);
        const at = a.r === undefined ? undefined : parseRef(a.r);
        if (at) [row, col] = at;
        else col += 1;
        rowCount = Math.max(rowCount, row);
        columnCount = Math.max(columnCount, col);
        cell = t.kind === 'open' ? { row, col, type: a.t ?? 'n', style: Number(a.s ?? 0), v: undefined, inV: false } : undefined;
      } else if (cell) {
        if (t.name === 'v') {
          cell.v ??= '';
          cell.inV = t.kind === 'open';
        } else if (t.name === 'is' && t.kind === 'open') inline.begin();
        else if (inline.active) inline.tag(t);
      }
    },
    (s) => {
      if (cell?.inV) cell.v += s;
      else if (cell) inline.text(s);
    },
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
