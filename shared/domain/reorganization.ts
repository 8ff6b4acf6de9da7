import type { PeriodKey } from './periodicity.js';
import { addDays, periodDates } from './calendar.js';
import type { Consolidation } from './consolidation.js';
import { periodLabel, previousComparablePeriod, regimePeriod, regimePeriodicity } from './periodicity.js';
import { findUnit, unitValidAt, type Regime, type Unit, type UnitGroup } from './regime.js';

/**
 * Reorganization (sắp xếp đơn vị): units merge into successors on a given day (A and B into C on
 * 2025-07-01). Last period's figures then belong to this period's successors, so the summary can show
 * "cùng kỳ năm trước" beside this period's figures for the units and groups that continue. Pure.
 */

/**
 * The unit that carries `unitId` on `atDate`: the unit itself while it exists, else the end of its
 * chain of successors that exists then; undefined for an unknown unit, or one dissolved without a
 * successor existing on that date.
 */
export function successorOf(regime: Regime, unitId: string, atDate: string): Unit | undefined {
  let unit = findUnit(regime, unitId);
  // The schema refuses loops; the bound keeps a hand-built regime from spinning.
  for (let steps = 0; unit && steps <= regime.units.length; steps++) {
    if (unitValidAt(unit, atDate)) return unit;
    if (unit.successor === undefined) return undefined;
    unit = findUnit(regime, unit.successor);
  }
  return undefined;
}

/** Every unit whose chain of successors leads to `unitId` (direct predecessors first, in regime order). */
export function predecessorsOf(regime: Regime, unitId: string): Unit[] {
  const found: Unit[] = [];
  const seen = new Set([unitId]);
  for (let i = 0, frontier = [unitId]; i < frontier.length; i++) {
    for (const u of regime.units) {
      if (u.successor === frontier[i] && !seen.has(u.id)) {
        seen.add(u.id);
        found.push(u);
        frontier.push(u.id);
      }
    }
  }
  return found;
}

/** One unit's figures of a period: indicator path → value, null when not counted. */
export interface UnitFigures {
  unitId: string;
  values: Readonly<Record<string, number | null>>;
}

export interface ComparableInput {
  regime: Regime;
  /** This period's units, in the order the summary shows them (e.g. expectedUnits). */
  units: readonly Pick<Unit, 'id' | 'group'>[];
  /** The day this period's units are valid on: the end of its cut-off window. */
  atDate: string;
  /** The indicator paths to carry (e.g. reportIndicators().map((i) => i.path)). */
  paths: readonly string[];
  /** Last period's figures per unit (e.g. its Consolidation.units). */
  previous: readonly UnitFigures[];
}

export interface ComparableUnit {
  unitId: string;
  group: UnitGroup;
  /** Last period's units whose figures were summed here: the unit itself and/or its predecessors. */
  from: string[];
  /** Sum over `from`; null when none of them had a counted figure for the path. */
  values: Record<string, number | null>;
}

export interface ComparableFigures {
  units: ComparableUnit[];
  /** Per path, the sums by this period's groups (a predecessor counts in its successor's group) and overall. */
  totals: Record<string, { total: number; province: number; district: number }>;
  /** Last period's units with figures that no unit of this period continues (dissolved, or unknown ids). */
  unmapped: string[];
}

/**
 * "Cùng kỳ năm trước": last period's per-unit figures mapped onto this period's units — each figure
 * goes to the unit that carries its unit on `atDate` (successorOf), predecessors summed into their
 * successor. Linear in units × paths.
 */
export function comparableFigures(input: ComparableInput): ComparableFigures {
  const { regime, units, atDate, paths } = input;
  const current = new Map<string, ComparableUnit>();
  for (const u of units)
    current.set(u.id, { unitId: u.id, group: u.group, from: [], values: Object.fromEntries(paths.map((p) => [p, null])) });

  const unmapped: string[] = [];
  const seen = new Set<string>();
  for (const row of input.previous) {
    // One row per unit, as in a consolidation: a repeated id would count twice.
    if (seen.has(row.unitId)) continue;
    seen.add(row.unitId);
    const target = current.get(successorOf(regime, row.unitId, atDate)?.id ?? '');
    const hasFigures = paths.some((p) => typeof row.values[p] === 'number');
    if (!target) {
      if (hasFigures) unmapped.push(row.unitId);
      continue;
    }
    if (!hasFigures) continue;
    target.from.push(row.unitId);
    for (const p of paths) {
      const v = row.values[p];
      if (typeof v === 'number') target.values[p] = noFloatNoise((target.values[p] ?? 0) + v);
    }
  }

  const totals: ComparableFigures['totals'] = {};
  for (const p of paths) totals[p] = { total: 0, province: 0, district: 0 };
  for (const u of current.values()) {
    for (const p of paths) {
      const v = u.values[p];
      if (v === null || v === undefined) continue;
      totals[p]![u.group] = noFloatNoise(totals[p]![u.group] + v);
      totals[p]!.total = noFloatNoise(totals[p]!.total + v);
    }
  }
  return { units: [...current.values()], totals, unmapped };
}

/** A sum of figures with at most 6 decimals (the most a form allows), without float noise: 0.1 + 0.2 → 0.3. */
const noFloatNoise = (n: number) => Math.round(n * 1e6) / 1e6;

/** Last period's figures on this period's units, with last period's number (for the workbook's labels). */
export interface PriorFigures extends ComparableFigures {
  period: PeriodKey;
}

/**
 * The annual case: last year's consolidation mapped onto this year's units, for the workbook's
 * "cùng kỳ năm trước" columns. Units are those of `current`, valid at the end of its cut-off window.
 */
export function comparableConsolidation(regime: Regime, current: Consolidation, previous: Consolidation): PriorFigures {
  const figures = comparableFigures({
    regime,
    units: current.units.map((u) => ({ id: u.unitId, group: u.group })),
    atDate: periodDates(regime, current.period).cutOffTo,
    paths: current.indicators.map((i) => i.path),
    previous: previous.units,
  });
  return { ...figures, period: previous.period };
}

/**
 * Any periodicity, by period id: "cùng kỳ năm trước" of `id` is the same period a year earlier
 * (2026-Q2 → 2025-Q2), and this period's units are those valid at the end of its cut-off window —
 * the `atDate` to give comparableFigures.
 */
export function comparablePeriod(regime: Regime, id: string): { previous: string; atDate: string } {
  return { previous: previousComparablePeriod(regimePeriodicity(regime), id), atDate: regimePeriod(regime, id).to };
}

/**
 * How last period's figures were mapped, one Vietnamese sentence a line, for the workbook's note:
 * "Số liệu năm 2024 của X, Y được tính vào Z (sáp nhập từ 01/07/2025)." — and the units whose
 * figures no unit carries on. The date is the day after the predecessors end (the latest of them).
 */
export function priorNotes(regime: Regime, prior: PriorFigures): string[] {
  const p = periodLabel(regime.frequency, prior.period);
  const name = (id: string) => findUnit(regime, id)?.name ?? id;
  const lines = [`Cùng kỳ năm trước: số liệu ${p} của các cơ quan, đơn vị nay còn hoạt động, tính theo đơn vị hiện nay.`];
  for (const u of prior.units) {
    const others = u.from.filter((id) => id !== u.unitId);
    // A predecessor always has validTo (the schema requires it with a successor).
    const end = others
      .map((id) => String(findUnit(regime, id)?.validTo ?? '').replace(/^\d{4}$/, '$&-12-31'))
      .sort()
      .at(-1);
    if (!end) continue;
    const since = addDays(end, 1).split('-').reverse().join('/');
    const how = u.from.length > 1 ? 'sáp nhập' : 'tổ chức lại';
    lines.push(`Số liệu ${p} của ${others.map(name).join(', ')} được tính vào ${name(u.unitId)} (${how} từ ${since}).`);
  }
  if (prior.unmapped.length) lines.push(`Không tính số liệu ${p} của ${prior.unmapped.map(name).join(', ')} (không có đơn vị kế thừa).`);
  return lines;
}
