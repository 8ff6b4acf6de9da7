import { periodLabel, type PeriodKey } from '../domain/periodicity.js';
import { endOfLocalDay, periodDates, vietnameseDate, vietnameseDateTime } from '../domain/calendar.js';
import type { Regime, Unit } from '../domain/regime.js';
import type { ValidationIssue } from '../domain/report.js';
import { boundReasons, isSummary } from '../domain/bounded-reasons.js';
import { STATUS_LABELS, type ComplianceStatus } from '../domain/status.js';
import { headerValue, html, layout, raw, type RawHtml, type RenderedEmail } from './layout.js';

/**
 * Emails to one reporting unit about its own report: the invitation, the receipt of a valid upload,
 * the rejection of an invalid one (with every reason), and a return for revision by Sở Nội vụ.
 * Every value goes through the `html` tag (escaped) and the subject through layout() (headerValue).
 * The building blocks below are shared with the notices (notices-email.ts).
 */
export type EmailUnit = Pick<Unit, 'id' | 'name'>;

/** Unit names and other single-line values, for the text part (no stray line breaks). */
export const oneLine = (value: string) => headerValue(value);

/** "Báo cáo kết quả thực hiện công tác dân vận chính quyền năm 2026" */
export const reportTitle = (regime: Regime, period: PeriodKey) => `${regime.name} ${periodLabel(regime.frequency, period)}`;

/** Only http(s) links become anchors: a `javascript:` link from a bad config cannot run. */
export const isSafeLink = (link: string | undefined): link is string => !!link && /^https?:\/\//i.test(link);

/** The directive's request, in its own words, with the regime's legal basis. */
export function legalBasisLines(regime: Regime): string[] {
  return [
    `Thực hiện ${regime.legalBasis.join('; ')}.`,
    `${regime.issuingBody} yêu cầu các cơ quan, đơn vị, địa phương định kỳ hàng năm báo cáo kết quả về ${regime.issuingBody} (qua ${regime.receivingBody.name}) để tổng hợp, tham mưu báo cáo chung.`,
  ];
}

export function legalBasisHtml(regime: Regime): RawHtml {
  const [basis, request] = legalBasisLines(regime);
  return html`<p style="font-size:13px;color:#444"><strong>Căn cứ:</strong> ${basis}<br>${request}</p>`;
}

/**
 * Said instead of a link by every email but the invitation: the unit has one live link (issue 13)
 * and its raw value is not kept, so notices point back to it rather than minting another.
 */
export const LIVE_LINK_NOTE =
  'Vui lòng dùng đường dẫn nộp báo cáo riêng của đơn vị trong thư mời đã gửi; đường dẫn đó vẫn còn hiệu lực. Nếu không còn thư mời hoặc đường dẫn không dùng được, đề nghị liên hệ cơ quan tiếp nhận báo cáo để được cấp lại (đường dẫn cũ sẽ bị thu hồi).';

export function personalLinkHtml(link: string | undefined, lead = 'Đường dẫn nộp báo cáo riêng của đơn vị'): RawHtml {
  if (!link) return html`<p>${LIVE_LINK_NOTE}</p>`;
  if (!isSafeLink(link)) return html`<p>${lead}: ${link}</p>`;
  return html`<p>${lead}:<br><a href="${link}" style="color:#0b57d0">${link}</a><br>
<span style="font-size:12px;color:#666">Đường dẫn này dành riêng cho đơn vị, vui lòng không chuyển cho người ngoài.</span></p>`;
}

export const personalLinkText = (link: string | undefined, lead = 'Đường dẫn nộp báo cáo riêng của đơn vị') =>
  link ? `${lead} (dành riêng cho đơn vị, vui lòng không chuyển cho người ngoài):\n${link}` : LIVE_LINK_NOTE;

export function contactHtml(regime: Regime): RawHtml {
  const { name, email } = regime.receivingBody;
  return html`<p>Mọi vướng mắc xin liên hệ ${name} qua thư điện tử <a href="mailto:${email}">${email}</a>.</p>`;
}
export const contactText = (regime: Regime) =>
  `Mọi vướng mắc xin liên hệ ${regime.receivingBody.name} qua thư điện tử ${regime.receivingBody.email}.`;

export const greetingHtml = (unit: EmailUnit) => html`<p>Kính gửi: <strong>${unit.name}</strong>,</p>`;
export const greetingText = (unit: EmailUnit) => `Kính gửi: ${oneLine(unit.name)},`;

/** Joins text paragraphs, dropping empty ones. */
export const paragraphs = (...parts: (string | undefined | false)[]) => parts.filter((p): p is string => !!p).join('\n\n');

const defaultDueDate = (regime: Regime, period: PeriodKey) => periodDates(regime, period).dueDate;

/** Receipt of a valid upload: what was received, when, its fingerprint and the resulting status. */
export function receiptEmail(input: {
  regime: Regime;
  unit: EmailUnit;
  period: PeriodKey;
  uploadId: string;
  receivedAt: Date;
  sha256: string;
  versionNumber: number;
  status: ComplianceStatus;
  /** The deadline in force (extension honoured); the regime's when omitted. */
  dueDate?: string;
  link?: string;
}): RenderedEmail {
  const { regime, unit, period } = input;
  const dueDate = input.dueDate ?? defaultDueDate(regime, period);
  const title = `Xác nhận đã nhận báo cáo ${periodLabel(regime.frequency, period)}`;
  const receivedAt = vietnameseDateTime(input.receivedAt, regime.timeZone);
  const statusLine =
    input.status === 'LATE'
      ? `Báo cáo được nhận sau thời hạn ${vietnameseDate(dueDate)} nên được ghi nhận là trễ hạn.`
      : input.status === 'ON_TIME'
        ? `Báo cáo được nhận trong thời hạn (${vietnameseDate(dueDate)}).`
        : '';
  const revision =
    input.versionNumber > 1 ? `Đây là lần nộp thứ ${input.versionNumber}; bản mới nhất hợp lệ sẽ được dùng để tổng hợp.` : '';
  const rows: [string, string][] = [
    ['Thời điểm nhận', receivedAt],
    ['Mã lần nộp', input.uploadId],
    ['Lần nộp thứ', String(input.versionNumber)],
    ['Mã kiểm tra (SHA-256)', input.sha256],
    ['Tình trạng', STATUS_LABELS[input.status]],
  ];
  const body = html`${greetingHtml(unit)}
<p>${regime.receivingBody.name} xác nhận Hệ thống đã nhận và kiểm tra hợp lệ <strong>${reportTitle(regime, period)}</strong> của ${unit.name}.</p>
<table style="border-collapse:collapse;font-size:14px">${rows.map(
    ([k, v]) =>
      html`<tr><td style="padding:2px 12px 2px 0;color:#555">${k}</td><td style="padding:2px 0;font-family:monospace">${v}</td></tr>`,
  )}</table>
${statusLine ? html`<p>${statusLine}</p>` : raw('')}${revision ? html`<p>${revision}</p>` : raw('')}
<p>Đơn vị có thể gửi bản cập nhật bằng cùng đường dẫn trước khi ${regime.receivingBody.name} tổng hợp.</p>
${personalLinkHtml(input.link)}${contactHtml(regime)}
<p>Trân trọng cảm ơn.</p>`;
  const text = paragraphs(
    greetingText(unit),
    `${regime.receivingBody.name} xác nhận Hệ thống đã nhận và kiểm tra hợp lệ ${reportTitle(regime, period)} của ${oneLine(unit.name)}.`,
    rows.map(([k, v]) => `- ${k}: ${v}`).join('\n'),
    statusLine,
    revision,
    `Đơn vị có thể gửi bản cập nhật bằng cùng đường dẫn trước khi ${regime.receivingBody.name} tổng hợp.`,
    personalLinkText(input.link),
    contactText(regime),
    'Trân trọng cảm ơn.',
  );
  return layout({ subject: `${title} – ${unit.name}`, title, body, text });
}

const reasonLine = (r: ValidationIssue) => {
  const where = r.label ?? r.path;
  return where ? `${where}${r.label && r.path ? ` (${r.path})` : ''}: ${r.message}` : r.message;
};

/** An invalid upload: every reason in Vietnamese, and how to submit again. */
export function rejectionEmail(input: {
  regime: Regime;
  unit: EmailUnit;
  period: PeriodKey;
  uploadId: string;
  receivedAt: Date;
  reasons: readonly ValidationIssue[];
  link?: string;
  dueDate?: string;
}): RenderedEmail {
  const { regime, unit, period } = input;
  const dueDate = input.dueDate ?? defaultDueDate(regime, period);
  const title = `Báo cáo ${periodLabel(regime.frequency, period)} chưa hợp lệ, đề nghị nộp lại`;
  // Bounded whatever the caller passes (domain/bounded-reasons.ts), so one broken file cannot produce a megabyte of email.
  const bounded = boundReasons(input.reasons);
  const shown = bounded.filter((r) => !isSummary(r));
  const summary = bounded.find(isSummary);
  const late = input.receivedAt > endOfLocalDay(dueDate, regime.timeZone);
  const deadlineLine = late
    ? `Thời hạn gửi báo cáo (${vietnameseDate(dueDate)}) đã qua; đề nghị đơn vị khẩn trương chỉnh sửa và nộp lại.`
    : `Thời hạn gửi báo cáo: hết ${vietnameseDate(dueDate)}.`;
  const intro = `Tệp báo cáo ${reportTitle(regime, period)} do ${oneLine(unit.name)} gửi lúc ${vietnameseDateTime(input.receivedAt, regime.timeZone)} (mã lần nộp ${input.uploadId}) chưa hợp lệ nên chưa được ghi nhận. Tệp đã được lưu lại; đơn vị vui lòng sửa các nội dung sau và nộp lại:`;
  const body = html`${greetingHtml(unit)}
<p>${intro}</p>
<ol>${shown.map((r) => html`<li>${reasonLine(r)}</li>`)}</ol>
${summary ? html`<p>${summary.message}.</p>` : raw('')}
<p>${deadlineLine}</p>
${personalLinkHtml(input.link, 'Nộp lại qua đường dẫn riêng của đơn vị')}${contactHtml(regime)}
<p>Trân trọng.</p>`;
  const text = paragraphs(
    greetingText(unit),
    intro,
    shown.map((r, i) => `${i + 1}. ${reasonLine(r)}`).join('\n') + (summary ? `\n${summary.message}.` : ''),
    deadlineLine,
    personalLinkText(input.link, 'Nộp lại qua đường dẫn riêng của đơn vị'),
    contactText(regime),
    'Trân trọng.',
  );
  return layout({ subject: `${title} – ${unit.name}`, title, body, text });
}

/** Sở Nội vụ sent the report back for revision, with its reason. */
export function returnedEmail(input: {
  regime: Regime;
  unit: EmailUnit;
  period: PeriodKey;
  reason: string;
  /** Absent: the email points to the unit's live link (the invitation's). */
  link?: string;
  dueDate?: string;
}): RenderedEmail {
  const { regime, unit, period } = input;
  const dueDate = input.dueDate ?? defaultDueDate(regime, period);
  const title = `Báo cáo ${periodLabel(regime.frequency, period)} được trả lại để chỉnh sửa`;
  // A free-text reason may span lines; keep them, but as plain LF (no stray CR in the text part).
  const reason = input.reason.replace(/\r\n?/g, '\n').trim();
  const intro = `Sau khi xem xét, ${regime.receivingBody.name} trả lại ${reportTitle(regime, period)} của ${oneLine(unit.name)} để chỉnh sửa, bổ sung.`;
  const after = `Đề nghị đơn vị chỉnh sửa và gửi lại báo cáo qua đường dẫn riêng của đơn vị; thời hạn gửi báo cáo: hết ${vietnameseDate(dueDate)}. Báo cáo chỉ được ghi nhận khi bản chỉnh sửa hợp lệ được gửi lại.`;
  const body = html`${greetingHtml(unit)}
<p>${intro}</p>
<p><strong>Lý do:</strong></p>
<blockquote style="margin:0 0 12px 0;padding:8px 12px;border-left:3px solid #8b0000;background:#faf5f5;white-space:pre-wrap">${reason}</blockquote>
<p>${after}</p>
${personalLinkHtml(input.link)}${contactHtml(regime)}
<p>Trân trọng.</p>`;
  const text = paragraphs(
    greetingText(unit),
    intro,
    `Lý do:\n${reason}`,
    after,
    personalLinkText(input.link),
    contactText(regime),
    'Trân trọng.',
  );
  return layout({ subject: `${title} – ${unit.name}`, title, body, text });
}

/** The invitation to report for a period: what, for which window, by when, how, and the link. */
export function inviteEmail(input: { regime: Regime; unit: EmailUnit; period: PeriodKey; link: string; dueDate: string }): RenderedEmail {
  const { regime, unit, period } = input;
  const pd = periodDates(regime, period);
  const title = `Đề nghị gửi ${reportTitle(regime, period)}`;
  const request = `${regime.receivingBody.name} đề nghị ${oneLine(unit.name)} gửi ${reportTitle(regime, period)}.`;
  const rows: [string, string][] = [
    ['Nội dung báo cáo', regime.content],
    ['Thời gian chốt số liệu', `từ ${vietnameseDate(pd.cutOffFrom)} đến ${vietnameseDate(pd.cutOffTo)}`],
    ['Thời hạn gửi báo cáo', `chậm nhất ${vietnameseDate(input.dueDate)}`],
    ['Phương thức gửi', regime.sendingMethod],
    ['Nơi nhận', `${regime.receivingBody.name} (${regime.receivingBody.email})`],
  ];
  const body = html`${greetingHtml(unit)}
<p>${request}</p>
<table style="border-collapse:collapse;font-size:14px">${rows.map(
    ([k, v]) =>
      html`<tr><td style="padding:3px 12px 3px 0;color:#555;vertical-align:top;white-space:nowrap">${k}</td><td style="padding:3px 0">${v}</td></tr>`,
  )}</table>
${legalBasisHtml(regime)}
${personalLinkHtml(input.link)}
<p>Đơn vị có thể điền biểu mẫu trực tuyến hoặc tải lên tệp Excel theo mẫu, kèm văn bản đã ký.</p>
${contactHtml(regime)}
<p>Trân trọng cảm ơn.</p>`;
  const text = paragraphs(
    greetingText(unit),
    request,
    rows.map(([k, v]) => `- ${k}: ${v}`).join('\n'),
    legalBasisLines(regime).join('\n'),
    personalLinkText(input.link),
    'Đơn vị có thể điền biểu mẫu trực tuyến hoặc tải lên tệp Excel theo mẫu, kèm văn bản đã ký.',
    contactText(regime),
    'Trân trọng cảm ơn.',
  );
  return layout({ subject: `${title} – ${unit.name}`, title, body, text });
}
