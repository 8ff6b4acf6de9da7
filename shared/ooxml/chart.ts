import { DRAWING_NS, NS, OFFICE_TYPE, REL_NS, relsXml, type Part } from './package.js';
import { XML_DECLARATION, esc } from './xml.js';

export const CHART_NS = `${NS}drawingml/2006/chart`;
export const CHART_TYPE = `${OFFICE_TYPE}drawingml.chart+xml`;

/**
 * A DrawingML column chart part (ECMA-376 Part 1, §21.2, c:chartSpace), the one kind of chart the
 * summary workbook and draft carry. Hand-written like the rest of shared/ooxml: the summary
 * function has ~5 KB left under its bundle budget (issue 7), so this is terse on purpose.
 *
 * Every series carries its values in the part itself (c:strCache/c:numCache, or c:strLit/c:numLit
 * when there is no cell to point at): a reader draws the chart from them without computing
 * anything — LibreOffice draws a .docx chart from them alone. In a workbook the references tie the
 * chart to its cells as well, so Excel redraws it when they are edited. Children are written in
 * schema order (CT_BarSer, CT_BarChart, CT_CatAx, CT_ValAx), which Excel checks; optional ones
 * whose default is what we want are left out.
 */
export interface ChartSeries {
  name: string;
  /** "RRGGBB". */
  color: string;
  /** null: no bar (a blank cell). */
  values: readonly (number | null)[];
  /** In a workbook: the cell of the name and the range of the values, e.g. 'Biểu đồ'!$B$4:$B$6. */
  nameRef?: string;
  valuesRef?: string;
}

export interface ColumnChart {
  title: string;
  categories: readonly string[];
  categoriesRef?: string;
  series: readonly ChartSeries[];
  /** One column per category with the series stacked in it (else side by side). */
  stacked?: boolean;
  /** Number format of the value axis and the data labels; `labels` overrides it for the labels. */
  format: string;
  labels?: string;
  /** Value axis maximum and step; automatic when not given. */
  max?: number;
  step?: number;
}

const v = (tag: string, value: string | number) => `<c:${tag} val="${value}"/>`;
/** "a=1 b=x" → <c:a val="1"/><c:b val="x"/>: most of a chart part is such elements. */
const vs = (pairs: string) => pairs.replace(/(\w+)=(\S+) ?/g, '<c:$1 val="$2"/>');

/** A string or number list: a reference with its cache, or a literal when there is no reference. */
function data(kind: 'str' | 'num', items: readonly (string | number | null)[], ref: string | undefined, format?: string): string {
  const pts = items.map((x, i) => (x === null ? '' : `<c:pt idx="${i}"><c:v>${esc(x)}</c:v></c:pt>`)).join('');
  const inner = (format ? `<c:formatCode>${esc(format)}</c:formatCode>` : '') + v('ptCount', items.length) + pts;
  return ref
    ? `<c:${kind}Ref><c:f>${esc(ref)}</c:f><c:${kind}Cache>${inner}</c:${kind}Cache></c:${kind}Ref>`
    : `<c:${kind}Lit>${inner}</c:${kind}Lit>`;
}

const numFmt = (code: string) => `<c:numFmt formatCode="${esc(code)}" sourceLinked="0"/>`;
const axis = (pos: string) => `${vs(`delete=0 axPos=${pos}`)}${pos === 'l' ? '<c:majorGridlines/>' : ''}`;
const TICKS = vs('majorTickMark=out minorTickMark=none tickLblPos=nextTo');
/** Category labels turned 45°: many short labels stay on one line each instead of breaking. */
const TURNED = '<c:txPr><a:bodyPr rot="-2700000"/><a:p><a:pPr><a:defRPr/></a:pPr><a:endParaRPr lang="vi-VN"/></a:p></c:txPr>';

/** The chart part's XML. */
export function columnChartXml(c: ColumnChart): string {
  const series = c.series.map(
    (s, i) =>
      `<c:ser>${vs(`idx=${i} order=${i}`)}<c:tx>${s.nameRef ? data('str', [s.name], s.nameRef) : `<c:v>${esc(s.name)}</c:v>`}</c:tx>` +
      `<c:spPr><a:solidFill><a:srgbClr val="${s.color}"/></a:solidFill></c:spPr>` +
      `<c:dLbls>${numFmt(c.labels ?? c.format)}${vs('showLegendKey=0 showVal=1 showCatName=0 showSerName=0 showPercent=0 showBubbleSize=0')}</c:dLbls>` +
      `<c:cat>${data('str', c.categories, c.categoriesRef)}</c:cat><c:val>${data('num', s.values, s.valuesRef, c.format)}</c:val></c:ser>`,
  );
  return (
    `${XML_DECLARATION}<c:chartSpace xmlns:c="${CHART_NS}" xmlns:a="${DRAWING_NS}">${v('roundedCorners', 0)}` +
    `<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:rPr lang="vi-VN" sz="1200" b="1"/><a:t>${esc(c.title)}</a:t></a:r></a:p></c:rich></c:tx>${v('overlay', 0)}</c:title>` +
    `<c:plotArea><c:layout/><c:barChart>${vs(`barDir=col grouping=${c.stacked ? 'stacked' : 'clustered'} varyColors=0`)}${series.join('')}` +
    `${vs(`gapWidth=60 ${c.stacked ? 'overlap=100 ' : ''}axId=1 axId=2`)}</c:barChart>` +
    `<c:catAx>${v('axId', 1)}<c:scaling>${v('orientation', 'minMax')}</c:scaling>${axis('b')}${numFmt('General')}${TICKS}${c.categories.length > 12 ? TURNED : ''}` +
    `${v('crossAx', 2)}</c:catAx>` +
    `<c:valAx>${v('axId', 2)}<c:scaling>${v('orientation', 'minMax')}${c.max === undefined ? '' : v('max', c.max)}${v('min', 0)}</c:scaling>${axis('l')}${numFmt(c.format)}${TICKS}` +
    `${vs(`crossAx=1 crossBetween=between ${c.step === undefined ? '' : `majorUnit=${c.step}`}`)}</c:valAx>` +
    `</c:plotArea><c:legend>${vs('legendPos=b overlay=0')}</c:legend></c:chart></c:chartSpace>`
  );
}

/** The graphic frame's content that points at a chart part through the relationship `id`: the same in a sheet's drawing and a document. */
export const chartGraphic = (id: string) =>
  `<a:graphic xmlns:a="${DRAWING_NS}"><a:graphicData uri="${CHART_NS}"><c:chart xmlns:c="${CHART_NS}" r:id="${id}"/></a:graphicData></a:graphic>`;

/** A chart drawn over a sheet, between two cells' top-left corners (1-based, like cells). */
export interface SheetChart {
  xml: string;
  /** Its alternative text (what a screen reader says); its name is "Biểu đồ n". */
  description: string;
  from: readonly [row: number, col: number];
  to: readonly [row: number, col: number];
}

/**
 * A sheet's charts as workbook parts (xlsx-write's Workbook.parts): the drawing anchoring them to
 * their cells, its relationships, and the chart parts numbered from `first`. The sheet names the
 * drawing through its `drawing` target.
 */
export function sheetDrawing(sheet: number, charts: readonly SheetChart[], first = 1): Part[] {
  const cell = (tag: string, [row, col]: readonly [number, number]) =>
    `<xdr:${tag}><xdr:col>${col - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
  const anchors = charts.map(
    (c, k) =>
      `<xdr:twoCellAnchor>${cell('from', c.from)}${cell('to', c.to)}<xdr:graphicFrame><xdr:nvGraphicFramePr><xdr:cNvPr id="${k + 2}" name="Biểu đồ ${k + 1}" descr="${esc(c.description)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
      `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>${chartGraphic(`rId${k + 1}`)}</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`,
  );
  const name = `xl/drawings/drawing${sheet}.xml`;
  const rels = charts.map((_, k) => [`rId${k + 1}`, `${REL_NS}/chart`, `../charts/chart${first + k}.xml`] as const);
  return [
    [
      name,
      `${OFFICE_TYPE}drawing+xml`,
      `${XML_DECLARATION}<xdr:wsDr xmlns:xdr="${NS}drawingml/2006/spreadsheetDrawing" xmlns:a="${DRAWING_NS}" xmlns:r="${REL_NS}">${anchors.join('')}</xdr:wsDr>`,
    ],
    [`xl/drawings/_rels/drawing${sheet}.xml.rels`, '', relsXml(rels)],
    ...charts.map((c, k): Part => [`xl/charts/chart${first + k}.xml`, CHART_TYPE, c.xml]),
  ];
}
