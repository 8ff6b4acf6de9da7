import { GROUP_LABELS, type UnitGroup } from '../../shared/domain/regime.js';
import { STATUSES, STATUS_LABELS } from '../../shared/domain/status.js';
import { esc, sitePage } from '../html.js';
import { REPORT_LAYOUT, type ShownSection } from './report-layout.js';

/**
 * The status board of Sở Nội vụ (GET /board): a static page, built once by web/build.ts into
 * web/dist/board.html, plus a small hand-written script (board.js, no framework). It holds no data:
 * the script reads the admin token from the URL fragment (`#admin=…`, never sent to the server),
 * keeps it in sessionStorage and calls the admin API with it; the periods to offer and the time
 * zone come with the status data (GET /status). Every label comes from the domain (statuses,
 * groups, the report schema), passed to the script as a JSON data block.
 */
export interface BoardConfig {
  pollMs: number;
  statuses: { code: string; label: string }[];
  groups: { code: UnitGroup; label: string; short: string }[];
  keyFigures: { key: string; label: string; short: string }[];
  sections: readonly ShownSection[];
  auditActions: Record<string, string>;
  noticeKinds: Record<string, string>;
  formats: Record<string, string>;
}

/** Headline figures of a unit's latest valid report (shared/use-cases/update-compliance.ts keyFigures). */
export const KEY_FIGURE_LABELS: BoardConfig['keyFigures'] = [
  { key: 'sessions', label: 'Số hội nghị, buổi phổ biến, quán triệt', short: 'Hội nghị' },
  { key: 'participants', label: 'Số lượt cán bộ, công chức, viên chức và người lao động tham dự', short: 'Lượt tham dự' },
  { key: 'dialogues', label: 'Số buổi đối thoại, tiếp xúc với Nhân dân', short: 'Đối thoại' },
  { key: 'petitionsReceived', label: 'Số đơn thư khiếu nại, tố cáo, kiến nghị tiếp nhận', short: 'Đơn thư nhận' },
  { key: 'petitionsResolved', label: 'Số đơn thư đã giải quyết', short: 'Đã giải quyết' },
  { key: 'commended', label: 'Số tập thể và cá nhân được khen thưởng', short: 'Khen thưởng' },
];

const AUDIT_ACTIONS: Record<string, string> = {
  UPLOAD_AUTHORIZED: 'Cấp quyền tải tệp lên',
  REPORT_ACCEPTED: 'Nhận bản hợp lệ',
  REPORT_REJECTED: 'Nhận bản không hợp lệ',
  STATUS_CHANGED: 'Đổi trạng thái',
  NOTICE_SENT: 'Gửi email',
  REPORT_REVIEWED: 'Sở Nội vụ xem xét',
  EXTENSION_GRANTED: 'Gia hạn',
  TOKEN_ISSUED: 'Cấp đường dẫn',
  TOKEN_REVOKED: 'Thu hồi đường dẫn',
};

const NOTICE_KINDS: Record<string, string> = {
  receipt: 'Biên nhận báo cáo',
  rejection: 'Thông báo báo cáo không hợp lệ',
  returned: 'Thông báo trả lại để chỉnh sửa',
  reminder: 'Nhắc hạn nộp',
  overdue: 'Thông báo quá hạn',
  escalation: 'Báo cáo lãnh đạo',
  invite: 'Đề nghị gửi báo cáo',
};

const SHORT_GROUPS: Record<UnitGroup, string> = { province: 'Sở, ngành', district: 'Huyện, TP' };

export function boardConfig(pollMs = 5000): BoardConfig {
  return {
    pollMs,
    statuses: STATUSES.map((code) => ({ code, label: STATUS_LABELS[code] })),
    groups: (Object.keys(GROUP_LABELS) as UnitGroup[]).map((code) => ({ code, label: GROUP_LABELS[code], short: SHORT_GROUPS[code] })),
    keyFigures: KEY_FIGURE_LABELS,
    sections: REPORT_LAYOUT,
    auditActions: AUDIT_ACTIONS,
    noticeKinds: NOTICE_KINDS,
    formats: { json: 'Biểu mẫu điện tử (JSON)', xlsx: 'Tệp Excel theo mẫu', unknown: 'Không nhận dạng được' },
  };
}

/** JSON inside <script type="application/json">: no "</script>" or "<!--" can close it early. */
const jsonBlock = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
export function boardPage(config: BoardConfig): string {
  const filterGroups = config.groups.map((g) => `<option value="${esc(g.code)}">${esc(g.label)}</option>`).join('');
  const filterStatuses = config.statuses.map((s) => `<option value="${esc(s.code)}">${esc(s.label)}</option>`).join('');
  const figureHeads = config.keyFigures.map((k) => `<th scope="col" class="num" title="${esc(k.label)}">${esc(k.short)}</th>`).join('');
  return sitePage({
    title: 'Bảng theo dõi báo cáo – Sở Nội vụ',
    asset: 'board',
    body: `<header class="top">
  <h1>Theo dõi báo cáo công tác dân vận chính quyền</h1>
  <label class="period">Kỳ báo cáo năm <select id="period"></select></label>
  <span id="updated" class="muted" aria-live="polite"></span>
</header>
<div id="banner" class="banner" role="alert" hidden></div>
<section id="locked" class="locked" hidden>
  <h2>Cần mã quản trị</h2>
  <p id="locked-message">Mở bảng theo dõi bằng đường dẫn quản trị dạng <code>/board#admin=…</code> mà hệ thống cung cấp cho Sở Nội vụ.</p>
</section>
<main id="main" hidden>
  <section id="rates" class="rates" aria-label="Tỷ lệ báo cáo"></section>
  <section class="toolbar" aria-label="Bộ lọc">
    <div id="counts" class="counts" role="group" aria-label="Số đơn vị theo trạng thái"></div>
    <div class="filters">
      <label>Trạng thái <select id="f-status"><option value="">Tất cả</option>${filterStatuses}</select></label>
      <label>Nhóm <select id="f-group"><option value="">Tất cả</option>${filterGroups}</select></label>
      <label>Tìm <input id="f-query" type="search" placeholder="Tên đơn vị" autocomplete="off"></label>
      <span id="shown" class="muted" aria-live="polite"></span>
    </div>
  </section>
  <div class="table-wrap">
    <table id="units">
      <thead><tr>
        <th scope="col">Đơn vị</th><th scope="col">Nhóm</th><th scope="col">Trạng thái</th>
        <th scope="col" title="Thời điểm nộp bản hợp lệ đầu tiên (giờ Việt Nam)">Nộp hợp lệ lần đầu</th>
        <th scope="col" title="Thời điểm nộp gần nhất, hợp lệ hay không (giờ Việt Nam)">Nộp gần nhất</th>
        <th scope="col" class="num" title="Số lần nộp">Số bản</th>${figureHeads}
      </tr></thead>
      <tbody id="rows"></tbody>
    </table>
  </div>
</main>
<aside id="detail" class="drawer" role="dialog" aria-modal="false" aria-labelledby="d-title" hidden>
  <div class="drawer-head">
    <h2 id="d-title"></h2>
    <button type="button" id="d-close" class="icon" aria-label="Đóng">×</button>
  </div>
  <div id="d-summary"></div>
  <div id="d-actions"></div>
  <h3>Các bản đã nộp</h3>
  <div id="d-versions"></div>
  <h3>Nhật ký xử lý</h3>
  <div id="d-audit"></div>
</aside>
<script type="application/json" id="board-config">${jsonBlock(config)}</script>`,
  });
}
