import { periodLabel, type PeriodKey } from '../domain/periodicity.js';
import { daysBetween, vietnameseDate, workingDaysBetween } from '../domain/calendar.js';
import { groupLabel, type Regime, type Unit } from '../domain/regime.js';
import { STATUS_LABELS, type ComplianceStatus } from '../domain/status.js';
import { workingCalendar } from '../domain/working-calendar.js';
import { html, layout, raw, type RawHtml, type RenderedEmail } from './layout.js';
import {
  contactHtml,
  contactText,
  greetingHtml,
  greetingText,
  isSafeLink,
  legalBasisHtml,
  legalBasisLines,
  oneLine,
  paragraphs,
  personalLinkHtml,
  personalLinkText,
  reportTitle,
  type EmailUnit,
} from './unit-email.js';

/**
 * The notices of the daily job (see domain/notices.ts for when each is due): a polite reminder
 * before the deadline, a firm overdue notice after it, and the escalation digest to Sở Nội vụ
 * (and leadership). Each names the unit, the deadline as a Vietnamese date, the unit's personal
 * link when given and the legal basis of the request.
 */

/** Why a unit that did upload still owes a report, in words the unit recognises. */
function statusNote(status: ComplianceStatus | undefined): string {
  if (status === 'REJECTED')
    return 'Lần nộp gần nhất của đơn vị chưa hợp lệ (lý do đã được gửi trong thư thông báo trước đó) nên báo cáo chưa được ghi nhận.';
  if (status === 'RETURNED') return 'Báo cáo của đơn vị đã được trả lại để chỉnh sửa và chưa được gửi lại.';
  return '';
}

function daysLeftLine(regime: Regime, dueDate: string, asOf: string | undefined): string {
  if (!asOf) return '';
  const left = daysBetween(asOf, dueDate);
  if (left < 0) return '';
  if (left === 0) return 'Hôm nay là ngày cuối cùng của thời hạn gửi báo cáo.';
  if (left === 1) return 'Thời hạn gửi báo cáo kết thúc vào ngày mai.';
  // Across Tết a week may hold no working day at all: say how many the unit really has.
  return `Thời hạn gửi báo cáo còn ${left} ngày (${workingDaysBetween(asOf, dueDate, workingCalendar(regime))} ngày làm việc).`;
}

/** Before the deadline: a courteous reminder. */
export function reminderEmail(input: {
  regime: Regime;
  unit: EmailUnit;
  period: PeriodKey;
  /** The deadline in force for the unit (extension honoured), local date. */
  dueDate: string;
  link?: string;
  status?: ComplianceStatus;
  /** Today's local date, to say how many days are left. */
  asOf?: string;
}): RenderedEmail {
  const { regime, unit, period, dueDate } = input;
  const title = `Nhắc gửi ${reportTitle(regime, period)}`;
  const intro = `${regime.receivingBody.name} trân trọng nhắc ${oneLine(unit.name)}: thời hạn gửi ${reportTitle(regime, period)} là hết ${vietnameseDate(dueDate)}. Đến nay, Hệ thống chưa ghi nhận báo cáo hợp lệ của đơn vị.`;
  const note = statusNote(input.status);
  const left = daysLeftLine(regime, dueDate, input.asOf);
  const ask = `Kính đề nghị quý cơ quan, đơn vị quan tâm hoàn thành và gửi báo cáo trước thời hạn. Nếu đơn vị đã gửi báo cáo trong những ngày gần đây, xin vui lòng bỏ qua thư này.`;
  const body = html`${greetingHtml(unit)}
<p>${intro}</p>
${note ? html`<p>${note}</p>` : raw('')}${left ? html`<p><strong>${left}</strong></p>` : raw('')}
<p>${ask}</p>
${personalLinkHtml(input.link)}${legalBasisHtml(regime)}${contactHtml(regime)}
<p>Trân trọng cảm ơn.</p>`;
  const text = paragraphs(
    greetingText(unit),
    intro,
    note,
    left,
    ask,
    personalLinkText(input.link),
    legalBasisLines(regime).join('\n'),
    contactText(regime),
    'Trân trọng cảm ơn.',
  );
  return layout({
    subject: `Nhắc hạn gửi báo cáo ${periodLabel(regime.frequency, period)} (hết ${vietnameseDate(dueDate)}) – ${unit.name}`,
    title,
    body,
    text,
  });
}

/** After the deadline: a firm notice, repeated while the report is still owed. */
export function overdueEmail(input: {
  regime: Regime;
  unit: EmailUnit;
  period: PeriodKey;
  dueDate: string;
  daysOverdue: number;
  link?: string;
  status?: ComplianceStatus;
  /** 1 for the first overdue notice; higher for the repeats. */
  repeat?: number;
}): RenderedEmail {
  const { regime, unit, period, dueDate, daysOverdue } = input;
  const repeat = input.repeat ?? 1;
  const title = `Thông báo quá hạn gửi ${reportTitle(regime, period)}`;
  const intro = `Thời hạn gửi ${reportTitle(regime, period)} đã kết thúc vào ${vietnameseDate(dueDate)}. Đến nay, đã quá hạn ${daysOverdue} ngày, ${regime.receivingBody.name} vẫn chưa nhận được báo cáo hợp lệ của ${oneLine(unit.name)}.`;
  const note = statusNote(input.status);
  const demand = `Đề nghị Thủ trưởng ${oneLine(unit.name)} khẩn trương chỉ đạo hoàn thành và gửi báo cáo ngay. Việc chậm gửi báo cáo sẽ được ${regime.receivingBody.name} tổng hợp, báo cáo ${regime.issuingBody}.`;
  const again = repeat > 1 ? `Đây là thông báo nhắc lại lần thứ ${repeat}.` : '';
  const body = html`${greetingHtml(unit)}
<p>${intro}</p>
${note ? html`<p>${note}</p>` : raw('')}
<p><strong>${demand}</strong></p>
${again ? html`<p>${again}</p>` : raw('')}${personalLinkHtml(input.link)}${legalBasisHtml(regime)}${contactHtml(regime)}`;
  const text = paragraphs(
    greetingText(unit),
    intro,
    note,
    demand,
    again,
    personalLinkText(input.link),
    legalBasisLines(regime).join('\n'),
    contactText(regime),
  );
  const prefix = repeat > 1 ? `Nhắc lại lần ${repeat}: quá hạn` : 'Quá hạn';
  return layout({
    subject: `${prefix} ${daysOverdue} ngày gửi báo cáo ${periodLabel(regime.frequency, period)} – ${unit.name}`,
    title,
    body,
    text,
  });
}

export interface EscalationRow {
  unit: Pick<Unit, 'id' | 'name' | 'email' | 'group'>;
  daysOverdue: number;
  status: ComplianceStatus;
  /** The deadline in force for the unit when it differs from the regime's (an extension). */
  dueDate?: string;
}

/** The digest to Sở Nội vụ (and leadership): every unit still owing its report, with contacts. */
export function escalationEmail(input: {
  regime: Regime;
  period: PeriodKey;
  /** The regime's deadline (local date). */
  dueDate: string;
  rows: readonly EscalationRow[];
  /** Local date the list is as of. */
  asOf: string;
  /** Names for the greeting; the receiving body when omitted. */
  recipients?: readonly string[];
  /** The status board (admin link). */
  boardLink?: string;
}): RenderedEmail {
  const { regime, period, dueDate, rows, asOf } = input;
  const to = (input.recipients?.length ? input.recipients : [regime.receivingBody.name]).map(oneLine).join('; ');
  const title = `Danh sách cơ quan, đơn vị chưa gửi ${reportTitle(regime, period)}`;
  const intro = `Thời hạn gửi ${reportTitle(regime, period)} đã kết thúc vào ${vietnameseDate(dueDate)}. Tính đến ${vietnameseDate(asOf)}, còn ${rows.length} cơ quan, đơn vị, địa phương chưa gửi báo cáo hợp lệ dù đã được nhắc và thông báo quá hạn.`;
  const ask = `Kính đề nghị xem xét, chỉ đạo đôn đốc các cơ quan, đơn vị, địa phương nêu trên khẩn trương gửi báo cáo để kịp tổng hợp, tham mưu ${regime.issuingBody} báo cáo chung.`;
  const deadlineOf = (r: EscalationRow) => vietnameseDate(r.dueDate ?? dueDate).replace(/^ngày /, '');
  const cell = 'padding:4px 8px;border:1px solid #ccc;vertical-align:top';
  const table: RawHtml = html`<table style="border-collapse:collapse;font-size:14px">
<tr style="background:#f3f3f3"><th style="${cell}">STT</th><th style="${cell}">Cơ quan, đơn vị</th><th style="${cell}">Khối</th><th style="${cell}">Hạn gửi</th><th style="${cell}">Số ngày quá hạn</th><th style="${cell}">Tình trạng</th><th style="${cell}">Liên hệ</th></tr>
${rows.map(
  (r, i) =>
    html`<tr><td style="${cell}">${i + 1}</td><td style="${cell}">${r.unit.name}</td><td style="${cell}">${groupLabel(regime, r.unit.group)}</td><td style="${cell}">${deadlineOf(r)}</td><td style="${cell};text-align:right">${r.daysOverdue}</td><td style="${cell}">${STATUS_LABELS[r.status]}</td><td style="${cell}"><a href="mailto:${r.unit.email}">${r.unit.email}</a></td></tr>`,
)}</table>`;
  const board = isSafeLink(input.boardLink)
    ? html`<p>Bảng theo dõi tình hình báo cáo: <a href="${input.boardLink}">${input.boardLink}</a></p>`
    : raw('');
  const body = html`<p>Kính gửi: <strong>${to}</strong>,</p>
<p>${intro}</p>
${table}
<p>${ask}</p>
${board}${legalBasisHtml(regime)}`;
  const text = paragraphs(
    `Kính gửi: ${to},`,
    intro,
    rows
      .map(
        (r, i) =>
          `${i + 1}. ${oneLine(r.unit.name)} (${groupLabel(regime, r.unit.group)}) – hạn ${deadlineOf(r)}, quá hạn ${r.daysOverdue} ngày, ${STATUS_LABELS[r.status]}; liên hệ: ${r.unit.email}`,
      )
      .join('\n'),
    ask,
    input.boardLink ? `Bảng theo dõi tình hình báo cáo: ${input.boardLink}` : '',
    legalBasisLines(regime).join('\n'),
  );
  return layout({
    subject: `Tổng hợp quá hạn: ${rows.length} đơn vị chưa gửi báo cáo ${periodLabel(regime.frequency, period)}`,
    title,
    body,
    text,
  });
}
