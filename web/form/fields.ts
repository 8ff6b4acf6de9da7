import { ENVELOPE_LABELS, MAX_COUNT } from '../../shared/domain/report.js';
import type { FormDefinition } from '../../shared/domain/form-definition.js';
import { REPORT_SECTIONS, reportSections, type ReportField } from '../../shared/domain/report-fields.js';

/**
 * The form's fields: the report's fields read from ReportSchema (shared/domain/report-fields.ts).
 * The server renders the HTML from this list and the browser bundle reads values back with the
 * same list, so no label or field is written twice.
 * Pure and DOM-free: it runs in the Lambda, in the browser and in unit tests.
 */
export type FormField = ReportField;

export interface FormSection {
  key: string;
  legend: string;
  fields: readonly FormField[];
}

/** Set by the page, not typed by the clerk: identity comes from the link, the key from the PDF upload. */
export const PAGE_SET_PATHS = ['formVersion', 'unitId', 'period', 'signedDocumentKey'] as const;
export const SIGNED_DOCUMENT_PATH = 'signedDocumentKey';
export const COUNT_MAX = MAX_COUNT;

/** A form's sections as the page shows them. */
export const formSections = (form: FormDefinition): readonly FormSection[] =>
  reportSections(form).map(({ key, label, fields }) => ({ key, legend: label, fields }));

/** The seed form's, rendered into the page at build time. */
export const FORM_SECTIONS: readonly FormSection[] = REPORT_SECTIONS.map(({ key, label, fields }) => ({ key, legend: label, fields }));

export const FORM_FIELDS: readonly FormField[] = FORM_SECTIONS.flatMap((s) => s.fields);

/** The nested objects inside a section (e.g. the two programmes) get their own group; their label is the form's. */
export function groupLabel(path: string): string | undefined {
  return FORM_FIELDS.find((f) => f.path.startsWith(`${path}.`))?.group;
}

/** The label of the signed-document attachment. */
export const SIGNED_DOCUMENT_LABEL = ENVELOPE_LABELS.signedDocumentKey ?? 'Văn bản đã ký (PDF)';

/** DOM ids derived from a path: dots become dashes (a dot in an id needs escaping in selectors). */
export const fieldId = (path: string) => `f-${path.replaceAll('.', '-')}`;
export const errorId = (path: string) => `err-${path.replaceAll('.', '-')}`;
export const hintId = (path: string) => `hint-${path.replaceAll('.', '-')}`;
