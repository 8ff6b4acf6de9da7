import type { UnitGroup } from '../../shared/domain/regime.js';
import type { VersionView } from '../../shared/use-cases/read-unit-reports.js';

/**
 * The board's own Vietnamese labels: audit actions, notice kinds, upload formats, headline figures.
 * Imported by the static page (table heads) and the browser module alike, so each is written once.
 * Status labels are the domain's (shared/domain/status.ts STATUS_LABELS), never repeated here.
 */

/** Headline figures of a unit's latest valid report (shared/use-cases/update-compliance.ts keyFigures). */
export const KEY_FIGURE_LABELS: readonly { key: string; label: string; short: string }[] = [
  { key: 'sessions', label: 'Số hội nghị, buổi phổ biến, quán triệt', short: 'Hội nghị' },
  { key: 'participants', label: 'Số lượt cán bộ, công chức, viên chức và người lao động tham dự', short: 'Lượt tham dự' },
  { key: 'dialogues', label: 'Số buổi đối thoại, tiếp xúc với Nhân dân', short: 'Đối thoại' },
  { key: 'petitionsReceived', label: 'Số đơn thư khiếu nại, tố cáo, kiến nghị tiếp nhận', short: 'Đơn thư nhận' },
  { key: 'petitionsResolved', label: 'Số đơn thư đã giải quyết', short: 'Đã giải quyết' },
  { key: 'commended', label: 'Số tập thể và cá nhân được khen thưởng', short: 'Khen thưởng' },
];

export const AUDIT_ACTIONS: Readonly<Record<string, string>> = {
  UPLOAD_AUTHORIZED: 'Cấp quyền tải tệp lên',
  REPORT_ACCEPTED: 'Nhận bản hợp lệ',
  REPORT_REJECTED: 'Nhận bản không hợp lệ',
  STATUS_CHANGED: 'Đổi trạng thái',
  NOTICE_SENT: 'Gửi email',
  REPORT_REVIEWED: 'Sở Nội vụ xem xét',
  EXTENSION_GRANTED: 'Gia hạn',
  TOKEN_ISSUED: 'Cấp đường dẫn',
  TOKEN_REVOKED: 'Thu hồi đường dẫn',
  TOKEN_USED: 'Đơn vị mở đường dẫn',
};

export const NOTICE_KINDS: Readonly<Record<string, string>> = {
  receipt: 'Biên nhận báo cáo',
  rejection: 'Thông báo báo cáo không hợp lệ',
  returned: 'Thông báo trả lại để chỉnh sửa',
  reminder: 'Nhắc hạn nộp',
  overdue: 'Thông báo quá hạn',
  escalation: 'Báo cáo lãnh đạo',
  invite: 'Đề nghị gửi báo cáo',
};

/** Keyed by the API's own format type: a new format is a compile error here until it has a label. */
export const FORMAT_LABELS: Readonly<Record<VersionView['format'], string>> = {
  json: 'Biểu mẫu điện tử (JSON)',
  xlsx: 'Tệp Excel theo mẫu',
  unknown: 'Không nhận dạng được',
};

/** Group names short enough for a table column; the full names are the regime's GROUP_LABELS. */
export const SHORT_GROUPS: Readonly<Record<UnitGroup, string>> = { province: 'Sở, ngành', district: 'Huyện, TP' };
