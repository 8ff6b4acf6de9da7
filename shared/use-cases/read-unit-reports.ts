import { periodFields, periodSlug, type PeriodKey } from '../domain/periodicity.js';
import { regimeFor, type Regimes } from '../domain/regimes.js';
import { localDate, periodDates } from '../domain/calendar.js';
import { expectedUnits, type UnitGroup } from '../domain/regime.js';
import { reportSections, type ReportSection } from '../domain/report-fields.js';
import { currentForm, type AnnualReport, type ValidationIssue } from '../domain/report.js';
import {
  deriveStatus,
  effectiveDueAt,
  summarizeFacts,
  type ComplianceStatus,
  type ExtensionFact,
  type ReviewFact,
} from '../domain/status.js';
import type { Clock, DownloadSigner, ReportStore, StoredVersion } from '../ports.js';
import { byReceipt, requireUnit } from './review-report.js';
import { keyFigures } from './update-compliance.js';

/** Download links are short-lived: the board asks again when a panel is reopened. */
export const DOWNLOAD_LINK_SECONDS = 300;

export interface VersionView {
  /** 1 for the first upload, in order of receipt. */
  number: number;
  uploadId: string;
  etag: string;
  receivedAt: string;
  valid: boolean;
  reasons: ValidationIssue[];
  sha256: string;
  format: StoredVersion['format'];
  size: number;
  /** The latest valid version: the one a review applies to. */
  latestValid: boolean;
  keyFigures: Record<string, number> | null;
  report: AnnualReport | null;
  reviews: ReviewFact[];
  downloads: { raw: string; signed: string | null };
}

export interface UnitReports {
  /** The period (periodJson), and the regime when it is not the main one. */
  period: number | string;
  regime?: string;
  asOf: string;
  unit: { id: string; name: string; group: UnitGroup; email: string; expected: boolean };
  status: ComplianceStatus;
  /** Local dates: the regime's deadline and the one in force (an extension's, if later). */
  dueDate: string;
  effectiveDueDate: string;
  extension: ExtensionFact | null;
  versions: VersionView[];
  reviews: ReviewFact[];
  linksExpireAt: string;
  /** The sections of the regime's current form: the board draws the report view from them (not from the page it was built with). */
  sections: readonly ReportSection[];
}

const extOf = (key: string) => /\.([a-z0-9]+)$/.exec(key)?.[1] ?? 'bin';

/**
 * One unit's report for one period as Sở Nội vụ reviews it (GET /units/{id}/reports).
 * 1. The unit must exist (404); units outside the period's validity window are still readable.
 * 2. Read its versions, reviews and extension (one Query on the unit's report partition).
 * 3. Derive the status from those facts and `now` with the same domain functions as compliance.
 * 4. Number the versions in order of receipt; give valid ones their full report and key figures,
 *    invalid ones their reasons; attach each version's reviews.
 * 5. Presign short-lived GET links for the raw upload and the signed PDF.
 */
export async function readUnitReports(
  deps: { reports: ReportStore; objects: DownloadSigner; clock: Clock; regimes: Regimes },
  input: { unitId: string; period: PeriodKey },
): Promise<UnitReports> {
  const unit = requireUnit(deps.regimes, input.unitId);
  const { period } = input;
  const regime = regimeFor(deps.regimes, period);
  const now = deps.clock.now();
  const stored = await deps.reports.facts(period, unit.id);
  const facts = summarizeFacts(stored.versions, stored.reviews, stored.extension);
  const status = deriveStatus(facts, { regime: regime, period, now });
  const ordered = [...stored.versions].sort(byReceipt);
  const reviews = [...stored.reviews].sort((a, b) => a.at.localeCompare(b.at) || a.reviewId.localeCompare(b.reviewId));
  const latestValid = ordered.filter((v) => v.valid).at(-1);

  const versions = await Promise.all(
    ordered.map(async (v, i): Promise<VersionView> => {
      const number = i + 1;
      const base = `${unit.id}-${periodSlug(period)}-ban-${number}`;
      const [raw, signed] = await Promise.all([
        // By version: the key may have been written again since (a reused POST); the link serves the bytes judged.
        deps.objects.presignGet(v.key, DOWNLOAD_LINK_SECONDS, `${base}.${extOf(v.key)}`, v.s3VersionId),
        v.valid && v.signedDocumentKey
          ? deps.objects.presignGet(v.signedDocumentKey, DOWNLOAD_LINK_SECONDS, `${base}-van-ban-ky.pdf`, v.signedDocumentVersionId)
          : null,
      ]);
      return {
        number,
        uploadId: v.uploadId,
        etag: v.etag,
        receivedAt: v.receivedAt,
        valid: v.valid,
        reasons: v.reasons,
        sha256: v.sha256,
        format: v.format,
        size: v.size,
        latestValid: v === latestValid,
        keyFigures: v.valid && v.report ? keyFigures(v.report) : null,
        report: v.valid && v.report ? v.report : null,
        reviews: reviews.filter((r) => r.uploadId === v.uploadId),
        downloads: { raw, signed },
      };
    }),
  );

  const tz = regime.timeZone;
  return {
    ...periodFields(period),
    asOf: now.toISOString(),
    unit: {
      id: unit.id,
      name: unit.name,
      group: unit.group,
      email: unit.email,
      expected: expectedUnits(regime, period).some((u) => u.id === unit.id),
    },
    status,
    dueDate: periodDates(regime, period).dueDate,
    effectiveDueDate: localDate(effectiveDueAt(regime, period, facts), tz),
    extension: stored.extension ?? null,
    versions,
    reviews,
    linksExpireAt: new Date(now.getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    sections: reportSections(currentForm(regime)),
  };
}
