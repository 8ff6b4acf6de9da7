import { vietnameseDateTime } from '../domain/calendar.js';
import { regimeShortName, regimeSubject, viNumber, viPercent, type Consolidation } from '../domain/consolidation.js';
import { CONTENT_TYPES } from '../domain/file-type.js';
import { GROUP_LABELS, type Regime } from '../domain/regime.js';
import { STATUS_LABELS, type Rates } from '../domain/status.js';
import type { MailAttachment } from '../ports.js';
import { html, layout, raw, type RenderedEmail } from './layout.js';

/** The headline figures of the email body (the workbook and the draft carry every indicator). */
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

const TD = 'border:1px solid #ccc;padding:4px 8px';
const TH = `${TD};background:#f2f2f2;text-align:left`;
const NUM_TD = `${TD};text-align:right`;

/** Names of the two attachments, stable per period and version (ASCII, safe in MIME headers). */
export function summaryFileNames(period: number, version: number): { xlsx: string; docx: string } {
  return {
    xlsx: `tong-hop-bao-cao-${period}-v${version}.xlsx`,
    docx: `du-thao-bao-cao-chung-${period}-v${version}.docx`,
  };
}

/** The workbook and the draft as mail attachments. */
export function summaryAttachments(files: { xlsx: Uint8Array; docx: Uint8Array }, period: number, version: number): MailAttachment[] {
  const names = summaryFileNames(period, version);
  return [
    { filename: names.xlsx, contentType: CONTENT_TYPES.xlsx, content: files.xlsx },
    { filename: names.docx, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: files.docx },
  ];
}

/**
 * The email to the leadership: key figures, the reporting rates and the units that have not
 * reported, with the workbook and the draft attached by the caller. Every value is escaped by the
 * `html` template; the subject is made one line by `layout`.
 */
export function summaryEmail(c: Consolidation, regime: Regime, opts: { version: number; isUpdate: boolean; appUrl?: string }): RenderedEmail {
  const subjectText = regimeSubject(regime);
  const tag = `${regimeShortName(regime)} năm ${c.period}`;
  const subject = `[${tag}] Tổng hợp kết quả${opts.isUpdate ? ` (bản cập nhật số ${opts.version})` : ''}`;
  const asOf = vietnameseDateTime(new Date(c.asOf), regime.timeZone);
  const o = c.rates.overall;
  const files = summaryFileNames(c.period, opts.version);
  const keyFigures = KEY_FIGURES.map((p) => c.indicators.find((i) => i.path === p)).filter((i) => i !== undefined);
  const url = opts.appUrl && /^https?:\/\//i.test(opts.appUrl) ? opts.appUrl : undefined;

  const rateRows: [string, Rates][] = [
    ['Toàn tỉnh', c.rates.overall],
    [GROUP_LABELS.province, c.rates.province],
    [GROUP_LABELS.district, c.rates.district],
  ];

  const intro = `Hệ thống đã tổng hợp báo cáo ${subjectText} năm ${c.period} của ${o.reported}/${o.expected} cơ quan, đơn vị (số liệu đến ${asOf}).`;
  const updateNote = opts.isUpdate
    ? `Đây là bản cập nhật số ${opts.version}, thay thế bản tổng hợp đã gửi trước đó vì có báo cáo gửi bổ sung hoặc thay đổi sau lần tổng hợp trước.`
    : '';
  const attachNote = `Kèm theo thư: bảng tổng hợp Excel (${files.xlsx}) và dự thảo báo cáo chung (${files.docx}) để Sở Nội vụ biên tập, trình ký.`;

  const bodyHtml = html`<p>${intro}</p>
${updateNote ? html`<p style="color:#8b0000"><strong>${updateNote}</strong></p>` : raw('')}
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
    html`<tr><td style="${TD}">${i.label}</td><td style="${NUM_TD}"><strong>${viNumber(i.total)}</strong></td><td style="${NUM_TD}">${viNumber(i.province)}</td><td style="${NUM_TD}">${viNumber(i.district)}</td></tr>`,
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
    '',
    'TÌNH HÌNH GỬI BÁO CÁO',
    ...rateRows.map(([label, r]) => `- ${label}: đã báo cáo ${r.reported}/${r.expected} (${viPercent(r.reportingRate)}), đúng hạn ${r.onTime} (${viPercent(r.onTimeRate)})`),
    '',
    'MỘT SỐ KẾT QUẢ CHỦ YẾU',
    ...keyFigures.map((i) => `- ${i.label}: ${viNumber(i.total)} (sở, ban, ngành ${viNumber(i.province)}; huyện, thành phố ${viNumber(i.district)})`),
    '',
    `CƠ QUAN, ĐƠN VỊ CHƯA GỬI BÁO CÁO (${c.notReported.length})`,
    ...(c.notReported.length === 0 ? ['Tất cả các cơ quan, đơn vị đã gửi báo cáo.'] : c.notReported.map((u) => `- ${u.name} — ${STATUS_LABELS[u.status]} (${u.email})`)),
    '',
    attachNote,
    ...(url ? [`Mở hệ thống báo cáo: ${url}`] : []),
  ]
    .filter((l, i, all) => !(l === '' && all[i - 1] === ''))
    .join('\n');

  return layout({ subject, title: `Tổng hợp ${subjectText} năm ${c.period}`, body: bodyHtml, text });
}
