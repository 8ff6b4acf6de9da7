import { XML_DECLARATION, attrs, esc } from './xml.js';
import { NS, OFFICE_TYPE, REL_NS, packageZip, relsXml, type Part } from './package.js';
import { CHART_TYPE, chartGraphic } from './chart.js';

/**
 * A minimal WordprocessingML (.docx) writer: paragraphs of formatted runs, fixed-grid tables, one
 * A4-style section with a header. It replaces the `docx` library (~230 KB bundled) in the summary
 * function, which must stay within 1.3× its floor bundle (issue 7); it writes only what the summary
 * draft uses.
 *
 * Word validates element ORDER inside w:pPr, w:rPr, w:tcPr, w:tblPr and w:sectPr against the
 * schema (ECMA-376 Part 1, §17) and calls an out-of-order file corrupt, so each writer below emits
 * its children in schema order; the order is noted where it is not obvious.
 *
 * Measures are twips (1/20 pt) unless said otherwise; sizes are half-points; border widths are
 * eighths of a point. Every number is written rounded: Word also rejects a fraction there.
 */

declare const written: unique symbol;
/** A written w:p. Only `paragraph` makes one, so a body holds nothing this module did not write. */
export type Paragraph = string & { readonly [written]: 'p' };
/** A written w:tbl, made by `table`. */
export type Table = string & { readonly [written]: 'tbl' };
export type Block = Paragraph | Table;

export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  /** Half-points: 28 is 14 pt. */
  size?: number;
  /** Set for all four scripts (ascii, hAnsi, eastAsia, cs): Word picks the slot by character, and
   * Vietnamese letters with diacritics fall in hAnsi, so setting ascii alone leaves them in Calibri. */
  font?: string;
  /** Proofing language, e.g. "vi-VN". */
  lang?: string;
}
export interface TextRun extends RunStyle {
  text: string;
}
/** A field Word computes at layout, e.g. "PAGE"; `text` is the result shown until it does. */
export interface FieldRun extends RunStyle {
  field: string;
  text?: string;
}
export type Run = TextRun | FieldRun;

/** A single line: a paragraph border side, or every border of a table. */
export interface Line {
  /** Eighths of a point. */
  size: number;
  /** Distance from the text, in points. */
  space?: number;
  /** "RRGGBB" or "auto". */
  color?: string;
}

export interface ParagraphProps {
  align?: 'left' | 'center' | 'right' | 'both';
  /** `line` is in 240ths of a line (300 = 1.25 lines). */
  spacing?: { before?: number; after?: number; line?: number };
  indent?: { left?: number; right?: number; firstLine?: number };
  border?: { top?: Line; left?: Line; bottom?: Line; right?: Line };
}

export interface Cell {
  /** May be empty: the cell then gets the one empty paragraph Word requires in every cell. */
  children: Paragraph[];
  /** Grid columns the cell covers (w:gridSpan); its width is theirs. */
  span?: number;
  /** Background, "RRGGBB". */
  fill?: string;
  vAlign?: 'top' | 'center' | 'bottom';
}
export interface Row {
  cells: Cell[];
  /** Repeated at the top of each page the table runs onto. */
  header?: boolean;
}
export interface TableProps {
  /** The grid: one width per column. The table is as wide as their sum, laid out fixed. */
  columns: number[];
  rows: Row[];
  borders: 'none' | Line;
}

export interface Page {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface DocxOptions {
  /** docProps/core.xml; `created` also serves as the modified time, so the same input gives the same bytes. */
  properties: { title: string; creator: string; created: Date };
  /** The document's default run formatting (styles.xml docDefaults). */
  defaults: RunStyle;
  page: Page;
  /** The header of every page, or of every page but the first when `firstPageHeader` is given. */
  header?: Paragraph[];
  /** The first page's own header (w:titlePg); [] leaves the first page without one. */
  firstPageHeader?: Paragraph[];
  body: Block[];
  /** Chart parts (shared/ooxml/chart.ts), placed in the body by `chart(n, …)`, n from 1. */
  charts?: string[];
}

/** Word's own default for the header and footer distance from the page edge (1.25 cm). */
const HEADER_DISTANCE = 708;

const NS_W = `${NS}wordprocessingml/2006/main`;
const NS_W_R = ` xmlns:w="${NS_W}" xmlns:r="${REL_NS}" xmlns:wp="${NS}drawingml/2006/wordprocessingDrawing"`;
const REL = `${REL_NS}/`;
const CT_WML = `${OFFICE_TYPE}wordprocessingml.`;

/** Attributes that are whole numbers (twips, half-points, eighths of a point); undefined ones are left out. */
function whole(values: Readonly<Record<string, number | undefined>>): string {
  let out = '';
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out += ` ${k}="${Math.round(v)}"`;
  return out;
}

/** w:rPr in schema order: rFonts, b, bCs, i, iCs, sz, szCs, lang; '' when there is nothing to say. */
function runProps(s: RunStyle): string {
  const inner =
    (s.font ? `<w:rFonts${attrs({ 'w:ascii': s.font, 'w:hAnsi': s.font, 'w:eastAsia': s.font, 'w:cs': s.font })}/>` : '') +
    (s.bold ? '<w:b/><w:bCs/>' : '') +
    (s.italics ? '<w:i/><w:iCs/>' : '') +
    (s.size ? `<w:sz${whole({ 'w:val': s.size })}/><w:szCs${whole({ 'w:val': s.size })}/>` : '') +
    (s.lang ? `<w:lang${attrs({ 'w:val': s.lang })}/>` : '');
  return inner && `<w:rPr>${inner}</w:rPr>`;
}

/** A text run; spaces at either end are kept (xml:space), as Word drops them otherwise. */
const textRun = (rPr: string, text: string) => `<w:r>${rPr}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;

/** A complex field (begin, instruction, separate, result, end), the form Word itself writes for PAGE. */
function fieldRuns(rPr: string, instruction: string, result: string): string {
  const char = (type: string) => `<w:r>${rPr}<w:fldChar w:fldCharType="${type}"/></w:r>`;
  return (
    char('begin') +
    `<w:r>${rPr}<w:instrText xml:space="preserve"> ${esc(instruction)} </w:instrText></w:r>` +
    char('separate') +
    textRun(rPr, result) +
    char('end')
  );
}

const runXml = (r: Run) => ('field' in r ? fieldRuns(runProps(r), r.field, r.text ?? '1') : textRun(runProps(r), r.text));

const borderSide = (side: string, l: Line) =>
  `<w:${side} w:val="single"${whole({ 'w:sz': l.size, 'w:space': l.space ?? 0 })}${attrs({ 'w:color': l.color ?? 'auto' })}/>`;

/** w:pPr in schema order: pBdr (top, left, bottom, right), spacing, ind, jc. */
function paragraphProps(p: ParagraphProps): string {
  const b = p.border;
  const sides = b ? (['top', 'left', 'bottom', 'right'] as const).map((s) => (b[s] ? borderSide(s, b[s]) : '')).join('') : '';
  const inner =
    (sides ? `<w:pBdr>${sides}</w:pBdr>` : '') +
    (p.spacing ? `<w:spacing${whole({ 'w:before': p.spacing.before, 'w:after': p.spacing.after, 'w:line': p.spacing.line })}/>` : '') +
    (p.indent ? `<w:ind${whole({ 'w:left': p.indent.left, 'w:right': p.indent.right, 'w:firstLine': p.indent.firstLine })}/>` : '') +
    (p.align ? `<w:jc w:val="${p.align}"/>` : '');
  return inner && `<w:pPr>${inner}</w:pPr>`;
}

/** A paragraph of runs; no runs gives an empty line (its height from the document defaults). */
export function paragraph(runs: Run[], props: ParagraphProps = {}): Paragraph {
  return `<w:p>${paragraphProps(props)}${runs.map(runXml).join('')}</w:p>` as Paragraph;
}

const EMPTY_PARAGRAPH = '<w:p/>';

/**
 * A paragraph holding the n-th chart of DocxOptions.charts inline, `width`×`height` in EMU
 * (914 400 an inch, 635 a twip); `description` is its alternative text.
 */
export function chart(n: number, width: number, height: number, description: string, props: ParagraphProps = {}): Paragraph {
  return (`<w:p>${paragraphProps(props)}<w:r><w:drawing><wp:inline><wp:extent${whole({ cx: width, cy: height })}/>` +
    `<wp:docPr${attrs({ id: n, name: `Biểu đồ ${n}`, descr: description })}/>` +
    chartGraphic(`rIdChart${n}`) +
    '</wp:inline></w:drawing></w:r></w:p>') as Paragraph;
}

/** w:tcPr in schema order: tcW, gridSpan, shd, vAlign. */
function cellXml(c: Cell, span: number, width: number): string {
  const tcPr =
    `<w:tcW${whole({ 'w:w': width })} w:type="dxa"/>` +
    (span > 1 ? `<w:gridSpan w:val="${span}"/>` : '') +
    (c.fill ? `<w:shd w:val="clear" w:color="auto"${attrs({ 'w:fill': c.fill })}/>` : '') +
    (c.vAlign ? `<w:vAlign w:val="${c.vAlign}"/>` : '');
  return `<w:tc><w:tcPr>${tcPr}</w:tcPr>${c.children.join('') || EMPTY_PARAGRAPH}</w:tc>`;
}

/** A row's cells, each as wide as the grid columns it spans; a row that does not fill the grid exactly is a bug. */
function rowXml(row: Row, columns: readonly number[], index: number): string {
  let col = 0;
  const cells = row.cells.map((c) => {
    const span = Math.max(1, Math.round(c.span ?? 1));
    const width = columns.slice(col, col + span).reduce((a, b) => a + b, 0);
    col += span;
    return cellXml(c, span, width);
  });
  if (col !== columns.length) throw new RangeError(`table row ${index} spans ${col} grid columns, the grid has ${columns.length}`);
  return `<w:tr>${row.header ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${cells.join('')}</w:tr>`;
}

/** w:tblBorders in schema order: top, left, bottom, right, insideH, insideV. */
function tableBorders(borders: TableProps['borders']): string {
  const side = (s: string) => (borders === 'none' ? `<w:${s} w:val="none" w:sz="0" w:space="0" w:color="auto"/>` : borderSide(s, borders));
  return `<w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map(side).join('')}</w:tblBorders>`;
}

/**
 * A table on a fixed grid. w:tblPr in schema order: tblW, tblBorders, tblLayout; "fixed" makes
 * Word keep the given widths instead of fitting columns to their content.
 */
export function table(t: TableProps): Table {
  const width = t.columns.reduce((a, b) => a + b, 0);
  const tblPr = `<w:tblPr><w:tblW${whole({ 'w:w': width })} w:type="dxa"/>${tableBorders(t.borders)}<w:tblLayout w:type="fixed"/></w:tblPr>`;
  const grid = `<w:tblGrid>${t.columns.map((w) => `<w:gridCol${whole({ 'w:w': w })}/>`).join('')}</w:tblGrid>`;
  return `<w:tbl>${tblPr}${grid}${t.rows.map((r, i) => rowXml(r, t.columns, i)).join('')}</w:tbl>` as Table;
}

/** A header part: at least one paragraph, as Word requires. */
const headerXml = (children: Paragraph[]) => `${XML_DECLARATION}<w:hdr${NS_W_R}>${children.join('') || EMPTY_PARAGRAPH}</w:hdr>`;

/** w:sectPr in schema order: headerReference*, pgSz, pgMar, titlePg. */
function sectionXml(page: Page, headerIds: { default?: string; first?: string }): string {
  const ref = (type: string, id: string | undefined) => (id ? `<w:headerReference w:type="${type}" r:id="${id}"/>` : '');
  const m = page.margin;
  return (
    `<w:sectPr>${ref('default', headerIds.default)}${ref('first', headerIds.first)}` +
    `<w:pgSz${whole({ 'w:w': page.width, 'w:h': page.height })}/>` +
    `<w:pgMar${whole({ 'w:top': m.top, 'w:right': m.right, 'w:bottom': m.bottom, 'w:left': m.left, 'w:header': HEADER_DISTANCE, 'w:footer': HEADER_DISTANCE, 'w:gutter': 0 })}/>` +
    `${headerIds.first ? '<w:titlePg/>' : ''}</w:sectPr>`
  );
}

/**
 * styles.xml: the document defaults, and the two default styles Word expects to find (Normal, and
 * Normal Table with Word's usual 0.19 cm cell padding, which a reader would otherwise take as 0).
 */
const stylesXml = (defaults: RunStyle) =>
  `${XML_DECLARATION}<w:styles xmlns:w="${NS_W}">` +
  `<w:docDefaults><w:rPrDefault>${runProps(defaults) || '<w:rPr/>'}</w:rPrDefault></w:docDefaults>` +
  '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
  '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>' +
  '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>' +
  '</w:styles>';

/** settings.xml: without the compatibility mode, Word opens the file in "Compatibility Mode" (Word 2007 layout). */
const SETTINGS_XML =
  `${XML_DECLARATION}<w:settings xmlns:w="${NS_W}"><w:defaultTabStop w:val="720"/>` +
  '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>';

/** Writes the package: the body in one section, its header(s), styles, settings and core properties. */
export function docx(o: DocxOptions): Uint8Array {
  const parts: Part[] = [
    ['word/styles.xml', `${CT_WML}styles+xml`, stylesXml(o.defaults)],
    ['word/settings.xml', `${CT_WML}settings+xml`, SETTINGS_XML],
  ];
  const rels: [string, string, string][] = [
    ['rId1', `${REL}styles`, 'styles.xml'],
    ['rId2', `${REL}settings`, 'settings.xml'],
  ];
  let headers = 0;
  /** Adds a header part and returns its relationship id, for the section to reference. */
  const addHeader = (children: Paragraph[] | undefined) => {
    if (!children) return undefined;
    const file = `header${++headers}.xml`;
    const id = `rId${rels.length + 1}`;
    parts.push([`word/${file}`, `${CT_WML}header+xml`, headerXml(children)]);
    rels.push([id, `${REL}header`, file]);
    return id;
  };
  const headerIds = { default: addHeader(o.header), first: addHeader(o.firstPageHeader) };
  o.charts?.forEach((xml, i) => {
    parts.push([`word/charts/chart${i + 1}.xml`, CHART_TYPE, xml]);
    rels.push([`rIdChart${i + 1}`, `${REL}chart`, `charts/chart${i + 1}.xml`]);
  });

  const document = `${XML_DECLARATION}<w:document${NS_W_R}><w:body>${o.body.join('')}${sectionXml(o.page, headerIds)}</w:body></w:document>`;
  return packageZip(
    [['word/document.xml', `${CT_WML}document.main+xml`, document], ['word/_rels/document.xml.rels', '', relsXml(rels)], ...parts],
    o.properties,
  );
}
