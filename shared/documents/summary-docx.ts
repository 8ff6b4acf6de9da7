import { CONTENT_TYPES } from '../domain/file-type.js';
import { localDate, periodDates, vietnameseDateTime } from '../domain/calendar.js';
import { periodLabel } from '../domain/periodicity.js';
import {
  indicatorDecimals,
  indicatorSections,
  indicatorTotal,
  regimeSubject,
  viFigure,
  viNumber,
  viPercent,
  type Consolidation,
  type IndicatorSection,
  type IndicatorTotal,
  type UnitText,
} from '../domain/consolidation.js';
import { groupLabel, type Regime, type UnitGroup } from '../domain/regime.js';
import type { PriorFigures } from '../domain/reorganization.js';
import { currentForm, fieldAt, PROGRAMME_STATUS_LABELS } from '../domain/report.js';
import { STATUS_LABELS } from '../domain/status.js';
import { summaryCharts } from './summary-charts.js';
import {
  chart,
  docx,
  paragraph,
  table,
  type Block,
  type Cell,
  type Line,
  type Paragraph,
  type ParagraphProps,
  type Row,
  type Table,
} from '../ooxml/docx.js';

/**
 * The draft of the province's general report, laid out as a Vietnamese administrative document
 * (Nghị định 30/2020/NĐ-CP, Phụ lục I): issuing-body and national-motto header, number/symbol and
 * place-date placeholders, title, body in Times New Roman 14, "Nơi nhận" and signature blocks.
 * It is a DRAFT for Sở Nội vụ to edit, and says so on its first line.
 */
export const DOCX_CONTENT_TYPE = CONTENT_TYPES.docx;

const FONT = 'Times New Roman';
const PT = (n: number) => n * 2; // run sizes are half-points
const BODY = PT(14);
const A4 = { width: 11906, height: 16838 };
const MARGIN = { top: 1134, bottom: 1134, left: 1701, right: 1134 }; // 20 / 20 / 30 / 20 mm
const TEXT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const DOTS = '……';
/** The thin black line of the header rules and the draft box. */
const RULE: Line = { size: 6, color: '000000', space: 1 };

interface RunSpec {
  text: string;
  bold?: boolean;
  italics?: boolean;
  size?: number;
}
const run = (r: RunSpec | string) => ({ font: FONT, ...(typeof r === 'string' ? { text: r } : r) });

const para = (children: (RunSpec | string)[], props: ParagraphProps = {}): Paragraph => paragraph(children.map(run), props);

/** A justified body paragraph with the customary first-line indent. */
const body = (...children: (RunSpec | string)[]) =>
  para(children, { align: 'both', indent: { firstLine: 567 }, spacing: { before: 60, after: 60, line: 300 } });

const heading = (text: string) =>
  para([{ text, bold: true }], { align: 'both', indent: { firstLine: 567 }, spacing: { before: 120, after: 60, line: 300 } });

const centered = (children: (RunSpec | string)[], spacing = { before: 0, after: 0 }) => para(children, { align: 'center', spacing });

/** A short centred rule under a header line: a bottom border on an indented empty paragraph. */
const rule = (cellWidth: number, ruleWidth: number) => {
  const side = Math.max(0, Math.round((cellWidth - ruleWidth) / 2));
  return paragraph([], { indent: { left: side, right: side }, spacing: { before: 0, after: 120 }, border: { bottom: RULE } });
};

const cell = (children: Paragraph[], opts: { span?: number; shade?: boolean } = {}): Cell => ({
  children,
  vAlign: 'center',
  span: opts.span,
  fill: opts.shade ? 'F2F2F2' : undefined,
});

/** "UBND TỈNH KON TUM" from "Ủy ban nhân dân tỉnh Kon Tum". */
export function parentBodyHeading(regime: Regime): string {
  return regime.issuingBody.replace(/^\s*(ủy|uỷ) ban nhân dân/iu, 'UBND').toLocaleUpperCase('vi');
}

/** "Sở Nội vụ" from "Sở Nội vụ tỉnh Kon Tum" (the place is already in the parent body). */
export function receivingBodyShort(regime: Regime): string {
  return regime.receivingBody.name.replace(/\s+(tỉnh|thành phố)\s+.+$/iu, '').trim();
}

/** The symbol of the issuing body in "Số: …/BC-SNV": initials of its short name ("Sở Nội vụ" → "SNV"). */
export function bodySymbol(regime: Regime): string {
  return receivingBodyShort(regime)
    .split(/\s+/)
    .map((w) =>
      w
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .charAt(0)
        .toLocaleUpperCase('vi'),
    )
    .join('');
}

const unitList = (names: string[]) => (names.length ? `${names.join('; ')}.` : 'không có.');

/** A borderless two-column table across the text width; each side is laid out for its own width. */
function twoColumns(leftShare: number, leftContent: (width: number) => Paragraph[], rightContent: (width: number) => Paragraph[]): Table {
  const left = Math.round(TEXT_WIDTH * leftShare);
  const right = TEXT_WIDTH - left;
  return table({ columns: [left, right], rows: [{ cells: [cell(leftContent(left)), cell(rightContent(right))] }], borders: 'none' });
}

function headerBlock(c: Consolidation, regime: Regime): Table {
  const year = localDate(new Date(c.asOf), regime.timeZone).slice(0, 4);
  return twoColumns(
    0.4,
    (width) => [
      centered([{ text: parentBodyHeading(regime), size: PT(13) }]),
      centered([{ text: receivingBodyShort(regime).toLocaleUpperCase('vi'), bold: true, size: PT(13) }]),
      rule(width, 1300),
      centered([{ text: `Số: ${DOTS}/BC-${bodySymbol(regime)}`, size: PT(13) }]),
    ],
    (width) => [
      centered([{ text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, size: PT(13) }]),
      centered([{ text: 'Độc lập - Tự do - Hạnh phúc', bold: true, size: PT(14) }]),
      rule(width, 3000),
      centered([{ text: `${regime.issuingPlace}, ngày ${DOTS} tháng ${DOTS} năm ${year}`, italics: true, size: PT(14) }]),
    ],
  );
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV'];
const roman = (n: number) => ROMAN[n - 1] ?? String(n);
const lowerFirst = (s: string) => `${s.charAt(0).toLocaleLowerCase('vi')}${s.slice(1)}`;

function indicatorTable(sections: IndicatorSection[], fig: (ind: IndicatorTotal, n: number) => string, labels: GroupLabels): Table {
  const widths = [700, TEXT_WIDTH - 700 - 3 * 1500, 1500, 1500, 1500];
  const small = (t: string, o: { bold?: boolean; align?: 'left' | 'center' | 'right' } = {}) =>
    para([{ text: t, bold: o.bold, size: PT(12) }], { align: o.align ?? 'left', spacing: { before: 40, after: 40 } });
  const header: Row = {
    header: true,
    cells: ['STT', 'Chỉ tiêu', 'Tổng cộng', labels.province, labels.district].map((h) =>
      cell([small(h, { bold: true, align: 'center' })], { shade: true }),
    ),
  };
  const rows: Row[] = [header];
  for (const section of sections) {
    rows.push({ cells: [cell([small(section.label, { bold: true })], { span: 5 })] });
    section.indicators.forEach((ind, k) => {
      rows.push({
        cells: [
          cell([small(String(k + 1), { align: 'center' })]),
          cell([small(ind.label)]),
          cell([small(fig(ind, ind.total), { bold: true, align: 'right' })]),
          cell([small(fig(ind, ind.province), { align: 'right' })]),
          cell([small(fig(ind, ind.district), { align: 'right' })]),
        ],
      });
    });
  }
  return table({ columns: widths, rows, borders: { size: 4 } });
}

/** The units' own words, one paragraph per unit (and per line of its text). */
function unitTexts(items: UnitText[], none: string): Paragraph[] {
  if (items.length === 0) return [body({ text: none, italics: true })];
  return items.flatMap((it) => {
    const lines = it.text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return [body({ text: `- ${it.name}: `, bold: true }, lines[0] ?? ''), ...lines.slice(1).map((l) => body(l))];
  });
}

function signatureBlock(regime: Regime): Table {
  const recipients = [...regime.leadership.map((l) => `- ${l.name};`), '- Lưu: VT.'];
  return twoColumns(
    0.5,
    () => [
      para([{ text: 'Nơi nhận:', bold: true, italics: true, size: PT(12) }], { spacing: { before: 0, after: 0 } }),
      ...recipients.map((r) => para([{ text: r, size: PT(11) }], { spacing: { before: 0, after: 0 } })),
    ],
    () => [
      centered([{ text: 'GIÁM ĐỐC', bold: true, size: PT(14) }]),
      ...Array.from({ length: 4 }, () => centered([])),
      centered([{ text: DOTS.repeat(4), size: PT(14) }]),
    ],
  );
}

/**
 * A section's paragraphs: the seed's sections read as the prose of the province's report; any other
 * section — or a seed section whose fields were changed, so a figure the prose names is missing —
 * lists its figures ("label: total; …").
 */
function sectionProse(
  c: Consolidation,
  section: IndicatorSection,
  fig: (ind: IndicatorTotal, n: number) => string,
  labels: GroupLabels,
): Paragraph[] {
  const prose = SEED_PROSE[section.key];
  if (prose) {
    try {
      return prose(c, labels).map((t) => body(t));
    } catch {
      // an indicator the prose names is not in this form: list the figures instead
    }
  }
  return [body(`${section.indicators.map((i) => `${i.label}: ${fig(i, i.total)}`).join('; ')}.`)];
}

/** What the regime calls its two groups of units (groupLabel). */
type GroupLabels = Record<UnitGroup, string>;

const SEED_PROSE: Record<string, (c: Consolidation, labels: GroupLabels) => string[]> = {
  dissemination: (c) => {
    const v = (path: string) => viNumber(indicatorTotal(c, path).total);
    return [
      `Các cơ quan, đơn vị đã tổ chức ${v('dissemination.sessions')} hội nghị, buổi phổ biến, quán triệt với ${v('dissemination.participantsOfficials')} lượt cán bộ, công chức, viên chức tham dự và ${v('dissemination.participantsWorkers')} lượt người lao động tham dự; đăng tải ${v('dissemination.mediaItems')} tin, bài, phóng sự tuyên truyền; tuyên truyền, nhân rộng ${v('dissemination.exemplaryExamples')} gương tập thể, cá nhân điển hình tiên tiến; xây dựng, nhân rộng ${v('dissemination.danVanKheoModels')} mô hình “Dân vận khéo”.`,
    ];
  },
  planAndSolutions: (c, labels) => {
    const v = (path: string) => viNumber(indicatorTotal(c, path).total);
    const petitionsReceived = indicatorTotal(c, 'planAndSolutions.petitionsReceived').total;
    const petitionsResolved = indicatorTotal(c, 'planAndSolutions.petitionsResolved').total;
    const resolvedShare = petitionsReceived > 0 ? ` (đạt ${viPercent(petitionsResolved / petitionsReceived)})` : '';
    return [
      `Có ${viNumber(c.plansIssued.total)}/${viNumber(c.countedReports.total)} cơ quan, đơn vị đã ban hành kế hoạch cụ thể nâng cao hiệu quả công tác dân vận (${labels.province}: ${viNumber(c.plansIssued.province)}; ${labels.district}: ${viNumber(c.plansIssued.district)}).`,
      `Xây dựng, sửa đổi, bổ sung ${v('planAndSolutions.democracyRegulations')} quy chế dân chủ; tổ chức ${v('planAndSolutions.dialogues')} buổi đối thoại, tiếp xúc với Nhân dân; tiếp ${v('planAndSolutions.citizenReceptions')} lượt công dân; tiếp nhận ${viNumber(petitionsReceived)} đơn thư khiếu nại, tố cáo, kiến nghị, đã giải quyết ${viNumber(petitionsResolved)} đơn${resolvedShare}; có ${v('planAndSolutions.prolongedOrCrowdCases')} vụ khiếu kiện kéo dài, đông người, vượt cấp.`,
      `Tổ chức ${v('planAndSolutions.inspections')} cuộc kiểm tra công vụ; xử lý kỷ luật ${v('planAndSolutions.disciplinedStaff')} cán bộ, công chức, viên chức. Hỗ trợ ${v('planAndSolutions.socialPolicySupport')} lượt người có công, hộ nghèo, đối tượng bảo trợ xã hội. Rà soát, sửa đổi, bổ sung ${v('planAndSolutions.villageConventionsReviewed')} hương ước, quy ước; xây dựng, duy trì ${v('planAndSolutions.selfManagementModels')} mô hình tự quản ở thôn, tổ dân phố.`,
    ];
  },
  programmes: (c) => {
    const v = (path: string) => viNumber(indicatorTotal(c, path).total);
    const prog = (k: 'plan739' | 'plan740') =>
      (['COMPLETED', 'IN_PROGRESS', 'NOT_STARTED'] as const)
        .map((s) => `${c.programmes[k][s]} đơn vị ${PROGRAMME_STATUS_LABELS[s].toLocaleLowerCase('vi')}`)
        .join(', ');
    return [
      `Kế hoạch số 739/KH-UBND: ${prog('plan739')}. Kế hoạch số 740/KH-UBND: ${prog('plan740')}.`,
      `Phối hợp với Mặt trận Tổ quốc Việt Nam, các tổ chức chính trị - xã hội tổ chức ${v('programmes.supervisionSessions')} cuộc giám sát, phản biện xã hội; tiếp nhận ${v('programmes.commentsReceived')} ý kiến góp ý xây dựng chính quyền, đã tiếp thu ${v('programmes.commentsAccepted')} ý kiến.`,
    ];
  },
  emulation: (c) => {
    const v = (path: string) => viNumber(indicatorTotal(c, path).total);
    return [
      `Phát động ${v('emulation.movementsLaunched')} phong trào thi đua; khen thưởng ${v('emulation.collectivesCommended')} tập thể và ${v('emulation.individualsCommended')} cá nhân có thành tích xuất sắc trong thực hiện công tác dân vận chính quyền.`,
    ];
  },
};

/**
 * Builds the .docx draft. `updateOf`: the number of the earlier summary this one replaces (set when
 * a late or revised report arrived after it), e.g. 1 for the second version. `prior`: last year's
 * figures on this year's units, compared in one sentence before the table.
 */
export async function buildSummaryDocx(
  c: Consolidation,
  regime: Regime,
  opts: { updateOf?: number; prior?: PriorFigures } = {},
): Promise<Uint8Array> {
  const tz = regime.timeZone;
  const asOf = vietnameseDateTime(new Date(c.asOf), tz);
  const due = periodDates(regime, c.period).dueDate.split('-').reverse().join('/');
  const subject = regimeSubject(regime);
  const label = periodLabel(regime.frequency, c.period);
  const title = `${subject.charAt(0).toLocaleUpperCase('vi')}${subject.slice(1)} ${label}`;
  const sender = receivingBodyShort(regime);
  const labels: GroupLabels = { province: groupLabel(regime, 'province'), district: groupLabel(regime, 'district') };
  const o = c.rates.overall;
  const p = c.rates.province;
  const d = c.rates.district;
  const counted = c.countedReports.total;
  const expected = o.expected;

  const draftNote = [
    `Dự thảo do Hệ thống báo cáo tự động tổng hợp từ báo cáo của ${counted}/${expected} cơ quan, đơn vị (số liệu đến ${asOf}), để ${sender} biên tập, hoàn chỉnh trước khi trình ký ban hành.`,
    opts.updateOf !== undefined
      ? ` Đây là bản cập nhật, thay thế bản tổng hợp lần ${opts.updateOf}, do có báo cáo gửi bổ sung hoặc thay đổi sau lần tổng hợp trước.`
      : '',
  ].join('');

  const form = currentForm(regime);
  const decimals = indicatorDecimals(form);
  const fig = (ind: IndicatorTotal, n: number) => viFigure(n, decimals.get(ind.path));
  const sections = indicatorSections(c, form);
  const was = (ind: IndicatorTotal) => {
    const [now, then] = [ind.total, opts.prior?.totals[ind.path]?.total ?? 0];
    const change = now === then ? '' : `, ${now > then ? 'tăng' : 'giảm'} ${fig(ind, Math.abs(now - then))}`;
    return `${fig(ind, now)} (${opts.prior ? periodLabel(regime.frequency, opts.prior.period) : ''}: ${fig(ind, then)}${change})`;
  };
  // "Cùng kỳ" compares the first figure of the first two sections (of the only section: its first two).
  const headline = sections.length > 1 ? sections.slice(0, 2).map((s) => s.indicators[0]!) : (sections[0]?.indicators.slice(0, 2) ?? []);
  const texts = fieldAt(form, 'narrative.limitations') && fieldAt(form, 'narrative.proposals') ? undefined : c.texts;

  const byStatus = (pred: (u: Consolidation['units'][number]) => boolean) => c.units.filter(pred).map((u) => u.name);
  const charts = summaryCharts(c, regime).charts;
  const notReported = c.notReported.map((u) => `${u.name} (${STATUS_LABELS[u.status].toLocaleLowerCase('vi')})`);

  const children: Block[] = [
    para([{ text: opts.updateOf !== undefined ? 'DỰ THẢO — BẢN CẬP NHẬT' : 'DỰ THẢO', bold: true, size: PT(12) }], {
      spacing: { before: 0, after: 120 },
      border: { top: RULE, bottom: RULE, left: { ...RULE, space: 4 }, right: { ...RULE, space: 4 } },
      indent: { right: TEXT_WIDTH - 2600 },
      align: 'center',
    }),
    headerBlock(c, regime),
    centered([{ text: 'BÁO CÁO', bold: true, size: PT(14) }], { before: 360, after: 0 }),
    centered([{ text: title, bold: true, size: PT(14) }]),
    rule(TEXT_WIDTH, 2000),
    para([{ text: draftNote, italics: true, size: PT(12) }], { align: 'both', spacing: { before: 0, after: 120 } }),
    body(
      `Thực hiện ${regime.legalBasis.join('; ')}; trên cơ sở báo cáo của các cơ quan, đơn vị, ${sender} tổng hợp, báo cáo ${subject} ${label} như sau:`,
    ),

    ...sections.flatMap((section) => [heading(section.label), ...sectionProse(c, section, fig, labels)]),
    ...(opts.prior && headline.length > 0
      ? [
          body(
            `So với cùng kỳ năm trước (tính theo các cơ quan, đơn vị hiện nay), ${headline.map((i) => `${lowerFirst(i.label)} là ${was(i)}`).join('; ')}.`,
          ),
        ]
      : []),
    body({ text: `Số liệu tổng hợp theo nhóm cơ quan, đơn vị tại bảng sau (đơn vị tính: theo từng chỉ tiêu):`, italics: true }),
    indicatorTable(sections, fig, labels),

    heading(`${roman(sections.length + 1)}. Tình hình gửi báo cáo của các cơ quan, đơn vị`),
    body(
      `Hạn gửi báo cáo là ngày ${due}. Tính đến ${asOf}, có ${o.reported}/${o.expected} cơ quan, đơn vị đã gửi báo cáo (đạt ${viPercent(o.reportingRate)}), trong đó ${o.onTime} đơn vị gửi đúng hạn (đạt ${viPercent(o.onTimeRate)}) và ${o.reported - o.onTime} đơn vị gửi trễ hạn. ${labels.province}: ${p.reported}/${p.expected} đã gửi, ${p.onTime} đúng hạn; ${labels.district}: ${d.reported}/${d.expected} đã gửi, ${d.onTime} đúng hạn.`,
    ),
    // The text width (9 071 twips) in EMU, 635 a twip; 8 cm high.
    ...charts.map((ch, i) =>
      chart(i + 1, TEXT_WIDTH * 635, 2_880_000, ch.description, { align: 'center', spacing: { before: 120, after: 120 } }),
    ),
    body({ text: '- Gửi đúng hạn: ', bold: true }, unitList(byStatus((u) => u.status === 'ON_TIME'))),
    body({ text: '- Gửi trễ hạn: ', bold: true }, unitList(byStatus((u) => u.status === 'LATE'))),
    body({ text: '- Chưa gửi hoặc báo cáo chưa hợp lệ: ', bold: true }, unitList(notReported)),

    // The seed's limitations and proposals; another form's long-text fields, each a part of its own.
    ...(texts
      ? texts.flatMap((t, i) => [
          heading(`${roman(sections.length + 2 + i)}. ${t.label}`),
          ...unitTexts(t.items, 'Các cơ quan, đơn vị không nêu nội dung này.'),
        ])
      : [
          heading(`${roman(sections.length + 2)}. Hạn chế, nguyên nhân`),
          ...unitTexts(c.limitations, 'Các cơ quan, đơn vị không nêu hạn chế, nguyên nhân.'),
          heading(`${roman(sections.length + 3)}. Kiến nghị, đề xuất`),
          ...unitTexts(c.proposals, 'Các cơ quan, đơn vị không có kiến nghị, đề xuất.'),
        ]),
    body(`Trên đây là báo cáo ${subject} ${label}, ${sender} báo cáo ${regime.issuingBody} xem xét, chỉ đạo./.`),
    para([], { spacing: { before: 120, after: 0 } }),
    signatureBlock(regime),
  ];

  return docx({
    properties: {
      title: `Báo cáo ${title} (dự thảo)`,
      creator: 'Hệ thống báo cáo công tác dân vận chính quyền',
      created: new Date(c.asOf),
    },
    defaults: { font: FONT, size: BODY, lang: 'vi-VN' },
    page: { ...A4, margin: MARGIN },
    // Page numbers from the second page on, centred at the top (Nghị định 30/2020/NĐ-CP).
    header: [paragraph([{ field: 'PAGE', font: FONT, size: PT(13) }], { align: 'center' })],
    firstPageHeader: [],
    body: children,
    charts: charts.map((ch) => ch.xml),
  });
}
