/**
 * The status board in the browser (bundled by web/build.ts into web/dist/board.js, allowed by the
 * site's CSP `script-src 'self'`). It holds the state — the period, its status data, the filters,
 * the open unit — and draws it with the views (views.ts) after every change; lit-html updates only
 * what differs, so polling every few seconds neither flickers nor loses what a person is typing.
 * Calls go through api.ts, the token through auth.ts.
 */
import { render } from 'lit-html';
import { STATUS_LABELS } from '../../shared/domain/status.js';
import type { PeriodStatus, UnitStatusRow } from '../../shared/use-cases/read-status.js';
import type { ExtensionRequest } from '../../shared/use-cases/grant-extension.js';
import type { ReviewRequest } from '../../shared/use-cases/review-report.js';
import {
  ApiError,
  grantDeadlineExtension,
  listUnitLinks,
  readAuditTrail,
  readStatus,
  readUnitReports,
  reissueUnitLink,
  revokeUnitLink,
  reviewVersion,
} from './api.js';
import { accessToken, can, completeSignIn, signedInPerson, signedOut, SignInError, signOut, startSignIn, TOKEN_REFUSED } from './auth.js';
import { chartsView } from './charts.js';
import { date, dateTime } from './format.js';
import type { BoardConfig } from './page.js';
import {
  actionsKey,
  countsView,
  detailView,
  isShown,
  isStatus,
  latestValid,
  periodOptions,
  ratesView,
  regimeOptions,
  rowsView,
  type DetailActions,
  type DetailState,
  type Filters,
  type ViewContext,
} from './views.js';

/** After an action the pipeline settles asynchronously: look again shortly, then at the usual pace. */
const SETTLE_MS = [400, 1200, 3000];

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the board page`);
  return el as T;
};
const config = JSON.parse($('board-config').textContent ?? '') as BoardConfig;

const state: {
  /** The regime chosen (null: the deployment's main regime, until the person picks one). */
  regime: string | null;
  period: number | string | null;
  data: PeriodStatus | null;
  loading: boolean;
  filters: Filters;
  detail: DetailState | null;
  /** The table row the open panel was loaded for: when the row changes, the panel is read again. */
  detailSeen: string;
} = { regime: null, period: null, data: null, loading: false, filters: { status: '', group: '', query: '' }, detail: null, detailSeen: '' };

const ctx = (data: PeriodStatus): ViewContext => ({ tz: data.timeZone, config });
const rowOf = (unitId: string) => state.data?.units.find((u) => u.unitId === unitId);
const rowSignature = (u: UnitStatusRow | undefined) =>
  u ? [u.status, u.versions, u.lastUploadAt, u.firstValidAt, u.extensionUntil].join('|') : '';

// ---------------------------------------------------------------- drawing

function drawTable(): void {
  const { data, filters } = state;
  if (!data) {
    render([], $('rows'));
    render([], $('charts'));
    return;
  }
  const shown = data.units.filter((u) => isShown(u, filters));
  render(ratesView(data.rates, ctx(data)), $('rates'));
  render(chartsView(data, ctx(data)), $('charts'));
  render(countsView(data.units, filters.status, setStatusFilter), $('counts'));
  render(rowsView(shown, ctx(data), state.detail?.unitId ?? null, openDetail), $('rows'));
  $('shown').textContent = `Hiển thị ${shown.length}/${data.units.length} đơn vị`;
}

const detailActions: DetailActions = {
  close: closeDetail,
  review: (decision) => void review(decision),
  extend: () => void extend(),
  reissueLink: () => void reissueLink(),
  revokeLink: (linkId) => void revokeLink(linkId),
};

function drawDetail(): void {
  const panel = $('detail');
  panel.hidden = !state.detail;
  if (state.detail && state.data) render(detailView(state.detail, ctx(state.data), detailActions), panel);
}

function banner(message: string): void {
  const b = $('banner');
  b.textContent = message;
  b.hidden = !message;
}

/** The header's signed-in person: their name and role (from the token; display only). */
function showWho(): void {
  const who = signedInPerson();
  $('who').hidden = !who;
  if (!who) return;
  $('who-name').textContent = who.name;
  const role = $('who-role');
  role.textContent = who.roleNames.join(', ') || 'Chưa được phân quyền';
  role.title = who.roleLabels.join('; ');
}

function lock(message: string | null): void {
  if (message) $('locked-message').textContent = message;
  $('who').hidden = true;
  $('locked').hidden = false;
  $('main').hidden = true;
  closeDetail();
}

/** A refused token locks the board; anything else is shown and the next poll tries again. */
function failed(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return lock(TOKEN_REFUSED);
  if (e instanceof ApiError) return banner(e.code === 'NETWORK_ERROR' ? 'Không kết nối được máy chủ; bảng sẽ tự thử lại.' : e.message);
  banner('Có lỗi xảy ra; bảng sẽ tự thử lại.');
  console.error(e);
}

// ---------------------------------------------------------------- loading

async function refresh(): Promise<void> {
  if (!accessToken() || state.loading) return;
  state.loading = true;
  const asked = state.period;
  const askedRegime = state.regime;
  try {
    const data = await readStatus(askedRegime, asked);
    if (asked !== state.period || askedRegime !== state.regime) return;
    state.period = data.period;
    state.data = data;
    syncRegimes(data);
    syncPeriods(data);
    banner('');
    drawTable();
    $('updated').textContent = `Số liệu lúc ${dateTime(data.asOf, data.timeZone)}`;
    if (state.detail && rowSignature(rowOf(state.detail.unitId)) !== state.detailSeen) await loadDetail();
  } catch (e) {
    failed(e);
  } finally {
    state.loading = false;
  }
}

async function loadDetail(): Promise<void> {
  const d = state.detail;
  if (!d) return;
  const { unitId, regime, period } = d;
  state.detailSeen = rowSignature(rowOf(unitId));
  try {
    const [reports, audit] = await Promise.all([readUnitReports(unitId, regime, period), readAuditTrail(unitId, regime, period)]);
    if (state.detail !== d) return;
    // New forms (another version to review, another deadline): the last action's message is stale.
    if (d.reports && actionsKey(d.reports) !== actionsKey(reports)) d.message = null;
    d.reports = reports;
    d.audit = audit.entries;
    drawDetail();
    await loadLinks(d);
  } catch (e) {
    failed(e);
  }
}

/** The regime choice: only when the deployment runs several (one regime: the board as it always was). */
function syncRegimes(data: PeriodStatus): void {
  const regimes = data.regimes ?? [];
  $('regime-choice').hidden = regimes.length < 2;
  if (regimes.length < 2) return;
  const select = $<HTMLSelectElement>('regime');
  render(regimeOptions(regimes), select);
  select.value = data.regime;
}

function syncPeriods(data: PeriodStatus): void {
  const frequency = data.regimes?.find((r) => r.id === data.regime)?.frequency ?? 'annual';
  $('period-label').textContent = frequency === 'annual' ? 'Kỳ báo cáo năm' : 'Kỳ báo cáo';
  const select = $<HTMLSelectElement>('period');
  render(periodOptions(data.periods, frequency), select);
  select.value = String(data.period);
}

/** A period as the API writes it: a year as a number, any other period as its id. */
const periodValue = (v: string): number | string => (/^\d{4}$/.test(v) ? Number(v) : v);

// ---------------------------------------------------------------- the unit panel

function openDetail(unitId: string): void {
  if (state.period === null) return;
  state.detail = {
    unitId,
    regime: state.regime,
    period: state.period,
    name: rowOf(unitId)?.name ?? unitId,
    reports: null,
    audit: [],
    busy: false,
    message: null,
    links: null,
    linksNote: null,
    newLink: null,
  };
  drawTable();
  drawDetail();
  $('d-close').focus();
  void loadDetail();
}

function closeDetail(): void {
  if (!state.detail) return;
  state.detail = null;
  drawDetail();
  drawTable();
}

/** Said in the panel the action was taken in, even if the person has opened another one since. */
function say(kind: 'ok' | 'error', text: string, d = state.detail): void {
  if (!d) return;
  d.message = { kind, text };
  if (d === state.detail) drawDetail();
}

/** Runs one action: buttons disabled meanwhile, its outcome said in the panel, the board refreshed as it settles. */
async function act<T>(call: () => Promise<T>, done: (result: T) => string): Promise<void> {
  const d = state.detail;
  if (!d) return;
  d.busy = true;
  drawDetail();
  try {
    say('ok', done(await call()), d);
    settle();
  } catch (e) {
    if (e instanceof ApiError && e.status !== 401) say('error', e.message, d);
    else failed(e);
  } finally {
    d.busy = false;
    if (d === state.detail) drawDetail();
  }
}

/** The links section: a 403 (not an admin) is said in the section, not as a board failure. */
async function loadLinks(d: NonNullable<typeof state.detail>): Promise<void> {
  // Only the admin role manages links (the API answers no other): nobody else asks for them.
  if (!can('manageLinks')) return;
  try {
    const { links } = await listUnitLinks(d.unitId);
    d.links = links;
    d.linksNote = null;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status === 401) return failed(e);
    d.links = null;
    d.linksNote = e.message;
  }
  if (d === state.detail) drawDetail();
}

async function reissueLink(): Promise<void> {
  const d = state.detail;
  if (!d) return;
  await act(
    () => reissueUnitLink(d.unitId),
    (r) => {
      d.links = r.links;
      d.newLink = `${location.origin}/#t=${r.token}`;
      return r.revoked ? 'Đã cấp đường dẫn mới; đường dẫn cũ đã bị thu hồi.' : 'Đã cấp đường dẫn mới.';
    },
  );
}

async function revokeLink(linkId: string): Promise<void> {
  const d = state.detail;
  if (!d) return;
  await act(
    () => revokeUnitLink(d.unitId, linkId),
    () => {
      d.newLink = null;
      void loadLinks(d);
      return 'Đã thu hồi đường dẫn; đơn vị không dùng được đường dẫn này nữa.';
    },
  );
}

async function review(decision: ReviewRequest['decision']): Promise<void> {
  const rep = state.detail?.reports;
  const latest = rep && latestValid(rep);
  if (!rep || !latest) return;
  const reasonField = $<HTMLTextAreaElement>('return-reason');
  const reason = reasonField.value.trim();
  if (decision === 'RETURN' && !reason) {
    say('error', 'Nhập lý do trả lại để đơn vị biết cần chỉnh sửa gì.');
    reasonField.focus();
    return;
  }
  const body: ReviewRequest = {
    ...(rep.regime ? { regime: rep.regime } : {}),
    period: rep.period,
    uploadId: latest.uploadId,
    decision,
    reason: decision === 'RETURN' ? reason : undefined,
  };
  await act(
    () => reviewVersion(rep.unit.id, body),
    (r) => {
      if (decision === 'RETURN') reasonField.value = '';
      const done =
        decision === 'RETURN'
          ? 'Đã trả lại báo cáo; đơn vị sẽ nhận email nêu lý do và nộp lại qua đường dẫn đang dùng.'
          : 'Đã chấp nhận báo cáo.';
      return `${done} Trạng thái: ${STATUS_LABELS[r.status]}.`;
    },
  );
}

async function extend(): Promise<void> {
  const rep = state.detail?.reports;
  if (!rep) return;
  const untilField = $<HTMLInputElement>('ext-until');
  const reasonField = $<HTMLInputElement>('ext-reason');
  const until = untilField.value;
  const reason = reasonField.value.trim();
  if (!until) {
    say('error', 'Chọn ngày gia hạn.');
    untilField.focus();
    return;
  }
  if (!reason) {
    say('error', 'Nhập lý do gia hạn.');
    reasonField.focus();
    return;
  }
  const body: ExtensionRequest = { ...(rep.regime ? { regime: rep.regime } : {}), period: rep.period, until, reason };
  await act(
    () => grantDeadlineExtension(rep.unit.id, body),
    (r) => {
      reasonField.value = '';
      return `Đã gia hạn đến hết ngày ${date(r.extension.until)}. Trạng thái: ${STATUS_LABELS[r.status]}.`;
    },
  );
}

function settle(): void {
  for (const ms of SETTLE_MS) setTimeout(() => void refresh().then(() => loadDetail()), ms);
}

// ---------------------------------------------------------------- filters and start

function setStatusFilter(status: Filters['status']): void {
  state.filters.status = status;
  $<HTMLSelectElement>('f-status').value = status;
  drawTable();
}

$<HTMLSelectElement>('regime').addEventListener('change', (e) => {
  state.regime = (e.currentTarget as HTMLSelectElement).value;
  // The new regime's current period: its periods are not the old one's.
  state.period = null;
  state.data = null;
  closeDetail();
  drawTable();
  void refresh();
});
$<HTMLSelectElement>('period').addEventListener('change', (e) => {
  state.period = periodValue((e.currentTarget as HTMLSelectElement).value);
  state.data = null;
  closeDetail();
  drawTable();
  void refresh();
});
$<HTMLSelectElement>('f-status').addEventListener('change', (e) => {
  const v = (e.currentTarget as HTMLSelectElement).value;
  setStatusFilter(isStatus(v) ? v : '');
});
$<HTMLSelectElement>('f-group').addEventListener('change', (e) => {
  const v = (e.currentTarget as HTMLSelectElement).value;
  state.filters.group = config.groups.find((g) => g.code === v)?.code ?? '';
  drawTable();
});
$<HTMLInputElement>('f-query').addEventListener('input', (e) => {
  state.filters.query = (e.currentTarget as HTMLInputElement).value.trim();
  drawTable();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeDetail();
});

$('sign-out').addEventListener('click', () => void signOut());
$('sign-in').addEventListener('click', () => {
  void startSignIn().then((left) => {
    if (!left) lock('Trang chưa có cấu hình đăng nhập. Báo quản trị hệ thống.');
  });
});

function run(): void {
  showWho();
  $('main').hidden = false;
  void refresh();
  setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, config.pollMs);
  window.addEventListener('focus', () => void refresh());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refresh();
  });
}

/**
 * Signed in (a token for this tab, or the provider just sent the person back with a code): the
 * board. Otherwise straight to the provider's sign-in page — unless the person has just signed out
 * or the sign-in failed, when the board waits with the reason and a sign-in button.
 */
async function start(): Promise<void> {
  let failure: string | null = null;
  try {
    await completeSignIn();
  } catch (e) {
    failure = e instanceof SignInError ? e.message : 'Đăng nhập không thành công. Hãy thử lại.';
    if (!(e instanceof SignInError)) console.error(e);
  }
  if (accessToken()) return run();
  if (!failure && !signedOut() && (await startSignIn())) return;
  lock(failure ?? (signedOut() ? 'Bạn đã đăng xuất. Đăng nhập lại để tiếp tục theo dõi.' : null));
}

void start();
