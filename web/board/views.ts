import { html, nothing, type TemplateResult } from 'lit-html';
import { keyed } from 'lit-html/directives/keyed.js';
import { addDays } from '../../shared/domain/calendar.js';
import { periodLabel, type Periodicity } from '../../shared/domain/periodicity.js';
import type { UnitGroup } from '../../shared/domain/regime.js';
import type { AnnualReport, ValidationIssue } from '../../shared/domain/report.js';
import { STATUSES, STATUS_LABELS, type ComplianceStatus, type Rates } from '../../shared/domain/status.js';
import type { PeriodStatus, UnitStatusRow } from '../../shared/use-cases/read-status.js';
import type { UnitReports, VersionView } from '../../shared/use-cases/read-unit-reports.js';
import type { AuditEntry, UnitLink } from './api.js';
import { can } from './auth.js';
import { bytes, count, date, dateTime, percent, searchable } from './format.js';
import { AUDIT_ACTIONS, FORMAT_LABELS, KEY_FIGURE_LABELS, NOTICE_KINDS } from './labels.js';
import type { BoardConfig } from './page.js';
import { reportLayout, type ShownField, type ShownSection } from './layout.js';

/**
 * The board's views: pure functions from the API's data to lit-html templates. lit-html puts every
 * value in as text or an attribute, never as markup, so unit names, reasons and report text cannot
 * inject any; and it updates only what changed, so a poll leaves what a person is typing alone.
 * Mixed text is one binding (`${`Bản số ${n}`}`): split text nodes shift glyphs by sub-pixels, and
 * the page should look exactly as before. No `style` attribute anywhere (the CSP's `style-src 'self'` refuses them): the meters set
 * `.style`, a CSSOM property, which the CSP allows.
 */

export interface ViewContext {
  /** The regime's time zone (GET /status). */
  tz: string;
  config: BoardConfig;
}

export interface Filters {
  status: ComplianceStatus | '';
  group: UnitGroup | '';
  query: string;
}

export const isStatus = (s: unknown): s is ComplianceStatus => (STATUSES as readonly unknown[]).includes(s);
const statusLabel = (s: unknown) => (isStatus(s) ? STATUS_LABELS[s] : String(s));
const groupOf = (ctx: ViewContext, code: UnitGroup) => ctx.config.groups.find((g) => g.code === code);
const issueText = (i: ValidationIssue) => (i.label ? `${i.label}: ${i.message}` : i.message);
/** A label from a fixed map, or the raw value (an own key only: no `constructor` from the prototype). */
const labelIn = (labels: Readonly<Record<string, string>>, key: unknown) =>
  typeof key === 'string' && Object.hasOwn(labels, key) ? (labels[key] ?? key) : typeof key === 'string' ? key : '';

export const latestValid = (rep: UnitReports): VersionView | undefined => rep.versions.find((v) => v.latestValid);

export const badge = (status: ComplianceStatus) =>
  html`<span class="badge st-${status}" data-status=${status}>${STATUS_LABELS[status]}</span>`;

// ---------------------------------------------------------------- periods, rates, counts, the table

/** The period choice: a year as itself beside "Kỳ báo cáo năm" (as it always was), any other period by its label ("Quý III năm 2026"). */
export const periodOptions = (periods: readonly (number | string)[], frequency: Periodicity = 'annual') =>
  periods.map((p) => html`<option value=${p}>${frequency === 'annual' ? p : capitalized(periodLabel(frequency, String(p)))}</option>`);

/** The regime choice, shown only when the deployment runs more than one. */
export const regimeOptions = (regimes: PeriodStatus['regimes']) => regimes.map((r) => html`<option value=${r.id}>${r.name}</option>`);

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const share = (part: number, whole: number) => `width:${(100 * part) / (whole || 1)}%`;

function rateCard(id: string, title: string, r: Rates): TemplateResult {
  return html`<div class="card" id=${id}>
<h2>${`${title} — ${r.expected} đơn vị`}</h2>
<div class="rate"><span class="label">Tỷ lệ báo cáo</span><strong class="value reporting-rate">${percent(r.reportingRate)}</strong><span class="muted count reported">${`(${r.reported}/${r.expected})`}</span></div>
<div class="rate"><span class="label">Tỷ lệ đúng hạn</span><strong class="value on-time-rate">${percent(r.onTimeRate)}</strong><span class="muted count on-time">${`(${r.onTime}/${r.expected})`}</span></div>
<div class="meter" aria-hidden="true"><span class="m-ontime" .style=${share(r.onTime, r.expected)}></span><span class="m-late" .style=${share(r.reported - r.onTime, r.expected)}></span></div>
</div>`;
}

export const ratesView = (rates: PeriodStatus['rates'], ctx: ViewContext) => [
  rateCard('rate-all', 'Toàn tỉnh', rates),
  ...ctx.config.groups.map((g) => rateCard(`rate-${g.code}`, g.label, rates.byGroup[g.code])),
];

export function countsView(units: readonly UnitStatusRow[], active: Filters['status'], pick: (s: Filters['status']) => void) {
  const counts = new Map<ComplianceStatus, number>();
  for (const u of units) counts.set(u.status, (counts.get(u.status) ?? 0) + 1);
  return STATUSES.filter((s) => counts.has(s)).map(
    (s) =>
      html`<button type="button" class="chip st-${s}" aria-pressed=${active === s ? 'true' : 'false'} data-status=${s} title="Lọc: ${STATUS_LABELS[s]}" @click=${() => pick(active === s ? '' : s)}>${`${STATUS_LABELS[s]}: ${counts.get(s) ?? 0}`}</button>`,
  );
}

export function isShown(u: UnitStatusRow, f: Filters): boolean {
  return (
    (!f.status || u.status === f.status) &&
    (!f.group || u.group === f.group) &&
    (!f.query || searchable(u.name).includes(searchable(f.query)))
  );
}

function rowNote(u: UnitStatusRow) {
  const [first, ...more] = u.reasons;
  if ((u.status === 'REJECTED' || u.status === 'RETURNED') && first) {
    const text = issueText(first) + (more.length ? ` (+${more.length})` : '');
    return html`<span class="note" title=${text}>${text}</span>`;
  }
  return u.extensionUntil ? html`<span class="note">${`Gia hạn đến ${date(u.extensionUntil)}`}</span>` : nothing;
}

export function rowsView(units: readonly UnitStatusRow[], ctx: ViewContext, selected: string | null, open: (unitId: string) => void) {
  const rows = units.map((u) => {
    const group = groupOf(ctx, u.group);
    const figures = KEY_FIGURE_LABELS.map(({ key }) => {
      const v = u.keyFigures?.[key];
      return html`<td class="num">${v === undefined ? '—' : count(v)}</td>`;
    });
    const openThis = (e: Event) => {
      e.stopPropagation();
      open(u.unitId);
    };
    return html`<tr class=${selected === u.unitId ? 'selected' : nothing} data-unit=${u.unitId} data-status=${u.status} data-group=${u.group} @click=${openThis}>
<td><button type="button" class="link" @click=${openThis}>${u.name}</button></td>
<td class="group" title=${group?.label ?? u.group}>${group?.short ?? u.group}</td>
<td class="status">${badge(u.status)}${rowNote(u)}</td>
<td class="time first">${dateTime(u.firstValidAt, ctx.tz)}</td>
<td class="time last">${dateTime(u.lastUploadAt, ctx.tz)}</td>
<td class="num versions">${u.versions}</td>${figures}</tr>`;
  });
  return rows.length
    ? rows
    : html`<tr><td colspan=${6 + KEY_FIGURE_LABELS.length} class="empty">Không có đơn vị nào khớp bộ lọc.</td></tr>`;
}

// ---------------------------------------------------------------- the unit panel

export interface DetailState {
  unitId: string;
  /** The regime the panel was opened under (null: the main one). */
  regime: string | null;
  period: number | string;
  /** The table row's name, shown while the panel loads. */
  name: string;
  reports: UnitReports | null;
  audit: AuditEntry[];
  busy: boolean;
  message: { kind: 'ok' | 'error'; text: string } | null;
  /** The unit's links (admin role); null until loaded or when the API refused (linksNote says why). */
  links: UnitLink[] | null;
  linksNote: string | null;
  /** A re-issued link, shown once in this panel to be handed to the unit. */
  newLink: string | null;
}

export interface DetailActions {
  close(): void;
  review(decision: 'ACCEPT' | 'RETURN'): void;
  extend(): void;
  reissueLink(): void;
  revokeLink(linkId: string): void;
}

/**
 * What identifies the action forms: the unit, the version a review applies to, the deadline, whether
 * the unit is expected. When it changes the forms are built afresh (a half-typed reason belongs to
 * the version it was typed for); otherwise a refresh leaves them as they are.
 */
export const actionsKey = (rep: UnitReports) => [rep.unit.id, latestValid(rep)?.uploadId ?? '', rep.dueDate, rep.unit.expected].join('|');

function summaryView(rep: UnitReports, ctx: ViewContext) {
  const ext = rep.extension;
  return html`<p>${badge(rep.status)} <span class="muted">${`${groupOf(ctx, rep.unit.group)?.label ?? ''} · ${rep.unit.email}`}</span></p>
<p id="d-due">${`Hạn nộp: ${date(rep.dueDate)}`}${ext ? html`<strong>${` · Gia hạn đến ${date(ext.until)}`}</strong><span class="muted">${` (${ext.reason})`}</span>` : nothing}</p>
${rep.unit.expected ? nothing : html`<p class="msg error">Đơn vị không thuộc diện báo cáo kỳ này (ngoài thời gian hiệu lực).</p>`}`;
}

/** Only the forms the signed-in role may use (can(), from STAFF_ACTIONS); the API checks again. */
function actionsView(rep: UnitReports, d: DetailState, ctx: ViewContext, act: DetailActions) {
  if (!can('reviewReport') && !can('grantExtension'))
    return html`<p class="muted" id="read-only">Vai trò của bạn chỉ được xem; chấp nhận, trả lại báo cáo và gia hạn do chuyên viên thực hiện.</p>`;
  const latest = latestValid(rep);
  const reviewForm = !can('reviewReport')
    ? nothing
    : latest
      ? html`<fieldset><legend>${`Xem xét bản số ${latest.number} (nộp lúc ${dateTime(latest.receivedAt, ctx.tz)})`}</legend><label for="return-reason" class="muted">Lý do trả lại (đơn vị nhận qua email và nộp lại qua đường dẫn đang dùng)</label><textarea id="return-reason" maxlength="2000" placeholder="Lý do trả lại: nội dung cần chỉnh sửa, bổ sung (bắt buộc khi trả lại)"></textarea><div class="row"><button type="button" class="btn ok" id="btn-accept" ?disabled=${d.busy} @click=${() => act.review('ACCEPT')}>${`Chấp nhận bản số ${latest.number}`}</button><button type="button" class="btn warn" id="btn-return" ?disabled=${d.busy} @click=${() => act.review('RETURN')}>Trả lại để chỉnh sửa</button></div></fieldset>`
      : html`<p class="muted">Chưa có bản hợp lệ để xem xét.</p>`;
  const extensionForm =
    rep.unit.expected && can('grantExtension')
      ? html`<fieldset><legend>Gia hạn thời hạn nộp cho đơn vị</legend><div class="row"><label for="ext-until">Đến hết ngày</label><input id="ext-until" type="date" min=${addDays(rep.dueDate, 1)} required><input id="ext-reason" type="text" maxlength="2000" placeholder="Lý do gia hạn" size="34"><button type="button" class="btn ext" id="btn-extend" ?disabled=${d.busy} @click=${() => act.extend()}>Gia hạn</button></div></fieldset>`
      : nothing;
  return html`<div class="actions">${reviewForm}${extensionForm}<p id="action-msg" class="msg ${d.message?.kind ?? ''}" role="status" ?hidden=${!d.message}>${d.message?.text ?? ''}</p></div>`;
}

const valueAt = (report: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), report);

/** A report value as a person reads it; a new kind of field is a compile error until it is handled here. */
function shown(f: ShownField, v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  const plain = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? '');
  switch (f.kind) {
    case 'count':
      return typeof v === 'number' ? count(v) : plain;
    case 'decimal':
      return typeof v === 'number' ? v.toLocaleString('vi-VN', { maximumFractionDigits: 6 }) : plain;
    case 'table':
      return Array.isArray(v) ? `${v.length} dòng` : plain;
    case 'boolean':
      return v ? 'Có' : 'Không';
    case 'date':
      return typeof v === 'string' ? date(v) : plain;
    case 'choice':
      return f.choices?.find((c) => c.value === v)?.label ?? plain;
    case 'text':
      return plain;
  }
}

/** The most rows of a table the report view draws; the rest are counted. */
export const SHOWN_ROWS = 50;

/** A table field's rows as a table of their own (caption, column headers), bounded to SHOWN_ROWS. */
export function tableRowsView(f: ShownField, v: unknown) {
  const rows = Array.isArray(v) ? (v as unknown[]) : [];
  if (!rows.length) return html`<tr><th scope="row">${f.label}</th><td>${Array.isArray(v) ? 'Không có dòng nào' : '—'}</td></tr>`;
  const columns = f.columns ?? [];
  const more = rows.length - SHOWN_ROWS;
  return html`<tr><td colspan="2" class="rows-cell"><table class="rows"><caption>${`${f.label} (${rows.length} dòng)`}</caption><thead><tr><th scope="col">STT</th>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead><tbody>${rows
    .slice(0, SHOWN_ROWS)
    .map(
      (r, i) =>
        html`<tr><th scope="row">${i + 1}</th>${columns.map((c) => html`<td class=${c.kind === 'count' || c.kind === 'decimal' ? 'num' : nothing}>${shown(c, valueAt(r, c.path))}</td>`)}</tr>`,
    )}</tbody></table>${more > 0 ? html`<p class="muted">${`… và ${more} dòng khác`}</p>` : nothing}</td></tr>`;
}

const reportView = (report: AnnualReport, sections: readonly ShownSection[]) =>
  html`<div class="report">${sections.map(
    (s) =>
      html`<section><h4>${s.legend}</h4><table class="kv"><tbody>${s.fields.map((f) =>
        f.kind === 'table'
          ? tableRowsView(f, valueAt(report, f.path))
          : html`<tr><th scope="row">${f.label}</th><td class=${f.kind === 'count' ? 'num' : nothing}>${shown(f, valueAt(report, f.path))}</td></tr>`,
      )}</tbody></table></section>`,
  )}</div>`;

function versionView(v: VersionView, ctx: ViewContext, sections: readonly ShownSection[]) {
  const signed = v.downloads.signed
    ? html`<a href=${v.downloads.signed} class="dl-signed" rel="noopener noreferrer">Tải văn bản đã ký (PDF)</a>`
    : v.valid
      ? html`<span class="muted">Không kèm văn bản đã ký</span>`
      : nothing;
  const content =
    v.valid && v.report
      ? html`<details ?open=${v.latestValid}><summary>Nội dung báo cáo</summary>${reportView(v.report, sections)}</details>`
      : v.valid
        ? nothing
        : html`<ul class="reasons">${v.reasons.map((r) => html`<li>${r.label ? html`<strong>${`${r.label}: `}</strong>` : nothing}${r.message}</li>`)}</ul>`;
  return html`<article class="version" data-upload=${v.uploadId}>
<header><strong>${`Bản số ${v.number}`}</strong><span>${dateTime(v.receivedAt, ctx.tz)}</span><span class=${v.valid ? 'pill ok' : 'pill bad'}>${v.valid ? 'Hợp lệ' : 'Không hợp lệ'}</span>${v.latestValid ? html`<span class="pill info">Bản có hiệu lực</span>` : nothing}<span class="muted">${FORMAT_LABELS[v.format]}</span></header>
<div class="meta muted">SHA-256: <code title=${v.sha256}>${v.sha256 ? `${v.sha256.slice(0, 16)}…` : '—'}</code>${` · ${bytes(v.size)}`}</div>
<div class="links"><a href=${v.downloads.raw} class="dl-raw" rel="noopener noreferrer">Tải tệp gốc</a>${signed}</div>
${v.reviews.map(
  (r) =>
    html`<p class="review ${r.decision}"><strong>${r.decision === 'RETURN' ? 'Đã trả lại để chỉnh sửa' : 'Đã chấp nhận'}</strong>${` lúc ${dateTime(r.at, ctx.tz)}${r.reason ? `: ${r.reason}` : ''}`}</p>`,
)}
${content}
</article>`;
}

/** Who acted, in words: a signed-in person by the name the audit recorded from their token. */
function actorLabel({ actor, actorName }: AuditEntry): string {
  if (actor.startsWith('staff:')) return actorName ? `Sở Nội vụ — ${actorName}` : 'Sở Nội vụ';
  if (actor === 'admin') return 'Sở Nội vụ';
  if (actor.startsWith('admin:')) return `Sở Nội vụ — ${actor.slice(6)}`;
  if (actor.startsWith('token:')) return 'Đơn vị (đường dẫn riêng)';
  if (actor.startsWith('system:')) return 'Hệ thống';
  return actor;
}

/**
 * An audit entry's detail in words. The log stores details as untyped JSON (shared/ports.ts
 * AuditEntry), so each field is read as unknown and narrowed here.
 */
function auditText(e: AuditEntry, rep: UnitReports): string {
  const d = e.detail;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const size = typeof d.size === 'number' && d.size > 0 ? bytes(d.size) : '';
  const version = (id: unknown) => {
    const n = rep.versions.find((v) => v.uploadId === id)?.number;
    return n ? `bản số ${n}` : `bản ${text(id)}`;
  };
  const because = d.reason ? `: ${text(d.reason)}` : '';
  switch (e.action) {
    case 'STATUS_CHANGED':
      return `${d.from ? statusLabel(d.from) : 'Chưa có'} → ${statusLabel(d.to)}`;
    case 'REPORT_REVIEWED':
      return `${d.decision === 'RETURN' ? 'Trả lại' : 'Chấp nhận'} ${version(d.uploadId)}${because}`;
    case 'EXTENSION_GRANTED':
      return `Đến hết ngày ${date(text(d.until))}${because}${d.previousUntil ? ` (trước đó: ${date(text(d.previousUntil))})` : ''}`;
    case 'NOTICE_SENT':
      return labelIn(NOTICE_KINDS, d.kind) + (d.uploadId ? ` — ${version(d.uploadId)}` : '');
    case 'REPORT_ACCEPTED':
    case 'REPORT_REJECTED':
      return (
        labelIn(FORMAT_LABELS, d.format) +
        (size ? `, ${size}` : '') +
        (typeof d.reasons === 'number' && d.reasons > 0 ? `, ${d.reasons} lỗi` : '') +
        (d.redelivery ? ' (sự kiện lặp lại, không ghi thêm)' : '')
      );
    case 'UPLOAD_AUTHORIZED':
      return text(d.fileName) + (size ? ` (${size})` : '');
    default:
      return Object.entries(d)
        .map(
          ([k, v]) =>
            `${k}: ${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? '')}`,
        )
        .join('; ');
  }
}

function auditView(entries: readonly AuditEntry[], rep: UnitReports, ctx: ViewContext) {
  if (!entries.length) return html`<p class="muted">Chưa có sự kiện nào.</p>`;
  return html`<table class="audit"><thead><tr><th>Thời gian</th><th>Sự kiện</th><th>Thực hiện</th><th>Chi tiết</th></tr></thead><tbody>${[
    ...entries,
  ]
    .reverse()
    .map(
      (e) =>
        html`<tr data-action=${e.action}><td class="time">${dateTime(e.at, ctx.tz)}</td><td>${labelIn(AUDIT_ACTIONS, e.action)}</td><td>${actorLabel(e)}</td><td>${auditText(e, rep)}</td></tr>`,
    )}</tbody></table>`;
}

const LINK_STATES: Record<UnitLink['state'], string> = { live: 'Đang dùng', revoked: 'Đã thu hồi', expired: 'Hết hạn' };

/**
 * The unit's links: one live at a time (issue 13). Shown to the admin role only (the API answers
 * no other role).
 */
function linksView(d: DetailState, ctx: ViewContext, act: DetailActions): TemplateResult {
  const rows = (d.links ?? []).map(
    (l) =>
      html`<tr data-link=${l.id} data-state=${l.state}><td class="time">${dateTime(l.createdAt, ctx.tz)}</td><td class="time">${dateTime(l.expiresAt, ctx.tz)}</td><td>${l.periods.join(', ')}</td><td>${LINK_STATES[l.state]}</td><td class="time">${l.lastUsedAt ? dateTime(l.lastUsedAt, ctx.tz) : '—'}</td><td>${
        l.state === 'live'
          ? html`<button type="button" class="revoke-link" ?disabled=${d.busy} @click=${() => act.revokeLink(l.id)}>Thu hồi</button>`
          : nothing
      }</td></tr>`,
  );
  return html`${d.linksNote ? html`<p class="muted" id="links-note">${d.linksNote}</p>` : nothing}
${d.links ? html`<table class="links"><thead><tr><th>Cấp lúc</th><th>Hết hạn</th><th>Kỳ được nộp</th><th>Trạng thái</th><th>Dùng gần nhất</th><th>Thao tác</th></tr></thead><tbody>${rows.length ? rows : html`<tr><td colspan="6" class="empty">Đơn vị chưa có đường dẫn nào.</td></tr>`}</tbody></table>` : nothing}
${d.newLink ? html`<p><label for="new-link">Đường dẫn mới (chỉ hiện một lần; gửi cho đơn vị qua kênh chính thức)</label><br><input id="new-link" type="text" readonly .value=${d.newLink} size="60"></p>` : nothing}
<p><button type="button" id="reissue-link" ?disabled=${d.busy} @click=${() => act.reissueLink()}>Cấp lại đường dẫn (thu hồi đường dẫn đang dùng)</button></p>`;
}

/** The panel of one unit: its status and deadline, what Sở Nội vụ can do, its versions, its audit trail. */
export function detailView(d: DetailState, ctx: ViewContext, act: DetailActions): TemplateResult {
  const rep = d.reports;
  return html`<div class="drawer-head"><h2 id="d-title">${rep?.unit.name ?? d.name}</h2><button type="button" id="d-close" class="icon" aria-label="Đóng" @click=${() => act.close()}>×</button></div>
<div id="d-summary" class=${rep ? 'summary' : nothing}>${rep ? summaryView(rep, ctx) : html`<p class="muted">Đang tải…</p>`}</div>
<div id="d-actions">${rep ? keyed(actionsKey(rep), actionsView(rep, d, ctx, act)) : nothing}</div>
<h3>Các bản đã nộp</h3>
<div id="d-versions">${rep && !rep.versions.length ? html`<p class="muted">Đơn vị chưa nộp bản nào cho kỳ này.</p>` : nothing}${rep ? [...rep.versions].reverse().map((v) => versionView(v, ctx, rep.sections ? reportLayout(rep.sections) : ctx.config.sections)) : nothing}</div>
${
  can('manageLinks')
    ? html`<h3>Đường dẫn nộp báo cáo</h3>
<div id="d-links">${linksView(d, ctx, act)}</div>`
    : nothing
}
<h3>Nhật ký xử lý</h3>
<div id="d-audit">${rep ? auditView(d.audit, rep, ctx) : nothing}</div>`;
}
