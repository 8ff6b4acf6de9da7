import { DEFAULT_REGIME } from './domain/default-regime.js';
import type { Regime } from './domain/regime.js';
import type { RegimeStore } from './ports.js';

/**
 * The regime in force, read from the table (seeded by the local stack or by the deployer) and
 * cached for a few minutes per container; the built-in default when none was stored.
 */
export function regimeLoader(store: RegimeStore, ttlMs = 5 * 60_000): () => Promise<Regime> {
  let cached: { regime: Regime; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.regime;
    const regime = (await store.get()) ?? DEFAULT_REGIME;
    cached = { regime, at: Date.now() };
    return regime;
  };
}
