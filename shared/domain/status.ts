import type { PeriodKey } from './periodicity.js';
import { boundReasons } from './bounded-reasons.js';
import { endOfLocalDay, periodDates } from './calendar.js';
import type { Regime, UnitGroup } from './regime.js';
import type { ValidationIssue } from './report.js';

/**
 * Compliance status of one unit for one period, derived from what is stored and the clock.
 * Pure: the same facts and `now` always give the same status, so the event-driven projection,
 * every read and the daily job agree (OVERDUE is reached by the clock, not by an event).
 */
export const STATUSES = ['NOT_OPEN', 'PENDING', 'REJECTED', 'RETURNED', 'ON_TIME', 'LATE', 'OVERDUE'] as const;
export type ComplianceStatus = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<ComplianceStatus, string> = {
  NOT_OPEN: 'Chưa mở kỳ báo cáo',
  PENDING: 'Chưa nộp',
  REJECTED: 'Bị từ chối (chưa hợp lệ)',
  RETURNED: 'Trả lại để chỉnh sửa',
  ON_TIME: 'Đúng hạn',
  LATE: 'Trễ hạn',
  OVERDUE: 'Quá hạn, chưa nộp',
};

export interface VersionFact {
  uploadId: string;
  receivedAt: string;
  valid: boolean;
  reasons: ValidationIssue[];
}
export interface ReviewFact {
  reviewId: string;
  at: string;
  decision: 'ACCEPT' | 'RETURN';
  uploadId: string;
  reason?: string;
}
export interface ExtensionFact {
  /** Local date; the extended deadline is the end of that day. */
  until: string;
  reason: string;
  grantedAt: string;
}

/** The compact facts the status is derived from; stored on the unit-status item. */
export interface StatusFacts {
  versions: number;
  firstValidAt?: string;
  firstValidUploadId?: string;
  latestValidUploadId?: string;
  lastUploadAt?: string;
  /** Reasons of the latest upload when nothing valid has arrived since (or a return's reason). */
  reasons: ValidationIssue[];
  /** Set while a RETURN review has no newer valid version. */
  returnedAt?: string;
  extensionUntil?: string;
}

/** Receipt order: S3 time, then the upload id (time-ordered at presign). */
const receiptOrder = (a: VersionFact, b: VersionFact) => a.receivedAt.localeCompare(b.receivedAt) || a.uploadId.localeCompare(b.uploadId);

/** Folds all recorded versions, reviews and the extension into the status facts (order-independent). */
export function summarizeFacts(versions: readonly VersionFact[], reviews: readonly ReviewFact[], extension?: ExtensionFact): StatusFacts {
  const byTime = [...versions].sort(receiptOrder);
  const valid = byTime.filter((v) => v.valid);
  const last = byTime.at(-1);
  const lastReview = [...reviews].sort((a, b) => a.at.localeCompare(b.at) || a.reviewId.localeCompare(b.reviewId)).at(-1);
  const latestValid = valid.at(-1);
  // A return is cleared by a valid version received after the one it sent back. Receipt order,
  // not clock strings: S3 event times have whole seconds, review times milliseconds.
  const reviewed = lastReview && byTime.find((v) => v.uploadId === lastReview.uploadId);
  const clears = (v: VersionFact) => (reviewed ? receiptOrder(v, reviewed) > 0 : v.receivedAt > (lastReview?.at ?? ''));
  const returned = lastReview?.decision === 'RETURN' && !valid.some(clears) ? lastReview : undefined;
  const facts: StatusFacts = { versions: byTime.length, reasons: [] };
  if (valid[0]) {
    facts.firstValidAt = valid[0].receivedAt;
    facts.firstValidUploadId = valid[0].uploadId;
  }
  if (latestValid) facts.latestValidUploadId = latestValid.uploadId;
  if (last) facts.lastUploadAt = last.receivedAt;
  if (returned) {
    facts.returnedAt = returned.at;
    facts.reasons = [{ path: '', message: returned.reason ?? 'Sở Nội vụ trả lại báo cáo để chỉnh sửa' }];
  } else if (last && !last.valid) {
    // Bounded again: a version stored before reasons were bounded must not overflow the status item.
    facts.reasons = boundReasons(last.reasons);
  }
  if (extension) facts.extensionUntil = extension.until;
  return facts;
}

/** The deadline in force for a unit: the regime's, or its extension if later. */
export function effectiveDueAt(regime: Regime, period: PeriodKey, facts: Pick<StatusFacts, 'extensionUntil'>): Date {
  const due = periodDates(regime, period).dueAt;
  if (!facts.extensionUntil) return due;
  const ext = endOfLocalDay(facts.extensionUntil, regime.timeZone);
  return ext > due ? ext : due;
}

export function deriveStatus(facts: StatusFacts, ctx: { regime: Regime; period: PeriodKey; now: Date }): ComplianceStatus {
  const dueAt = effectiveDueAt(ctx.regime, ctx.period, facts);
  if (facts.returnedAt) return 'RETURNED';
  if (facts.firstValidAt) return new Date(facts.firstValidAt) <= dueAt ? 'ON_TIME' : 'LATE';
  if (ctx.now > dueAt) return 'OVERDUE';
  if (facts.versions > 0) return 'REJECTED';
  if (ctx.now < periodDates(ctx.regime, ctx.period).opensAt) return 'NOT_OPEN';
  return 'PENDING';
}

/** Has the unit reported (an accepted report that was not sent back)? */
export const hasReported = (s: ComplianceStatus) => s === 'ON_TIME' || s === 'LATE';

export interface Rates {
  expected: number;
  reported: number;
  onTime: number;
  /** DHIS2: reports received / reports expected. */
  reportingRate: number;
  /** DHIS2: reports received on time / reports expected. */
  onTimeRate: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

export function computeRates(statuses: readonly ComplianceStatus[]): Rates {
  const reported = statuses.filter(hasReported).length;
  const onTime = statuses.filter((s) => s === 'ON_TIME').length;
  return {
    expected: statuses.length,
    reported,
    onTime,
    reportingRate: ratio(reported, statuses.length),
    onTimeRate: ratio(onTime, statuses.length),
  };
}

export function ratesByGroup(rows: readonly { group: UnitGroup; status: ComplianceStatus }[]): Record<UnitGroup, Rates> {
  return {
    province: computeRates(rows.filter((r) => r.group === 'province').map((r) => r.status)),
    district: computeRates(rows.filter((r) => r.group === 'district').map((r) => r.status)),
  };
}
