import { periodParam } from '../domain/period-param.js';
import { randomBytes } from 'node:crypto';
import { DETAIL_TYPES } from '../definitions/events.js';
import { listNames } from '../domain/bounded-reasons.js';
import { periodFields, periodLabel } from '../domain/periodicity.js';
import type { Unit } from '../domain/regime.js';
import { unitIn, type Regimes } from '../domain/regimes.js';
import { resolvePeriod } from './periods.js';
import { staffActor, type StaffIdentity } from '../domain/staff.js';
import { deriveStatus, summarizeFacts, type ComplianceStatus, type ReviewFact } from '../domain/status.js';
import { RequestError } from '../errors.js';
import type { AuditLog, Clock, EventBus, ReportStore, StoredVersion } from '../ports.js';
import * as z from '../zod-mini.js';
import { validateRequest } from './validate-request.js';

/** A review's or an extension's free-text reason: what the unit reads in its email. */
export const REASON_MAX = 2000;
const UNIT_ID = /^[a-z0-9-]{1,64}$/;

/** Object bodies of the admin API: strict, every message in Vietnamese. zod/mini (shared/zod-mini.ts). */
export const strictBody = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `Trường không thuộc yêu cầu: ${listNames(iss.keys)}`
        : 'Nội dung yêu cầu phải là một đối tượng JSON',
  });

/** The period a request is about: a year (2026) or a period id ('2026-Q3'), checked against the regime by resolvePeriod. */
export const periodField = periodParam();

/** The regime a request is about (DESIGN.md section 3); absent: the deployment's main regime. */
export const regimeField = z
  .string({ error: 'Mã chế độ báo cáo (regime) phải là văn bản' })
  .check(z.maxLength(64, 'Mã chế độ báo cáo (regime) không hợp lệ'));

export const reasonField = z
  .string({ error: 'Lý do phải là văn bản' })
  .check(z.trim(), z.maxLength(REASON_MAX, `Lý do tối đa ${REASON_MAX} ký tự`));

/**
 * A name typed on the older board. Accepted so that board keeps working, and ignored: who acted
 * is taken from the verified token (StaffIdentity), never from the request.
 */
export const reviewerField = z
  .string({ error: 'Tên cán bộ xử lý phải là văn bản' })
  .check(z.trim(), z.maxLength(100, 'Tên cán bộ xử lý tối đa 100 ký tự'));

export const ReviewRequestSchema = strictBody({
  regime: z.optional(regimeField),
  period: periodField,
  uploadId: z.string({ error: 'Thiếu mã bản nộp (uploadId)' }).check(z.regex(/^[0-9a-z]{10,40}$/, 'Mã bản nộp (uploadId) không hợp lệ')),
  decision: z.enum(['ACCEPT', 'RETURN'], { error: 'Quyết định (decision) phải là ACCEPT (chấp nhận) hoặc RETURN (trả lại)' }),
  reason: z.optional(reasonField),
  reviewer: z.optional(reviewerField),
}).check(
  z.superRefine((r, ctx) => {
    if (r.decision === 'RETURN' && !r.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Trả lại báo cáo thì phải ghi lý do để đơn vị chỉnh sửa' });
    }
  }),
);
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

/** Request bodies are validated as every HTTP body is (Vietnamese, bounded). */
export { validateRequest };

/** The unit named in the path: 400 when it cannot be an id, 404 when no regime of the deployment has such a unit. */
export function requireUnit(regimes: Regimes, unitId: string): Unit {
  if (!UNIT_ID.test(unitId)) throw new RequestError(400, 'INVALID_UNIT', 'Mã đơn vị không hợp lệ');
  const unit = unitIn(regimes, unitId);
  if (!unit) throw new RequestError(404, 'UNKNOWN_UNIT', `Không có đơn vị mã "${unitId}"`);
  return unit;
}

export const byReceipt = (a: StoredVersion, b: StoredVersion) =>
  a.receivedAt.localeCompare(b.receivedAt) || a.uploadId.localeCompare(b.uploadId);

/** What Sở Nội vụ's decisions on a unit (review, extension) need: a fact stored, audited and announced. */
export interface AdminActionDeps {
  reports: ReportStore;
  audit: AuditLog;
  bus: EventBus;
  clock: Clock;
  regimes: Regimes;
}

const newId = (now: Date) => now.getTime().toString(36) + randomBytes(6).toString('hex');

/**
 * Sở Nội vụ accepts a unit's report version or returns it for revision (POST /units/{id}/review).
 * 1. Validate the request: a RETURN needs a reason of at most 2000 characters (400).
 * 2. The unit must exist (404) and the version must be stored (404 UNKNOWN_VERSION), valid
 *    (409 INVALID_VERSION: a rejected upload was already answered with its reasons) and the latest
 *    valid one (409 SUPERSEDED_VERSION: the unit has sent a newer report since the page was loaded).
 * 3. Store the review (a new fact; reviews are never overwritten) and append it to the audit trail
 *    under the verified identity of the person acting (`actor`; a `reviewer` field is ignored).
 * 4. Publish "Report Reviewed": compliance recomputes the status (RETURNED, or back to ON_TIME/LATE
 *    on ACCEPT), and on RETURNED the receipt function emails the unit the reason and a fresh link.
 * Returns the review and the status it leads to, for the board to show at once.
 */
export async function reviewReport(
  deps: AdminActionDeps,
  input: { unitId: string; actor: StaffIdentity; body: unknown },
): Promise<{ review: ReviewFact; status: ComplianceStatus }> {
  const unit = requireUnit(deps.regimes, input.unitId);
  const req = validateRequest(ReviewRequestSchema, input.body);
  const { regime, period } = resolvePeriod(deps.regimes, req, deps.clock.now());
  const facts = await deps.reports.facts(period, unit.id);
  const ordered = [...facts.versions].sort(byReceipt);
  const version = ordered.filter((v) => v.uploadId === req.uploadId).at(-1);
  if (!version) {
    throw new RequestError(
      404,
      'UNKNOWN_VERSION',
      `Không có bản nộp "${req.uploadId}" của ${unit.name} cho kỳ báo cáo ${periodLabel(regime.frequency, period)}`,
    );
  }
  if (!version.valid) {
    throw new RequestError(409, 'INVALID_VERSION', 'Bản nộp này không hợp lệ (đã bị từ chối khi kiểm tra); chỉ xem xét được bản hợp lệ');
  }
  const latestValid = ordered.filter((v) => v.valid).at(-1);
  if (latestValid && latestValid.uploadId !== version.uploadId) {
    throw new RequestError(409, 'SUPERSEDED_VERSION', 'Đơn vị đã gửi bản báo cáo mới hơn; tải lại bảng theo dõi và xem xét bản mới nhất');
  }

  const now = deps.clock.now();
  const review: ReviewFact = {
    reviewId: newId(now),
    at: now.toISOString(),
    decision: req.decision,
    uploadId: version.uploadId,
    ...(req.reason ? { reason: req.reason } : {}),
  };
  await deps.reports.putReview(period, unit.id, review);
  await deps.audit.append(period, unit.id, {
    at: review.at,
    eventId: `review-${review.reviewId}`,
    action: 'REPORT_REVIEWED',
    ...staffActor(input.actor),
    detail: { uploadId: review.uploadId, decision: review.decision, ...(review.reason ? { reason: review.reason } : {}) },
  });
  await deps.bus.publish([
    {
      detailType: DETAIL_TYPES.reportReviewed,
      detail: { ...periodFields(period), unitId: unit.id, uploadId: review.uploadId, decision: review.decision, reviewId: review.reviewId },
    },
  ]);
  const status = deriveStatus(summarizeFacts(facts.versions, [...facts.reviews, review], facts.extension), {
    regime,
    period,
    now,
  });
  return { review, status };
}
