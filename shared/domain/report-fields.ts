import * as z from '../zod-mini.js';
import { PROGRAMME_STATUS_LABELS, reportSchema, SECTION_LABELS, unwrap } from './report.js';

/**
 * The report's input fields, read from ReportSchema itself: section order, field order, labels
 * (`z.describe()`), kinds, limits. The web form, the Excel template and the board's report view are
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

export function valueKind(kind: FieldKind): ValueKind {
  return kind === 'email' || kind === 'tel' || kind === 'longtext' ? 'text' : kind;
}

/**
 * The definitions of a string schema's checks, which say its limits and patterns (zod keeps no
 * summary of them). Read as data: `z.core`'s check classes, used with `instanceof`, would pull the
 * whole of zod's core (every locale) into the browser bundle.
 */
const checkDefs = (s: z.core.$ZodString) => (s._zod.def.checks ?? []).map((c) => (c as z.core.$ZodChecks)._zod.def);

/** The longest text the schema allows, from its `z.maxLength()` checks. */
function maxLengthOf(s: z.core.$ZodString): number | undefined {
  const limits = checkDefs(s).flatMap((d) => (d.check === 'max_length' ? [d.maximum] : []));
  return limits.length ? Math.min(...limits) : undefined;
}

function isIsoDate(s: z.core.$ZodString): boolean {
  return checkDefs(s).some((d) => d.check === 'string_format' && d.format === 'regex' && d.pattern?.source === ISO_DATE_SOURCE);
}

function leaf(path: string, key: string, schema: z.core.$ZodType): ReportField {
  const { inner, optional, description } = unwrap(schema);
  const label = description ?? path;
  const base = { path, label, optional };
  if (inner instanceof z.ZodMiniNumber) return { ...base, kind: 'count' };
  if (inner instanceof z.ZodMiniBoolean) return { ...base, kind: 'boolean' };
  if (inner instanceof z.ZodMiniEnum) {
    const labels: Record<string, string> = PROGRAMME_STATUS_LABELS;
    return { ...base, kind: 'choice', choices: inner.options.map((v) => ({ value: String(v), label: labels[String(v)] ?? String(v) })) };
  }
  if (inner instanceof z.ZodMiniStringFormat && inner._zod.def.format === 'email') {
    const max = maxLengthOf(inner);
    return { ...base, ...(max === undefined ? {} : { maxLength: max }), kind: 'email' };
  }
  if (inner instanceof z.ZodMiniString) {
    const max = maxLengthOf(inner);
    const limit = max === undefined ? {} : { maxLength: max };
    if (isIsoDate(inner)) return { ...base, kind: 'date' };
    // The schema's phone rule is a character-class regex; the key says what it is for the keyboard.
    if (key === 'phone') return { ...base, ...limit, kind: 'tel' };
    return { ...base, ...limit, kind: max !== undefined && max >= LONG_TEXT ? 'longtext' : 'text' };
  }
  throw new Error(`No field kind for the schema field ${path}`);
}

function fieldsOf(prefix: string, obj: z.ZodMiniObject): ReportField[] {
  return Object.entries(obj.shape as Record<string, z.core.$ZodType>).flatMap(([key, s]) => {
    const { inner } = unwrap(s);
    const path = `${prefix}.${key}`;
    return inner instanceof z.ZodMiniObject ? fieldsOf(path, inner) : [leaf(path, key, s)];
  });
}

/**
 * Every object-valued top-level field of the schema, in schema order (the four sections, narrative,
 * preparer). Top-level scalars are either identity (formVersion, unitId, period) or, like
 * signedDocumentKey, set by the upload flow rather than typed by the clerk.
 */
export const REPORT_SECTIONS: readonly ReportSection[] = Object.entries(reportSchema().shape as Record<string, z.core.$ZodType>).flatMap(
  ([key, s]) => {
    const { inner, description } = unwrap(s);
    if (!(inner instanceof z.ZodMiniObject)) return [];
    const label = (SECTION_LABELS as Record<string, string>)[key] ?? description ?? key;
    return [{ key, label, fields: fieldsOf(key, inner) }];
  },
);
