import { GROUP_LABELS, type UnitGroup } from '../../shared/domain/regime.js';
import { STATUSES, STATUS_LABELS } from '../../shared/domain/status.js';
import { esc, sitePage } from '../html.js';
import { KEY_FIGURE_LABELS, SHORT_GROUPS } from './labels.js';
import { REPORT_LAYOUT, type ShownSection } from './report-layout.js';

/**
 * The status board of Sở Nội vụ (GET /board): a static page, built once by web/build.ts into
 * web/dist/board.html, and its browser module (web/board/main.ts → board.js). It holds no data: the
 * module gets its token from web/board/auth.ts and calls the admin API (web/board/api.ts); the
 * periods to offer and the time zone come with the status data (GET /status). What only Node can
 * derive at build time (the report layout, read from the zod schema) travels in a JSON data block,
 * typed by BoardConfig on both sides; every other label is imported by the module itself.
 */
export interface BoardConfig {
  pollMs: number;
  groups: { code: UnitGroup; label: string; short: string }[];
  sections: readonly ShownSection[];
}

export function boardConfig(pollMs = 5000): BoardConfig {
  return {
    pollMs,
    groups: (Object.keys(GROUP_LABELS) as UnitGroup[]).map((code) => ({ code, label: GROUP_LABELS[code], short: SHORT_GROUPS[code] })),
    sections: REPORT_LAYOUT,
  };
}

/** JSON inside <script type="application/json">: no "</script>" or "<!--" can close it early. */
const jsonBlock = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
export function boardPage(config: BoardConfig): string {
  const filterGroups = config.groups.map((g) => `<option value="${esc(g.code)}">${esc(g.label)}</option>`).join('');
  const filterStatuses = STATUSES.map((s) => `<option value="${esc(s)}">${esc(STATUS_LABELS[s])}</option>`).join('');
  const figureHeads = KEY_FIGURE_LABELS.map((k) => `<th scope="col" class="num" title="${esc(k.label)}">${esc(k.short)}</th>`).join('');
  return sitePage({
    title: 'Bảng theo dõi báo cáo – Sở Nội vụ',
    asset: 'board',
    body: `<header class="top">
  <h1>Theo dõi báo cáo công tác dân vận chính quyền</h1>
  <label class="period" id="regime-choice" hidden>Chế độ báo cáo <select id="regime"></select></label>
  <label class="period"><span id="period-label">Kỳ báo cáo năm</span> <select id="period"></select></label>
  <span id="updated" class="muted" aria-live="polite"></span>
  <div id="who" class="who" hidden><span id="who-name"></span> <span id="who-role" class="role"></span> <button type="button" id="sign-out" class="btn">Đăng xuất</button></div>
</header>
<div id="banner" class="banner" role="alert" hidden></div>
<main id="locked" class="locked" hidden>
  <h2>Cần đăng nhập</h2>
  <p id="locked-message">Bảng theo dõi dành cho cán bộ Sở Nội vụ. Đăng nhập bằng tài khoản được cấp để tiếp tục.</p>
  <p><button type="button" id="sign-in" class="btn primary">Đăng nhập</button></p>
</main>
<main id="main" hidden>
  <section id="rates" class="rates" aria-label="Tỷ lệ báo cáo"></section>
  <section id="charts" class="charts" aria-label="Biểu đồ"></section>
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
<div id="detail" class="drawer" role="dialog" aria-modal="false" aria-labelledby="d-title" hidden></div>
<script type="application/json" id="board-config">${jsonBlock(config)}</script>`,
  });
}
