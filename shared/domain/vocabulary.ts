/**
 * The audit actions and notice kinds, each with its Vietnamese label, defined once: the audit
 * trail, the notice ledger, the board, the emails, the demo and the CLI all take them from here
 * (the statuses and their labels live beside their derivation in status.ts).
 */
export const AUDIT_ACTION_LABELS = {
  UPLOAD_AUTHORIZED: 'Cấp quyền tải tệp lên',
  REPORT_ACCEPTED: 'Nhận bản hợp lệ',
  REPORT_REJECTED: 'Nhận bản không hợp lệ',
  STATUS_CHANGED: 'Đổi trạng thái',
  NOTICE_SENT: 'Gửi email',
  REPORT_REVIEWED: 'Sở Nội vụ xem xét',
  EXTENSION_GRANTED: 'Gia hạn',
  SUMMARY_PUBLISHED: 'Công bố báo cáo tổng hợp',
  TOKEN_ISSUED: 'Cấp đường dẫn',
  TOKEN_USED: 'Đơn vị mở đường dẫn',
  TOKEN_REVOKED: 'Thu hồi đường dẫn',
} as const satisfies Record<string, string>;
export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];

/** What the notice ledger records as sent once: every email the system sends a unit or leadership. */
export const NOTICE_KIND_LABELS = {
  invite: 'Đề nghị gửi báo cáo',
  receipt: 'Biên nhận báo cáo',
  rejection: 'Thông báo báo cáo không hợp lệ',
  returned: 'Thông báo trả lại để chỉnh sửa',
  reminder: 'Nhắc hạn nộp',
  overdue: 'Thông báo quá hạn',
  escalation: 'Báo cáo lãnh đạo về đơn vị quá hạn',
  summary: 'Báo cáo tổng hợp gửi lãnh đạo',
} as const satisfies Record<string, string>;
export type NoticeKind = keyof typeof NOTICE_KIND_LABELS;
export const NOTICE_KINDS = Object.keys(NOTICE_KIND_LABELS) as NoticeKind[];

export const auditActionLabel = (action: string): string => (AUDIT_ACTION_LABELS as Record<string, string>)[action] ?? action;
export const noticeKindLabel = (kind: string): string => (NOTICE_KIND_LABELS as Record<string, string>)[kind] ?? kind;
