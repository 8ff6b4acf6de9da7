import type { Regimes } from './domain/regimes.js';
import type { RegimeStore } from './ports.js';

/**
 * The regimes in force (shared/domain/regimes.ts: the main one and any others), read from the table
 * with one Query on the REGIME partition and cached for a few minutes per container. They are always
 * seeded before a function runs — by the deploy (infra RegimeSeed) and by `npm start` — so a missing
 * main regime is a broken deployment, said loudly, not hidden behind a built-in default (which would
 * also put the 31 units' data in every bundle).
 */
export function regimesLoader(store: RegimeStore, ttlMs = 5 * 60_000): () => Promise<Regimes> {
  let cached: { regimes: Regimes; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.regimes;
    const regimes = await store.list();
    if (!regimes)
      throw new Error('baocao: no reporting regime in the table; deploy seeds it (RegimeSeed), npm start seeds it at every start');
    cached = { regimes, at: Date.now() };
    return regimes;
  };
}
