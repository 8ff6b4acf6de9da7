import { periodLabel, periodSlug, type PeriodKey } from '../domain/periodicity.js';
import { vietnameseDateTime } from '../domain/calendar.js';
import {
  regimeShortName,
  regimeSubject,
  viAmount,
  viNumber,
  viPercent,
  type Consolidation,
  type IndicatorTotal,
  type SummaryDiff,
} from '../domain/consolidation.js';
import { CONTENT_TYPES } from '../domain/file-type.js';
import { groupLabel, type Regime } from '../domain/regime.js';
import { STATUS_LABELS, type Rates } from '../domain/status.js';
import type { MailAttachment } from '../ports.js';
import { html, layout, raw, type RenderedEmail } from './layout.js';

/** The seed form's headline figures in the email body (the workbook and the draft carry every indicator). */
export const KEY_FIGURES: readonly string[] = [
  'dissemination.sessions',
  'dissemination.participantsOfficials',
  'dissemination.danVanKheoModels',
  'planAndSolutions.dialogues',
  'planAndSolutions.citizenReceptions',
  'planAndSolutions.petitionsReceived',
  'planAndSolutions.petitionsResolved',
  'planAndSolutions.prolongedOrCrowdCases',
  'programmes.supervisionSessions',
  'programmes.commentsAccepted',
  'emulation.collectivesCommended',
  'emulation.individualsCommended',
];

/**
 * The figures the email shows: the seed's KEY_FIGURES where the form has them, otherwise (another
 * form) its first KEY_FIGURES.length indicators in form order.
 */
export function headlineFigures<T extends Pick<IndicatorTotal, 'path'>>(indicators: readonly T[]): T[] {
  const seed = KEY_FIGURES.map((p) => indicators.find((i) => i.path === p)).filter((i) => i !== undefined);
  return seed.length > 0 ? seed : indicators.slice(0, KEY_FIGURES.length);
}

const TD = 'border:1px solid #ccc;padding:4px 8px';
const TH = `${TD};background:#f2f2f2;text-align:left`;
const NUM_TD = `${TD};text-align:right`;

/** Names of the two attachments, stable per period and version (ASCII, safe in MIME headers). */
export function summaryFileNames(period: PeriodKey, version: number): { xlsx: string; docx: string } {
  return {
    xlsx: `tong-hop-bao-cao-${periodSlug(period)}-v${version}.xlsx`,
    docx: `du-thao-bao-cao-chung-${periodSlug(period)}-v${version}.docx`,
  };
}

/** The workbook and the draft as mail attachments. */
export function summaryAttachments(files: { xlsx: Uint8Array; docx: Uint8Array }, period: PeriodKey, version: number): MailAttachment[] {
  const names = summaryFileNames(period, version);
  return [
    { filename: names.xlsx, contentType: CONTENT_TYPES.xlsx, content: files.xlsx },
    { filename: names.docx, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: files.docx },
  ];
}

/** At most this many lines of changes in an update email, then "… và N thay đổi khác". */
export const MAX_CHANGE_LINES = 20;
/** At most this many names in the "still missing" line. */
const MAX_MISSING_NAMES = 10;

/**
 * The one sentence saying what the picture (the rates by group, drawn in the workbook, the draft
 * and the board) shows: "Tỷ lệ báo cáo chung 77,4%: khối sở, ban, ngành 81,0%, khối huyện, thành
 * phố 70,0%; 4 đơn vị nộp trễ hạn, 3 đơn vị chưa gửi báo cáo."
 */
export function pictureSentence(c: Consolidation): string {
  // The same rounding as the rates table below it, so the sentence and the table never disagree.
  const pct = (r: number) => viPercent(r);
  const late = c.statusCounts.LATE;
  const missing = c.notReported.length;
  const tail = [
    late > 0 ? `${late} đơn vị nộp trễ hạn` : 'không có đơn vị nộp trễ hạn',
    missing > 0 ? `${missing} đơn vị chưa gửi báo cáo` : 'tất cả đơn vị đã gửi báo cáo',
  ].join(', ');
  return `Tỷ lệ báo cáo chung ${pct(c.rates.overall.reportingRate)}: khối sở, ban, ngành ${pct(c.rates.province.reportingRate)}, khối huyện, thành phố ${pct(c.rates.district.reportingRate)}; ${tail}.`;
}

const keyRank = (path: string) => {
  const i = KEY_FIGURES.indexOf(path);
  return i < 0 ? KEY_FIGURES.length : i;
};

/** a − b without float noise (12.3 − 12.1 is 0.20000000000000107): rounded to the digits the two figures have. */
const exactDifference = (a: number, b: number) => {
  const places = Math.max(...[a, b].map((n) => String(n).split('.')[1]?.length ?? 0));
  return Number((a - b).toFixed(places));
};
const signed = (n: number) => (n > 0 ? `+${viAmount(n)}` : viAmount(n));

/**
 * What changed since the version the leadership has, one line each (Vietnamese), bounded to
 * MAX_CHANGE_LINES: units added, returned, replaced, other status changes, figures old → new, and
 * the units still missing on the last line.
 */
export function changeLines(d: SummaryDiff): string[] {
  const lines = [
    ...d.added.map((u) => `Tính thêm số liệu của ${u.name} (${u.to === 'LATE' ? 'nộp trễ hạn' : STATUS_LABELS[u.to].toLowerCase()}).`),
    ...d.removed.map((u) => `Không còn tính số liệu của ${u.name}: ${STATUS_LABELS[u.to].toLowerCase()}.`),
    ...d.replaced.map((u) => `${u.name} đã gửi báo cáo thay thế; số liệu được tính theo bản mới.`),
    ...d.statusChanged.map((u) => `${u.name}: ${u.from ? STATUS_LABELS[u.from] : 'chưa có'} → ${STATUS_LABELS[u.to]}.`),
    // The email's key figures first: the rest are in the workbook if the list runs over its bound.
    ...[...d.figures]
      .sort((a, b) => keyRank(a.path) - keyRank(b.path))
      .map((f) => `${f.label}: ${viAmount(f.from)} → ${viAmount(f.to)} (${signed(exactDifference(f.to, f.from))}).`),
  ];
  const shown =
    lines.length > MAX_CHANGE_LINES
      ? [...lines.slice(0, MAX_CHANGE_LINES - 1), `… và ${lines.length - (MAX_CHANGE_LINES - 1)} thay đổi khác.`]
      : lines;
  const names = d.stillMissing.slice(0, MAX_MISSING_NAMES).map((u) => u.name);
  const more = d.stillMissing.length - names.length;
  const missing =
    d.stillMissing.length === 0
      ? 'Không còn cơ quan, đơn vị nào chưa gửi báo cáo.'
      : `Còn ${d.stillMissing.length} cơ quan, đơn vị chưa gửi báo cáo: ${names.join(', ')}${more > 0 ? ` và ${more} đơn vị khác` : ''}.`;
  return [...shown, missing];
}

/**
 * The email to the leadership: key figures, the reporting rates and the units that have not
 * reported, with the workbook and the draft attached by the caller. Every value is escaped by the
 * `html` template; the subject is made one line by `layout`.
 */
export function summaryEmail(
  c: Consolidation,
  regime: Regime,
  opts: { version: number; isUpdate: boolean; appUrl?: string; changes?: SummaryDiff; previousVersion?: number },
): RenderedEmail {
  const subjectText = regimeSubject(regime);
  const label = periodLabel(regime.frequency, c.period);
  const tag = `${regimeShortName(regime)} ${label}`;
  const subject = `[${tag}] Tổng hợp kết quả${opts.isUpdate ? ` (bản cập nhật số ${opts.version})` : ''}`;
  const asOf = vietnameseDateTime(new Date(c.asOf), regime.timeZone);
  const o = c.rates.overall;
  const files = summaryFileNames(c.period, opts.version);
  const keyFigures = headlineFigures(c.indicators);
  const url = opts.appUrl && /^https?:\/\//i.test(opts.appUrl) ? opts.appUrl : undefined;

  const rateRows: [string, Rates][] = [
    ['Toàn tỉnh', c.rates.overall],
    [groupLabel(regime, 'province'), c.rates.province],
    [groupLabel(regime, 'district'), c.rates.district],
  ];

  const intro = `Hệ thống đã tổng hợp báo cáo ${subjectText} ${label} của ${o.reported}/${o.expected} cơ quan, đơn vị (số liệu đến ${asOf}).`;
  const updateNote = opts.isUpdate
    ? `Đây là bản cập nhật số ${opts.version}, thay thế bản tổng hợp đã gửi trước đó vì có báo cáo gửi bổ sung hoặc thay đổi sau lần tổng hợp trước.`
    : '';
  const changes = opts.isUpdate && opts.changes ? changeLines(opts.changes) : [];
  const changesTitle = `Thay đổi so với bản số ${opts.previousVersion ?? opts.version - 1}`;
  const picture = pictureSentence(c);
  const attachNote = `Kèm theo thư: bảng tổng hợp Excel (${files.xlsx}) và dự thảo báo cáo chung (${files.docx}) để Sở Nội vụ biên tập, trình ký.`;

  const bodyHtml = html`<p>${intro}</p>
${updateNote ? html`<p style="color:#8b0000"><strong>${updateNote}</strong></p>` : raw('')}
${
  changes.length
    ? html`<h3 style="font-size:16px">${changesTitle}</h3>
<ul>${changes.map((l) => html`<li>${l}</li>`)}</ul>`
    : raw('')
}
<p>${picture}</p>
<h3 style="font-size:16px">Tình hình gửi báo cáo</h3>
<table style="border-collapse:collapse">
<tr><th style="${TH}">Nhóm</th><th style="${TH}">Phải báo cáo</th><th style="${TH}">Đã báo cáo</th><th style="${TH}">Đúng hạn</th><th style="${TH}">Tỷ lệ báo cáo</th><th style="${TH}">Tỷ lệ đúng hạn</th></tr>
${rateRows.map(
  ([label, r]) =>
    html`<tr><td style="${TD}">${label}</td><td style="${NUM_TD}">${viNumber(r.expected)}</td><td style="${NUM_TD}">${viNumber(r.reported)}</td><td style="${NUM_TD}">${viNumber(r.onTime)}</td><td style="${NUM_TD}">${viPercent(r.reportingRate)}</td><td style="${NUM_TD}">${viPercent(r.onTimeRate)}</td></tr>`,
)}
</table>
<h3 style="font-size:16px">Một số kết quả chủ yếu</h3>
<table style="border-collapse:collapse">
<tr><th style="${TH}">Chỉ tiêu</th><th style="${TH}">Tổng cộng</th><th style="${TH}">Sở, ban, ngành</th><th style="${TH}">Huyện, thành phố</th></tr>
${keyFigures.map(
  (i) =>
    html`<tr><td style="${TD}">${i.label}</td><td style="${NUM_TD}"><strong>${viAmount(i.total)}</strong></td><td style="${NUM_TD}">${viAmount(i.province)}</td><td style="${NUM_TD}">${viAmount(i.district)}</td></tr>`,
)}
</table>
<h3 style="font-size:16px">Cơ quan, đơn vị chưa gửi báo cáo (${c.notReported.length})</h3>
${
  c.notReported.length === 0
    ? html`<p>Tất cả các cơ quan, đơn vị đã gửi báo cáo.</p>`
    : html`<ul>${c.notReported.map((u) => html`<li>${u.name} — ${STATUS_LABELS[u.status]} (${u.email})</li>`)}</ul>`
}
<p>${attachNote}</p>
${url ? html`<p><a href="${url}">Mở hệ thống báo cáo</a></p>` : raw('')}`;

  const text = [
    intro,
    updateNote,
    ...(changes.length ? ['', changesTitle.toUpperCase(), ...changes.map((l) => `- ${l}`)] : []),
    '',
    picture,
    '',
    'TÌNH HÌNH GỬI BÁO CÁO',
    ...rateRows.map(
      ([label, r]) =>
        `- ${label}: đã báo cáo ${r.reported}/${r.expected} (${viPercent(r.reportingRate)}), đúng hạn ${r.onTime} (${viPercent(r.onTimeRate)})`,
    ),
    '',
    'MỘT SỐ KẾT QUẢ CHỦ YẾU',
    ...keyFigures.map(
      (i) => `- ${i.label}: ${viAmount(i.total)} (sở, ban, ngành ${viAmount(i.province)}; huyện, thành phố ${viAmount(i.district)})`,
    ),
    '',
    `CƠ QUAN, ĐƠN VỊ CHƯA GỬI BÁO CÁO (${c.notReported.length})`,
    ...(c.notReported.length === 0
      ? ['Tất cả các cơ quan, đơn vị đã gửi báo cáo.']
      : c.notReported.map((u) => `- ${u.name} — ${STATUS_LABELS[u.status]} (${u.email})`)),
    '',
    attachNote,
    ...(url ? [`Mở hệ thống báo cáo: ${url}`] : []),
  ]
    .filter((l, i, all) => !(l === '' && all[i - 1] === ''))
    .join('\n');

  return layout({ subject, title: `Tổng hợp ${subjectText} ${label}`, body: bodyHtml, text });
}
