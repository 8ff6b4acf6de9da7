import * as z from 'zod';
import { MAX_COUNT, PROGRAMME_STATUS_LABELS, ReportSchema, SECTION_LABELS } from '../../shared/domain/report.js';

/**
 * The form's fields, read from ReportSchema itself: section order, field order, labels
 * (`.describe()`), kinds, limits. The server renders the HTML from this list and the browser
 * bundle reads values back with the same list, so no label or field is written twice.
 * Pure and DOM-free: it runs in the Lambda, in the browser and in unit tests.
 */
export type FieldKind = 'count' | 'boolean' | 'choice' | 'date' | 'email' | 'tel' | 'text' | 'longtext';

export interface FormField {
  /** Dotted path in the report, e.g. 'dissemination.sessions'. */
  path: string;
  label: string;
  kind: FieldKind;
  /** Optional or defaulted in the schema. */
  optional: boolean;
  maxLength?: number;
  choices?: readonly { value: string; label: string }[];
}

export interface FormSection {
  key: string;
  legend: string;
  fields: readonly FormField[];
}

/** Set by the page, not typed by the clerk: identity comes from the link, the key from the PDF upload. */
export const PAGE_SET_PATHS = ['formVersion', 'unitId', 'period', 'signedDocumentKey'] as const;
export const SIGNED_DOCUMENT_PATH = 'signedDocumentKey';
export const COUNT_MAX = MAX_COUNT;
/** Texts at least this long get a multi-line box. */
const LONG_TEXT = 1000;
const ISO_DATE_SOURCE = /^\d{4}-\d{2}-\d{2}$/.source;

function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; description: string | undefined } {
  let s = schema;
  let optional = false;
  let description = s.description;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
    optional = true;
    s = s.def.innerType as z.ZodType;
    description ??= s.description;
  }
  return { inner: s, optional, description };
}

function isIsoDate(s: z.ZodString): boolean {
  return (s.def.checks ?? []).some((c) => {
    const def = c._zod.def as { format?: string; pattern?: RegExp };
    return def.format === 'regex' && def.pattern?.source === ISO_DATE_SOURCE;
  });
}

function leaf(path: string, key: string, schema: z.ZodType): FormField {
  const { inner, optional, description } = unwrap(schema);
  const label = description ?? path;
  const base = { path, label, optional };
  if (inner instanceof z.ZodNumber) return { ...base, kind: 'count' };
  if (inner instanceof z.ZodBoolean) return { ...base, kind: 'boolean' };
  if (inner instanceof z.ZodEnum) {
    const labels: Record<string, string> = PROGRAMME_STATUS_LABELS;
    return { ...base, kind: 'choice', choices: inner.options.map((v) => ({ value: String(v), label: labels[String(v)] ?? String(v) })) };
  }
  if (inner instanceof z.ZodStringFormat && inner.format === 'email') {
    const max = (inner as unknown as { maxLength: number | null }).maxLength ?? undefined;
    return { ...base, ...(max === undefined ? {} : { maxLength: max }), kind: 'email' };
  }
  if (inner instanceof z.ZodString) {
    const max = inner.maxLength ?? undefined;
    const limit = max === undefined ? {} : { maxLength: max };
    if (isIsoDate(inner)) return { ...base, kind: 'date' };
    // The schema's phone rule is a character-class regex; the key says what it is for the keyboard.
    if (key === 'phone') return { ...base, ...limit, kind: 'tel' };
    return { ...base, ...limit, kind: max !== undefined && max >= LONG_TEXT ? 'longtext' : 'text' };
  }
  throw new Error(`The form cannot render the schema field ${path}`);
}

function fieldsOf(prefix: string, obj: z.ZodObject): FormField[] {
  return Object.entries(obj.shape as Record<string, z.ZodType>).flatMap(([key, s]) => {
    const { inner } = unwrap(s);
    const path = `${prefix}.${key}`;
    return inner instanceof z.ZodObject ? fieldsOf(path, inner) : [leaf(path, key, s)];
  });
}

/** Every object-valued top-level field of the schema, in schema order (the four sections, narrative, preparer). */
export const FORM_SECTIONS: readonly FormSection[] = Object.entries(ReportSchema.shape as Record<string, z.ZodType>).flatMap(([key, s]) => {
  const { inner, description } = unwrap(s);
  if (!(inner instanceof z.ZodObject)) return [];
  const legend = (SECTION_LABELS as Record<string, string>)[key] ?? description ?? key;
  return [{ key, legend, fields: fieldsOf(key, inner) }];
});

export const FORM_FIELDS: readonly FormField[] = FORM_SECTIONS.flatMap((s) => s.fields);

/** The nested objects inside a section (e.g. the two programmes) get their own group; their label is the schema's. */
export function groupLabel(path: string): string | undefined {
  let s: z.ZodType | undefined = ReportSchema;
  for (const seg of path.split('.')) {
    const inner: z.ZodType | undefined = s ? unwrap(s).inner : undefined;
    if (!(inner instanceof z.ZodObject)) return undefined;
    s = (inner.shape as Record<string, z.ZodType>)[seg];
  }
  return s ? unwrap(s).description : undefined;
}

/** The label of the signed-document attachment, from the schema. */
export const SIGNED_DOCUMENT_LABEL = unwrap(ReportSchema.shape.signedDocumentKey).description ?? 'Văn bản đã ký (PDF)';

/** DOM ids derived from a path: dots become dashes (a dot in an id needs escaping in selectors). */
export const fieldId = (path: string) => `f-${path.replaceAll('.', '-')}`;
export const errorId = (path: string) => `err-${path.replaceAll('.', '-')}`;
export const hintId = (path: string) => `hint-${path.replaceAll('.', '-')}`;
