import type { ValidationIssue } from '../../shared/domain/report.js';
import { FORM_FIELDS, type FormField } from './fields.js';

/**
 * The form's values as the page holds them (and keeps in a draft): one string per field path,
 * exactly what the inputs show. Turning them into the report input is pure, so the browser and
 * unit tests share it. Conversions never hide a mistake: a value that is not a number stays a
 * string, so validateReport gives the clerk the schema's own Vietnamese message for it.
 */
export type RawValues = Record<string, string>;

/** What a number input reports when the browser could not read a number from it (validity.badInput). */
export const NOT_A_NUMBER = 'không phải số';

export interface Identity {
  formVersion: string;
  unitId: string;
  period: number | string;
}

/** A table's rows as the page holds them: one object per row, one string per column key (what the cells show). */
export type RawRow = Record<string, string>;

/** A table's value in RawValues is its rows as JSON; anything else (a corrupt draft) reads as no rows. */
export function tableRows(raw: string | undefined): RawRow[] {
  if (!raw) return [];
  try {
    const rows: unknown = JSON.parse(raw);
    if (!Array.isArray(rows)) return [];
    return rows
      .filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r))
      .map((r) => Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === 'string')));
  } catch {
    return [];
  }
}

function convert(field: FormField, raw: string | undefined): unknown {
  const v = raw ?? '';
  switch (field.kind) {
    case 'count': {
      const t = v.trim();
      if (t === '') return undefined;
      return /^-?\d{1,15}(\.\d+)?$/.test(t) ? Number(t) : t;
    }
    case 'decimal': {
      const t = v.trim().replace(',', '.');
      if (t === '') return undefined;
      return /^-?\d{1,15}(\.\d+)?$/.test(t) ? Number(t) : v.trim();
    }
    case 'table': {
      // One object per row, a column left empty absent (the schema names it if it is required).
      const rows = tableRows(v).map((r) => {
        const row: Record<string, unknown> = {};
        for (const c of field.columns ?? []) {
          const value = convert(c, r[c.path]);
          if (value !== undefined) row[c.path] = value;
        }
        return row;
      });
      return rows.length === 0 && field.optional ? undefined : rows;
    }
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : undefined;
    case 'choice':
    case 'date':
      return v === '' ? undefined : v;
    default:
      // An optional text without a default (e.g. the plan number) is absent when empty; others stay strings.
      return v.trim() === '' && field.optional ? undefined : v;
  }
}

/** The report input (before validation) from the form values, the page's identity and the attachment key. */
export function toReportInput(
  raw: RawValues,
  identity: Identity,
  signedDocumentKey?: string,
  fields: readonly FormField[] = FORM_FIELDS,
): Record<string, unknown> {
  const report: Record<string, unknown> = { formVersion: identity.formVersion, unitId: identity.unitId, period: identity.period };
  for (const field of fields) {
    const keys = field.path.split('.');
    let target = report;
    // Sections exist even when empty, so each missing field is named by its own path.
    for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Record<string, unknown>;
    const value = convert(field, raw[field.path]);
    if (value !== undefined) target[keys[keys.length - 1] as string] = value;
  }
  if (signedDocumentKey) report.signedDocumentKey = signedDocumentKey;
  return report;
}

function get(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** The form values that show a report (prefill, tests). */
export function fromReport(report: unknown, fields: readonly FormField[] = FORM_FIELDS): RawValues {
  const raw: RawValues = {};
  for (const field of fields) {
    const v = get(report, field.path);
    if (v === undefined || v === null) continue;
    if (field.kind === 'table') {
      const rows = Array.isArray(v) ? (v as unknown[]) : [];
      raw[field.path] = JSON.stringify(rows.map((r) => fromReport(r, field.columns ?? [])));
      continue;
    }
    raw[field.path] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return raw;
}

export interface PlacedIssues {
  /** Field path → its messages, for the error beside each field. */
  byField: Map<string, string[]>;
  /** Every issue's messages by its own path: a table's cells ('section.table.2.column') find theirs here. */
  byPath: Map<string, string[]>;
  /** Every issue in form order (those without a field last), for the summary at the top. */
  summary: { path: string; fieldPath: string | null; label: string; message: string }[];
}

/** A table cell's place in a path under the table ('2.column' → row 2, that column); null when the path is not one. */
export function cellOf(table: FormField, path: string): { row: number; column?: FormField } | null {
  if (!path.startsWith(`${table.path}.`)) return null;
  const [row, column, ...rest] = path.slice(table.path.length + 1).split('.');
  if (!row || !/^\d{1,4}$/.test(row) || rest.length) return null;
  const col = column === undefined ? undefined : table.columns?.find((c) => c.path === column);
  if (column !== undefined && !col) return null;
  return { row: Number(row), ...(col ? { column: col } : {}) };
}

/** Places validateReport's issues beside their fields and in a summary. */
export function placeIssues(issues: readonly ValidationIssue[], fields: readonly FormField[] = FORM_FIELDS): PlacedIssues {
  const FIELD_ORDER = new Map(fields.map((f, i) => [f.path, i]));
  /** The field an issue belongs to: its own path, the table it is in, or the first field under an object-level path. */
  const fieldFor = (path: string): string | null => {
    if (FIELD_ORDER.has(path)) return path;
    const table = fields.find((f) => f.kind === 'table' && path.startsWith(`${f.path}.`));
    if (table) return table.path;
    const under = fields.find((f) => path !== '' && f.path.startsWith(`${path}.`));
    return under ? under.path : null;
  };
  const byField = new Map<string, string[]>();
  const byPath = new Map<string, string[]>();
  const summary = issues.map((i) => {
    const fieldPath = fieldFor(i.path);
    if (fieldPath) byField.set(fieldPath, [...(byField.get(fieldPath) ?? []), i.message]);
    byPath.set(i.path, [...(byPath.get(i.path) ?? []), i.message]);
    const field = fieldPath ? fields[FIELD_ORDER.get(fieldPath) ?? -1] : undefined;
    const cell = field?.kind === 'table' ? cellOf(field, i.path) : null;
    const label = cell
      ? `${field?.label ?? ''}, dòng ${cell.row + 1}${cell.column ? `, ${cell.column.label}` : ''}`
      : field?.label || i.label || 'Báo cáo';
    return { path: i.path, fieldPath, label, message: i.message };
  });
  summary.sort((a, b) => (FIELD_ORDER.get(a.fieldPath ?? '') ?? 1e9) - (FIELD_ORDER.get(b.fieldPath ?? '') ?? 1e9));
  return { byField, byPath, summary };
}

/** localStorage key of a draft: one per unit and period. */
export const draftKey = (unitId: string, period: number | string) => `baocao:draft:${unitId}:${period}`;

export interface Draft {
  savedAt: string;
  values: RawValues;
  signedDocumentKey?: string;
}

/** Reads a stored draft defensively: a corrupt or foreign entry is ignored, never trusted. */
export function parseDraft(text: string | null, fields: readonly FormField[] = FORM_FIELDS): Draft | null {
  if (!text) return null;
  try {
    const d = JSON.parse(text) as Partial<Draft>;
    if (typeof d !== 'object' || d === null || typeof d.savedAt !== 'string' || typeof d.values !== 'object' || d.values === null)
      return null;
    const values: RawValues = {};
    for (const f of fields) {
      const v = (d.values as Record<string, unknown>)[f.path];
      if (typeof v === 'string') values[f.path] = v;
    }
    return { savedAt: d.savedAt, values, ...(typeof d.signedDocumentKey === 'string' ? { signedDocumentKey: d.signedDocumentKey } : {}) };
  } catch {
    return null;
  }
}
