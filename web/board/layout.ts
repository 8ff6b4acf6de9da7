import type { ReportSection, ValueKind } from '../../shared/domain/report-fields.js';

/**
 * How the board shows a report version: the sections and fields of ReportSchema in schema order
 * (shared/domain/report-fields.ts), each with its Vietnamese label  and how to print
 * its value. Read from the schema, so a new field shows up on the board without a second list of labels.
 */
export type ShownKind = ValueKind;
export interface ShownField {
  path: string;
  label: string;
  kind: ShownKind;
  choices?: readonly { value: string; label: string }[];
  /** A table's columns (paths relative to a row). */
  columns?: ShownField[];
}
export interface ShownSection {
  key: string;
  legend: string;
  fields: ShownField[];
}

type LaidOut = Pick<ReportSection['fields'][number], 'path' | 'label' | 'kind' | 'choices' | 'columns'>;
const shownField = ({ path, label, kind, choices, columns }: LaidOut): ShownField => ({
  path,
  label,
  // valueKind() inline: the board's script imports nothing else of report-fields.ts.
  kind: kind === 'email' || kind === 'tel' || kind === 'longtext' ? 'text' : kind,
  ...(choices ? { choices } : {}),
  ...(columns ? { columns: columns.map(shownField) } : {}),
});

/** How a section list is shown (type-only imports: the board's script loads no part of the report's schema). */
export const layoutOf = (sections: readonly ReportSection[]): ShownSection[] =>
  sections.map(({ key, label, fields }) => ({ key, legend: label, fields: fields.map(shownField) }));

const layouts = new WeakMap<readonly ReportSection[], readonly ShownSection[]>();
/** The layout of the sections of the regime's current form, which GET /units/{id}/reports returns. */
export function reportLayout(sections: readonly ReportSection[]): readonly ShownSection[] {
  let l = layouts.get(sections);
  if (!l) layouts.set(sections, (l = layoutOf(sections)));
  return l;
}
