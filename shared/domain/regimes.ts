import { splitPeriodKey, type PeriodKey } from './periodicity.js';
import { findUnit, type Regime, type Unit } from './regime.js';

/**
 * The regimes a deployment runs side by side (DESIGN.md section 3, "Regimes"): its main regime — the
 * one it was deployed with, whose period keys are bare ids ('2026'), so every contract and every
 * item written before there were several stays as it was — and any others, whose keys carry their id
 * ('qn-quy/2026-Q3'). Units are shared: a unit id names the same unit, with the same name and email,
 * in every regime that lists it; each regime lists the units that report under it. Pure.
 */
export interface Regimes {
  readonly main: Regime;
  /** The main regime first, then the others in the order they were given. */
  readonly all: readonly Regime[];
}

export class RegimeSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegimeSetError';
  }
}

/** The set of a main regime and others, each other one marked `scoped`; refuses duplicate ids and units that disagree. */
export function regimeSet(main: Regime, others: readonly Regime[] = []): Regimes {
  const all = [{ ...main, scoped: false }, ...others.map((r) => ({ ...r, scoped: true }))];
  const ids = new Set<string>();
  const units = new Map<string, { unit: Unit; regime: string }>();
  for (const r of all) {
    if (ids.has(r.id)) throw new RegimeSetError(`two regimes have the id ${r.id}`);
    ids.add(r.id);
    for (const u of r.units) {
      const seen = units.get(u.id);
      if (!seen) units.set(u.id, { unit: u, regime: r.id });
      else if (seen.unit.name !== u.name || seen.unit.email !== u.email)
        throw new RegimeSetError(
          `unit ${u.id} is "${u.name}" <${u.email}> in ${r.id} but "${seen.unit.name}" <${seen.unit.email}> in ${seen.regime}: a unit id names one unit in every regime`,
        );
    }
  }
  return { main: all[0]!, all };
}

/** The regime with an id; no id: the main one. */
export const regimeById = (set: Regimes, id?: string): Regime | undefined =>
  id === undefined ? set.main : set.all.find((r) => r.id === id);

/** The regime a period key belongs to; undefined for a key naming a regime the deployment does not run. */
export const regimeOfPeriod = (set: Regimes, key: PeriodKey): Regime | undefined => {
  const { regimeId } = splitPeriodKey(key);
  return regimeId === undefined ? set.main : set.all.find((r) => r.scoped && r.id === regimeId);
};

/** The regime of a period key resolved at the edge (resolvePeriod, an event's fields): one the deployment runs. */
export function regimeFor(set: Regimes, key: PeriodKey): Regime {
  const regime = regimeOfPeriod(set, key);
  if (!regime) throw new Error(`baocao: the period ${key} names a regime this deployment does not run`);
  return regime;
}

/** A unit by id in any regime of the set. */
export function unitIn(set: Regimes, unitId: string): Unit | undefined {
  for (const r of set.all) {
    const u = findUnit(r, unitId);
    if (u) return u;
  }
  return undefined;
}

/** The regimes that list a unit (main first). */
export const regimesOfUnit = (set: Regimes, unitId: string): Regime[] => set.all.filter((r) => findUnit(r, unitId));
