import type { Clock } from './ports.js';

/**
 * The process clock. On AWS it is the system time. The local stack (demo, tests) shifts it to a
 * virtual time with `setVirtualNow`, so handlers running in that process see simulated dates:
 * time is configuration of the clock port, not a branch in handler code.
 */
let offsetMs = 0;

export const systemClock: Clock = { now: () => new Date(Date.now() + offsetMs) };

/** Local stack only: from now on `systemClock.now()` returns `at` plus the real time elapsed. */
export function setVirtualNow(at: Date): void {
  offsetMs = at.getTime() - Date.now();
}

export function resetClock(): void {
  offsetMs = 0;
}
