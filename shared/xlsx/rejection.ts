/**
 * The refusal of an xlsx upload, on its own so that ingest can recognise it at cold start without
 * loading the guard and the reader (node:zlib, the XML scanner): those are imported on first use.
 */

export type XlsxRejectionCode =
  | 'TOO_LARGE'
  | 'NOT_XLSX'
  | 'CORRUPT'
  | 'TOO_MANY_ENTRIES'
  | 'UNCOMPRESSED_TOO_LARGE'
  | 'SUSPICIOUS_RATIO'
  | 'UNSAFE_XML'
  | 'SHEET_TOO_LARGE'
  | 'NOT_TEMPLATE';

/** An xlsx upload refused before or while parsing; `reason` is shown to the clerk as is. */
export class XlsxRejectedError extends Error {
  constructor(
    readonly code: XlsxRejectionCode,
    /** Vietnamese, for the clerk. */
    readonly reason: string,
    /** Numbers for logs and tests (e.g. how many bytes were inflated before aborting). */
    readonly detail: Readonly<Record<string, number | string>> = {},
  ) {
    super(reason);
    this.name = 'XlsxRejectedError';
  }
}
