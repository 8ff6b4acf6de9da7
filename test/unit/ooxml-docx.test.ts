import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildSummaryDocx } from '../../shared/documents/summary-docx.js';
import { consolidate } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { GROUP_LABELS, parseRegime } from '../../shared/domain/regime.js';
import { docx, paragraph, table, type DocxOptions } from '../../shared/ooxml/docx.js';

/*
 * The hand-written .docx writer, checked the way Word reads a package: every part well-formed XML
 * with its namespaces declared, every part typed in [Content_Types].xml, every relationship target
 * present, and the children of the property elements in the order the schema (ECMA-376 Part 1, §17)
 * requires — Word reports a file "unreadable" over any of these.
 */

// ---- A small XML reader: rejects what is not well-formed, and gives a tree to inspect. ----

interface El {
  name: string;
  attrs: Record<string, string>;
  children: (El | string)[];
}

const NAME = '[A-Za-z_][\\w.:-]*';
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const ATTR = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const BAD_AMP = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const BAD_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

const unescapeXml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
      : { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!,
  );

/** Parses an XML document, throwing on anything not well-formed or on an undeclared namespace prefix. */
function parseXml(xml: string): El {
  if (BAD_CHAR.test(xml)) throw new Error('a character XML does not allow');
  let i = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  const root: El = { name: '#document', attrs: {}, children: [] };
  const stack: { el: El; ns: Set<string> }[] = [{ el: root, ns: new Set(['xml']) }];
  while (i < xml.length) {
    const top = stack.at(-1)!;
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i) < 0 ? xml.length : xml.indexOf('<', i);
      const text = xml.slice(i, end);
      if (BAD_AMP.test(text) || text.includes('>')) throw new Error(`bad text at ${i}: ${text.slice(0, 40)}`);
      if (top.el === root && text.trim()) throw new Error('text outside the root element');
      if (top.el !== root) top.el.children.push(unescapeXml(text));
      i = end;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(xml);
    if (!m) throw new Error(`malformed markup at ${i}: ${xml.slice(i, i + 60)}`);
    const [all, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    i += all.length;
    if (close) {
      if (attrText || selfClose) throw new Error(`malformed end tag ${all}`);
      if (top.el.name !== name) throw new Error(`</${name}> closes <${top.el.name}>`);
      stack.pop();
      continue;
    }
    if (top.el === root && root.children.length) throw new Error('a second root element');
    const el: El = { name, attrs: {}, children: [] };
    for (const a of attrText.matchAll(ATTR)) {
      const value = a[2] ?? a[3] ?? '';
      if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      if (BAD_AMP.test(value)) throw new Error(`bad attribute value ${value}`);
      el.attrs[a[1]!] = unescapeXml(value);
    }
    const ns = new Set(top.ns);
    for (const a of Object.keys(el.attrs)) if (a.startsWith('xmlns:')) ns.add(a.slice(6));
    for (const n of [name, ...Object.keys(el.attrs).filter((a) => !a.startsWith('xmlns'))]) {
      if (n.includes(':') && !ns.has(n.split(':')[0]!)) throw new Error(`undeclared prefix in ${n}`);
    }
    top.el.children.push(el);
    if (!selfClose) stack.push({ el, ns });
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.el.name}> is not closed`);
  const [doc] = root.children;
  if (!doc || typeof doc === 'string') throw new Error('no root element');
  return doc;
}

const elements = (el: El) => el.children.filter((c): c is El => typeof c !== 'string');
const child = (el: El, name: string) => elements(el).find((c) => c.name === name);
/** Every element named `name` at any depth below `el`. */
function all(el: El, name: string): El[] {
  return elements(el).flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
}
/** The text of a paragraph (its w:t, in order). */
const text = (p: El) =>
  all(p, 'w:t')
    .map((t) => t.children.join(''))
    .join('');

/**
 * Child order the schema requires (the subset a writer might emit); unknown children fail too. A
 * group in brackets shares one place: its members may repeat and interleave (paragraphs and tables
 * in a body, runs in a paragraph).
 */
const SCHEMA_ORDER: Record<string, (string | string[])[]> = {
  'w:rPr': [
    'w:rStyle',
    'w:rFonts',
    'w:b',
    'w:bCs',
    'w:i',
    'w:iCs',
    'w:caps',
    'w:strike',
    'w:color',
    'w:spacing',
    'w:kern',
    'w:sz',
    'w:szCs',
    'w:highlight',
    'w:u',
    'w:shd',
    'w:vertAlign',
    'w:lang',
  ],
  'w:pPr': [
    'w:pStyle',
    'w:keepNext',
    'w:keepLines',
    'w:pageBreakBefore',
    'w:widowControl',
    'w:numPr',
    'w:pBdr',
    'w:shd',
    'w:tabs',
    'w:spacing',
    'w:ind',
    'w:contextualSpacing',
    'w:jc',
    'w:outlineLvl',
    'w:rPr',
    'w:sectPr',
  ],
  'w:pBdr': ['w:top', 'w:left', 'w:bottom', 'w:right', 'w:between', 'w:bar'],
  'w:tblPr': [
    'w:tblStyle',
    'w:tblpPr',
    'w:tblOverlap',
    'w:bidiVisual',
    'w:tblW',
    'w:jc',
    'w:tblCellSpacing',
    'w:tblInd',
    'w:tblBorders',
    'w:shd',
    'w:tblLayout',
    'w:tblCellMar',
    'w:tblLook',
  ],
  'w:tblBorders': ['w:top', 'w:left', 'w:bottom', 'w:right', 'w:insideH', 'w:insideV'],
  'w:tcPr': [
    'w:cnfStyle',
    'w:tcW',
    'w:gridSpan',
    'w:hMerge',
    'w:vMerge',
    'w:tcBorders',
    'w:shd',
    'w:noWrap',
    'w:tcMar',
    'w:textDirection',
    'w:tcFitText',
    'w:vAlign',
    'w:hideMark',
  ],
  'w:tbl': ['w:tblPr', 'w:tblGrid', ['w:tr']],
  'w:tblGrid': [['w:gridCol']],
  'w:tr': ['w:tblPrEx', 'w:trPr', ['w:tc']],
  'w:tc': ['w:tcPr', ['w:p', 'w:tbl']],
  'w:p': ['w:pPr', ['w:r', 'w:fldSimple', 'w:hyperlink']],
  'w:r': ['w:rPr', ['w:t', 'w:tab', 'w:br', 'w:fldChar', 'w:instrText', 'w:drawing']],
  'w:sectPr': [
    ['w:headerReference'],
    ['w:footerReference'],
    'w:footnotePr',
    'w:endnotePr',
    'w:type',
    'w:pgSz',
    'w:pgMar',
    'w:paperSrc',
    'w:pgBorders',
    'w:lnNumType',
    'w:pgNumType',
    'w:cols',
    'w:formProt',
    'w:vAlign',
    'w:noEndnote',
    'w:titlePg',
    'w:textDirection',
    'w:bidi',
    'w:rtlGutter',
    'w:docGrid',
  ],
  'w:body': [['w:p', 'w:tbl'], 'w:sectPr'],
  'w:hdr': [['w:p', 'w:tbl']],
  'wp:inline': ['wp:extent', 'wp:effectExtent', 'wp:docPr', 'wp:cNvGraphicFramePr', 'a:graphic'],
  // DrawingML charts (ECMA-376 Part 1, §21.2.2), the elements shared/ooxml/chart.ts writes; Excel checks these too.
  'c:chartSpace': [
    'c:date1904',
    'c:lang',
    'c:roundedCorners',
    'c:clrMapOvr',
    'c:pivotSource',
    'c:protection',
    'c:chart',
    'c:spPr',
    'c:txPr',
    'c:externalData',
    'c:printSettings',
    'c:userShapes',
  ],
  'c:chart': [
    'c:title',
    'c:autoTitleDeleted',
    'c:pivotFmts',
    'c:view3D',
    'c:floor',
    'c:sideWall',
    'c:backWall',
    'c:plotArea',
    'c:legend',
    'c:plotVisOnly',
    'c:dispBlanksAs',
  ],
  'c:title': ['c:tx', 'c:layout', 'c:overlay', 'c:spPr', 'c:txPr'],
  'c:plotArea': ['c:layout', ['c:barChart'], ['c:catAx', 'c:valAx'], 'c:dTable', 'c:spPr'],
  'c:barChart': ['c:barDir', 'c:grouping', 'c:varyColors', ['c:ser'], 'c:dLbls', 'c:gapWidth', 'c:overlap', 'c:serLines', ['c:axId']],
  'c:ser': [
    'c:idx',
    'c:order',
    'c:tx',
    'c:spPr',
    'c:invertIfNegative',
    'c:pictureOptions',
    ['c:dPt'],
    'c:dLbls',
    ['c:trendline'],
    'c:errBars',
    'c:cat',
    'c:val',
    'c:shape',
  ],
  'c:dLbls': [
    ['c:dLbl'],
    'c:delete',
    'c:numFmt',
    'c:spPr',
    'c:txPr',
    'c:dLblPos',
    'c:showLegendKey',
    'c:showVal',
    'c:showCatName',
    'c:showSerName',
    'c:showPercent',
    'c:showBubbleSize',
    'c:separator',
    'c:showLeaderLines',
  ],
  'c:numLit': ['c:formatCode', 'c:ptCount', ['c:pt']],
  'c:strLit': ['c:ptCount', ['c:pt']],
  'c:scaling': ['c:logBase', 'c:orientation', 'c:max', 'c:min'],
  'c:catAx': [
    'c:axId',
    'c:scaling',
    'c:delete',
    'c:axPos',
    'c:majorGridlines',
    'c:minorGridlines',
    'c:title',
    'c:numFmt',
    'c:majorTickMark',
    'c:minorTickMark',
    'c:tickLblPos',
    'c:spPr',
    'c:txPr',
    'c:crossAx',
    'c:crosses',
    'c:crossesAt',
    'c:auto',
    'c:lblAlgn',
    'c:lblOffset',
    'c:tickLblSkip',
    'c:tickMarkSkip',
    'c:noMultiLvlLbl',
  ],
  'c:valAx': [
    'c:axId',
    'c:scaling',
    'c:delete',
    'c:axPos',
    'c:majorGridlines',
    'c:minorGridlines',
    'c:title',
    'c:numFmt',
    'c:majorTickMark',
    'c:minorTickMark',
    'c:tickLblPos',
    'c:spPr',
    'c:txPr',
    'c:crossAx',
    'c:crosses',
    'c:crossesAt',
    'c:crossBetween',
    'c:majorUnit',
    'c:minorUnit',
    'c:dispUnits',
  ],
  'c:legend': ['c:legendPos', ['c:legendEntry'], 'c:layout', 'c:overlay', 'c:spPr', 'c:txPr'],
};

/** "w:rPr: w:b after w:sz" for every element whose children break the schema order. */
function orderErrors(el: El): string[] {
  const order = SCHEMA_ORDER[el.name];
  const errors: string[] = [];
  if (order) {
    let last = -1;
    let prev = '';
    for (const c of elements(el)) {
      const rank = order.findIndex((o) => (Array.isArray(o) ? o.includes(c.name) : o === c.name));
      if (rank < 0) errors.push(`${el.name}: unexpected ${c.name}`);
      else if (rank < last) errors.push(`${el.name}: ${c.name} after ${prev}`);
      else if (rank === last && !Array.isArray(order[rank])) errors.push(`${el.name}: ${c.name} twice`);
      last = Math.max(last, rank);
      prev = c.name;
    }
  }
  return [...errors, ...elements(el).flatMap(orderErrors)];
}

/** Table structure errors: a cell without a paragraph, a row not covering the grid, a cell width not its columns'. */
function tableErrors(doc: El): string[] {
  const errors: string[] = [];
  all(doc, 'w:tbl').forEach((tbl, t) => {
    const grid = elements(child(tbl, 'w:tblGrid')!).map((g) => Number(g.attrs['w:w']));
    if (Number(child(child(tbl, 'w:tblPr')!, 'w:tblW')!.attrs['w:w']) !== grid.reduce((a, b) => a + b, 0))
      errors.push(`table ${t}: tblW is not the grid's width`);
    elements(tbl)
      .filter((r) => r.name === 'w:tr')
      .forEach((tr, r) => {
        let col = 0;
        for (const tc of elements(tr).filter((c) => c.name === 'w:tc')) {
          if (!child(tc, 'w:p')) errors.push(`table ${t} row ${r}: a cell without a paragraph`);
          const tcPr = child(tc, 'w:tcPr')!;
          const span = Number(child(tcPr, 'w:gridSpan')?.attrs['w:val'] ?? 1);
          const width = grid.slice(col, col + span).reduce((a, b) => a + b, 0);
          if (Number(child(tcPr, 'w:tcW')!.attrs['w:w']) !== width) errors.push(`table ${t} row ${r}: cell width is not its columns'`);
          col += span;
        }
        if (col !== grid.length) errors.push(`table ${t} row ${r}: covers ${col} of ${grid.length} grid columns`);
      });
  });
  return errors;
}

/** Numeric attributes that must be whole numbers. */
function fractionErrors(doc: El): string[] {
  const walk = (el: El): string[] => [
    ...Object.entries(el.attrs)
      .filter(([k, v]) => k.startsWith('w:') && /^-?\d*\.\d+$/.test(v))
      .map(([k, v]) => `${el.name} ${k}="${v}"`),
    ...elements(el).flatMap(walk),
  ];
  return walk(doc);
}

type Package = { names: string[]; xml: Record<string, El>; raw: Record<string, string> };

/** Unzips a package and parses every part (all of a .docx's parts are XML). */
function open(bytes: Uint8Array): Package {
  const files = unzipSync(bytes);
  const raw = Object.fromEntries(Object.entries(files).map(([n, b]) => [n, strFromU8(b)]));
  const xml = Object.fromEntries(Object.entries(raw).map(([n, s]) => [n, parseXml(s)]));
  return { names: Object.keys(files), xml, raw };
}

/** The package-level errors: a part without a content type, a type for no part, a relationship to nothing. */
function packageErrors(p: Package): string[] {
  const errors: string[] = [];
  const types = p.xml['[Content_Types].xml']!;
  const defaults = new Map(
    elements(types)
      .filter((e) => e.name === 'Default')
      .map((e) => [e.attrs.Extension!, e.attrs.ContentType!]),
  );
  const overrides = new Map(
    elements(types)
      .filter((e) => e.name === 'Override')
      .map((e) => [e.attrs.PartName!, e.attrs.ContentType!]),
  );
  for (const name of p.names.filter((n) => n !== '[Content_Types].xml')) {
    if (!overrides.has(`/${name}`) && !defaults.has(name.split('.').pop()!)) errors.push(`${name} has no content type`);
  }
  for (const part of overrides.keys()) if (!p.names.includes(part.slice(1))) errors.push(`content type for missing ${part}`);
  for (const rels of p.names.filter((n) => n.endsWith('.rels'))) {
    const base = rels.replace(/_rels\/[^/]*\.rels$/, '');
    const ids = new Set<string>();
    for (const r of elements(p.xml[rels]!)) {
      if (ids.has(r.attrs.Id!)) errors.push(`${rels}: duplicate ${r.attrs.Id}`);
      ids.add(r.attrs.Id!);
      if (!p.names.includes(base + r.attrs.Target!)) errors.push(`${rels}: ${r.attrs.Id} → missing ${base}${r.attrs.Target}`);
    }
  }
  return errors;
}

/** The relationships of word/document.xml, by id. */
const documentRels = (p: Package) => new Map(elements(p.xml['word/_rels/document.xml.rels']!).map((r) => [r.attrs.Id!, r.attrs]));

const FONT = 'Times New Roman';
const sample = (): DocxOptions => ({
  properties: { title: 'Báo cáo <thử> & "nghiệm"', creator: 'Hệ thống báo cáo', created: new Date('2026-12-20T01:02:03.456Z') },
  defaults: { font: FONT, size: 28, lang: 'vi-VN' },
  page: { width: 11906, height: 16838, margin: { top: 1134, right: 1134, bottom: 1134, left: 1701 } },
  header: [paragraph([{ field: 'PAGE', font: FONT, size: 26 }], { align: 'center' })],
  firstPageHeader: [],
  body: [
    paragraph([{ text: 'DỰ THẢO', bold: true, italics: true, size: 24, font: FONT }], {
      align: 'center',
      spacing: { before: 0, after: 120, line: 300 },
      indent: { left: 10.4, right: 6471, firstLine: 567 },
      border: { top: { size: 6, space: 1, color: '000000' }, right: { size: 6, space: 4 }, bottom: { size: 6 }, left: { size: 6 } },
    }),
    paragraph([
      { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, font: FONT },
      { text: ' — Độc lập - Tự do - Hạnh phúc', font: FONT },
    ]),
    table({
      columns: [700, 3871.5, 1500],
      borders: { size: 4 },
      rows: [
        {
          header: true,
          cells: [
            { children: [paragraph([{ text: 'STT' }])], fill: 'F2F2F2', vAlign: 'center' },
            { children: [paragraph([{ text: 'Chỉ tiêu' }])] },
            { children: [] },
          ],
        },
        { cells: [{ children: [paragraph([{ text: 'I. Phổ biến, quán triệt' }])], span: 3, vAlign: 'center', fill: 'F2F2F2' }] },
        { cells: [{ children: [], span: 2 }, { children: [paragraph([{ text: '<script>alert("x")</script> & Co\u0001' }])] }] },
      ],
    }),
    table({ columns: [3628, 5443], borders: 'none', rows: [{ cells: [{ children: [paragraph([])] }, { children: [] }] }] }),
  ],
});

describe('docx writer: the package', () => {
  const p = open(docx(sample()));

  it('has exactly the parts it needs, all well-formed, namespaced XML', () => {
    expect(p.names.sort()).toEqual(
      [
        '[Content_Types].xml',
        '_rels/.rels',
        'docProps/core.xml',
        'word/_rels/document.xml.rels',
        'word/document.xml',
        'word/header1.xml',
        'word/header2.xml',
        'word/settings.xml',
        'word/styles.xml',
      ].sort(),
    );
    for (const [name, s] of Object.entries(p.raw))
      expect(s.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'), name).toBe(true);
  });

  it('types every part, and every relationship points to a part', () => {
    expect(packageErrors(p)).toEqual([]);
    const types = elements(p.xml['[Content_Types].xml']!);
    expect(types.find((t) => t.attrs.PartName === '/word/document.xml')?.attrs.ContentType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    );
    const rels = elements(p.xml['_rels/.rels']!).map((r) => [r.attrs.Type!.split('/').pop(), r.attrs.Target]);
    expect(rels).toEqual([
      ['officeDocument', 'word/document.xml'],
      ['core-properties', 'docProps/core.xml'],
    ]);
  });

  it('writes properties escaped, with a fixed time (so the same input gives the same bytes)', () => {
    const core = p.xml['docProps/core.xml']!;
    expect(child(core, 'dc:title')!.children).toEqual(['Báo cáo <thử> & "nghiệm"']);
    expect(child(core, 'dc:creator')!.children).toEqual(['Hệ thống báo cáo']);
    expect(child(core, 'dcterms:created')!.children).toEqual(['2026-12-20T01:02:03Z']);
    expect(docx(sample())).toEqual(docx(sample()));
  });

  it('sets the default font for all scripts and the size in styles.xml', () => {
    const rPr = child(child(child(p.xml['word/styles.xml']!, 'w:docDefaults')!, 'w:rPrDefault')!, 'w:rPr')!;
    expect(child(rPr, 'w:rFonts')!.attrs).toEqual({ 'w:ascii': FONT, 'w:hAnsi': FONT, 'w:eastAsia': FONT, 'w:cs': FONT });
    expect(child(rPr, 'w:sz')!.attrs['w:val']).toBe('28');
    expect(child(rPr, 'w:lang')!.attrs['w:val']).toBe('vi-VN');
  });
});

describe('docx writer: the document', () => {
  const p = open(docx(sample()));
  const doc = p.xml['word/document.xml']!;
  const body = child(doc, 'w:body')!;

  it('keeps every property element in schema order', () => {
    expect(orderErrors(doc)).toEqual([]);
    for (const part of ['word/header1.xml', 'word/header2.xml', 'word/styles.xml']) expect(orderErrors(p.xml[part]!), part).toEqual([]);
  });

  it('the order check catches a run property out of order', () => {
    const bad = parseXml('<w:r xmlns:w="w"><w:rPr><w:sz w:val="24"/><w:b/></w:rPr><w:t>x</w:t></w:r>');
    expect(orderErrors(bad)).toEqual(['w:rPr: w:b after w:sz']);
  });

  it('writes runs with bold, italics, size and the font for all four scripts', () => {
    const rPr = child(all(body, 'w:r')[0]!, 'w:rPr')!;
    expect(elements(rPr).map((e) => e.name)).toEqual(['w:rFonts', 'w:b', 'w:bCs', 'w:i', 'w:iCs', 'w:sz', 'w:szCs']);
    expect(child(rPr, 'w:rFonts')!.attrs).toEqual({ 'w:ascii': FONT, 'w:hAnsi': FONT, 'w:eastAsia': FONT, 'w:cs': FONT });
    expect(child(rPr, 'w:szCs')!.attrs['w:val']).toBe('24');
  });

  it('writes paragraph borders, spacing, indent and alignment, with whole numbers', () => {
    const pPr = child(elements(body)[0]!, 'w:pPr')!;
    expect(
      elements(child(pPr, 'w:pBdr')!).map((e) => [e.name, e.attrs['w:val'], e.attrs['w:sz'], e.attrs['w:space'], e.attrs['w:color']]),
    ).toEqual([
      ['w:top', 'single', '6', '1', '000000'],
      ['w:left', 'single', '6', '0', 'auto'],
      ['w:bottom', 'single', '6', '0', 'auto'],
      ['w:right', 'single', '6', '4', 'auto'],
    ]);
    expect(child(pPr, 'w:spacing')!.attrs).toEqual({ 'w:before': '0', 'w:after': '120', 'w:line': '300' });
    expect(child(pPr, 'w:ind')!.attrs).toEqual({ 'w:left': '10', 'w:right': '6471', 'w:firstLine': '567' });
    expect(child(pPr, 'w:jc')!.attrs['w:val']).toBe('center');
    expect(fractionErrors(doc)).toEqual([]);
  });

  it('keeps the text, Vietnamese diacritics and spaces at run ends included, and escapes markup', () => {
    const paragraphs = all(body, 'w:p').map(text);
    expect(paragraphs).toContain('DỰ THẢO');
    expect(paragraphs).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc');
    expect(paragraphs).toContain('<script>alert("x")</script> & Co');
    expect(all(body, 'w:t').every((t) => t.attrs['xml:space'] === 'preserve')).toBe(true);
    expect(p.raw['word/document.xml']).not.toContain('<script>');
  });

  it('lays tables on their grid: spans, widths, one paragraph at least in every cell', () => {
    expect(tableErrors(doc)).toEqual([]);
    const [t] = all(body, 'w:tbl');
    expect(elements(child(t!, 'w:tblGrid')!).map((g) => g.attrs['w:w'])).toEqual(['700', '3872', '1500']);
    const rows = elements(t!).filter((e) => e.name === 'w:tr');
    expect(child(child(rows[0]!, 'w:trPr')!, 'w:tblHeader')).toBeDefined();
    expect(child(rows[1]!, 'w:trPr')).toBeUndefined();
    const spanned = child(child(rows[1]!, 'w:tc')!, 'w:tcPr')!;
    expect(elements(spanned).map((e) => e.name)).toEqual(['w:tcW', 'w:gridSpan', 'w:shd', 'w:vAlign']);
    expect(child(spanned, 'w:gridSpan')!.attrs['w:val']).toBe('3');
    expect(child(spanned, 'w:shd')!.attrs).toEqual({ 'w:val': 'clear', 'w:color': 'auto', 'w:fill': 'F2F2F2' });
    expect(child(spanned, 'w:vAlign')!.attrs['w:val']).toBe('center');
    const tblPr = child(t!, 'w:tblPr')!;
    expect(child(tblPr, 'w:tblW')!.attrs).toEqual({ 'w:w': '6072', 'w:type': 'dxa' });
    expect(child(tblPr, 'w:tblLayout')!.attrs['w:type']).toBe('fixed');
    expect(elements(child(tblPr, 'w:tblBorders')!).map((b) => `${b.name}=${b.attrs['w:val']}`)).toEqual([
      'w:top=single',
      'w:left=single',
      'w:bottom=single',
      'w:right=single',
      'w:insideH=single',
      'w:insideV=single',
    ]);
    const none = child(child(all(body, 'w:tbl')[1]!, 'w:tblPr')!, 'w:tblBorders')!;
    expect(elements(none).every((b) => b.attrs['w:val'] === 'none')).toBe(true);
  });

  it('the table check catches a row that does not cover the grid, and the writer refuses one', () => {
    const bad = parseXml(
      '<w:body xmlns:w="w"><w:tbl><w:tblPr><w:tblW w:w="300"/></w:tblPr><w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="200"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="100"/></w:tcPr></w:tc></w:tr></w:tbl></w:body>',
    );
    expect(tableErrors(bad)).toEqual(['table 0 row 0: a cell without a paragraph', 'table 0 row 0: covers 1 of 2 grid columns']);
    expect(() => table({ columns: [100, 200], borders: 'none', rows: [{ cells: [{ children: [], span: 3 }] }] })).toThrow(
      /spans 3 grid columns, the grid has 2/,
    );
  });

  it('puts the page number in the header from the second page on, on A4 with the given margins', () => {
    const sect = child(body, 'w:sectPr')!;
    expect(elements(body).at(-1)).toBe(sect);
    const rels = documentRels(p);
    const refs = elements(sect).filter((e) => e.name === 'w:headerReference');
    expect(refs.map((r) => [r.attrs['w:type'], rels.get(r.attrs['r:id']!)?.Target])).toEqual([
      ['default', 'header1.xml'],
      ['first', 'header2.xml'],
    ]);
    expect(child(sect, 'w:titlePg')).toBeDefined();
    expect(child(sect, 'w:pgSz')!.attrs).toEqual({ 'w:w': '11906', 'w:h': '16838' });
    expect(child(sect, 'w:pgMar')!.attrs).toMatchObject({ 'w:top': '1134', 'w:right': '1134', 'w:bottom': '1134', 'w:left': '1701' });

    const header = p.xml['word/header1.xml']!;
    const runs = all(header, 'w:r');
    expect(runs.map((r) => elements(r).at(-1)!.name)).toEqual(['w:fldChar', 'w:instrText', 'w:fldChar', 'w:t', 'w:fldChar']);
    expect(all(header, 'w:fldChar').map((f) => f.attrs['w:fldCharType'])).toEqual(['begin', 'separate', 'end']);
    expect(all(header, 'w:instrText')[0]!.children.join('').trim()).toBe('PAGE');
    expect(child(child(elements(header)[0]!, 'w:pPr')!, 'w:jc')!.attrs['w:val']).toBe('center');
    // The first page's header is empty, but still holds the paragraph Word requires.
    expect(elements(p.xml['word/header2.xml']!).map((e) => e.name)).toEqual(['w:p']);
  });

  it('without a first-page header: one header on every page, no w:titlePg', () => {
    const q = open(docx({ ...sample(), firstPageHeader: undefined }));
    expect(packageErrors(q)).toEqual([]);
    const sect = child(child(q.xml['word/document.xml']!, 'w:body')!, 'w:sectPr')!;
    expect(elements(sect).filter((e) => e.name === 'w:headerReference')).toHaveLength(1);
    expect(child(sect, 'w:titlePg')).toBeUndefined();
    expect(q.names).not.toContain('word/header2.xml');
  });
});

describe('the XML check itself', () => {
  it.each([
    ['an unclosed element', '<a><b></a>'],
    ['a bare ampersand', '<a>x & y</a>'],
    ['an unquoted attribute', '<a b=1/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['an undeclared prefix', '<w:p/>'],
    ['two roots', '<a/><b/>'],
    ['a control character', '<a>\u0001</a>'],
  ])('rejects %s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});

describe('the summary draft through the writer', () => {
  const regime = parseRegime(DEFAULT_REGIME);
  const c = consolidate({ regime, period: '2026', now: new Date('2026-12-20T01:00:00Z'), rows: [] });

  it('is a valid package whose document keeps the schema order and the table grids', async () => {
    const p = open(await buildSummaryDocx(c, regime));
    expect(packageErrors(p)).toEqual([]);
    const doc = p.xml['word/document.xml']!;
    expect(orderErrors(doc)).toEqual([]);
    expect(tableErrors(doc)).toEqual([]);
    expect(fractionErrors(doc)).toEqual([]);
    // Header block, indicator table, signature block.
    expect(all(doc, 'w:tbl')).toHaveLength(3);
    const paragraphs = all(doc, 'w:p').map(text);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BÁO CÁO',
      'Kết quả thực hiện công tác dân vận chính quyền năm 2026',
      'Nơi nhận:',
      'GIÁM ĐỐC',
    ])
      expect(paragraphs).toContain(s);
    // Every run of text names Times New Roman for every script, so Vietnamese letters do not fall back to another font.
    for (const r of all(doc, 'w:r').filter((x) => child(x, 'w:t')))
      expect(child(child(r, 'w:rPr')!, 'w:rFonts')!.attrs['w:hAnsi']).toBe(FONT);
    expect(child(p.xml['docProps/core.xml']!, 'dc:title')!.children.join('')).toBe(
      'Báo cáo Kết quả thực hiện công tác dân vận chính quyền năm 2026 (dự thảo)',
    );
  });

  it('carries its two charts inline, each with alternative text, its own part in schema order and its values in the part', async () => {
    const p = open(await buildSummaryDocx(c, regime));
    const doc = p.xml['word/document.xml']!;
    const rels = new Map(elements(p.xml['word/_rels/document.xml.rels']!).map((r) => [r.attrs.Id!, r.attrs.Target!]));
    const inline = all(doc, 'wp:inline');
    expect(inline).toHaveLength(2);
    inline.forEach((el, i) => {
      expect(child(el, 'wp:docPr')!.attrs.descr).toMatch(
        i
          ? /^Số báo cáo hợp lệ nhận được theo ngày \(hạn nộp 18\/12\/2026\): 0 báo cáo gửi đến hạn nộp, 0 báo cáo gửi sau hạn nộp\.$/
          : /^Tỷ lệ gửi báo cáo theo nhóm cơ quan, đơn vị: Toàn tỉnh — báo cáo 0,0%, đúng hạn 0,0%; /,
      );
      // The drawing's relationship leads to the chart part, which is typed as a chart.
      const target = rels.get(all(el, 'c:chart')[0]!.attrs['r:id']!)!;
      expect(target).toBe(`charts/chart${i + 1}.xml`);
      const part = p.xml[`word/${target}`]!;
      expect(orderErrors(part)).toEqual([]);
      // No workbook behind a docx chart: names, categories and values are literals in the part.
      expect(all(part, 'c:numLit')).toHaveLength(2);
      expect(all(part, 'c:numRef')).toHaveLength(0);
    });
    expect(p.raw['[Content_Types].xml']).toContain(
      'PartName="/word/charts/chart2.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"',
    );
    // Rates by group: three categories, the three reporting rates (nobody has reported in this consolidation).
    const rates = p.xml['word/charts/chart1.xml']!;
    expect(all(all(rates, 'c:cat')[0]!, 'c:v').map((v) => v.children.join(''))).toEqual([
      'Toàn tỉnh',
      GROUP_LABELS.province,
      GROUP_LABELS.district,
    ]);
    expect(all(all(rates, 'c:val')[0]!, 'c:v').map((v) => v.children.join(''))).toEqual(['0', '0', '0']);
  });
});
