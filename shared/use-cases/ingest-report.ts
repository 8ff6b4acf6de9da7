import { periodFields } from '../domain/periodicity.js';
import { createHash } from 'node:crypto';
import { DETAIL_TYPES } from '../definitions/events.js';
import { parseIncomingKey, QUARANTINE_TAG } from '../definitions/table.js';
import { boundReasons, reasonCount } from '../domain/bounded-reasons.js';
import { MAX_REPORT_BYTES, sniffFileType } from '../domain/file-type.js';
import type { Regime } from '../domain/regime.js';
import { currentForm, validateReport, type ValidationIssue } from '../domain/report.js';
import { ObjectTooLargeError, type AuditLog, type EventBus, type ObjectStore, type ReportStore, type StoredVersion } from '../ports.js';
import { XlsxRejectedError } from '../xlsx/rejection.js';

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  /** The S3 version id of the object created: what is read, tagged and linked (the key may be written again). */
  versionId: string;
  /** The event time: when S3 stored the object. Decides timeliness. */
  time: string;
}

const reason = (message: string, path = ''): ValidationIssue => ({ path, message });

/**
 * The parser's own message is English and may quote the input: the unit reads a Vietnamese
 * sentence with the position of the error when the parser gives one.
 */
function jsonSyntaxReason(e: Error): string {
  const at = /position (\d+)/.exec(e.message)?.[1];
  return `Tệp JSON không đọc được: sai cú pháp JSON${at === undefined ? '' : ` (ở ký tự thứ ${Number(at) + 1})`}`;
}

/**
 * The upload id a second object under an already-ingested upload id is recorded under: the
 * original id plus a digest of its S3 version id — stable across redeliveries, distinct per
 * object, and still a plain upload id ([0-9a-z], at most 38 characters) for reviews and emails.
 */
export function reusedUploadId(uploadId: string, versionId: string): string {
  return `${uploadId}r${createHash('sha256').update(versionId).digest('hex').slice(0, 12)}`;
}

/**
 * Ingests one uploaded report object (S3 "Object Created", at-least-once).
 * 1. Attribute it by its key (period, unit, upload id) — a key this system never issues is ignored.
 * 2. Read it, bounded, and hash it (SHA-256 for the receipt).
 * 3. Parse by content, not by name: JSON, or the Excel template (zip bounded before parsing).
 * 4. Validate with the report schema; the report must name the key's unit and period; a signed
 *    document it names must exist.
 * 5. Store the version, keyed on (unit, period, upload id): a redelivered event (same key and S3
 *    version id) finds it. A presigned POST can be used again while it is valid; a second object
 *    under an upload id already ingested never replaces the first: it is refused and recorded as
 *    its own rejected version (reusedUploadId, a Vietnamese reason), so the audit, the board and
 *    the rejection email show it, and only its own version is quarantined.
 *    Reasons are bounded (domain/bounded-reasons.ts) before they are stored.
 * 6. Record it in the audit trail and emit "Report Accepted" or "Report Rejected" (with only the
 *    count of reasons: consumers read them from the store) — also on a redelivery, since a crash
 *    may have come between storing and emitting (consumers are idempotent).
 * The raw object is never deleted: it stays for the audit whatever the outcome. Everything is
 * read, tagged and later linked by the S3 version id, never by key alone.
 */
export async function ingestReport(
  deps: { objects: ObjectStore; reports: ReportStore; bus: EventBus; audit: AuditLog; regime: Regime },
  input: ObjectCreated,
): Promise<{ outcome: 'accepted' | 'rejected' | 'ignored'; version?: StoredVersion }> {
  const ref = parseIncomingKey(input.key);
  if (!ref) return { outcome: 'ignored' };
  const { period, unitId, uploadId } = ref;
  const reasons: ValidationIssue[] = [];
  let sha256 = '';
  let format: StoredVersion['format'] = 'unknown';
  let parsed: unknown;

  try {
    const bytes = await deps.objects.read(input.key, MAX_REPORT_BYTES, input.versionId);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    const type = sniffFileType(bytes);
    if (type === 'json') {
      format = 'json';
      try {
        parsed = JSON.parse(
          Buffer.from(bytes)
            .toString('utf8')
            .replace(/^\uFEFF/, ''),
        );
      } catch (e) {
        reasons.push(reason(jsonSyntaxReason(e as Error)));
      }
    } else if (type === 'xlsx') {
      format = 'xlsx';
      // Loaded on first use: most uploads are JSON, which need neither the xlsx reader nor the template's field list.
      const { parseTemplate } = await import('../xlsx/parse.js');
      parsed = await parseTemplate(bytes, currentForm(deps.regime));
    } else {
      reasons.push(reason('Không nhận dạng được nội dung tệp: chỉ nhận báo cáo dạng JSON hoặc tệp Excel (.xlsx) theo biểu mẫu'));
    }
  } catch (e) {
    if (e instanceof ObjectTooLargeError) reasons.push(reason(`Tệp vượt quá dung lượng cho phép (${MAX_REPORT_BYTES} byte)`));
    else if (e instanceof XlsxRejectedError) reasons.push(reason(e.reason));
    else throw e; // transient (S3 unreachable…): let the event be retried
  }

  let report: StoredVersion['report'];
  let signedDocumentVersionId: string | undefined;
  if (!reasons.length) {
    const result = validateReport(parsed, { regime: deps.regime, expected: { unitId, period } });
    if (result.ok) {
      report = result.report;
      if (report.signedDocumentKey) {
        const expectedPrefix = `signed/${period}/${unitId}/`;
        const doc = report.signedDocumentKey.startsWith(expectedPrefix) ? await deps.objects.head(report.signedDocumentKey) : null;
        if (!doc) reasons.push(reason('Không tìm thấy văn bản đã ký (PDF) của đơn vị đã khai báo', 'signedDocumentKey'));
        // Checked by content, not by name: a PDF starts with %PDF-. The version checked is the one linked.
        else if (sniffFileType(await deps.objects.readPrefix(report.signedDocumentKey, 8, doc.versionId)) !== 'pdf') {
          reasons.push(reason('Văn bản đã ký không phải tệp PDF', 'signedDocumentKey'));
        } else signedDocumentVersionId = doc.versionId;
      }
    } else {
      reasons.push(...result.issues);
    }
  }

  const judged = reasons.length === 0;
  // Stored, published and emailed: bounded (issue 12), or a crafted upload cannot be stored at all.
  // What is known of the object whatever the verdict: the record of this S3 version.
  const object = {
    period,
    unitId,
    etag: input.etag,
    key: input.key,
    size: input.size,
    receivedAt: input.time,
    sha256,
    format,
    s3VersionId: input.versionId,
  };
  let version: StoredVersion = {
    ...object,
    uploadId,
    valid: judged,
    reasons: boundReasons(reasons),
    ...(judged && report ? { report } : {}),
    ...(judged && report?.signedDocumentKey ? { signedDocumentKey: report.signedDocumentKey } : {}),
    ...(judged && signedDocumentVersionId ? { signedDocumentVersionId } : {}),
  };
  let stored = await deps.reports.putVersion(version);
  if (stored === 'taken') {
    // Refused whatever its content: one presigned POST is one submission, and the unit is told to make a new one.
    version = {
      ...object,
      uploadId: reusedUploadId(uploadId, input.versionId),
      valid: false,
      reasons: [
        reason(
          `Liên kết tải lên của lần nộp ${uploadId} đã được dùng để gửi một tệp khác trước đó; tệp này không được tiếp nhận và không thay thế tệp đã gửi. Nếu cần gửi tệp này, vui lòng nộp lại trên trang nộp báo cáo: mỗi lần nộp được cấp một liên kết riêng.`,
        ),
      ],
    };
    stored = await deps.reports.putVersion(version);
    if (stored === 'taken') throw new Error(`Upload id ${version.uploadId} already holds another object version than ${input.versionId}`);
  }
  const valid = version.valid;
  // Quarantined, not deleted: the lifecycle expires it after the retention period. Only this
  // version: a later object under the same key is judged, and tagged, on its own.
  if (!valid && sha256) await deps.objects.tag(input.key, { [QUARANTINE_TAG.key]: QUARANTINE_TAG.value }, input.versionId);
  await deps.audit.append(period, unitId, {
    at: input.time,
    eventId: `ingest-${version.uploadId}`,
    action: valid ? 'REPORT_ACCEPTED' : 'REPORT_REJECTED',
    actor: 'system:ingest',
    detail: {
      key: input.key,
      versionId: input.versionId,
      sha256,
      format,
      size: input.size,
      reasons: reasonCount(version.reasons),
      redelivery: stored === 'exists',
      ...(version.uploadId !== uploadId ? { reusedUploadId: uploadId } : {}),
    },
  });
  await deps.bus.publish([
    {
      detailType: valid ? DETAIL_TYPES.reportAccepted : DETAIL_TYPES.reportRejected,
      detail: {
        ...periodFields(period),
        unitId,
        uploadId: version.uploadId,
        key: input.key,
        versionId: input.versionId,
        etag: input.etag,
        sha256,
        receivedAt: input.time,
        format,
        ...(valid ? {} : { reasonCount: reasonCount(version.reasons) }),
      },
    },
  ]);
  return { outcome: valid ? 'accepted' : 'rejected', version };
}
