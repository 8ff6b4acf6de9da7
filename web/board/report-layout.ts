import { REPORT_SECTIONS, valueKind, type ValueKind } from '../../shared/domain/report-fields.js';

/**
 * How the board shows a report version: the sections and fields of ReportSchema in schema order
 * (shared/domain/report-fields.ts), each with its Vietnamese label (`z.describe()`) and how to print
 * its value. Read from the schema, so a new field shows up on the board without a second list of labels.
 */
export type ShownKind = ValueKind;
export interface ShownField {
  path: string;
  label: string;
  kind: ShownKind;
  choices?: readonly { value: string; label: string }[];
}
export interface ShownSection {
  key: string;
  legend: string;
  fields: ShownField[];
}

/** Only what the board's script reads: the layout travels in the page as JSON. */
export const REPORT_LAYOUT: readonly ShownSection[] = REPORT_SECTIONS.map(({ key, label, fields }) => ({
  key,
  legend: label,
  fields: fields.map(({ path, label, kind, choices }) => ({ path, label, kind: valueKind(kind), ...(choices ? { choices } : {}) })),
}));
