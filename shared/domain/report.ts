import { isPeriodOf, periodKey, periodLabel, splitPeriodKey, type PeriodKey, type Periodicity } from './periodicity.js';
import * as z from '../zod-mini.js';
import { clip, listNames } from './bounded-reasons.js';
import { periodDates } from './calendar.js';
import { DEFAULT_FORM, PROGRAMME_STATUSES, PROGRAMME_STATUS_LABELS, SECTION_LABELS } from './default-form.js';
import { MAX_COUNT, type FieldDef, type FormDefinition, type FormRule, type ScalarFieldDef } from './form-definition.js';
import { findUnit, type Regime } from './regime.js';

export { MAX_COUNT, PROGRAMME_STATUSES, PROGRAMME_STATUS_LABELS, SECTION_LABELS };

/**
 * A unit's report for a period (later uploads are new versions). Its sections and fields are the
 * regime's current form (a FormDefinition: form-definition.ts, the seed's in default-form.ts); the
 * envelope — formVersion, unitId, period, the preparer, signedDocumentKey — is the same for every
 * form. From the definition this module builds the strict zod/mini schema (cached per definition;
 * built on first use, not at import: a function's cold start should not pay for it before its first
 * report), the labels and the cross-field rules. zod/mini (shared/zod-mini.ts): ingest validates
 * with it, and classic zod would be the biggest thing in that Lambda after the AWS SDK.
 */

/**
 * The form a regime's reports are filled in: the one in `forms` whose version is the regime's
 * formVersion. Every loaded regime has it (the seed's regime carries its form; readRegimeFile gives
 * a file without `forms` the seed's), so the functions never bundle the seed's form to fall back on.
 */
export function currentForm(regime: Pick<Regime, 'forms' | 'formVersion'>): FormDefinition {
  const form = regime.forms?.find((f) => f.version === regime.formVersion);
  if (!form) throw new Error(`The regime has no form with version ${regime.formVersion}: load it with readRegimeFile`);
  return form;
}

type Counts<K extends string> = Record<K, number>;
interface Programme {
  status: (typeof PROGRAMME_STATUSES)[number];
  notes: string;
}
/** The envelope every form's report carries. */
export type ReportEnvelope = {
  formVersion: string;
  unitId: string;
  /** The period id as the report writes it: a year as a number (2026), any other period as its id ('2026-Q3'). */
  period: number | string;
  preparer: { name: string; title: string; email: string; phone: string };
  signedDocumentKey?: string | undefined;
};
/**
 * The seed's report as TypeScript sees it (its form is data, so the type is written out): code that
 * reads a seed-specific section (the programme statuses, the narrative) must expect it absent in a
 * report of another form.
 */
export type AnnualReport = ReportEnvelope & {
  dissemination: Counts<
    'sessions' | 'participantsOfficials' | 'participantsWorkers' | 'mediaItems' | 'exemplaryExamples' | 'danVanKheoModels'
  >;
  planAndSolutions: { planIssued: boolean; planNumber?: string | undefined; planDate?: string | undefined } & Counts<
    | 'democracyRegulations'
    | 'dialogues'
    | 'citizenReceptions'
    | 'petitionsReceived'
    | 'petitionsResolved'
    | 'prolongedOrCrowdCases'
    | 'inspections'
    | 'disciplinedStaff'
    | 'socialPolicySupport'
    | 'villageConventionsReviewed'
    | 'selfManagementModels'
  >;
  programmes: { plan739: Programme; plan740: Programme } & Counts<'supervisionSessions' | 'commentsReceived' | 'commentsAccepted'>;
  emulation: Counts<'movementsLaunched' | 'collectivesCommended' | 'individualsCommended'>;
  narrative: { results: string; limitations: string; proposals: string };
};
export type SectionKey = 'dissemination' | 'planAndSolutions' | 'programmes' | 'emulation';
export const NUMERIC_SECTIONS: readonly SectionKey[] = ['dissemination', 'planAndSolutions', 'programmes', 'emulation'];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// The preparer's address: zod's own email pattern, as z.email() checks it.
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const PHONE = /^[0-9+() .-]{8,20}$/;
/** A calendar date that exists: Date.parse rolls '2026-02-30' over to 2 March instead of failing. */
const realDate = (d: string) => {
  if (!ISO_DATE.test(d)) return true; // the format check reports it
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};
/** Digits after the point of a finite number as written in JSON (1e-7 and the like: more than any form allows). */
const decimalsOf = (n: number) => {
  const s = String(n);
  if (s.includes('e')) return Number.isInteger(n) ? 0 : 99;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
};

/** The envelope's labels, for messages and the views. */
export const ENVELOPE_LABELS: Record<string, string> = {
  formVersion: 'Phiên bản biểu mẫu',
  unitId: 'Mã đơn vị',
  period: 'Năm báo cáo',
  preparer: SECTION_LABELS.preparer,
  'preparer.name': 'Họ và tên',
  'preparer.title': 'Chức vụ',
  'preparer.email': 'Email',
  'preparer.phone': 'Điện thoại',
  signedDocumentKey: 'Văn bản báo cáo đã ký (PDF)',
};

function scalarSchema(f: ScalarFieldDef): z.ZodMiniType {
  switch (f.type) {
    case 'integer':
      return z.int().check(z.minimum(f.min), z.maximum(f.max));
    case 'decimal':
      // Its own message for a wrong type only (the shared map says "whole number"); bounds keep the shared ones.
      return z
        .number({
          error: (iss) => (iss.code !== 'invalid_type' ? undefined : iss.input === undefined ? 'Bắt buộc phải nhập' : 'Phải là số'),
        })
        .check(
          z.minimum(f.min),
          z.maximum(f.max),
          z.refine((n) => decimalsOf(n) <= f.decimals, `Tối đa ${f.decimals} chữ số thập phân`),
        );
    case 'boolean':
      return z.boolean();
    case 'date':
      return z.string().check(z.regex(ISO_DATE, 'Ngày phải theo dạng YYYY-MM-DD'), z.refine(realDate, 'Ngày không tồn tại'));
    case 'choice':
      return z.enum(f.choices.map((c) => c.value) as [string, ...string[]]);
    case 'text':
    case 'longtext': {
      const pattern = f.type === 'text' ? f.pattern : undefined;
      return z.string().check(
        z.trim(),
        z.maxLength(f.maxLength),
        // A required text must say something; an optional one may be left empty.
        ...(f.required ? [z.minLength(1)] : []),
        ...(pattern === 'email'
          ? [z.regex(EMAIL, 'Email không hợp lệ')]
          : pattern === 'phone'
            ? [z.regex(PHONE, 'Số điện thoại không hợp lệ')]
            : []),
      );
    }
  }
}

function fieldSchema(f: FieldDef): z.ZodMiniType {
  const inner =
    f.type === 'group'
      ? z.strictObject(Object.fromEntries(f.fields.map((g) => [g.key, fieldSchema(g)])))
      : f.type === 'table'
        ? z.array(z.strictObject(Object.fromEntries(f.columns.map((c) => [c.key, fieldSchema(c)])))).check(z.maxLength(f.maxRows))
        : scalarSchema(f);
  if (f.required) return inner;
  return 'default' in f && f.default !== undefined ? z._default(inner, f.default) : z.optional(inner);
}

/**
 * The report's `period` as its regime writes it: a year as a number for an annual regime (the annual
 * contract, with its messages: "Bắt buộc phải nhập", "Phải là số nguyên không âm"…), the period id as
 * text for any other periodicity ('2026-Q3').
 */
function periodSchema(periodicity: Periodicity) {
  return periodicity === 'annual'
    ? z.int().check(z.minimum(2000), z.maximum(2100))
    : z.string().check(z.refine((id) => isPeriodOf({ frequency: periodicity }, id), 'Kỳ báo cáo không hợp lệ'));
}

function buildReportSchema(form: FormDefinition, periodicity: Periodicity) {
  return z.strictObject({
    formVersion: z.string().check(z.minLength(1), z.maxLength(20)),
    unitId: z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'Mã đơn vị không hợp lệ')),
    period: periodSchema(periodicity),
    ...Object.fromEntries(
      form.sections.map((s) => [s.key, z.strictObject(Object.fromEntries(s.fields.map((f) => [f.key, fieldSchema(f)])))]),
    ),
    preparer: z.strictObject({
      name: z.string().check(z.trim(), z.minLength(2, 'Nhập họ và tên người lập'), z.maxLength(100)),
      title: z.string().check(z.trim(), z.minLength(2, 'Nhập chức vụ'), z.maxLength(100)),
      email: z.email('Email không hợp lệ').check(z.maxLength(200)),
      phone: z.string().check(z.trim(), z.regex(PHONE, 'Số điện thoại không hợp lệ')),
    }),
    signedDocumentKey: z.optional(
      z.string().check(z.regex(/^signed\/\d{4}\/[a-z0-9-]{1,64}\/[0-9a-z]{10,40}\.pdf$/, 'Khóa tệp văn bản ký không hợp lệ')),
    ),
  });
}

const built = new WeakMap<FormDefinition, Map<Periodicity, z.ZodMiniType<AnnualReport>>>();
/** The report schema of a form for a periodicity, built on first use and kept per definition. */
function schemaFor(form: FormDefinition, periodicity: Periodicity = 'annual'): z.ZodMiniType<AnnualReport> {
  let byPeriodicity = built.get(form);
  if (!byPeriodicity) built.set(form, (byPeriodicity = new Map<Periodicity, z.ZodMiniType<AnnualReport>>()));
  let s = byPeriodicity.get(periodicity);
  if (!s) byPeriodicity.set(periodicity, (s = buildReportSchema(form, periodicity) as unknown as z.ZodMiniType<AnnualReport>));
  return s;
}
/** The report schema of a form (the seed's unless given) for a regime of a periodicity (annual unless given). */
export const reportSchema = (form: FormDefinition = DEFAULT_FORM, periodicity: Periodicity = 'annual') => schemaFor(form, periodicity);

export interface Indicator {
  section: SectionKey;
  field: string;
  /** Dotted path, e.g. 'dissemination.sessions'; a table column's is 'section.table.column' (summed over its rows). */
  path: string;
  label: string;
}

const indicatorLists = new WeakMap<FormDefinition, readonly Indicator[]>();
/**
 * The consolidated figures of a form, in form order: every whole-number and decimal field, and
 * every numeric column of a table (summed over its rows). Computed once per definition.
 */
export function reportIndicators(form: FormDefinition = DEFAULT_FORM): readonly Indicator[] {
  return indicatorsOf(form);
}
/** The consolidated figures of a given form. */
export function indicatorsOf(form: FormDefinition): readonly Indicator[] {
  let list = indicatorLists.get(form);
  if (list) return list;
  const numeric = (f: ScalarFieldDef) => f.type === 'integer' || f.type === 'decimal';
  list = form.sections.flatMap((s) =>
    s.fields.flatMap((f): Indicator[] => {
      const section = s.key as SectionKey;
      if (f.type === 'table') {
        return f.columns
          .filter(numeric)
          .map((c) => ({ section, field: `${f.key}.${c.key}`, path: `${s.key}.${f.key}.${c.key}`, label: `${f.label} — ${c.label}` }));
      }
      return f.type !== 'group' && numeric(f) ? [{ section, field: f.key, path: `${s.key}.${f.key}`, label: f.label }] : [];
    }),
  );
  indicatorLists.set(form, list);
  return list;
}

/** Reads an indicator's value from a report: a field's number, or a table column's sum over the rows. */
export function indicatorValue(report: AnnualReport, ind: Indicator): number {
  const section = (report as unknown as Record<string, Record<string, unknown> | undefined>)[ind.section];
  const [field = '', column] = ind.field.split('.');
  const v = section?.[field];
  if (column === undefined) return typeof v === 'number' ? v : 0;
  const rows = Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
  // Summed in hundred-millionths so that decimals add up without 0.1 + 0.2 drift.
  return rows.reduce((sum, r) => sum + Math.round((typeof r[column] === 'number' ? r[column] : 0) * 1e8), 0) / 1e8;
}

const labelMaps = new WeakMap<FormDefinition, Map<string, string>>();
function labelMap(form: FormDefinition): Map<string, string> {
  let m = labelMaps.get(form);
  if (m) return m;
  m = new Map(Object.entries(ENVELOPE_LABELS));
  for (const s of form.sections) {
    m.set(s.key, s.label);
    for (const f of s.fields) {
      m.set(`${s.key}.${f.key}`, f.label);
      const inner = f.type === 'group' ? f.fields : f.type === 'table' ? f.columns : [];
      for (const g of inner) m.set(`${s.key}.${f.key}.${g.key}`, g.label);
    }
  }
  labelMaps.set(form, m);
  return m;
}

/** The label of any path in a report (of the seed's form unless given), for messages. */
export const labelOf = (path: readonly PropertyKey[], form: FormDefinition = DEFAULT_FORM) => labelIn(form, path);
/** The label of any path in a report of a form: the deepest labelled field on it, in a table with its row number. */
export function labelIn(form: FormDefinition, path: readonly PropertyKey[]): string | undefined {
  const m = labelMap(form);
  let at = '';
  let label: string | undefined;
  // A table's row: "Danh sách hội nghị, dòng 2 — Số người tham dự" (row numbers from 1).
  let row: { table: string; n: number } | undefined;
  const named = () => (row ? `${row.table}, dòng ${row.n}${label !== row.table ? ` — ${label}` : ''}` : label);
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(String(seg))) {
      if (label !== undefined && !row) row = { table: label, n: Number(seg) + 1 };
      continue;
    }
    at = at ? `${at}.${String(seg)}` : String(seg);
    const l = m.get(at);
    if (l === undefined) return named();
    label = l;
  }
  return named();
}

/** A field's definition by its dotted path (section.field or section.group.field). */
export function fieldAt(form: FormDefinition, path: string): ScalarFieldDef | undefined {
  const [section, key, sub] = path.split('.');
  const f = form.sections.find((s) => s.key === section)?.fields.find((x) => x.key === key);
  if (!f || f.type === 'table') return undefined;
  if (f.type === 'group') return sub === undefined ? undefined : f.fields.find((g) => g.key === sub);
  return sub === undefined ? f : undefined;
}

export interface ValidationIssue {
  path: string;
  message: string;
  label?: string;
  /** Only on the summary line of a bounded list (bounded-reasons.ts): how many reasons it stands for. */
  omitted?: number;
}

/** Vietnamese messages for zod's built-in issues. */
function vietnamese(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'Bắt buộc phải nhập';
      if (iss.expected === 'number' || iss.expected === 'int') return 'Phải là số nguyên không âm';
      if (iss.expected === 'string') return 'Phải là văn bản';
      if (iss.expected === 'boolean') return 'Phải chọn có hoặc không';
      if (iss.expected === 'object') return 'Phải là một nhóm thông tin';
      return 'Sai kiểu dữ liệu';
    case 'too_small':
      if (iss.origin === 'number') return `Không được nhỏ hơn ${iss.minimum}`;
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'Không được để trống' : `Tối thiểu ${iss.minimum} ký tự`;
      return `Tối thiểu ${iss.minimum} mục`;
    case 'too_big':
      if (iss.origin === 'number') return `Không được lớn hơn ${iss.maximum}`;
      if (iss.origin === 'string') return `Tối đa ${iss.maximum} ký tự`;
      return `Tối đa ${iss.maximum} mục`;
    case 'unrecognized_keys':
      // A crafted upload may carry any number of unknown fields: name a few, count the rest.
      return `Trường không thuộc biểu mẫu: ${listNames(iss.keys)}`;
    case 'invalid_format':
      return iss.format === 'email' ? 'Email không hợp lệ' : 'Sai định dạng';
    case 'invalid_value':
      return `Giá trị phải là một trong: ${iss.values.map(String).join(', ')}`;
    default:
      return 'Giá trị không hợp lệ';
  }
}

export interface ReportContext {
  regime: Regime;
  /** When given, the report must name this unit and period (they come from the object key). */
  expected?: { unitId: string; period: PeriodKey };
}

export type ValidationResult = { ok: true; report: AnnualReport } | { ok: false; issues: ValidationIssue[] };

/** Reads a field of an object-like value, or undefined. */
const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);
const at = (o: unknown, path: string): unknown => path.split('.').reduce(field, o);
const textOf = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
/** A number a rule may use: only one its field accepts (a value the schema refuses gets its own message, no derived one). */
const numberOf = (def: ScalarFieldDef | undefined, v: unknown) =>
  def && (def.type === 'integer' || def.type === 'decimal') && typeof v === 'number' && Number.isFinite(v) && v >= def.min && v <= def.max
    ? def.type === 'integer' && !Number.isInteger(v)
      ? undefined
      : v
    : undefined;
const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => String(values[k] ?? m));
const present = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'string' || v.trim() !== '');

/** One declarative rule (form-definition.ts) applied to a report's input. */
function ruleIssue(
  form: FormDefinition,
  rule: FormRule,
  input: unknown,
  ctx: ReportContext,
  period: PeriodKey | undefined,
): ValidationIssue[] {
  if (rule.when && at(input, rule.when.field) !== rule.when.equals) return [];
  const label = (p: string) => labelIn(form, p.split('.')) ?? p;
  const issue = (path: string, message: string): ValidationIssue => ({ path, message, label: label(path) });
  switch (rule.rule) {
    case 'lte': {
      const value = numberOf(fieldAt(form, rule.field), at(input, rule.field));
      const other = numberOf(fieldAt(form, rule.max), at(input, rule.max));
      if (value === undefined || other === undefined || value <= other) return [];
      const template = rule.message ?? '{label} ({value}) không được lớn hơn {otherLabel} ({other})';
      return [issue(rule.field, fill(template, { value, other, label: label(rule.field), otherLabel: label(rule.max) }))];
    }
    case 'sum': {
      const parts = rule.parts.map((p) => numberOf(fieldAt(form, p), at(input, p)));
      const value = numberOf(fieldAt(form, rule.total), at(input, rule.total));
      if (value === undefined || parts.some((p) => p === undefined)) return [];
      const sum = parts.reduce<number>((a, b) => a + Math.round((b ?? 0) * 1e8), 0) / 1e8;
      if (sum === value) return [];
      const template = rule.message ?? 'Tổng các phần ({sum}) phải bằng {label} ({value})';
      return [issue(rule.total, fill(template, { sum, value, label: label(rule.total) }))];
    }
    case 'requiredIf':
      return rule.fields
        .filter((p) => !present(at(input, p)))
        .map((p) =>
          issue(
            p,
            fill(rule.message ?? 'Bắt buộc phải nhập khi "{whenLabel}" được chọn', { label: label(p), whenLabel: label(rule.when.field) }),
          ),
        );
    case 'dateInPeriod': {
      const date = textOf(at(input, rule.field));
      if (!date || period === undefined) return [];
      const d = periodDates(ctx.regime, period);
      if (!(date < d.cutOffFrom || date > d.cutOffTo || Number.isNaN(Date.parse(date)))) return [];
      const template = rule.message ?? '{label} phải trong kỳ báo cáo ({from} đến {to})';
      return [issue(rule.field, fill(template, { label: label(rule.field), from: d.cutOffFrom, to: d.cutOffTo }))];
    }
  }
}

/**
 * The context rules, then the form's declarative rules. They read the input defensively so that
 * they also run when the schema has failed elsewhere: a unit learns every problem from one upload,
 * not one per retry.
 */
function ruleIssues(form: FormDefinition, input: unknown, ctx: ReportContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string): ValidationIssue => {
    const label = labelIn(form, path.split('.'));
    return label ? { path, message, label } : { path, message };
  };
  const formVersion = textOf(field(input, 'formVersion'));
  const unitId = textOf(field(input, 'unitId'));
  const written = field(input, 'period');
  const period = typeof written === 'number' && Number.isInteger(written) ? String(written) : textOf(written);
  const knownPeriod = period !== undefined && isPeriodOf(ctx.regime, period) ? periodKey(ctx.regime, period) : undefined;
  if (formVersion !== undefined && formVersion !== ctx.regime.formVersion) {
    issues.push(
      issue('formVersion', `Biểu mẫu phiên bản ${clip(formVersion, 40)} không còn dùng; dùng phiên bản ${ctx.regime.formVersion}`),
    );
  }
  if (unitId !== undefined && !findUnit(ctx.regime, unitId)) issues.push(issue('unitId', `Không có đơn vị mã "${clip(unitId, 80)}"`));
  if (ctx.expected && unitId !== undefined && unitId !== ctx.expected.unitId) {
    issues.push(issue('unitId', `Báo cáo ghi đơn vị "${clip(unitId, 80)}" nhưng đường dẫn nộp là của đơn vị "${ctx.expected.unitId}"`));
  }
  const expectedId = ctx.expected && splitPeriodKey(ctx.expected.period).id;
  if (expectedId !== undefined && period !== undefined && period !== expectedId) {
    const f = ctx.regime.frequency;
    issues.push(
      issue(
        'period',
        `Báo cáo ghi ${knownPeriod ? periodLabel(f, period) : `kỳ ${clip(period, 20)}`} nhưng được nộp cho kỳ báo cáo ${periodLabel(f, expectedId)}`,
      ),
    );
  }
  for (const rule of form.rules) issues.push(...ruleIssue(form, rule, input, ctx, knownPeriod));
  return issues;
}

/**
 * Validates a parsed report against the regime's current form: the strict schema, then the
 * cross-field rules and the context (known unit, the period and unit the upload was issued for,
 * the data window for dates). Returns every problem at once, in Vietnamese.
 */
export function validateReport(input: unknown, ctx: ReportContext): ValidationResult {
  const form = currentForm(ctx.regime);
  const parsed = schemaFor(form, ctx.regime.frequency).safeParse(input, { error: (iss) => vietnamese(iss) });
  if (!parsed.success) {
    const issues: ValidationIssue[] = parsed.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      const label = labelIn(form, i.path);
      return label ? { path, message: i.message, label } : { path, message: i.message };
    });
    // A field the schema already rejected gets no second, derived complaint.
    const flagged = new Set(issues.map((i) => i.path));
    return { ok: false, issues: [...issues, ...ruleIssues(form, input, ctx).filter((i) => !flagged.has(i.path))] };
  }
  const issues = ruleIssues(form, parsed.data, ctx);
  return issues.length ? { ok: false, issues } : { ok: true, report: parsed.data };
}
