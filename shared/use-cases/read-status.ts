import { periodJson, periodLabel, type Periodicity, type PeriodKey } from '../domain/periodicity.js';
import type { Regimes } from '../domain/regimes.js';
import { currentPeriod, openPeriods, periodDates } from '../domain/calendar.js';
import { expectedUnits, type Regime, type UnitGroup } from '../domain/regime.js';
import type { ValidationIssue } from '../domain/report.js';
import { computeRates, deriveStatus, ratesByGroup, type ComplianceStatus, type Rates, type StatusFacts } from '../domain/status.js';
import type { Clock, StatusStore } from '../ports.js';

export interface UnitStatusRow {
  unitId: string;
  name: string;
  group: UnitGroup;
  email: string;
  status: ComplianceStatus;
  firstValidAt: string | null;
  lastUploadAt: string | null;
  versions: number;
  reasons: ValidationIssue[];
  latestValidUploadId: string | null;
  extensionUntil: string | null;
  keyFigures: Record<string, number> | null;
}

export interface PeriodStatus {
  /** The regime read, and every regime the deployment runs (the board's choice). */
  regime: string;
  regimes: { id: string; name: string; frequency: Periodicity }[];
  /** The period (a year as a number, any other period as its id: periodJson) and how a person reads it. */
  period: number | string;
  periodLabel: string;
  /** Every period open for reporting now, newest first, and the regime's time zone: what the board shows. */
  periods: (number | string)[];
  timeZone: string;
  /** The period's due date (YYYY-MM-DD), before any unit's extension: the board's chart marks it. */
  dueDate: string;
  asOf: string;
  rates: Rates & { byGroup: Record<UnitGroup, Rates> };
  units: UnitStatusRow[];
}

const NO_FACTS: StatusFacts = { versions: 0, reasons: [] };

/**
 * The status of every expected unit for a period (GET /status, the board, the daily job).
 * 1. Query the period's status items (one partition, paginated; never a Scan).
 * 2. For every unit expected in the period (validFrom/validTo), derive the status from the stored
 *    facts and `now` — so OVERDUE appears by the clock, consistently with the daily job.
 * 3. Compute the DHIS2 rates overall and per group.
 * Without a period, the current one (the latest open for reporting) is read.
 */
export async function readStatus(
  deps: { statuses: StatusStore; clock: Clock; regime: Regime; regimes?: Regimes },
  input: { period?: PeriodKey },
): Promise<PeriodStatus> {
  const now = deps.clock.now();
  const period = input.period ?? currentPeriod(deps.regime, now);
  const records = new Map((await deps.statuses.list(period)).map((r) => [r.unitId, r]));
  const units = expectedUnits(deps.regime, period).map((u): UnitStatusRow => {
    const rec = records.get(u.id);
    const facts = rec?.facts ?? NO_FACTS;
    return {
      unitId: u.id,
      name: u.name,
      group: u.group,
      email: u.email,
      status: deriveStatus(facts, { regime: deps.regime, period, now }),
      firstValidAt: facts.firstValidAt ?? null,
      lastUploadAt: facts.lastUploadAt ?? null,
      versions: facts.versions,
      reasons: facts.reasons,
      latestValidUploadId: facts.latestValidUploadId ?? null,
      extensionUntil: facts.extensionUntil ?? null,
      keyFigures: rec?.keyFigures ?? null,
    };
  });
  return {
    regime: deps.regime.id,
    regimes: (deps.regimes?.all ?? [deps.regime]).map((r) => ({ id: r.id, name: r.name, frequency: r.frequency })),
    period: periodJson(period),
    periodLabel: periodLabel(deps.regime.frequency, period),
    periods: openPeriods(deps.regime, now).map(periodJson),
    timeZone: deps.regime.timeZone,
    dueDate: periodDates(deps.regime, period).dueDate,
    asOf: now.toISOString(),
    rates: { ...computeRates(units.map((u) => u.status)), byGroup: ratesByGroup(units) },
    units,
  };
}
