import * as z from '../zod-mini.js';

/**
 * A report form as data (issue 15): sections of typed fields and a small set of declarative
 * cross-field rules. The regime file carries its forms (`forms`); from the current one come the
 * server's validation (report.ts builds the zod schema), the web form, the Excel template and its
 * reader, the board's report view and the consolidation. The envelope (formVersion, unitId,
 * period, the preparer, signedDocumentKey) is the same for every form and is not described here.
 * zod/mini, built on first use like the regime's schema (cold-start budget).
 */

/** The largest whole number a field allows unless it says otherwise (ten million). */
export const MAX_COUNT = 10_000_000;
/** Keys the envelope owns: a section may not take them. */
export const ENVELOPE_KEYS = ['formVersion', 'unitId', 'period', 'preparer', 'signedDocumentKey'] as const;
export const SCALAR_TYPES = ['integer', 'decimal', 'boolean', 'date', 'choice', 'text', 'longtext'] as const;
export const NUMBER_TYPES = ['integer', 'decimal'] as const;

function buildFormSchemas() {
  const key = z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'a key is a letter then letters, digits or _ (at most 40)'));
  const label = z.string().check(z.minLength(1), z.maxLength(300));
  const help = z.optional(z.string().check(z.maxLength(1000)));
  const bound = z.number().check(z.minimum(-1e12), z.maximum(1e12));
  const common = { key, label, help, required: z._default(z.boolean(), true) };
  const textDefault = z.optional(z.string().check(z.maxLength(20_000)));

  const scalars = [
    z.strictObject({
      ...common,
      type: z.literal('integer'),
      min: z._default(z.int().check(z.minimum(-1e12)), 0),
      max: z._default(z.int(), MAX_COUNT),
    }),
    z.strictObject({
      ...common,
      type: z.literal('decimal'),
      min: z._default(bound, 0),
      max: z._default(bound, MAX_COUNT),
      decimals: z._default(z.int().check(z.minimum(0), z.maximum(6)), 2),
    }),
    z.strictObject({ ...common, type: z.literal('boolean') }),
    z.strictObject({ ...common, type: z.literal('date') }),
    z.strictObject({
      ...common,
      type: z.literal('choice'),
      choices: z
        .array(z.strictObject({ value: z.string().check(z.minLength(1), z.maxLength(60)), label }))
        .check(z.minLength(1), z.maxLength(100)),
    }),
    z.strictObject({
      ...common,
      type: z.literal('text'),
      maxLength: z._default(z.int().check(z.minimum(1), z.maximum(2000)), 200),
      pattern: z.optional(z.enum(['email', 'phone'])),
      default: textDefault,
    }),
    z.strictObject({
      ...common,
      type: z.literal('longtext'),
      maxLength: z._default(z.int().check(z.minimum(1), z.maximum(20_000)), 5000),
      default: textDefault,
    }),
  ] as const;
  const scalar = z.discriminatedUnion('type', [...scalars]);
  const field = z.discriminatedUnion('type', [
    ...scalars,
    z.strictObject({
      ...common,
      type: z.literal('table'),
      columns: z.array(scalar).check(z.minLength(1), z.maxLength(30)),
      maxRows: z.int().check(z.minimum(1), z.maximum(1000)),
    }),
    // A named block of scalar fields stored as one object (the seed's plan 739/740 blocks: status and notes).
    z.strictObject({ ...common, type: z.literal('group'), fields: z.array(scalar).check(z.minLength(1), z.maxLength(30)) }),
  ]);

  const path = z.string().check(z.minLength(3), z.maxLength(130));
  const message = z.optional(z.string().check(z.minLength(1), z.maxLength(500)));
  const when = z.strictObject({ field: path, equals: z.union([z.string(), z.number(), z.boolean()]) });
  const rule = z.discriminatedUnion('rule', [
    z.strictObject({ rule: z.literal('lte'), field: path, max: path, when: z.optional(when), message }),
    z.strictObject({
      rule: z.literal('sum'),
      parts: z.array(path).check(z.minLength(1), z.maxLength(50)),
      total: path,
      when: z.optional(when),
      message,
    }),
    z.strictObject({ rule: z.literal('requiredIf'), fields: z.array(path).check(z.minLength(1), z.maxLength(50)), when, message }),
    z.strictObject({ rule: z.literal('dateInPeriod'), field: path, when: z.optional(when), message }),
  ]);

  const form = z
    .strictObject({
      version: z.string().check(z.minLength(1), z.maxLength(20)),
      title: z.optional(z.string().check(z.maxLength(300))),
      sections: z
        .array(z.strictObject({ key, label, help, fields: z.array(field).check(z.minLength(1), z.maxLength(200)) }))
        .check(z.minLength(1), z.maxLength(30)),
      rules: z._default(z.array(rule).check(z.maxLength(200)), []),
    })
    .check(z.superRefine((f, ctx) => formIssues(f).forEach((i) => ctx.addIssue({ code: 'custom', ...i }))));
  return { form, forms: z.array(form).check(z.minLength(1), z.maxLength(20)) };
}

let schemas: ReturnType<typeof buildFormSchemas> | undefined;
/** The schemas a form definition and a regime's `forms` are validated with (built once). */
export const formSchemas = () => (schemas ??= buildFormSchemas());

export type FormDefinition = z.output<ReturnType<typeof buildFormSchemas>['form']>;
/** A definition as written in a file: defaults (required, min, max, rules…) may be left out. */
export type FormDefinitionInput = z.input<ReturnType<typeof buildFormSchemas>['form']>;
export type FormSectionDef = FormDefinition['sections'][number];
export type FieldDef = FormSectionDef['fields'][number];
export type ScalarFieldDef = Exclude<FieldDef, { type: 'table' | 'group' }>;
export type TableFieldDef = Extract<FieldDef, { type: 'table' }>;
export type FormRule = FormDefinition['rules'][number];

type Issue = { message: string; path: (string | number)[] };

/** Each scalar field of a form by its dotted path in the report (section.field, section.group.field); table columns excluded. */
export function scalarFields(form: Pick<FormDefinition, 'sections'>): Map<string, ScalarFieldDef> {
  const out = new Map<string, ScalarFieldDef>();
  for (const s of form.sections) {
    for (const f of s.fields) {
      if (f.type === 'group') for (const g of f.fields) out.set(`${s.key}.${f.key}.${g.key}`, g);
      else if (f.type !== 'table') out.set(`${s.key}.${f.key}`, f);
    }
  }
  return out;
}

const duplicates = (keys: readonly string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);

function fieldIssues(f: ScalarFieldDef, at: (string | number)[]): Issue[] {
  const issues: Issue[] = [];
  if ((f.type === 'integer' || f.type === 'decimal') && f.min > f.max)
    issues.push({ message: 'min is greater than max', path: [...at, 'min'] });
  if (f.type === 'choice') {
    for (const v of duplicates(f.choices.map((c) => c.value)))
      issues.push({ message: `the choice ${v} is listed twice`, path: [...at, 'choices'] });
  }
  if ((f.type === 'text' || f.type === 'longtext') && f.default !== undefined) {
    if (f.default.length > f.maxLength) issues.push({ message: 'the default is longer than maxLength', path: [...at, 'default'] });
    if (f.required) issues.push({ message: 'a required field has no default', path: [...at, 'default'] });
  }
  return issues;
}

/**
 * What the schema alone cannot say: unique keys, sections that do not take the envelope's keys,
 * sane bounds, and rules that name existing fields of the right type. Each issue names its path.
 */
function formIssues(form: Pick<FormDefinition, 'sections' | 'rules'>): Issue[] {
  const issues: Issue[] = [];
  const sectionKeys = form.sections.map((s) => s.key);
  form.sections.forEach((s, i) => {
    if ((ENVELOPE_KEYS as readonly string[]).includes(s.key))
      issues.push({ message: `the key ${s.key} belongs to the envelope`, path: ['sections', i, 'key'] });
    if (sectionKeys.indexOf(s.key) !== i) issues.push({ message: `the section key ${s.key} is used twice`, path: ['sections', i, 'key'] });
    const keys = s.fields.map((f) => f.key);
    s.fields.forEach((f, j) => {
      const at = ['sections', i, 'fields', j];
      if (keys.indexOf(f.key) !== j) issues.push({ message: `the field key ${f.key} is used twice in the section`, path: [...at, 'key'] });
      if (f.type !== 'table' && f.type !== 'group') return void issues.push(...fieldIssues(f, at));
      const inner = f.type === 'table' ? { list: f.columns, name: 'columns' } : { list: f.fields, name: 'fields' };
      const innerKeys = inner.list.map((c) => c.key);
      inner.list.forEach((c, k) => {
        if (innerKeys.indexOf(c.key) !== k) issues.push({ message: `the key ${c.key} is used twice`, path: [...at, inner.name, k, 'key'] });
        issues.push(...fieldIssues(c, [...at, inner.name, k]));
      });
    });
  });
  const fields = scalarFields(form);
  const need = (path: string, types: readonly string[] | undefined, at: (string | number)[]) => {
    const f = fields.get(path);
    if (!f) issues.push({ message: `no field ${path} in the form`, path: at });
    else if (types && !types.includes(f.type))
      issues.push({ message: `${path} is a ${f.type} field; the rule needs ${types.join(' or ')}`, path: at });
    return f;
  };
  form.rules.forEach((r, i) => {
    const at = ['rules', i];
    if (r.when) {
      const w = need(r.when.field, ['boolean', 'choice', 'integer', 'text'], [...at, 'when', 'field']);
      const expected = w?.type === 'boolean' ? 'boolean' : w?.type === 'integer' ? 'number' : 'string';
      if (w && typeof r.when.equals !== expected)
        issues.push({ message: `equals must be a ${expected} for ${r.when.field}`, path: [...at, 'when', 'equals'] });
      if (w?.type === 'choice' && !w.choices.some((c) => c.value === r.when?.equals))
        issues.push({ message: `${String(r.when.equals)} is not a choice of ${r.when.field}`, path: [...at, 'when', 'equals'] });
    }
    if (r.rule === 'lte') {
      need(r.field, NUMBER_TYPES, [...at, 'field']);
      need(r.max, NUMBER_TYPES, [...at, 'max']);
    } else if (r.rule === 'sum') {
      r.parts.forEach((p, k) => need(p, NUMBER_TYPES, [...at, 'parts', k]));
      need(r.total, NUMBER_TYPES, [...at, 'total']);
    } else if (r.rule === 'requiredIf') {
      r.fields.forEach((p, k) => {
        const f = need(p, undefined, [...at, 'fields', k]);
        if (f?.required) issues.push({ message: `${p} is required anyway; requiredIf is for optional fields`, path: [...at, 'fields', k] });
      });
    } else {
      need(r.field, ['date'], [...at, 'field']);
    }
  });
  return issues;
}

/** The form versions of a regime's `forms`: unique, and one of them the regime's formVersion. */
export function formsIssues(forms: readonly { version: string }[] | undefined, formVersion: string): Issue[] {
  if (!forms) return [];
  const issues: Issue[] = [];
  const versions = forms.map((f) => f.version);
  versions.forEach((v, i) => {
    if (versions.indexOf(v) !== i) issues.push({ message: `the form version ${v} is listed twice`, path: ['forms', i, 'version'] });
  });
  if (!versions.includes(formVersion)) issues.push({ message: `no form in forms has the version ${formVersion}`, path: ['formVersion'] });
  return issues;
}

export class FormDefinitionInvalidError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid form definition: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'FormDefinitionInvalidError';
  }
}

/**
 * Checks a regime's forms in full (the regime's own schema checks only their versions) and returns
 * the regime with them normalised (defaults filled in), ready to store. A bad form fails naming its
 * path in the regime file, e.g. `forms.0.sections.2.fields.4.type`.
 */
export function parseRegimeForms<R extends { forms?: readonly unknown[] | undefined }>(regime: R): R {
  if (!regime.forms) return regime;
  const r = z.safeParse(formSchemas().forms, regime.forms);
  if (!r.success)
    throw new FormDefinitionInvalidError(r.error.issues.map((i) => ({ path: ['forms', ...i.path].join('.'), message: i.message })));
  return { ...regime, forms: r.data };
}

/** Validates one form definition (e.g. a test fixture); throws naming every bad path. */
export function parseFormDefinition(input: unknown): FormDefinition {
  const r = z.safeParse(formSchemas().form, input);
  if (!r.success) throw new FormDefinitionInvalidError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}
