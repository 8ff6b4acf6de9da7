import { periodFields } from '../domain/periodicity.js';
import type { PeriodKey } from '../domain/periodicity.js';
import { DETAIL_TYPES } from '../definitions/events.js';
import { findUnit, type Regime } from '../domain/regime.js';
import type { AnnualReport } from '../domain/report.js';
import { sameValue } from '../domain/canonical.js';
import { deriveStatus, summarizeFacts } from '../domain/status.js';
import { ConcurrencyError } from '../errors.js';
import type {
  AuditLog,
  Clock,
  EventBus,
  NewUpload,
  ReportFacts,
  ReportStore,
  StatusChange,
  StatusStore,
  UnitStatusRecord,
} from '../ports.js';

const MAX_ATTEMPTS = 8;
/**
 * Upload ids kept on the status item: about 30 bytes each, so ~30 KB, where every upload a unit
 * ever made would pass DynamoDB's 400 KB item limit after some 14,000 uploads. Older ids are
 * summarised by one watermark (`uploadsThrough`): ids are time-ordered at presign.
 */
export const MAX_KNOWN_UPLOADS = 1000;

/** The ids to keep and the new watermark once `ids` (already reflected) are bounded. */
function boundKnown(ids: readonly string[], through: string | undefined): { uploadIds: string[]; uploadsThrough?: string } {
  const sorted = [...ids].sort();
  const dropped = Math.max(0, sorted.length - MAX_KNOWN_UPLOADS);
  const last = dropped > 0 ? sorted[dropped - 1] : undefined;
  const watermark = last !== undefined && (through === undefined || last > through) ? last : through;
  return { uploadIds: sorted.slice(dropped), ...(watermark === undefined ? {} : { uploadsThrough: watermark }) };
}

/** The headline figures the board shows for a unit's latest valid report. */
export function keyFigures(r: AnnualReport): Record<string, number> {
  // The seed form's headline figures; a report of another form (issue 15) has none of these sections.
  const seed = r as Partial<AnnualReport>;
  if (!seed.dissemination || !seed.planAndSolutions || !seed.emulation) return {};
  return {
    sessions: r.dissemination.sessions,
    participants: r.dissemination.participantsOfficials + r.dissemination.participantsWorkers,
    dialogues: r.planAndSolutions.dialogues,
    petitionsReceived: r.planAndSolutions.petitionsReceived,
    petitionsResolved: r.planAndSolutions.petitionsResolved,
    commended: r.emulation.collectivesCommended + r.emulation.individualsCommended,
  };
}

/**
 * What the stored versions, reviews and extension and the clock say the unit's status item should
 * hold, and whether the stored item already does. Shared with the reconciliation sweep, so both
 * agree on what "stale" means.
 */
export function project(stored: ReportFacts, current: UnitStatusRecord | null, ctx: { regime: Regime; period: PeriodKey; now: Date }) {
  const facts = summarizeFacts(stored.versions, stored.reviews, stored.extension);
  const status = deriveStatus(facts, ctx);
  const known = new Set(current?.uploadIds ?? []);
  const through = current?.uploadsThrough;
  const fresh: NewUpload[] = stored.versions
    .filter((v) => !known.has(v.uploadId) && !(through !== undefined && v.uploadId <= through))
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((v) => ({ uploadId: v.uploadId, receivedAt: v.receivedAt, valid: v.valid }));
  const unchanged = !!current && sameValue(current.facts, facts) && current.status === status && fresh.length === 0;
  return { facts, status, fresh, known, unchanged };
}

/**
 * Recomputes one unit's status for one period after "Report Accepted/Rejected/Reviewed".
 * Idempotent and order-independent: it folds everything stored, not the event.
 * 1. Read the unit's versions, reviews and extension (one Query) and its status item.
 * 2. Derive facts and status with `now`; note uploads not yet announced.
 * 3. Nothing new and already announced → done (a duplicate event changes nothing). Facts are
 *    compared by value: DynamoDB does not keep the key order of the stored map.
 * 4. Otherwise write the item conditionally on its rev (a lost race re-reads and retries),
 *    marked "not announced" with the change to announce.
 * 5. While it is unannounced: append the audit entry (idempotent), publish "Unit Status Changed",
 *    then mark it announced (conditional again). A crash anywhere before the mark leaves it
 *    unannounced, so the next delivery redoes these: nothing is lost.
 */
export async function updateCompliance(
  deps: { reports: ReportStore; statuses: StatusStore; bus: EventBus; audit: AuditLog; clock: Clock; regime: Regime },
  input: { period: PeriodKey; unitId: string },
): Promise<{ changed: boolean; record?: UnitStatusRecord }> {
  const { period, unitId } = input;
  if (!findUnit(deps.regime, unitId)) return { changed: false };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [stored, current] = await Promise.all([deps.reports.facts(period, unitId), deps.statuses.get(period, unitId)]);
    const now = deps.clock.now();
    const { facts, status, fresh, known, unchanged } = project(stored, current, { regime: deps.regime, period, now });

    let record = current;
    if (!unchanged) {
      const carried = current && !current.announced && current.lastChange ? current.lastChange : undefined;
      const latestValid = stored.versions.find((v) => v.uploadId === facts.latestValidUploadId);
      const change: StatusChange = {
        period,
        unitId,
        previousStatus: carried ? carried.previousStatus : (current?.status ?? null),
        status,
        newUploads: [...(carried?.newUploads ?? []), ...fresh],
        ...(facts.returnedAt ? { returnedReason: facts.reasons[0]?.message ?? '' } : {}),
        at: now.toISOString(),
      };
      record = {
        period,
        unitId,
        rev: (current?.rev ?? 0) + 1,
        status,
        facts,
        ...boundKnown([...known, ...fresh.map((u) => u.uploadId)], current?.uploadsThrough),
        ...(latestValid?.report ? { keyFigures: keyFigures(latestValid.report) } : {}),
        lastChange: change,
        announced: false,
        updatedAt: now.toISOString(),
      };
      if (!(await deps.statuses.put(record, current?.rev ?? null))) continue;
    }
    if (!record || record.announced || !record.lastChange) return { changed: false, ...(record ? { record } : {}) };

    // Written while the change is unannounced, not only with the status: a crash between the
    // status write and this entry is redone by the next delivery; (at, eventId) makes it once.
    const change = record.lastChange;
    await deps.audit.append(period, unitId, {
      at: change.at,
      eventId: `status-${record.rev}`,
      action: 'STATUS_CHANGED',
      actor: 'system:compliance',
      detail: { from: change.previousStatus, to: change.status, newUploads: change.newUploads.map((u) => u.uploadId) },
    });

    await deps.bus.publish([
      { detailType: DETAIL_TYPES.unitStatusChanged, detail: { ...record.lastChange, ...periodFields(record.lastChange.period) } },
    ]);
    const announced = { ...record, rev: record.rev + 1, announced: true };
    // Losing this race is harmless: whoever won re-announces or already did.
    await deps.statuses.put(announced, record.rev);
    return { changed: true, record: announced };
  }
  throw new ConcurrencyError(`status of ${unitId} for ${period}`);
}
