import { isPeriodClosed } from '../domain/period-close.js';
import { periodJson, periodLabel, type PeriodKey } from '../domain/periodicity.js';
import { regimesOfUnit, type Regimes } from '../domain/regimes.js';
import { localDate, periodDates, workingDaysBetween } from '../domain/calendar.js';
import { requireRegime, resolvePeriod, unitDefaultPeriod, unitPeriods, type PeriodParam } from './periods.js';
import { expectedUnits, type Regime, type Unit, type UnitGroup } from '../domain/regime.js';
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
/** One report a unit owes (GET /me `owed`): a period of a regime it reports under, open and not yet closed. */
export interface OwedReport {
  regime: string;
  regimeName: string;
  /** periodJson: a year as a number, any other period as its id. */
  period: number | string;
  periodLabel: string;
  dueDate: string;
  status: ComplianceStatus;
}

export interface UnitView {
  unit: { id: string; name: string; group: UnitGroup };
  /** The period shown (periodJson) — of the regime `regime.id`. */
  period: number | string;
  /** Periods the unit can report for now (open and expected), newest first: the page's period choice. */
  periods: (number | string)[];
  /**
   * Every report the unit owes across the deployment's regimes, the main regime first: each regime's
   * open periods for the unit that are not closed yet (at most OWED_PER_REGIME each, newest first).
   */
  owed: OwedReport[];
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

/** Bounds `owed` however many periods a monthly regime has open. */
export const OWED_PER_REGIME = 4;

/** One audit entry per token, route and minute: polling the page must not flood the trail. */
export async function recordTokenUse(
  deps: { tokens: TokenStore; audit: AuditLog },
  input: { record: TokenRecord; period: PeriodKey; route: string; now: Date },
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
 * GET /me[?regime=ID][&period=ID] — the clerk's view of their unit for one period of one regime, and
 * the list of every report the unit owes.
 * 1. Authenticate the unit token (401 missing/invalid/expired/revoked, 403 unit gone).
 * 2. Resolve the period: the one asked for (known, the unit expected in it), or else the newest
 *    open period of the unit (the current year once it has opened).
 * 3. Read the unit's status facts and report versions (one item, one Query) and derive the status
 *    from the facts and `now`, as the board does.
 * 4. Record the token's use in the audit trail (at most one entry a minute).
 * 5. Return the view with the regime narrowed to the unit, for validation in the browser.
 */
export async function readUnitView(
  deps: { tokens: TokenStore; statuses: StatusStore; reports: ReportStore; audit: AuditLog; clock: Clock; regimes: Regimes },
  input: { token: string | null; regime?: string; period?: PeriodParam },
): Promise<UnitView> {
  const { unit, record } = await authenticateUnit(deps, input.token);
  const now = deps.clock.now();
  // Without a regime: the first the unit reports under (the main one when it does).
  const regime = requireRegime(deps.regimes, input.regime ?? regimesOfUnit(deps.regimes, unit.id)[0]?.id);
  const periods = unitPeriods(regime, unit, now);
  const period =
    input.period === undefined
      ? unitDefaultPeriod(regime, unit, now)
      : resolvePeriod(deps.regimes, { regime: regime.id, period: input.period }, now).period;
  if (!expectedUnits(regime, period).some((u) => u.id === unit.id)) {
    throw new RequestError(403, 'UNIT_NOT_EXPECTED', `${unit.name} không thuộc diện báo cáo kỳ ${periodLabel(regime.frequency, period)}`);
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
    period: periodJson(period),
    periods: (periods.includes(period) ? periods : [period, ...periods]).map(periodJson),
    owed: await owedReports(deps, unit, now),
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

/** The reports a unit owes now, across regimes (UnitView.owed): one status read per period listed. */
async function owedReports(deps: { statuses: StatusStore; regimes: Regimes }, unit: Unit, now: Date): Promise<OwedReport[]> {
  const owed = regimesOfUnit(deps.regimes, unit.id).flatMap((regime) =>
    unitPeriods(regime, unit, now)
      .filter((p) => !isPeriodClosed(regime, p, now))
      .slice(0, OWED_PER_REGIME)
      .map((period) => ({ regime, period })),
  );
  const records = await Promise.all(owed.map(({ period }) => deps.statuses.get(period, unit.id)));
  return owed.map(({ regime, period }, i) => ({
    regime: regime.id,
    regimeName: regime.name,
    period: periodJson(period),
    periodLabel: periodLabel(regime.frequency, period),
    dueDate: periodDates(regime, period).dueDate,
    status: deriveStatus(records[i]?.facts ?? NO_FACTS, { regime, period, now }),
  }));
}
