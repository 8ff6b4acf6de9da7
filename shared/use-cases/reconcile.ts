import type { PeriodKey } from '../domain/periodicity.js';
import { parseIncomingKey, objectKeys } from '../definitions/table.js';
import type { Regime } from '../domain/regime.js';
import type { ComplianceStatus } from '../domain/status.js';
import type { AuditLog, Clock, EventBus, ObjectLister, ObjectStore, ReportStore, StatusStore } from '../ports.js';
import { ingestReport } from './ingest-report.js';
import { project, updateCompliance } from './update-compliance.js';

/** The sweep lists what it did; a period has a few dozen units, but a listing must stay bounded. */
export const MAX_LISTED = 200;

export interface ReconcileResult {
  period: PeriodKey;
  asOf: string;
  dryRun: boolean;
  /** Report objects under incoming/{period}/ looked at. */
  scanned: number;
  /** Objects that had no version record (a dropped or dead-lettered "Object Created"), ingested now. */
  ingested: { key: string; unitId: string; outcome: 'accepted' | 'rejected' | 'ignored' | 'would-ingest' }[];
  /** Units whose stored status item disagreed with their versions and the clock. */
  recomputed: {
    unitId: string;
    from: ComplianceStatus | null;
    to: ComplianceStatus;
    outcome: 'changed' | 'unchanged' | 'would-recompute';
  }[];
  /** True when a list above was cut at MAX_LISTED (the work was still done). */
  truncated: boolean;
}

/**
 * The reconciliation sweep: "never lost" must not depend on one event being delivered.
 * 1. List the period's objects under incoming/; each one with no version record for its
 *    (upload id, etag) is ingested as its "Object Created" would have been, at the time S3 stored it.
 * 2. For each other unit of the regime, compare its status item with what its versions and `now`
 *    imply (the same projection compliance uses); a stale or unannounced one is recomputed.
 * Both steps are idempotent (ingest stores by upload id and etag, compliance by rev), so a second
 * run, or a run racing the event path, does nothing more. `dryRun` only reports.
 */
export async function reconcile(
  deps: {
    objects: ObjectStore & ObjectLister;
    reports: ReportStore;
    statuses: StatusStore;
    bus: EventBus;
    audit: AuditLog;
    clock: Clock;
    regime: Regime;
    bucket: string;
  },
  input: { period: PeriodKey; dryRun?: boolean },
): Promise<ReconcileResult> {
  const { period } = input;
  const dryRun = input.dryRun ?? false;
  const now = deps.clock.now();
  const result: ReconcileResult = { period, asOf: now.toISOString(), dryRun, scanned: 0, ingested: [], recomputed: [], truncated: false };
  const push = <T>(list: T[], item: T) => (list.length < MAX_LISTED ? list.push(item) : (result.truncated = true));

  const listed = await deps.objects.list(`${objectKeys.incomingPrefix}${period}/`);
  const byUnit = new Map<string, typeof listed>();
  for (const o of listed) {
    const ref = parseIncomingKey(o.key);
    if (!ref || ref.period !== period) continue;
    result.scanned++;
    byUnit.set(ref.unitId, [...(byUnit.get(ref.unitId) ?? []), o]);
  }
  // Only units with something stored can disagree with it: those with objects or a status item
  // (a unit with neither has its status derived at read time). One list call, not one read per unit.
  const items = new Map((await deps.statuses.list(period)).map((r) => [r.unitId, r]));
  const unitIds = [...new Set([...deps.regime.units.map((u) => u.id), ...byUnit.keys()])].filter((id) => byUnit.has(id) || items.has(id));
  for (const unitId of unitIds) {
    const objects = byUnit.get(unitId) ?? [];
    const stored = await deps.reports.facts(period, unitId);
    // One record per upload id (ingest claims it): an object whose upload id has none was never judged.
    const recorded = new Set(stored.versions.map((v) => v.uploadId));
    const missing = objects.filter((o) => !recorded.has(parseIncomingKey(o.key)!.uploadId));
    for (const o of missing) {
      if (dryRun) {
        push(result.ingested, { key: o.key, unitId, outcome: 'would-ingest' });
        continue;
      }
      // The listing names no version: the current one is what the lost event announced (or later).
      const head = await deps.objects.head(o.key);
      if (!head?.versionId) continue;
      const r = await ingestReport(deps, {
        bucket: deps.bucket,
        key: o.key,
        size: head.size,
        etag: head.etag,
        versionId: head.versionId,
        time: o.lastModified.replace(/\.\d{3}Z$/, 'Z'),
      });
      push(result.ingested, { key: o.key, unitId, outcome: r.outcome });
    }
    // The ingest just published "Report Accepted/Rejected", whose compliance run recomputes the unit;
    // recomputing here too would race it into announcing the change twice. If that event is lost
    // as well, the next sweep finds the unit stale.
    if ((missing.length && !dryRun) || !deps.regime.units.some((u) => u.id === unitId)) continue;

    const current = items.get(unitId) ?? null;
    if (!current && stored.versions.length === 0 && missing.length === 0) continue;
    const p = project(stored, current, { regime: deps.regime, period, now });
    if (p.unchanged && current?.announced && missing.length === 0) continue;
    if (dryRun) {
      push(result.recomputed, { unitId, from: current?.status ?? null, to: p.status, outcome: 'would-recompute' });
      continue;
    }
    const r = await updateCompliance(deps, { period, unitId });
    push(result.recomputed, {
      unitId,
      from: current?.status ?? null,
      to: r.record?.status ?? p.status,
      outcome: r.changed ? 'changed' : 'unchanged',
    });
  }
  return result;
}
