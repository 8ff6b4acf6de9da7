import type { Regime } from '../domain/regime.js';
import type { FunctionName } from './events.js';

/**
 * Schedules, defined once: CDK deploys them as EventBridge Scheduler schedules (with the time
 * zone) and the local stack's scheduler fires the same definitions against its clock.
 * The annual consolidation date comes from the regime (data), so it is a function of it.
 *
 * Built from the deployment's main regime only (its time zone, its consolidation date and hour):
 * the regimes run beside it (regimes.ts) have no schedule of their own. The daily jobs cover them:
 * DailyNotices and DailyReconcile work on every regime's current period, and SummaryUpdate
 * consolidates every regime's periods past their consolidation date (a six-monthly, quarterly or
 * monthly period is first published by the morning run after it); AnnualSummary is the main
 * regime's alone.
 */
export interface ScheduleDef {
  readonly id: string;
  readonly description: string;
  readonly target: FunctionName;
  /** Local wall-clock fire time in `timeZone`; month/day absent = every day. */
  readonly at: { hour: number; minute: number; month?: number; day?: number };
  readonly timeZone: string;
  /** The payload the target receives. */
  readonly input: { job: string };
}

export function schedules(regime: Regime): readonly ScheduleDef[] {
  return [
    {
      id: 'DailyNotices',
      description: 'Reminders, overdue notices and escalation, every morning',
      target: 'notices',
      at: { hour: 8, minute: 0 },
      timeZone: regime.timeZone,
      input: { job: 'daily-notices' },
    },
    {
      id: 'AnnualSummary',
      description: 'Consolidate the period and email leadership on the regime’s consolidation date',
      target: 'summary',
      at: { hour: regime.consolidation.hour, minute: 0, month: regime.consolidation.month, day: regime.consolidation.day },
      timeZone: regime.timeZone,
      input: { job: 'annual-summary' },
    },
    {
      id: 'SummaryUpdate',
      description:
        'After the consolidation date and until the period closes, re-consolidate every morning and send leadership an update when the content changed',
      target: 'summary',
      // The consolidation's hour, listed after AnnualSummary: on the consolidation day the local
      // scheduler runs it second and finds v1 unchanged (on AWS the two race harmlessly: same hash).
      at: { hour: regime.consolidation.hour, minute: 0 },
      timeZone: regime.timeZone,
      input: { job: 'summary-update' },
    },
    {
      // At night, hours before the notices: a report whose event was lost is counted before anyone is chased.
      id: 'DailyReconcile',
      description: 'Ingest uploads whose event was lost and recompute stale unit statuses, every night',
      target: 'reconcile',
      at: { hour: 2, minute: 0 },
      timeZone: regime.timeZone,
      input: { job: 'reconcile' },
    },
  ];
}

/** EventBridge Scheduler's cron form: cron(minutes hours day-of-month month day-of-week year). */
export function cronExpression(s: ScheduleDef): string {
  const { minute, hour, month, day } = s.at;
  return `cron(${minute} ${hour} ${day ?? '*'} ${month ?? '*'} ? *)`;
}
