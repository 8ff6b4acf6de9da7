/**
 * The clerk's page, in the browser (bundled by web/build.ts). It validates with the very schema and
 * rules the server uses (shared/domain/report.ts), keeps a draft in localStorage, uploads straight
 * to S3 through presigned POSTs and follows the unit's status until the upload is judged.
 *
 * The unit's token is read from the URL fragment (`#t=…`), which browsers never send to a server;
 * it only ever leaves the page in an Authorization header.
 */
import { daysBetween, localDate, vietnameseDate, vietnameseDateTime } from '../../shared/domain/calendar.js';
import { sniffFileType } from '../../shared/domain/file-type.js';
import { GROUP_LABELS } from '../../shared/domain/regime.js';
import { periodKey, periodLabel } from '../../shared/domain/periodicity.js';
import { validateReport, type AnnualReport, type ValidationIssue } from '../../shared/domain/report.js';
import { STATUS_LABELS, type ComplianceStatus } from '../../shared/domain/status.js';
import type { OwedReport, UnitVersionView, UnitView } from '../../shared/use-cases/read-unit-view.js';
import { ApiError, downloadFile, getJson, postJson, postToStorage, sha256Hex, type PresignedUpload } from './api.js';
import { errorId, fieldId, FORM_FIELDS, formSections, SIGNED_DOCUMENT_PATH, type FormField } from './fields.js';
import { formFieldsHtml, rowsStatus, tableRowHtml } from './fields-html.js';
import {
  cellOf,
  draftKey,
  NOT_A_NUMBER,
  parseDraft,
  placeIssues,
  tableRows,
  toReportInput,
  type RawRow,
  type RawValues,
} from './values.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Bounded polling: about a minute and a half, then the page says the result will come by email. */
const POLL_DELAYS_MS = [400, 600, 800, 1000, 1000, 1500, 1500, 2000, 2000, 2000, ...Array<number>(35).fill(2500)];
const FORMAT_LABELS: Record<UnitVersionView['format'], string> = { json: 'Trực tuyến', xlsx: 'Excel', unknown: 'Không rõ' };
const LINK_ERROR_TITLES: Record<string, string> = {
  MISSING_TOKEN: 'Chưa có đường dẫn nộp báo cáo của đơn vị',
  INVALID_TOKEN: 'Đường dẫn nộp báo cáo không hợp lệ',
  EXPIRED_TOKEN: 'Đường dẫn nộp báo cáo đã hết hạn',
  REVOKED_TOKEN: 'Đường dẫn nộp báo cáo đã bị thu hồi',
  UNIT_NOT_FOUND: 'Đơn vị không còn trong danh sách báo cáo',
};

// ---------------------------------------------------------------- DOM helpers

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  return el as T;
};
const text = (id: string, value: string) => {
  $(id).textContent = value;
};
const show = (id: string, visible = true) => {
  $(id).hidden = !visible;
};
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  children: (Node | string)[] = [],
) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

// ---------------------------------------------------------------- state

const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
/** The tab's copy of the unit's token: a reload keeps working, and the address bar no longer shows it. */
const TOKEN_KEY = 'baocao:token';

/**
 * Reads the token from `#t=…` once, keeps it in this tab's sessionStorage and drops it from the
 * address bar and history (issue 13): a screenshot, a shared screen or a copied address no longer
 * carries the unit's link. Without a fragment, the tab's stored token (a reload) is used.
 */
function takeToken(): string | null {
  const fromLink = fragment.get('t');
  if (fromLink) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromLink);
    } catch {
      // Storage refused (private mode): the token still works for this page's life.
    }
    fragment.delete('t');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromLink;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
const token = takeToken();
let view: UnitView | null = null;
/** Fields whose errors are shown live (blurred once, or everything after a submit attempt). */
const touched = new Set<string>();
let submittedOnce = false;
let busy = false;
let signedDocumentKey: string | undefined;
let saveTimer: number | undefined;

// ---------------------------------------------------------------- formatting

const tzOf = () => view?.regime.timeZone ?? 'Asia/Ho_Chi_Minh';
const dateTime = (iso: string) => vietnameseDateTime(new Date(iso), tzOf());
const bytesLabel = (n: number) =>
  n < 1024 ? `${n} byte` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
const issueLine = (i: ValidationIssue) => (i.label ? `${i.label}: ${i.message}` : i.message);
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** The shown period's key: the bare id for the deployment's main regime, `{regime}/{id}` for another (drafts, validation). */
const keyOf = (v: UnitView) => periodKey(v.regime, String(v.period));
const labelOf = (v: UnitView) => periodLabel(v.regime.frequency, String(v.period));
/** `regime=` for a regime other than the main one: the main regime's requests stay as they always were. */
const regimeQuery = (v: Pick<UnitView, 'regime'>) => (v.regime.scoped ? `regime=${encodeURIComponent(v.regime.id)}&` : '');

// ---------------------------------------------------------------- the unit's view

function showLinkError(err: ApiError): void {
  show('loading', false);
  show('unit-panel', false);
  show('form-area', false);
  text('link-error-title', LINK_ERROR_TITLES[err.code] ?? 'Không mở được biểu mẫu');
  text('link-error-message', err.message);
  text('link-error-code', err.code);
  show('link-error');
  document.title = `${$('link-error-title').textContent ?? ''} — Báo cáo công tác dân vận`;
}

/** The fields on the page: the seed's as built, or the regime's current form's once GET /me names another. */
let fields: readonly FormField[] = FORM_FIELDS;

/**
 * The regime's current form comes with the view (GET /me): when it is not the one the page was
 * built with, its fields are drawn from the definition (a deployer changes the regime file, not code).
 */
function useForm(v: UnitView): void {
  const def = v.regime.forms?.[0];
  const box = $('form-fields');
  if (!def || box.dataset.formVersion === def.version) return;
  const sections = formSections(def);
  box.innerHTML = formFieldsHtml(sections);
  box.dataset.formVersion = def.version;
  fields = sections.flatMap((s) => s.fields);
}

function renderView(v: UnitView): void {
  view = v;
  useForm(v);
  const tz = v.regime.timeZone;
  text('unit-name', v.unit.name);
  $('unit-name').title = GROUP_LABELS[v.unit.group];
  const select = $<HTMLSelectElement>('period-select');
  const annual = v.regime.frequency === 'annual';
  text('period-label', annual ? 'Năm báo cáo' : 'Kỳ báo cáo');
  select.replaceChildren(
    ...v.periods.map((p) =>
      el('option', { value: String(p), textContent: capitalized(periodLabel(v.regime.frequency, String(p))), selected: p === v.period }),
    ),
  );
  renderOwed(v);
  const pill = $('status-pill');
  pill.className = `pill s-${v.status}`;
  pill.textContent = STATUS_LABELS[v.status];
  pill.dataset.status = v.status;

  const today = localDate(new Date(v.asOf), tz);
  const dueDate = v.extensionUntil && v.extensionUntil > v.dates.dueDate ? v.extensionUntil : v.dates.dueDate;
  const left = daysBetween(today, dueDate);
  // Working days come from the server's calendar (holidays, Tết, the year's arrangement).
  const when =
    left > 0
      ? ` (còn ${left} ngày, trong đó ${v.workingDaysLeft} ngày làm việc)`
      : left === 0
        ? ' (hôm nay là hạn cuối)'
        : ` (đã quá ${-left} ngày)`;
  text('due-date', `Hết ${vietnameseDate(dueDate)}${when}${v.extensionUntil ? ' — đã được gia hạn' : ''}`);
  text('cut-off', `Từ ${vietnameseDate(v.dates.cutOffFrom)} đến ${vietnameseDate(v.dates.cutOffTo)}`);
  text('receiver', v.regime.receivingBody.name);

  const reasons = v.status === 'REJECTED' || v.status === 'RETURNED' ? v.reasons : [];
  $('status-reasons-list').replaceChildren(...reasons.map((r) => el('li', { textContent: issueLine(r) })));
  show('status-reasons', reasons.length > 0);

  const rows = v.versions.map((ver) =>
    el('tr', { id: `version-${ver.uploadId}` }, [
      el('td', { textContent: dateTime(ver.receivedAt) }),
      el('td', {}, [
        el('span', { className: `pill s-${ver.valid ? 'ON_TIME' : 'REJECTED'}`, textContent: ver.valid ? 'Hợp lệ' : 'Không hợp lệ' }),
      ]),
      el('td', { textContent: FORMAT_LABELS[ver.format] + (ver.signedDocument ? ' + PDF' : '') }),
      el('td', { className: 'hash', title: ver.sha256, textContent: ver.sha256 ? `${ver.sha256.slice(0, 12)}…` : '—' }),
      el(
        'td',
        {},
        ver.reasons.length
          ? [
              el(
                'ul',
                {},
                ver.reasons.map((r) => el('li', { textContent: issueLine(r) })),
              ),
            ]
          : ['—'],
      ),
    ]),
  );
  $('versions-body').replaceChildren(...rows);
  show('versions', rows.length > 0);
  show('versions-empty', rows.length === 0);
  $<HTMLAnchorElement>('template-link').href = `/template.xlsx?${regimeQuery(v)}period=${encodeURIComponent(v.period)}`;

  show('loading', false);
  show('link-error', false);
  show('unit-panel');
  show('form-area');
  document.title = `${v.unit.name} — ${v.regime.scoped ? v.regime.name : 'Báo cáo công tác dân vận'} ${labelOf(v)}`;
}

/** Does the unit owe reports under more than one regime? Then the page lists them; otherwise it looks as it always did. */
const severalRegimes = (owed: readonly OwedReport[]) => new Set(owed.map((o) => o.regime)).size > 1;

/** Every report the unit owes (GET /me `owed`), the one shown marked; each row's button opens that report's form. */
function renderOwed(v: UnitView): void {
  const several = severalRegimes(v.owed);
  show('owed', several);
  show('regime-term', several);
  show('regime-name', several);
  text('regime-name', v.regime.name);
  if (!several) return;
  const rows = v.owed.map((o) => {
    const current = o.regime === v.regime.id && String(o.period) === String(v.period);
    const what = `${o.regimeName}, kỳ ${o.periodLabel}`;
    const button = el('button', {
      type: 'button',
      className: 'secondary',
      textContent: current ? 'Đang mở' : 'Mở biểu mẫu',
      disabled: current,
    });
    button.setAttribute('aria-label', `${current ? 'Đang mở' : 'Mở biểu mẫu'}: ${what}`);
    button.dataset.regime = o.regime;
    button.dataset.period = String(o.period);
    const row = el('tr', {}, [
      el('td', { textContent: o.regimeName }),
      el('td', { textContent: capitalized(o.periodLabel) }),
      el('td', { textContent: vietnameseDate(o.dueDate) }),
      el('td', {}, [el('span', { className: `pill s-${o.status}`, textContent: STATUS_LABELS[o.status] })]),
      el('td', {}, [button]),
    ]);
    row.dataset.regime = o.regime;
    row.dataset.period = String(o.period);
    row.dataset.status = o.status;
    if (current) row.setAttribute('aria-current', 'true');
    return row;
  });
  $('owed-body').replaceChildren(...rows);
}

/** A period as the API writes it: a year as a number, any other period as its id. */
const periodValue = (v: string): number | string => (/^\d{4}$/.test(v) ? Number(v) : v);

async function loadView(regime?: string, period?: number | string): Promise<UnitView> {
  const query = [
    ...(regime === undefined ? [] : [`regime=${encodeURIComponent(regime)}`]),
    ...(period === undefined ? [] : [`period=${encodeURIComponent(period)}`]),
  ].join('&');
  return getJson<UnitView>(query ? `/me?${query}` : '/me', token);
}

/** The regime to name when reading the shown view again: none for the main one (as before). */
const scopedRegime = (v: UnitView | null) => (v?.regime.scoped ? v.regime.id : undefined);

// ---------------------------------------------------------------- form values and drafts

const form = () => $<HTMLFormElement>('report-form');

function controlsOf(f: FormField): HTMLInputElement[] {
  return Array.from(form().querySelectorAll<HTMLInputElement>(`[data-path="${f.path}"]`));
}

// ---------------------------------------------------------------- tables (repeating rows)

type CellControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
const cellPath = (f: FormField, row: number, column: FormField) => `${f.path}.${row}.${column.path}`;
const cellControl = (path: string) => document.getElementById(fieldId(path)) as CellControl | null;
const rowCount = (f: FormField) => form().querySelectorAll(`tbody[data-rows="${f.path}"] > tr`).length;

/** What a number box shows when the browser could not read a number from it. */
const rawOf = (c: CellControl) => (c instanceof HTMLInputElement && c.type === 'number' && c.validity.badInput ? NOT_A_NUMBER : c.value);

function readRows(f: FormField): RawRow[] {
  return Array.from({ length: rowCount(f) }, (_, i) => {
    const row: RawRow = {};
    for (const c of f.columns ?? []) {
      const control = cellControl(cellPath(f, i, c));
      if (control) row[c.path] = rawOf(control);
    }
    return row;
  });
}

/** Updates the line under a table and whether a row can still be added (maxRows). */
function tableStatus(f: FormField, said = ''): void {
  const n = rowCount(f);
  const max = f.maxRows ?? 0;
  const add = document.getElementById(`${fieldId(f.path)}-add`) as HTMLButtonElement | null;
  if (add) add.disabled = n >= max;
  const status = document.getElementById(`${fieldId(f.path)}-status`);
  if (status) status.textContent = `${said}${rowsStatus(n, max)}`;
}

/** Draws a table's rows from their values. */
function writeRows(f: FormField, rows: readonly RawRow[]): void {
  const body = form().querySelector<HTMLElement>(`tbody[data-rows="${f.path}"]`);
  if (!body) return;
  const shown = rows.slice(0, f.maxRows ?? 0);
  body.innerHTML = shown.map((_, i) => tableRowHtml(f, i)).join('');
  shown.forEach((r, i) => {
    for (const c of f.columns ?? []) {
      const control = cellControl(cellPath(f, i, c));
      const v = r[c.path] ?? '';
      if (control) control.value = v === NOT_A_NUMBER ? '' : v;
    }
  });
  tableStatus(f);
}

/** Errors a table's cells had are shown again only once the cells at their new place are left (or on submit). */
function forgetTouchedRows(f: FormField, from: number): void {
  for (const p of [...touched]) {
    const cell = cellOf(f, p);
    if (cell && cell.row >= from) touched.delete(p);
  }
}

function addRow(f: FormField): void {
  const n = rowCount(f);
  if (n >= (f.maxRows ?? 0)) return;
  form().querySelector(`tbody[data-rows="${f.path}"]`)?.insertAdjacentHTML('beforeend', tableRowHtml(f, n));
  tableStatus(f, `Đã thêm dòng ${n + 1}. `);
  const first = f.columns?.[0];
  if (first) cellControl(cellPath(f, n, first))?.focus();
  scheduleSave();
}

function deleteRow(f: FormField, index: number): void {
  const rows = readRows(f);
  rows.splice(index, 1);
  writeRows(f, rows);
  forgetTouchedRows(f, index);
  tableStatus(f, `Đã xóa dòng ${index + 1}. `);
  // Focus stays in the table: the row that took its place, the one before, or the add button.
  const buttons = form().querySelectorAll<HTMLButtonElement>(`[data-del-row="${f.path}"]`);
  (buttons[Math.min(index, buttons.length - 1)] ?? document.getElementById(`${fieldId(f.path)}-add`))?.focus();
  scheduleSave();
  // The rows were drawn afresh: the errors of the cells already left (or all, after a submit) come back.
  revalidateTouched();
}

function onTableButton(e: MouseEvent): void {
  const button = (e.target as Element | null)?.closest<HTMLButtonElement>('button[data-add-row], button[data-del-row]');
  if (!button) return;
  const f = fields.find((x) => x.kind === 'table' && x.path === (button.dataset.addRow ?? button.dataset.delRow));
  if (!f) return;
  if (button.dataset.addRow) addRow(f);
  else deleteRow(f, Number(button.dataset.index));
}

function readValues(): RawValues {
  const raw: RawValues = {};
  for (const f of fields) {
    if (f.kind === 'table') {
      raw[f.path] = JSON.stringify(readRows(f));
      continue;
    }
    const controls = controlsOf(f);
    if (f.kind === 'boolean') raw[f.path] = controls.find((c) => c.checked)?.value ?? '';
    else {
      const c = controls[0];
      if (!c) continue;
      raw[f.path] = (f.kind === 'count' || f.kind === 'decimal') && c.validity.badInput ? NOT_A_NUMBER : c.value;
    }
  }
  return raw;
}

function writeValues(raw: RawValues): void {
  for (const f of fields) {
    const v = raw[f.path] ?? '';
    if (f.kind === 'table') writeRows(f, tableRows(v));
    for (const c of controlsOf(f)) {
      if (f.kind === 'boolean') c.checked = c.value === v;
      else c.value = v === NOT_A_NUMBER ? '' : v;
    }
  }
}

function identity() {
  if (!view) throw new Error('no unit view yet');
  return { formVersion: view.regime.formVersion, unitId: view.unit.id, period: view.period };
}

function saveDraft(): void {
  if (!view) return;
  try {
    const savedAt = new Date().toISOString();
    localStorage.setItem(
      draftKey(view.unit.id, keyOf(view)),
      JSON.stringify({ savedAt, values: readValues(), ...(signedDocumentKey ? { signedDocumentKey } : {}) }),
    );
    text('draft-status', `Bản nháp được lưu tự động trên máy này lúc ${vietnameseDateTime(new Date(savedAt), tzOf())}.`);
  } catch {
    text('draft-status', 'Trình duyệt không cho lưu bản nháp; hãy nộp báo cáo trước khi đóng trang.');
  }
}

function scheduleSave(): void {
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(saveDraft, 300);
}

function restoreDraft(): void {
  if (!view) return;
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(draftKey(view.unit.id, keyOf(view)));
  } catch {
    // storage disabled: nothing to restore
  }
  const draft = parseDraft(stored, fields);
  writeValues(draft?.values ?? {});
  signedDocumentKey = draft?.signedDocumentKey;
  text('hint-signedDocument', signedDocumentKey ? 'Văn bản đã ký đã được tải lên và sẽ kèm theo báo cáo.' : '');
  text('draft-status', draft ? `Đã khôi phục bản nháp lưu lúc ${vietnameseDateTime(new Date(draft.savedAt), tzOf())}.` : '');
}

function clearDraft(): void {
  if (!view) return;
  window.clearTimeout(saveTimer);
  saveTimer = undefined;
  try {
    localStorage.removeItem(draftKey(view.unit.id, keyOf(view)));
  } catch {
    // nothing stored
  }
}

// ---------------------------------------------------------------- validation

function validate(): { ok: true; report: AnnualReport } | { ok: false; issues: ValidationIssue[] } {
  const id = identity();
  const input = toReportInput(readValues(), id, signedDocumentKey, fields);
  if (!view) throw new Error('no unit view yet');
  return validateReport(input, { regime: view.regime, expected: { unitId: id.unitId, period: periodKey(view.regime, String(id.period)) } });
}

/** Shows the errors beside the fields in `scope` (all fields when null) and clears the others there. */
function showFieldErrors(issues: readonly ValidationIssue[], scope: ReadonlySet<string> | null): void {
  const placed = placeIssues(issues, fields);
  for (const f of fields) {
    if (f.kind === 'table') {
      showTableErrors(f, placed.byPath, scope);
      continue;
    }
    if (scope && !scope.has(f.path)) continue;
    const messages = placed.byField.get(f.path) ?? [];
    text(errorId(f.path), messages.join(' '));
    const wrapper = form().querySelector<HTMLElement>(`[data-field="${f.path}"]`);
    wrapper?.classList.toggle('invalid', messages.length > 0);
    for (const c of controlsOf(f)) {
      if (messages.length) c.setAttribute('aria-invalid', 'true');
      else c.removeAttribute('aria-invalid');
    }
  }
  const docMessages = placed.summary.filter((s) => s.path === SIGNED_DOCUMENT_PATH).map((s) => s.message);
  if (!scope || scope.has(SIGNED_DOCUMENT_PATH)) text(errorId(SIGNED_DOCUMENT_PATH), docMessages.join(' '));
}

/** A table's errors: each cell's beside it (paths 'section.table.2.column'), the table's own (e.g. too many rows) under it. */
function showTableErrors(f: FormField, byPath: ReadonlyMap<string, string[]>, scope: ReadonlySet<string> | null): void {
  const own: string[] = [];
  for (const [path, messages] of byPath) {
    if (path === f.path || (path.startsWith(`${f.path}.`) && !cellOf(f, path)?.column)) own.push(...messages);
  }
  if (!scope) text(errorId(f.path), own.join(' '));
  for (let i = 0; i < rowCount(f); i++) {
    for (const c of f.columns ?? []) {
      const path = cellPath(f, i, c);
      if (scope && !scope.has(path)) continue;
      const messages = byPath.get(path) ?? [];
      text(errorId(path), messages.join(' '));
      const control = cellControl(path);
      control?.closest('td')?.classList.toggle('invalid', messages.length > 0);
      if (messages.length) control?.setAttribute('aria-invalid', 'true');
      else control?.removeAttribute('aria-invalid');
    }
  }
}

function showSummary(issues: readonly ValidationIssue[]): void {
  const placed = placeIssues(issues, fields);
  const items = placed.summary.map((s) => {
    // A table cell's issue leads to the cell itself.
    const cell = s.fieldPath && s.path !== s.fieldPath && document.getElementById(fieldId(s.path)) ? s.path : null;
    const target = cell ?? s.fieldPath ?? (s.path === SIGNED_DOCUMENT_PATH ? 'signedDocument' : null);
    const line = `${s.label}: ${s.message}`;
    if (!target) return el('li', { textContent: line });
    const href = `#${target === 'signedDocument' ? 'f-signedDocument' : fieldId(target)}`;
    const a = el('a', { href, textContent: line });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      const field = document.querySelector<HTMLElement>(href);
      const focusable = field?.matches('fieldset') ? field.querySelector<HTMLElement>('input') : field;
      focusable?.focus();
      field?.scrollIntoView({ block: 'center' });
    });
    return el('li', {}, [a]);
  });
  $('error-summary-list').replaceChildren(...items);
  show('error-summary', items.length > 0);
}

function revalidateTouched(): void {
  if (!view) return;
  const result = validate();
  const issues = result.ok ? [] : result.issues;
  showFieldErrors(issues, submittedOnce ? null : touched);
  if (submittedOnce) {
    if (issues.length) showSummary(issues);
    else show('error-summary', false);
  }
}

// ---------------------------------------------------------------- uploads and the receipt

async function presign(contentType: string, fileName: string, size: number): Promise<PresignedUpload> {
  if (!view) throw new Error('no unit view yet');
  const regime = scopedRegime(view);
  return postJson<PresignedUpload>('/uploads', token, { ...(regime ? { regime } : {}), period: view.period, fileName, contentType, size });
}

function setBusy(on: boolean, status = ''): void {
  busy = on;
  for (const id of ['submit-report', 'submit-excel', 'clear-draft']) $<HTMLButtonElement>(id).disabled = on;
  text('submit-status', status);
  text('excel-status', status);
}

function startReceipt(input: { fileLabel: string; uploadId: string; sha256: string; sentAt: Date }): void {
  const r = $('receipt');
  r.classList.remove('ok', 'bad');
  text('receipt-file', input.fileLabel);
  text('receipt-time', vietnameseDateTime(input.sentAt, tzOf()));
  text('receipt-upload', input.uploadId);
  text('receipt-sha', input.sha256);
  text('receipt-progress', 'Đã gửi. Hệ thống đang kiểm tra báo cáo…');
  show('receipt-outcome', false);
  show('receipt-reasons', false);
  r.dataset.state = 'processing';
  show('receipt');
  r.focus();
  r.scrollIntoView({ block: 'start' });
}

function finishReceipt(
  state: 'accepted' | 'rejected' | 'timeout',
  version: UnitVersionView | undefined,
  status: ComplianceStatus | undefined,
  sha256: string,
): void {
  const r = $('receipt');
  r.dataset.state = state;
  // The system's time of receipt is the one that counts for the deadline, not this device's clock.
  if (version) text('receipt-time', `${dateTime(version.receivedAt)} (giờ hệ thống ghi nhận)`);
  const outcome = $('receipt-outcome');
  if (state === 'accepted' && version && status) {
    r.classList.add('ok');
    outcome.className = 'outcome ok';
    outcome.textContent = `Báo cáo hợp lệ, đã được tiếp nhận — ${STATUS_LABELS[status]}.`;
    outcome.dataset.status = status;
    const match =
      version.sha256 === sha256 ? 'Mã SHA-256 khớp với tệp đã gửi.' : 'Lưu ý: mã SHA-256 hệ thống ghi nhận khác với tệp đã gửi.';
    text('receipt-progress', `${match} Biên nhận cũng được gửi qua email của đơn vị.`);
    show('receipt-reasons', false);
  } else if (state === 'rejected' && version) {
    r.classList.add('bad');
    outcome.className = 'outcome bad';
    outcome.textContent = 'Báo cáo bị từ chối — chưa hợp lệ. Vui lòng sửa theo các lý do dưới đây rồi nộp lại.';
    outcome.dataset.status = 'REJECTED';
    text('receipt-progress', '');
    $('receipt-reasons').replaceChildren(...version.reasons.map((i) => el('li', { textContent: issueLine(i) })));
    show('receipt-reasons', version.reasons.length > 0);
  } else {
    outcome.className = 'outcome';
    outcome.textContent = 'Hệ thống chưa kiểm tra xong. Kết quả sẽ được gửi qua email; có thể tải lại trang sau ít phút để xem.';
    text('receipt-progress', '');
  }
  show('receipt-outcome');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows the unit's view until this upload is judged: rejected (its reasons), or accepted and reflected in the status. */
async function follow(uploadId: string, sha256: string): Promise<void> {
  // A rejected version can be read a moment before the status it leads to: a few more looks for the status to follow.
  let rejectedSeen = 0;
  for (const delay of POLL_DELAYS_MS) {
    await sleep(delay);
    let v: UnitView;
    try {
      v = await loadView(scopedRegime(view), view?.period);
    } catch (e) {
      if (e instanceof ApiError && e.status === 0) continue; // a network blip: keep following
      throw e;
    }
    renderView(v);
    const version = v.versions.find((x) => x.uploadId === uploadId);
    if (version && !version.valid && (v.status !== 'PENDING' || ++rejectedSeen > 3))
      return finishReceipt('rejected', version, v.status, sha256);
    if (version && (v.status === 'ON_TIME' || v.status === 'LATE')) return finishReceipt('accepted', version, v.status, sha256);
  }
  finishReceipt('timeout', undefined, undefined, sha256);
}

function showSubmitError(
  e: unknown,
  where: 'submit-error' | 'err-excel' | 'err-signedDocumentKey' | 'link-error-message' = 'submit-error',
): void {
  const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', e instanceof Error ? e.message : String(e));
  const message = `${err.message} (mã lỗi ${err.code})`;
  text(where, message);
  if (where === 'submit-error') show('submit-error');
  if (['INVALID_TOKEN', 'EXPIRED_TOKEN', 'REVOKED_TOKEN'].includes(err.code)) showLinkError(err);
}

/** The signed PDF goes first, through its own presigned POST; its key then goes into the report. */
async function uploadSignedDocument(): Promise<boolean> {
  const input = $<HTMLInputElement>('f-signedDocument');
  const file = input.files?.[0];
  if (!file) return true;
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (sniffFileType(bytes) !== 'pdf') {
    text(
      errorId(SIGNED_DOCUMENT_PATH),
      'Tệp đính kèm không phải PDF (nội dung không bắt đầu bằng %PDF-). Hãy chọn bản PDF của văn bản đã ký.',
    );
    return false;
  }
  const name = /\.pdf$/i.test(file.name) && file.name.length <= 200 ? file.name : 'van-ban-da-ky.pdf';
  try {
    setBusy(true, 'Đang tải lên văn bản đã ký…');
    const upload = await presign('application/pdf', name, bytes.byteLength);
    await postToStorage(upload, new Blob([bytes], { type: 'application/pdf' }), name);
    signedDocumentKey = upload.key;
    input.value = '';
    text('hint-signedDocument', `Đã tải lên: ${file.name} (${bytesLabel(bytes.byteLength)}).`);
    text(errorId(SIGNED_DOCUMENT_PATH), '');
    saveDraft();
    return true;
  } catch (e) {
    showSubmitError(e, 'err-signedDocumentKey');
    return false;
  }
}

async function submitReport(e: SubmitEvent): Promise<void> {
  e.preventDefault();
  if (busy || !view) return;
  submittedOnce = true;
  show('submit-error', false);
  // 1. Validate first: nothing is uploaded while the report is invalid.
  let result = validate();
  showFieldErrors(result.ok ? [] : result.issues, null);
  if (!result.ok) {
    showSummary(result.issues);
    $('error-summary').focus();
    $('error-summary').scrollIntoView({ block: 'start' });
    return;
  }
  show('error-summary', false);
  try {
    // 2. The signed document, then the report naming it.
    if (!(await uploadSignedDocument())) return;
    result = validate();
    if (!result.ok) {
      showFieldErrors(result.issues, null);
      showSummary(result.issues);
      return;
    }
    setBusy(true, 'Đang gửi báo cáo…');
    const bytes = new TextEncoder().encode(JSON.stringify(result.report, null, 2));
    const sha256 = await sha256Hex(bytes);
    const upload = await presign('application/json', 'bao-cao.json', bytes.byteLength);
    await postToStorage(upload, new Blob([bytes], { type: 'application/json' }), 'bao-cao.json');
    // 3. Stored: the draft has done its job.
    clearDraft();
    signedDocumentKey = undefined;
    text('draft-status', 'Đã nộp; bản nháp trên máy này đã được xóa.');
    text('hint-signedDocument', '');
    startReceipt({
      fileLabel: `Báo cáo nhập trực tuyến (${bytesLabel(bytes.byteLength)})`,
      uploadId: upload.uploadId,
      sha256,
      sentAt: new Date(),
    });
    setBusy(true, 'Đang chờ kết quả kiểm tra…');
    await follow(upload.uploadId, sha256);
  } catch (err) {
    showSubmitError(err);
  } finally {
    setBusy(false);
  }
}

async function submitExcel(e: SubmitEvent): Promise<void> {
  e.preventDefault();
  if (busy || !view) return;
  text('err-excel', '');
  const input = $<HTMLInputElement>('excel-file');
  const file = input.files?.[0];
  if (!file) {
    text('err-excel', 'Chọn tệp Excel (.xlsx) đã điền theo biểu mẫu.');
    input.focus();
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  // By content, not by name: the server judges the same way.
  if (sniffFileType(bytes) !== 'xlsx') {
    text('err-excel', 'Tệp đã chọn không phải tệp Excel (.xlsx). Hãy dùng biểu mẫu tải về ở trên.');
    input.focus();
    return;
  }
  const name = /\.xlsx$/i.test(file.name) && file.name.length <= 200 ? file.name : 'bao-cao.xlsx';
  try {
    setBusy(true, 'Đang gửi tệp Excel…');
    const sha256 = await sha256Hex(bytes);
    const upload = await presign(XLSX_TYPE, name, bytes.byteLength);
    await postToStorage(upload, new Blob([bytes], { type: XLSX_TYPE }), name);
    input.value = '';
    startReceipt({ fileLabel: `${file.name} (${bytesLabel(bytes.byteLength)})`, uploadId: upload.uploadId, sha256, sentAt: new Date() });
    setBusy(true, 'Đang chờ kết quả kiểm tra…');
    await follow(upload.uploadId, sha256);
  } catch (err) {
    showSubmitError(err, 'err-excel');
  } finally {
    setBusy(false);
  }
}

async function downloadTemplate(e: MouseEvent): Promise<void> {
  e.preventDefault();
  const a = e.currentTarget as HTMLAnchorElement;
  const path = a.getAttribute('href') ?? '/template.xlsx';
  try {
    await downloadFile(path, a.id === 'template-link' ? token : null, `bieu-mau-${view ? keyOf(view).replace('/', '-') : ''}.xlsx`);
  } catch (err) {
    showSubmitError(err, a.id === 'template-link' ? 'err-excel' : 'link-error-message');
  }
}

// ---------------------------------------------------------------- wiring

/** Opens another report of the unit: another period of the shown regime, or a report of another regime (the owed list). */
async function openReport(regime: string | undefined, period: number | string): Promise<void> {
  if (!view || busy) return;
  if ((regime ?? view.regime.id) === view.regime.id && String(period) === String(view.period)) return;
  saveDraft();
  try {
    renderView(await loadView(regime, period));
    if (view.regime.scoped) fragment.set('r', view.regime.id);
    else fragment.delete('r');
    fragment.set('p', String(view.period));
    history.replaceState(null, '', `#${fragment.toString()}`);
    touched.clear();
    submittedOnce = false;
    showFieldErrors([], null);
    show('error-summary', false);
    show('receipt', false);
    restoreDraft();
  } catch (err) {
    showSubmitError(err);
  }
}

function wire(): void {
  const f = form();
  f.addEventListener('submit', (e) => void submitReport(e));
  f.addEventListener('input', scheduleSave);
  f.addEventListener('change', scheduleSave);
  f.addEventListener('click', onTableButton);
  // Leaving a field by pressing a button (submit, clear) must not show its error first: the
  // message would push the button down between mousedown and mouseup and the click would be lost.
  // The submit validates everything anyway.
  let pressingButton = false;
  f.addEventListener('pointerdown', (e) => {
    if ((e.target as Element | null)?.closest('button')) pressingButton = true;
  });
  addEventListener('pointerup', () => setTimeout(() => (pressingButton = false), 0));
  addEventListener('pointercancel', () => (pressingButton = false));
  f.addEventListener('focusout', (e) => {
    const path = (e.target as HTMLElement | null)?.dataset?.path;
    if (!path || !view) return;
    touched.add(path);
    if (pressingButton || (e.relatedTarget as Element | null)?.closest?.('button')) return;
    revalidateTouched();
  });
  $('excel-form').addEventListener('submit', (e) => void submitExcel(e));
  $('template-link').addEventListener('click', (e) => void downloadTemplate(e));
  $('blank-template-link').addEventListener('click', (e) => void downloadTemplate(e));
  $('period-select').addEventListener('change', () => {
    void openReport(scopedRegime(view), periodValue($<HTMLSelectElement>('period-select').value));
  });
  $('owed-body').addEventListener('click', (e) => {
    const button = (e.target as Element | null)?.closest<HTMLButtonElement>('button[data-regime]');
    const { regime, period } = button?.dataset ?? {};
    if (regime && period) void openReport(regime, periodValue(period));
  });
  $('clear-draft').addEventListener('click', () => {
    if (!confirm('Xóa toàn bộ số liệu đang nhập và bản nháp đã lưu trên máy này?')) return;
    clearDraft();
    signedDocumentKey = undefined;
    writeValues({});
    touched.clear();
    submittedOnce = false;
    showFieldErrors([], null);
    show('error-summary', false);
    text('draft-status', 'Đã xóa bản nháp.');
    text('hint-signedDocument', '');
  });
  // A last save when the tab goes away (the debounced one may not have run yet).
  addEventListener('pagehide', () => {
    if (saveTimer !== undefined) saveDraft();
  });
}

async function start(): Promise<void> {
  wire();
  const asked = fragment.get('p');
  const regime = fragment.get('r') ?? undefined;
  try {
    renderView(
      await loadView(regime, asked ? periodValue(asked) : undefined).catch((e: unknown) => {
        // A stale or edited address (a period closed since, a regime gone): the unit's default report instead.
        if (e instanceof ApiError && (e.status === 400 || e.status === 404) && (regime || asked)) return loadView();
        throw e;
      }),
    );
    restoreDraft();
  } catch (e) {
    showLinkError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e)));
  }
}

void start();
