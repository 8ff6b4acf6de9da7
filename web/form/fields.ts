import { MAX_COUNT, reportSchema, unwrap } from '../../shared/domain/report.js';
import { REPORT_SECTIONS, type ReportField } from '../../shared/domain/report-fields.js';
import * as z from '../../shared/zod-mini.js';

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

export const FORM_SECTIONS: readonly FormSection[] = REPORT_SECTIONS.map(({ key, label, fields }) => ({ key, legend: label, fields }));

export const FORM_FIELDS: readonly FormField[] = FORM_SECTIONS.flatMap((s) => s.fields);

/** The nested objects inside a section (e.g. the two programmes) get their own group; their label is the schema's. */
export function groupLabel(path: string): string | undefined {
  let s: z.core.$ZodType | undefined = reportSchema();
  for (const seg of path.split('.')) {
    const inner: z.core.$ZodType | undefined = s ? unwrap(s).inner : undefined;
    if (!(inner instanceof z.ZodMiniObject)) return undefined;
    s = (inner.shape as Record<string, z.core.$ZodType>)[seg];
  }
  return s ? unwrap(s).description : undefined;
}

/** The label of the signed-document attachment, from the schema. */
export const SIGNED_DOCUMENT_LABEL = unwrap(reportSchema().shape.signedDocumentKey).description ?? 'Văn bản đã ký (PDF)';

/** DOM ids derived from a path: dots become dashes (a dot in an id needs escaping in selectors). */
export const fieldId = (path: string) => `f-${path.replaceAll('.', '-')}`;
export const errorId = (path: string) => `err-${path.replaceAll('.', '-')}`;
export const hintId = (path: string) => `hint-${path.replaceAll('.', '-')}`;
