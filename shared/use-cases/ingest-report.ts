import { createHash } from 'node:crypto';
import { DETAIL_TYPES } from '../definitions/events.js';
import { parseIncomingKey, QUARANTINE_TAG } from '../definitions/table.js';
import { boundReasons, reasonCount } from '../domain/bounded-reasons.js';
import { MAX_REPORT_BYTES, sniffFileType } from '../domain/file-type.js';
import type { Regime } from '../domain/regime.js';
import { validateReport, type ValidationIssue } from '../domain/report.js';
import { ObjectTooLargeError, type AuditLog, type EventBus, type ObjectStore, type ReportStore, type StoredVersion } from '../ports.js';
import { XlsxRejectedError } from '../xlsx/rejection.js';

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  etag: string;
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
 * Ingests one uploaded report object (S3 "Object Created", at-least-once).
 * 1. Attribute it by its key (period, unit, upload id) — a key this system never issues is ignored.
 * 2. Read it, bounded, and hash it (SHA-256 for the receipt).
 * 3. Parse by content, not by name: JSON, or the Excel template (zip bounded before parsing).
 * 4. Validate with the report schema; the report must name the key's unit and period; a signed
 *    document it names must exist.
 * 5. Store the version, keyed on (unit, period, upload id, etag): a redelivered event finds it.
 *    Reasons are bounded (domain/bounded-reasons.ts) before they are stored.
 * 6. Record it in the audit trail and emit "Report Accepted" or "Report Rejected" (with only the
 *    count of reasons: consumers read them from the store) — also on a redelivery, since a crash
 *    may have come between storing and emitting (consumers are idempotent).
 * The raw object is never deleted: it stays for the audit whatever the outcome.
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
    const bytes = await deps.objects.read(input.key, MAX_REPORT_BYTES);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    const type = sniffFileType(bytes);
    if (type === 'json') {
      format = 'json';
      try {
        parsed = JSON.parse(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''));
      } catch (e) {
        reasons.push(reason(jsonSyntaxReason(e as Error)));
      }
    } else if (type === 'xlsx') {
      format = 'xlsx';
      // Loaded on first use: most uploads are JSON, which need neither the xlsx reader nor the template's field list.
      const { parseTemplate } = await import('../xlsx/parse.js');
      parsed = await parseTemplate(bytes);
    } else {
      reasons.push(reason('Không nhận dạng được nội dung tệp: chỉ nhận báo cáo dạng JSON hoặc tệp Excel (.xlsx) theo biểu mẫu'));
    }
  } catch (e) {
    if (e instanceof ObjectTooLargeError) reasons.push(reason(`Tệp vượt quá dung lượng cho phép (${MAX_REPORT_BYTES} byte)`));
    else if (e instanceof XlsxRejectedError) reasons.push(reason(e.reason));
    else throw e; // transient (S3 unreachable…): let the event be retried
  }

  let report: StoredVersion['report'];
  if (!reasons.length) {
    const result = validateReport(parsed, { regime: deps.regime, expected: { unitId, period } });
    if (result.ok) {
      report = result.report;
      if (report.signedDocumentKey) {
        const expectedPrefix = `signed/${period}/${unitId}/`;
        const doc = report.signedDocumentKey.startsWith(expectedPrefix) ? await deps.objects.head(report.signedDocumentKey) : null;
        if (!doc) reasons.push(reason('Không tìm thấy văn bản đã ký (PDF) của đơn vị đã khai báo', 'signedDocumentKey'));
        // Checked by content, not by name: a PDF starts with %PDF-.
        else if (sniffFileType(await deps.objects.readPrefix(report.signedDocumentKey, 8)) !== 'pdf') {
          reasons.push(reason('Văn bản đã ký không phải tệp PDF', 'signedDocumentKey'));
        }
      }
    } else {
      reasons.push(...result.issues);
    }
  }

  const valid = reasons.length === 0;
  // Stored, published and emailed: bounded (issue 12), or a crafted upload cannot be stored at all.
  const kept = boundReasons(reasons);
  const problems = reasonCount(reasons);
  const version: StoredVersion = {
    period,
    unitId,
    uploadId,
    etag: input.etag,
    key: input.key,
    size: input.size,
    receivedAt: input.time,
    sha256,
    format,
    valid,
    reasons: kept,
    ...(valid && report ? { report } : {}),
    ...(valid && report?.signedDocumentKey ? { signedDocumentKey: report.signedDocumentKey } : {}),
  };
  const stored = await deps.reports.putVersion(version);
  // Quarantined, not deleted: the lifecycle expires it after the retention period.
  if (!valid && sha256) await deps.objects.tag(input.key, { [QUARANTINE_TAG.key]: QUARANTINE_TAG.value });
  await deps.audit.append(period, unitId, {
    at: input.time,
    eventId: `ingest-${uploadId}`,
    action: valid ? 'REPORT_ACCEPTED' : 'REPORT_REJECTED',
    actor: 'system:ingest',
    detail: { key: input.key, sha256, format, size: input.size, reasons: problems, redelivery: stored === 'exists' },
  });
  await deps.bus.publish([
    {
      detailType: valid ? DETAIL_TYPES.reportAccepted : DETAIL_TYPES.reportRejected,
      detail: { period, unitId, uploadId, key: input.key, etag: input.etag, sha256, receivedAt: input.time, format, ...(valid ? {} : { reasonCount: problems }) },
    },
  ]);
  return { outcome: valid ? 'accepted' : 'rejected', version };
}
