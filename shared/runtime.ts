import type { Regime } from './domain/regime.js';
import type { RegimeStore } from './ports.js';

/**
 * The regime in force, read from the table and cached for a few minutes per container. It is always
 * seeded before a function runs — by the deploy (infra RegimeSeed) and by `npm start` — so a missing
 * one is a broken deployment, said loudly, not hidden behind a built-in default (which would also
 * put the 31 units' data in every bundle).
 */
export function regimeLoader(store: RegimeStore, ttlMs = 5 * 60_000): () => Promise<Regime> {
  let cached: { regime: Regime; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.regime;
    const regime = await store.get();
    if (!regime)
      throw new Error('baocao: no reporting regime in the table; deploy seeds it (RegimeSeed), npm start seeds it at every start');
    cached = { regime, at: Date.now() };
    return regime;
  };
}
