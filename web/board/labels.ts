import type { UnitGroup } from '../../shared/domain/regime.js';
import type { VersionView } from '../../shared/use-cases/read-unit-reports.js';

/**
 * The board's own Vietnamese labels: upload formats, headline figures, short group names.
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

/** The domain's vocabulary (shared/domain/vocabulary.ts), under the names the board uses. */
export { AUDIT_ACTION_LABELS as AUDIT_ACTIONS, NOTICE_KIND_LABELS as NOTICE_KINDS } from '../../shared/domain/vocabulary.js';

/** Keyed by the API's own format type: a new format is a compile error here until it has a label. */
export const FORMAT_LABELS: Readonly<Record<VersionView['format'], string>> = {
  json: 'Biểu mẫu điện tử (JSON)',
  xlsx: 'Tệp Excel theo mẫu',
  unknown: 'Không nhận dạng được',
};

/** Group names short enough for a table column; the full names are the regime's GROUP_LABELS. */
export const SHORT_GROUPS: Readonly<Record<UnitGroup, string>> = { province: 'Sở, ngành', district: 'Huyện, TP' };
