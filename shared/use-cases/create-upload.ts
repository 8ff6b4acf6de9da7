import { periodParam } from '../domain/period-param.js';
import { randomBytes } from 'node:crypto';
import { resolvePeriod } from './periods.js';
import { objectKeys } from '../definitions/table.js';
import { clip } from '../domain/bounded-reasons.js';
import { endOfLocalDay, periodDates, vietnameseDateTime } from '../domain/calendar.js';
import { periodClosesAt } from '../domain/period-close.js';
import { UPLOAD_KINDS, type UploadContentType } from '../domain/file-type.js';
import { periodLabel } from '../domain/periodicity.js';
import { expectedUnits } from '../domain/regime.js';
import type { Regimes } from '../domain/regimes.js';
import { RequestError } from '../errors.js';
import type { AuditLog, Clock, ReportStore, TokenStore, UploadSigner } from '../ports.js';
import * as z from '../zod-mini.js';
import { authenticateUnit, requireBoundPeriod } from './tokens.js';
import { validateRequest } from './validate-request.js';

export const UPLOAD_EXPIRY_SECONDS = 300;

export const UploadRequestSchema = z.strictObject({
  /** The regime the report is for (DESIGN.md section 3); absent: the deployment's main regime. */
  regime: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** A year (2026) or a period id ('2026-Q3') of the regime's periodicity. */
  period: periodParam('Phải là năm dạng YYYY hoặc mã kỳ như 2026-Q3'),
  fileName: z.string().check(z.minLength(1), z.maxLength(200)),
  contentType: z.string().check(z.minLength(1), z.maxLength(200)),
  size: z.number().check(z.int(), z.minimum(1)),
});

/** A time-ordered, unguessable upload id: base36 milliseconds + 64 random bits. */
export function newUploadId(now: Date): string {
  return now.getTime().toString(36).padStart(9, '0') + randomBytes(8).toString('hex');
}

/**
 * POST /uploads: a presigned POST for one file of the token's unit.
 * 1. Authenticate the unit token (401/403) before the body is even read: a caller without a valid
 *    token learns nothing about the request's shape.
 * 2. Read and validate the body (400, in Vietnamese, naming the fields).
 * 3. Check the period: known, the unit expected in it, open, bound to the token (403), and not
 *    closed (the summary's publication plus a grace window, unless the unit's extension runs
 *    later) (400/403/409).
 * 4. Check the declared type and size against the kind's limits (415/413).
 * 5. Build the key from the token's unit — never from the client — and presign a POST pinning
 *    key, content type, size range and a short expiry.
 * 6. Record the token's use in the audit trail.
 */
export async function createUpload(
  deps: { tokens: TokenStore; objects: UploadSigner; audit: AuditLog; clock: Clock; regimes: Regimes; reports: Pick<ReportStore, 'facts'> },
  input: { token: string | null; readBody: () => unknown },
) {
  const { unit, record } = await authenticateUnit(deps, input.token);
  const body = validateRequest(UploadRequestSchema, input.readBody());
  const { fileName, contentType, size } = body;
  const now = deps.clock.now();
  const { regime, period } = resolvePeriod(deps.regimes, body, now);
  const named = periodLabel(regime.frequency, period);
  if (!expectedUnits(regime, period).some((u) => u.id === unit.id)) {
    throw new RequestError(403, 'UNIT_NOT_EXPECTED', `${unit.name} không thuộc diện báo cáo kỳ ${named}`);
  }
  const dates = periodDates(regime, period);
  if (now < dates.opensAt) {
    throw new RequestError(409, 'PERIOD_NOT_OPEN', `Kỳ báo cáo ${named} chưa mở (mở từ ${dates.opensAt.toISOString().slice(0, 10)})`);
  }
  requireBoundPeriod(deps.regimes.main, record, period, regime);
  const closedAt = periodClosesAt(regime, period);
  if (now >= closedAt) {
    // Read only past the close: the usual upload costs no extra read.
    const { extension } = await deps.reports.facts(period, unit.id);
    if (!extension || now > endOfLocalDay(extension.until, regime.timeZone)) {
      throw new RequestError(
        409,
        'PERIOD_CLOSED',
        `Kỳ báo cáo ${named} đã khóa từ ${vietnameseDateTime(closedAt, regime.timeZone)} (sau khi công bố báo cáo tổng hợp); không nhận thêm báo cáo. Liên hệ Sở Nội vụ nếu cần gia hạn`,
      );
    }
  }
  const kind = UPLOAD_KINDS[contentType as UploadContentType];
  if (!kind) {
    throw new RequestError(
      415,
      'UNSUPPORTED_TYPE',
      `Loại tệp ${clip(contentType, 80)} không được nhận; chỉ nhận JSON, Excel (.xlsx) hoặc PDF văn bản đã ký`,
    );
  }
  if (!fileName.toLowerCase().endsWith(`.${kind.ext}`)) {
    throw new RequestError(
      415,
      'UNSUPPORTED_TYPE',
      `Tên tệp "${clip(fileName, 80)}" không khớp loại ${clip(contentType, 80)} (cần đuôi .${kind.ext})`,
    );
  }
  if (size > kind.maxSize) {
    throw new RequestError(413, 'FILE_TOO_LARGE', `Tệp ${size} byte vượt giới hạn ${kind.maxSize} byte`);
  }
  const uploadId = newUploadId(now);
  const key = kind.ext === 'pdf' ? objectKeys.signed(period, unit.id, uploadId) : objectKeys.incoming(period, unit.id, uploadId, kind.ext);
  const post = await deps.objects.presignPost({
    key,
    contentType,
    minSize: 1,
    maxSize: kind.maxSize,
    expiresSeconds: UPLOAD_EXPIRY_SECONDS,
  });
  const at = now.toISOString();
  await deps.tokens.touch(record.tokenHash, at);
  await deps.audit.append(period, unit.id, {
    at,
    eventId: `presign-${uploadId}`,
    action: 'UPLOAD_AUTHORIZED',
    actor: `token:${record.tokenHash.slice(0, 12)}`,
    detail: { key, fileName, contentType, size },
  });
  return { ...post, key, uploadId, expiresAt: new Date(now.getTime() + UPLOAD_EXPIRY_SECONDS * 1000).toISOString() };
}
