import { XML_DECLARATION, esc } from './xml.js';

/**
 * A DrawingML column chart part (ECMA-376 Part 1, §21.2, c:chartSpace), the one kind of chart the
 * summary workbook and draft carry. Hand-written like the rest of shared/ooxml: the summary
 * function has ~5 KB left under its bundle budget (issue 7), so this is terse on purpose.
 *
 * Every series carries its values in the part itself (c:strCache/c:numCache, or c:strLit/c:numLit
 * when there is no cell to point at): a reader draws the chart from them without computing
 * anything — LibreOffice draws a .docx chart from them alone. In a workbook the references tie the
 * chart to its cells as well, so Excel redraws it when they are edited. Children are written in
 * schema order (CT_BarSer, CT_BarChart, CT_CatAx, CT_ValAx), which Excel checks.
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

/** A string or number list: a reference with its cache, or a literal when there is no reference. */
function data(kind: 'str' | 'num', items: readonly (string | number | null)[], ref: string | undefined, format?: string): string {
  const pts = items.map((x, i) => (x === null ? '' : `<c:pt idx="${i}"><c:v>${esc(x)}</c:v></c:pt>`)).join('');
  const inner = (format ? `<c:formatCode>${esc(format)}</c:formatCode>` : '') + v('ptCount', items.length) + pts;
  return ref ? `<c:${kind}Ref><c:f>${esc(ref)}</c:f><c:${kind}Cache>${inner}</c:${kind}Cache></c:${kind}Ref>` : `<c:${kind}Lit>${inner}</c:${kind}Lit>`;
}

const text = (s: string, size: number, bold: 0 | 1) =>
  `<a:p><a:pPr><a:defRPr sz="${size}" b="${bold}"/></a:pPr><a:r><a:rPr lang="vi-VN" sz="${size}" b="${bold}"/><a:t>${esc(s)}</a:t></a:r></a:p>`;

/** The axes' shared children, from c:delete to c:tickLblPos; c:crossAx follows. */
const axis = (pos: string, format: string) =>
  `${v('delete', 0)}${v('axPos', pos)}${pos === 'l' ? '<c:majorGridlines/>' : ''}<c:numFmt formatCode="${esc(format)}" sourceLinked="0"/>${v('majorTickMark', 'out')}${v('minorTickMark', 'none')}${v('tickLblPos', 'nextTo')}`;

/** Category labels turned 45°: many short labels stay on one line each instead of breaking. */
const TURNED = '<c:txPr><a:bodyPr rot="-2700000" vert="horz"/><a:p><a:pPr><a:defRPr/></a:pPr><a:endParaRPr lang="vi-VN"/></a:p></c:txPr>';

/** The chart part's XML. */
export function columnChartXml(c: ColumnChart): string {
  const series = c.series.map(
    (s, i) =>
      `<c:ser>${v('idx', i)}${v('order', i)}<c:tx>${s.nameRef ? data('str', [s.name], s.nameRef) : `<c:v>${esc(s.name)}</c:v>`}</c:tx>` +
      `<c:spPr><a:solidFill><a:srgbClr val="${s.color}"/></a:solidFill></c:spPr>${v('invertIfNegative', 0)}` +
      `<c:dLbls><c:numFmt formatCode="${esc(c.labels ?? c.format)}" sourceLinked="0"/>${v('showLegendKey', 0)}${v('showVal', 1)}${v('showCatName', 0)}${v('showSerName', 0)}${v('showPercent', 0)}${v('showBubbleSize', 0)}</c:dLbls>` +
      `<c:cat>${data('str', c.categories, c.categoriesRef)}</c:cat><c:val>${data('num', s.values, s.valuesRef, c.format)}</c:val></c:ser>`,
  );
  return (
    `${XML_DECLARATION}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">` +
    `${v('roundedCorners', 0)}<c:chart><c:title><c:tx><c:rich><a:bodyPr/>${text(c.title, 1200, 1)}</c:rich></c:tx>${v('overlay', 0)}</c:title>${v('autoTitleDeleted', 0)}` +
    `<c:plotArea><c:layout/><c:barChart>${v('barDir', 'col')}${v('grouping', c.stacked ? 'stacked' : 'clustered')}${v('varyColors', 0)}${series.join('')}` +
    `${v('gapWidth', 60)}${c.stacked ? v('overlap', 100) : ''}${v('axId', 1)}${v('axId', 2)}</c:barChart>` +
    `<c:catAx>${v('axId', 1)}<c:scaling>${v('orientation', 'minMax')}</c:scaling>${axis('b', 'General')}${c.categories.length > 12 ? TURNED : ''}${v('crossAx', 2)}${v('crosses', 'autoZero')}${v('auto', 1)}${v('lblAlgn', 'ctr')}${v('lblOffset', 100)}</c:catAx>` +
    `<c:valAx>${v('axId', 2)}<c:scaling>${v('orientation', 'minMax')}${c.max === undefined ? '' : v('max', c.max)}${v('min', 0)}</c:scaling>${axis('l', c.format)}${v('crossAx', 1)}${v('crosses', 'autoZero')}${v('crossBetween', 'between')}${c.step === undefined ? '' : v('majorUnit', c.step)}</c:valAx>` +
    `</c:plotArea><c:legend>${v('legendPos', 'b')}${v('overlay', 0)}</c:legend>${v('plotVisOnly', 1)}${v('dispBlanksAs', 'gap')}</c:chart>` +
    '<c:txPr><a:bodyPr/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="vi-VN"/></a:p></c:txPr></c:chartSpace>'
  );
}
