import { systemClock } from '../shared/clock.js';
import { addDays, localDate, zonedTime } from '../shared/domain/calendar.js';
import type { FunctionName } from '../shared/definitions/events.js';
import type { ScheduleDef } from '../shared/definitions/schedules.js';
import type { Clock } from '../shared/ports.js';

/** Runs a schedule's target with its payload, as EventBridge Scheduler invokes a Lambda. */
export type ScheduleInvoke = (target: FunctionName, input: ScheduleDef['input']) => Promise<unknown>;

export interface SchedulerOptions {
  /** The same definitions CDK deploys: `schedules(regime)`. */
  schedules: readonly ScheduleDef[];
  invoke: ScheduleInvoke;
  /** Real-time mode reads this clock (the virtual clock applies). */
  clock?: Clock;
  /**
   * Fire times up to and including this instant are treated as already fired. Default: none
   * before the local day of the first tick, so starting at 09:00 still runs today's 08:00 job once
   * but never last December's annual summary.
   */
  since?: Date;
  /** Attempts per firing, the first included (EventBridge Scheduler retries failed invocations too). */
  retry?: { attempts: number; delayMs: number };
  log?: (line: string) => void;
}

export interface Firing {
  scheduleId: string;
  target: FunctionName;
  /** The scheduled instant this firing stands for (the latest one passed, under catch-up). */
  fireAt: Date;
  /** The tick that fired it. */
  firedAt: Date;
  attempts: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Real-time mode's period: the 08:00 job runs within 30 s of 08:00. */
export const REALTIME_INTERVAL_MS = 30_000;
const KEEP = 1_000;

/**
 * The latest instant at or before `now` at which a schedule fires, in its time zone: today's (or
 * this year's) wall-clock time if passed, else the previous day's (year's).
 */
export function latestFireAt(s: ScheduleDef, now: Date): Date {
  const { hour, minute, month, day } = s.at;
  const today = localDate(now, s.timeZone);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  if (month !== undefined && day !== undefined) {
    const thisYear = zonedTime(s.timeZone, y, month, day, hour, minute);
    return thisYear <= now ? thisYear : zonedTime(s.timeZone, y - 1, month, day, hour, minute);
  }
  const todays = zonedTime(s.timeZone, y, m, d, hour, minute);
  if (todays <= now) return todays;
  const [py, pm, pd] = addDays(today, -1).split('-').map(Number) as [number, number, number];
  return zonedTime(s.timeZone, py, pm, pd, hour, minute);
}

/** Midnight of `now`'s local day in a zone. */
function startOfLocalDay(now: Date, tz: string): Date {
  const [y, m, d] = localDate(now, tz).split('-').map(Number) as [number, number, number];
  return zonedTime(tz, y, m, d);
}

/**
 * The local stand-in for EventBridge Scheduler: fires the same schedule definitions CDK deploys.
 *
 * `tick(now)` fires each schedule whose fire time has passed since the previous tick, once, with
 * the latest such fire time — a tick after days of downtime (or a simulated jump of days) is one
 * catch-up run, not one per missed day; the notices job itself sends only the latest due step.
 * The demo and the tests call `tick()` per simulated day; `start()` ticks every 30 s with the
 * clock (the local stack's real-time mode). Ticks never overlap: a tick waits for the one before.
 */
export class Scheduler {
  readonly fired: Firing[] = [];
  private last: Date | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly retry: { attempts: number; delayMs: number };

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? ((line) => console.log(line));
    this.retry = opts.retry ?? { attempts: 3, delayMs: 1_000 };
    this.last = opts.since;
  }

  /** Fires what is due as of `now`; resolves with this tick's firings once their targets returned (or gave up). */
  tick(now: Date): Promise<Firing[]> {
    const run = this.chain.then(() => this.fire(now));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Real-time mode: a tick every intervalMs with the clock. Does not keep the process alive. */
  start(intervalMs = REALTIME_INTERVAL_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(this.clock.now()), intervalMs);
    this.timer.unref();
  }

  /** Stops real-time mode and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private async fire(now: Date): Promise<Firing[]> {
    const out: Firing[] = [];
    for (const s of this.opts.schedules) {
      const fireAt = latestFireAt(s, now);
      const after = this.last ?? new Date(startOfLocalDay(now, s.timeZone).getTime() - 1);
      if (fireAt <= after) continue;
      out.push(await this.invoke(s, fireAt, now));
    }
    // A clock moved backwards (a re-run of an earlier simulated day) re-arms from there.
    this.last = now;
    return out;
  }

  private async invoke(s: ScheduleDef, fireAt: Date, now: Date): Promise<Firing> {
    const firing: Firing = { scheduleId: s.id, target: s.target, fireAt, firedAt: now, attempts: 0, ok: false };
    for (;;) {
      firing.attempts += 1;
      try {
        firing.result = await this.opts.invoke(s.target, s.input);
        firing.ok = true;
        delete firing.error;
        break;
      } catch (e) {
        firing.error = e instanceof Error ? e.message : String(e);
        if (firing.attempts >= this.retry.attempts) {
          this.log(`[scheduler] ${s.id} → ${s.target} failed after ${firing.attempts} attempts: ${firing.error}`);
          break;
        }
        const delay = this.retry.delayMs * 2 ** (firing.attempts - 1);
        this.log(`[scheduler] ${s.id} → ${s.target} failed (attempt ${firing.attempts}): ${firing.error}; retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    this.fired.push(firing);
    if (this.fired.length > KEEP) this.fired.splice(0, this.fired.length - KEEP);
    return firing;
  }
}
