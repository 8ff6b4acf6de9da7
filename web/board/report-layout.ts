import * as z from 'zod';
import { PROGRAMME_STATUS_LABELS, ReportSchema, SECTION_LABELS } from '../../shared/domain/report.js';

/**
 * How the board shows a report version: the sections and fields of ReportSchema in schema order,
 * each with its Vietnamese label (`.describe()`) and how to print its value. Read from the schema,
 * so a new field shows up on the board without a second list of labels.
 */
export type ShownKind = 'count' | 'boolean' | 'choice' | 'date' | 'text';
export interface ShownField {
  path: string;
  label: string;
  kind: ShownKind;
  choices?: { value: string; label: string }[];
}
export interface ShownSection {
  key: string;
  legend: string;
  fields: ShownField[];
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; description: string | undefined } {
  let s = schema;
  let description = s.description;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
    s = s.def.innerType as z.ZodType;
    description ??= s.description;
  }
  return { inner: s, description };
}

const DATE_KEYS = /Date$/;

function leaf(path: string, key: string, schema: z.ZodType): ShownField {
  const { inner, description } = unwrap(schema);
  const base = { path, label: description ?? path };
  if (inner instanceof z.ZodNumber) return { ...base, kind: 'count' };
  if (inner instanceof z.ZodBoolean) return { ...base, kind: 'boolean' };
  if (inner instanceof z.ZodEnum) {
    const labels: Record<string, string> = PROGRAMME_STATUS_LABELS;
    return { ...base, kind: 'choice', choices: inner.options.map((v) => ({ value: String(v), label: labels[String(v)] ?? String(v) })) };
  }
  return { ...base, kind: DATE_KEYS.test(key) ? 'date' : 'text' };
}

function fieldsOf(prefix: string, obj: z.ZodObject): ShownField[] {
  return Object.entries(obj.shape as Record<string, z.ZodType>).flatMap(([key, s]) => {
    const { inner } = unwrap(s);
    const path = `${prefix}.${key}`;
    return inner instanceof z.ZodObject ? fieldsOf(path, inner) : [leaf(path, key, s)];
  });
}

/** The object-valued top-level fields of the schema: the four sections, the narrative, the preparer. */
export const REPORT_LAYOUT: readonly ShownSection[] = Object.entries(ReportSchema.shape as Record<string, z.ZodType>).flatMap(([key, s]) => {
  const { inner, description } = unwrap(s);
  if (!(inner instanceof z.ZodObject)) return [];
  return [{ key, legend: (SECTION_LABELS as Record<string, string>)[key] ?? description ?? key, fields: fieldsOf(key, inner) }];
});
