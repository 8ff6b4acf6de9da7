import * as z from 'zod';
import { PROGRAMME_STATUS_LABELS, ReportSchema, SECTION_LABELS } from './report.js';

/**
 * The report's input fields, read from ReportSchema itself: section order, field order, labels
 * (`.describe()`), kinds, limits. The web form, the Excel template and the board's report view are
 * all generated from this list, so no label or field is written twice.
 * Pure and DOM-free: it runs in the Lambda, in the browser and in unit tests.
 */
export type FieldKind = 'count' | 'boolean' | 'choice' | 'date' | 'email' | 'tel' | 'text' | 'longtext';

/** What a value is, whatever box it is typed in: email, phone and long texts are texts. */
export type ValueKind = 'count' | 'boolean' | 'choice' | 'date' | 'text';

export interface ReportField {
  /** Dotted path in the report, e.g. 'dissemination.sessions'. */
  path: string;
  label: string;
  kind: FieldKind;
  /** Optional or defaulted in the schema. */
  optional: boolean;
  maxLength?: number;
  /** For 'choice': schema value and the Vietnamese label shown in the list. */
  choices?: readonly { value: string; label: string }[];
}

export interface ReportSection {
  key: string;
  label: string;
  fields: readonly ReportField[];
}

/** Texts at least this long get a multi-line box. */
const LONG_TEXT = 1000;
const ISO_DATE_SOURCE = /^\d{4}-\d{2}-\d{2}$/.source;

/** The schema under its optional/default wrappers, and the first description found on the way in. */
export function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; description: string | undefined } {
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

export function valueKind(kind: FieldKind): ValueKind {
  return kind === 'email' || kind === 'tel' || kind === 'longtext' ? 'text' : kind;
}

function isIsoDate(s: z.ZodString): boolean {
  return (s.def.checks ?? []).some((c) => {
    const def = c._zod.def as { format?: string; pattern?: RegExp };
    return def.format === 'regex' && def.pattern?.source === ISO_DATE_SOURCE;
  });
}

function leaf(path: string, key: string, schema: z.ZodType): ReportField {
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
  throw new Error(`No field kind for the schema field ${path}`);
}

function fieldsOf(prefix: string, obj: z.ZodObject): ReportField[] {
  return Object.entries(obj.shape as Record<string, z.ZodType>).flatMap(([key, s]) => {
    const { inner } = unwrap(s);
    const path = `${prefix}.${key}`;
    return inner instanceof z.ZodObject ? fieldsOf(path, inner) : [leaf(path, key, s)];
  });
}

/**
 * Every object-valued top-level field of the schema, in schema order (the four sections, narrative,
 * preparer). Top-level scalars are either identity (formVersion, unitId, period) or, like
 * signedDocumentKey, set by the upload flow rather than typed by the clerk.
 */
export const REPORT_SECTIONS: readonly ReportSection[] = Object.entries(ReportSchema.shape as Record<string, z.ZodType>).flatMap(([key, s]) => {
  const { inner, description } = unwrap(s);
  if (!(inner instanceof z.ZodObject)) return [];
  const label = (SECTION_LABELS as Record<string, string>)[key] ?? description ?? key;
  return [{ key, label, fields: fieldsOf(key, inner) }];
});
