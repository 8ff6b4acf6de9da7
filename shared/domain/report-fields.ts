import { DEFAULT_FORM, SECTION_LABELS } from './default-form.js';
import type { FieldDef, FormDefinition, ScalarFieldDef } from './form-definition.js';
import { ENVELOPE_LABELS } from './report.js';

/**
 * The report's input fields, read from the form definition (form-definition.ts): section order,
 * field order, labels, kinds, limits — plus the envelope's preparer block. The web form, the Excel
 * template and the board's report view are all generated from this list, so no label or field is
 * written twice. Pure and DOM-free: it runs in the Lambda, in the browser and in unit tests.
 */
export type FieldKind = 'count' | 'decimal' | 'boolean' | 'choice' | 'date' | 'email' | 'tel' | 'text' | 'longtext' | 'table';

/** What a value is, whatever box it is typed in: email, phone and long texts are texts. */
export type ValueKind = 'count' | 'decimal' | 'boolean' | 'choice' | 'date' | 'text' | 'table';

export interface ReportField {
  /** Dotted path in the report, e.g. 'dissemination.sessions'; a table column's is its key alone. */
  path: string;
  label: string;
  help?: string;
  kind: FieldKind;
  /** Optional or defaulted in the schema. */
  optional: boolean;
  maxLength?: number;
  /** For 'count' and 'decimal': the bounds (and the digits after the point). */
  min?: number;
  max?: number;
  decimals?: number;
  /** For 'choice': schema value and the Vietnamese label shown in the list. */
  choices?: readonly { value: string; label: string }[];
  /** For 'table': its columns (paths relative to a row) and the most rows it takes. */
  columns?: readonly ReportField[];
  maxRows?: number;
  /** The label of the block of fields it belongs to inside its section (the seed's plan 739/740). */
  group?: string;
}

export interface ReportSection {
  key: string;
  label: string;
  help?: string;
  fields: readonly ReportField[];
}

export function valueKind(kind: FieldKind): ValueKind {
  return kind === 'email' || kind === 'tel' || kind === 'longtext' ? 'text' : kind;
}

function scalar(path: string, f: ScalarFieldDef): ReportField {
  const optional = !f.required || ('default' in f && f.default !== undefined);
  const base = { path, label: f.label, optional, ...(f.help ? { help: f.help } : {}) };
  switch (f.type) {
    case 'integer':
      return { ...base, kind: 'count', min: f.min, max: f.max };
    case 'decimal':
      return { ...base, kind: 'decimal', min: f.min, max: f.max, decimals: f.decimals };
    case 'boolean':
    case 'date':
      return { ...base, kind: f.type };
    case 'choice':
      return { ...base, kind: 'choice', choices: f.choices };
    case 'text':
      return { ...base, maxLength: f.maxLength, kind: f.pattern === 'email' ? 'email' : f.pattern === 'phone' ? 'tel' : 'text' };
    case 'longtext':
      return { ...base, maxLength: f.maxLength, kind: 'longtext' };
  }
}

function fieldsOf(section: string, f: FieldDef): ReportField[] {
  const path = `${section}.${f.key}`;
  if (f.type === 'group') return f.fields.map((g) => ({ ...scalar(`${path}.${g.key}`, g), group: f.label }));
  if (f.type !== 'table') return [scalar(path, f)];
  return [
    {
      path,
      label: f.label,
      ...(f.help ? { help: f.help } : {}),
      kind: 'table',
      optional: !f.required,
      columns: f.columns.map((c) => scalar(c.key, c)),
      maxRows: f.maxRows,
    },
  ];
}

const label = (path: string) => ENVELOPE_LABELS[path] ?? path;
/** The envelope's preparer block: the same on every form. */
const PREPARER: ReportSection = {
  key: 'preparer',
  label: SECTION_LABELS.preparer,
  fields: [
    { path: 'preparer.name', label: label('preparer.name'), optional: false, maxLength: 100, kind: 'text' },
    { path: 'preparer.title', label: label('preparer.title'), optional: false, maxLength: 100, kind: 'text' },
    { path: 'preparer.email', label: label('preparer.email'), optional: false, maxLength: 200, kind: 'email' },
    { path: 'preparer.phone', label: label('preparer.phone'), optional: false, kind: 'tel' },
  ],
};

const sectionLists = new WeakMap<FormDefinition, readonly ReportSection[]>();
/**
 * Every section a clerk fills in, in form order, then the preparer. The identity (formVersion,
 * unitId, period) and signedDocumentKey are set by the page or the upload flow, not typed.
 */
export function reportSections(form: FormDefinition): readonly ReportSection[] {
  let list = sectionLists.get(form);
  if (!list) {
    list = [
      ...form.sections.map((s) => ({
        key: s.key,
        label: s.label,
        ...(s.help ? { help: s.help } : {}),
        fields: s.fields.flatMap((f) => fieldsOf(s.key, f)),
      })),
      PREPARER,
    ];
    sectionLists.set(form, list);
  }
  return list;
}

/** The seed's sections (its form is the default). */
export const REPORT_SECTIONS: readonly ReportSection[] = /* @__PURE__ */ reportSections(DEFAULT_FORM);
