import type { ValidationIssue } from './report.js';

/**
 * The bounding policy for everything that grows with an upload's content and is then stored,
 * published or emailed (issue 12): a DynamoDB item holds at most 400 KB, an EventBridge entry
 * 256 KB, an SES message 10 MB (40 MB raw). A crafted upload may produce any number of reasons of
 * any length; past these bounds it would fail to store, retry and die in the dead-letter queue,
 * and nobody would get a verdict. So reasons are cut to a count and a length here, once, and the
 * rest is summarised in one line the unit reads: "… và 1.234 lỗi khác".
 *
 * Worst case: (MAX_REASONS + 1) × (MAX_MESSAGE_CHARS + MAX_PATH_CHARS + MAX_LABEL_CHARS) characters,
 * 31 × 700 × at most 3 UTF-8 bytes ≈ 65 KB, so a version item and a status item each stay far
 * under 400 KB even together with everything else they carry.
 */
/** The form has about 50 fields: a file that is not the report at all still gets its first 30 problems named. */
export const MAX_REASONS = 30;
export const MAX_MESSAGE_CHARS = 300;
export const MAX_PATH_CHARS = 200;
export const MAX_LABEL_CHARS = 200;
/** Names listed in one message (unknown fields): the rest are counted. */
export const MAX_LISTED_NAMES = 10;
export const MAX_LISTED_NAME_CHARS = 40;

/** Size limits of the services a reason may reach, in bytes (AWS quotas). */
export const LIMITS = {
  dynamoItemBytes: 400 * 1024,
  eventEntryBytes: 256 * 1024,
} as const;

/**
 * Vietnamese digit grouping: 1234567 → "1.234.567". Written by hand rather than with
 * Intl.NumberFormat('vi-VN'): the same output on every runtime, whatever ICU data it ships.
 */
export function vietnameseCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** Cuts a text to at most `max` characters (code points, so no half surrogate), marking the cut with "…". */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** The line that stands for the reasons left out. */
export const moreReasonsLine = (omitted: number) => `… và ${vietnameseCount(omitted)} lỗi khác`;

/** A list of names for a message (e.g. unknown fields): the first few, clipped, then how many more. */
export function listNames(names: readonly string[], what = 'trường'): string {
  const shown = names.slice(0, MAX_LISTED_NAMES).map((n) => clip(n, MAX_LISTED_NAME_CHARS));
  const more = names.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` … và ${vietnameseCount(more)} ${what} khác` : '');
}

/** Is this the summary line standing for reasons left out? */
export const isSummary = (r: ValidationIssue): r is ValidationIssue & { omitted: number } => typeof r.omitted === 'number';

/** How many problems a (bounded or not) list stands for: the reasons kept plus those summarised. */
export const reasonCount = (reasons: readonly ValidationIssue[]) => reasons.reduce((n, r) => n + (isSummary(r) ? r.omitted : 1), 0);

const boundOne = (r: ValidationIssue): ValidationIssue => {
  const path = clip(r.path, MAX_PATH_CHARS);
  const message = clip(r.message, MAX_MESSAGE_CHARS);
  return r.label === undefined ? { path, message } : { path, message, label: clip(r.label, MAX_LABEL_CHARS) };
};

/**
 * Bounds a list of reasons: at most MAX_REASONS, each clipped, then — when some were left out —
 * one summary entry `{ path: '', message: '… và N lỗi khác', omitted: N }`. Idempotent: a list
 * already bounded comes back the same (its summary's count is carried, not counted as one reason).
 */
export function boundReasons(reasons: readonly ValidationIssue[]): ValidationIssue[] {
  const real = reasons.filter((r) => !isSummary(r));
  const shown = real.slice(0, MAX_REASONS).map(boundOne);
  const omitted = reasonCount(reasons) - shown.length;
  return omitted > 0 ? [...shown, { path: '', message: moreReasonsLine(omitted), omitted }] : shown;
}

/** UTF-8 size of a value as JSON: close to what DynamoDB and EventBridge count against their limits. */
export const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
