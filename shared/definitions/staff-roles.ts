/**
 * Staff roles and what each action needs, defined once: the Cognito groups (infra), the local
 * provider's seeded users (local) and every admin handler's check (shared/domain/staff.ts).
 */
export const STAFF_ROLES = ['viewer', 'reviewer', 'publisher', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** What a person reads for each role (Cognito group descriptions, the local user list). */
export const STAFF_ROLE_LABELS: { readonly [R in StaffRole]: string } = {
  viewer: 'Lãnh đạo: xem bảng theo dõi và bản tổng hợp (chỉ xem)',
  reviewer: 'Chuyên viên: chấp nhận, trả lại báo cáo, gia hạn',
  publisher: 'Tổng hợp: lập và gửi bản tổng hợp',
  admin: 'Quản trị: đường dẫn của đơn vị và mọi chức năng khác',
};

/** The claim holding a user's groups in Cognito tokens; the local provider puts roles there too. */
export const GROUPS_CLAIM = 'cognito:groups';

const READERS: readonly StaffRole[] = ['viewer', 'reviewer', 'publisher', 'admin'];

/**
 * Every staff action, the roles allowed to do it (admin can do everything) and its Vietnamese
 * label for the 403 message.
 */
export const STAFF_ACTIONS = {
  readStatus: { roles: READERS, label: 'xem bảng theo dõi' },
  readReports: { roles: READERS, label: 'xem báo cáo của đơn vị' },
  readAudit: { roles: READERS, label: 'xem nhật ký' },
  previewSummary: { roles: READERS, label: 'xem trước bản tổng hợp' },
  reviewReport: { roles: ['reviewer', 'admin'], label: 'chấp nhận hoặc trả lại báo cáo' },
  grantExtension: { roles: ['reviewer', 'admin'], label: 'gia hạn thời hạn nộp báo cáo' },
  publishSummary: { roles: ['publisher', 'admin'], label: 'tổng hợp và gửi báo cáo cho lãnh đạo' },
  manageLinks: { roles: ['admin'], label: 'quản lý đường dẫn nộp báo cáo của đơn vị' },
} as const satisfies Record<string, { roles: readonly StaffRole[]; label: string }>;
export type StaffAction = keyof typeof STAFF_ACTIONS;
