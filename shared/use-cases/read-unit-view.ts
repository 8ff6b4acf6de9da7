import { localDate, periodDates, workingDaysBetween } from '../domain/calendar.js';
import { requireKnownPeriod, unitDefaultPeriod, unitPeriods } from './periods.js';
import { expectedUnits, type Regime, type UnitGroup } from '../domain/regime.js';
import { currentForm, type ValidationIssue } from '../domain/report.js';
import { deriveStatus, type ComplianceStatus, type StatusFacts } from '../domain/status.js';
import { workingCalendar } from '../domain/working-calendar.js';
import { RequestError } from '../errors.js';
import type { AuditLog, Clock, ReportStore, StatusStore, TokenRecord, TokenStore } from '../ports.js';
import { authenticateUnit } from './tokens.js';

export interface UnitVersionView {
  uploadId: string;
  receivedAt: string;
  valid: boolean;
  sha256: string;
  format: 'json' | 'xlsx' | 'unknown';
  reasons: ValidationIssue[];
  signedDocument: boolean;
}

/** GET /me: what the clerk's page shows (contract of the form; additive changes only). */
export interface UnitView {
  unit: { id: string; name: string; group: UnitGroup };
  period: number;
  /** Periods the unit can report for now (open and expected), newest first: the page's period choice. */
  periods: number[];
  dates: { opensAt: string; cutOffFrom: string; cutOffTo: string; dueDate: string; dueAt: string };
  status: ComplianceStatus;
  /** Reasons behind REJECTED / RETURNED (from the status facts). */
  reasons: ValidationIssue[];
  /** Every upload of the unit for the period, newest first. */
  versions: UnitVersionView[];
  extensionUntil: string | null;
  /** The server's "now": the page computes "days left" from it, never from the device clock. */
  asOf: string;
  /**
   * Working days after today (in the regime's zone) up to and including the deadline in force
   * (the extension's, if later), by the regime's working-day calendar; 0 once it has passed.
   */
  workingDaysLeft: number;
  /**
   * The regime narrowed to the caller's unit: what validateReport needs to run in the browser with
   * exactly the server's rules (form version, data window, time zone). Other units are not disclosed.
   * `forms` holds only the current form (the definition the page is built from), so the response
   * stays bounded however many past forms the regime keeps.
   */
  regime: Regime;
}

const NO_FACTS: StatusFacts = { versions: 0, reasons: [] };

/** One audit entry per token, route and minute: polling the page must not flood the trail. */
export async function recordTokenUse(
  deps: { tokens: TokenStore; audit: AuditLog },
  input: { record: TokenRecord; period: number; route: string; now: Date },
) {
  const at = input.now.toISOString();
  await deps.tokens.touch(input.record.tokenHash, at);
  const hash12 = input.record.tokenHash.slice(0, 12);
  await deps.audit.append(input.period, input.record.unitId, {
    // The minute is the key: the append is conditional, so the repeats of a minute write nothing.
    at: `${at.slice(0, 16)}:00.000Z`,
    eventId: `token-used-${input.route
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase()}-${hash12}`,
    action: 'TOKEN_USED',
    actor: `token:${hash12}`,
    detail: { route: input.route, firstUseInMinute: at },
  });
}

/**
 * GET /me?period=YYYY — the clerk's view of their unit for one period.
 * 1. Authenticate the unit token (401 missing/invalid/expired/revoked, 403 unit gone).
 * 2. Resolve the period: the one asked for (known, the unit expected in it), or else the newest
 *    open period of the unit (the current year once it has opened).
 * 3. Read the unit's status facts and report versions (one item, one Query) and derive the status
 *    from the facts and `now`, as the board does.
 * 4. Record the token's use in the audit trail (at most one entry a minute).
 * 5. Return the view with the regime narrowed to the unit, for validation in the browser.
 */
export async function readUnitView(
  deps: { tokens: TokenStore; statuses: StatusStore; reports: ReportStore; audit: AuditLog; clock: Clock; regime: Regime },
  input: { token: string | null; period?: number },
): Promise<UnitView> {
  const { unit, record } = await authenticateUnit(deps, input.token);
  const { regime } = deps;
  const now = deps.clock.now();
  const periods = unitPeriods(regime, unit, now);
  const period = input.period ?? unitDefaultPeriod(regime, unit, now);
  requireKnownPeriod(regime, period, now);
  if (!expectedUnits(regime, period).some((u) => u.id === unit.id)) {
    throw new RequestError(403, 'UNIT_NOT_EXPECTED', `${unit.name} không thuộc diện báo cáo kỳ ${period}`);
  }

  const [statusRecord, facts] = await Promise.all([deps.statuses.get(period, unit.id), deps.reports.facts(period, unit.id)]);
  const statusFacts = statusRecord?.facts ?? NO_FACTS;
  const dates = periodDates(regime, period);
  const extensionUntil = statusFacts.extensionUntil ?? facts.extension?.until ?? null;
  await recordTokenUse(deps, { record, period, route: 'GET /me', now });

  const versions = [...facts.versions]
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.uploadId.localeCompare(a.uploadId))
    .map((v): UnitVersionView => ({
      uploadId: v.uploadId,
      receivedAt: v.receivedAt,
      valid: v.valid,
      sha256: v.sha256,
      format: v.format,
      reasons: v.reasons,
      signedDocument: Boolean(v.signedDocumentKey),
    }));
  return {
    unit: { id: unit.id, name: unit.name, group: unit.group },
    period,
    periods: periods.includes(period) ? periods : [period, ...periods].sort((a, b) => b - a),
    dates: {
      opensAt: dates.opensAt.toISOString(),
      cutOffFrom: dates.cutOffFrom,
      cutOffTo: dates.cutOffTo,
      dueDate: dates.dueDate,
      dueAt: dates.dueAt.toISOString(),
    },
    status: deriveStatus(statusFacts, { regime, period, now }),
    reasons: statusFacts.reasons,
    versions,
    extensionUntil,
    asOf: now.toISOString(),
    workingDaysLeft: workingDaysBetween(
      localDate(now, regime.timeZone),
      extensionUntil && extensionUntil > dates.dueDate ? extensionUntil : dates.dueDate,
      workingCalendar(regime),
    ),
    // The leadership's addresses are not the clerk's business; validation never reads them.
    regime: { ...regime, units: [unit], leadership: [], forms: [currentForm(regime)] },
  };
}
