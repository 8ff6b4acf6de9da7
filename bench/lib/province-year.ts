import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { demoPlan, genericPlan, type DemoPlan, type PlanAction, type PlannedUnit } from '../../local/demo/plan.js';
import { uploadBody } from '../../local/demo/bodies.js';
import { LOCAL_NAMES } from '../../local/names.js';
import { LOCAL_TABLE, startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import { uploadFile } from '../../local/upload-client.js';
import { tableAdapters } from '../../shared/adapters/dynamodb.adapter.js';
import { resetClock, setVirtualNow, systemClock } from '../../shared/clock.js';
import { addDays, localDate, periodDates, zonedTime } from '../../shared/domain/calendar.js';
import {
  formatPeriodId,
  periodFields,
  periodKey,
  periodSlug,
  periodsPerYear,
  type PeriodKey,
  type Periodicity,
} from '../../shared/domain/periodicity.js';
import { expectedUnits, parseRegime, type Regime } from '../../shared/domain/regime.js';
import { regimeSet, type Regimes } from '../../shared/domain/regimes.js';
import { hasReported } from '../../shared/domain/status.js';
import type { Firing } from '../../local/scheduler.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import { mapLimit } from './stats.js';

/**
 * Issue 15's province: ten regimes side by side on one local stack (README, "Regimes as data, several side by side"), every period of one
 * year, driven day by day like `npm run demo` (local/demo) but for all of them at once.
 * - The main regime is the seed's (the province's 130 units: the seed's 31 with their scripted demo
 *   roles, and generated commune-level units); nine more are built from it with their own ids and
 *   names, each listing a share of the same units (a shared id keeps its name and email).
 * - Each period's plan is the demo's (seedPlan for the main regime, genericPlan for the others:
 *   returned, invalid then corrected, late after each notice, never, the rest on time by the form
 *   or the Excel template), run through the real interfaces: POST /uploads + the presigned POST,
 *   S3 events, ingest, compliance, receipts; POST /units/{id}/review; the schedules CDK deploys
 *   (reconcile at night, the notices and the summary update every morning, the main regime's annual
 *   consolidation), fired every simulated day of the year.
 */

/** How many of the province's units each kind of regime lists (a share, so that the year stays within the bench's time). */
export interface ProvinceShape {
  /** Units of the main (annual) regime: the whole province. */
  mainUnits: number;
  /** The nine other regimes: frequency and units listed. */
  others: readonly { frequency: Periodicity; units: number }[];
}

export const PROVINCE_SHAPE: ProvinceShape = {
  mainUnits: 130,
  others: [
    { frequency: 'annual', units: 50 },
    { frequency: 'annual', units: 50 },
    { frequency: 'annual', units: 50 },
    { frequency: 'six-monthly', units: 30 },
    { frequency: 'six-monthly', units: 30 },
    { frequency: 'quarterly', units: 20 },
    { frequency: 'quarterly', units: 20 },
    { frequency: 'monthly', units: 12 },
    { frequency: 'monthly', units: 12 },
  ],
};

const FREQUENCY_NAMES: Record<Periodicity, string> = {
  annual: 'hằng năm',
  'six-monthly': '6 tháng',
  quarterly: 'hằng quý',
  monthly: 'hằng tháng',
};

/**
 * The nine regimes built from the main one: their own ids and names, `deadlineRule` for the
 * non-annual ones (3 working days after the cut-off), first period `year` (the main one's too), and a share of the
 * main regime's units (stable units only: none merged away), each starting further down the list
 * so that most units are listed by several regimes.
 */
export function provinceRegimes(main: Regime, year: number, shape: ProvinceShape = PROVINCE_SHAPE): { main: Regime; others: Regime[] } {
  const stable = main.units.filter((u) => !u.successor && u.validTo === undefined);
  const others = shape.others.map((o, i) => {
    const n = Math.min(o.units, stable.length);
    const start = Math.floor((i * stable.length) / shape.others.length);
    const units = Array.from({ length: n }, (_, k) => stable[(start + k) % stable.length]!);
    return parseRegime({
      ...main,
      id: `${main.id}-vd${i + 1}`,
      name: `Chế độ báo cáo mẫu số ${i + 1} (${FREQUENCY_NAMES[o.frequency]}, sinh tự động để đo chi phí)`,
      frequency: o.frequency,
      ...(o.frequency === 'annual' ? {} : { deadlineRule: { afterCutOff: { workingDays: 3 } } }),
      firstPeriod: year,
      units,
    });
  });
  // The province's first year on the system: no earlier period is chased, consolidated or updated
  // (the seed's 2019 would have the notices chase an empty 2025 period all January).
  return { main: parseRegime({ ...main, firstPeriod: year }), others };
}

/** Every period of `year` of a regime, in order. */
export const periodsOfYear = (regime: Regime, year: number): PeriodKey[] =>
  Array.from({ length: periodsPerYear(regime.frequency) }, (_, i) =>
    periodKey(regime, formatPeriodId({ periodicity: regime.frequency, year, index: i + 1 })),
  );

export interface ProvinceDay {
  day: string;
  index: number;
  days: number;
  uploads: number;
  rejected: number;
  returns: number;
  notices: number;
  summariesSent: number;
}

export interface PeriodOutcome {
  regime: Regime;
  period: PeriodKey;
  expected: number;
  /** Units ON_TIME or LATE at the end of the run. */
  accepted: number;
  late: number;
  summaryVersion: number | null;
}

export interface ProvinceYearResult {
  regimes: Regimes;
  periods: PeriodOutcome[];
  days: ProvinceDay[];
  uploads: number;
  rejected: number;
  returns: number;
  notices: number;
  summariesSent: number;
  problems: string[];
  /** Real time of the simulated year (the stack's start and the measurements after it apart). */
  yearMs: number;
}

interface Step {
  regime: Regime;
  plan: DemoPlan;
  unit: PlannedUnit;
  action: PlanAction;
}

const SETTLE_TIMEOUT_MS = 30_000;

/**
 * Runs the year and hands the still-running stack to `after` (the read measurements), then stops it.
 * 1. Plans every period of every regime; starts the stack with the main regime and the others
 *    (manual scheduler); issues every unit one link bound to the year (it files any regime's period).
 * 2. Each day from the first opening to the last plan's last day: a 08:00 tick (reconcile's 02:00
 *    run, the notices, the summary update; the annual consolidation on its date), the day's uploads
 *    and returns — `concurrency` units at a time, each unit's steps in order, each settled (status
 *    written and announced) — and a 23:59 tick. `onDay` after each day (the meter's mark).
 * 3. Reads every period's statuses and latest summary from the table.
 */
export async function runProvinceYear(opts: {
  main: Regime;
  others: readonly Regime[];
  year: number;
  loadFunction?: LocalStackOptions['loadFunction'];
  concurrency?: number;
  onDay?: (d: ProvinceDay) => void;
  after?: (stack: LocalStack, result: ProvinceYearResult) => Promise<void>;
}): Promise<ProvinceYearResult> {
  const regimes = regimeSet(opts.main, opts.others);
  const tz = regimes.main.timeZone;
  const plans = regimes.all.flatMap((regime) =>
    periodsOfYear(regime, opts.year).map((period) => ({
      regime,
      plan: regime === regimes.main ? demoPlan(regime, period) : genericPlan(regime, period),
    })),
  );
  const steps: Step[] = plans.flatMap(({ regime, plan }) =>
    plan.units.flatMap((unit) => unit.actions.map((action) => ({ regime, plan, unit, action }))),
  );
  const byDay = new Map<string, Step[]>();
  for (const s of steps) {
    const d = localDate(s.action.at, tz);
    byDay.set(d, [...(byDay.get(d) ?? []), s]);
  }
  const firstDay = plans.map((p) => p.plan.firstDay).sort()[0]!;
  const lastDay = plans
    .map((p) => p.plan.lastDay)
    .sort()
    .at(-1)!;
  const at = (day: string, hour: number, minute = 0) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return zonedTime(tz, y, m, d, hour, minute);
  };

  const dataDir = await mkdtemp(join(tmpdir(), 'baocao-province-'));
  setVirtualNow(at(firstDay, 7, 30));
  let stack: LocalStack | undefined;
  let ddb: DynamoDBClient | undefined;
  const started = performance.now();
  try {
    stack = await startLocalStack({
      dataDir,
      port: 0,
      quiet: true,
      regime: opts.main,
      otherRegimes: opts.others,
      scheduler: 'manual',
      retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
      ...(opts.loadFunction ? { loadFunction: opts.loadFunction } : {}),
    });
    const st = stack;
    ddb = new DynamoDBClient({
      endpoint: st.endpoints.dynamodb,
      region: LOCAL_NAMES.region,
      credentials: { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey },
    });
    const tables = tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_TABLE);
    const problems: string[] = [];

    // 1. One link per unit for the year (the invitation's), valid past the last day.
    const tokens = new Map<string, string>();
    const unitIds = [...new Set(regimes.all.flatMap((r) => r.units.map((u) => u.id)))];
    const expiresAt = at(addDays(lastDay, 60), 0);
    for (const unitId of unitIds)
      tokens.set(
        unitId,
        (await issueToken({ tokens: tables.tokens, clock: systemClock, regimes }, { unitId, periods: [opts.year], expiresAt })).token,
      );

    const settle = async (what: string, check: () => Promise<boolean>) => {
      const until = Date.now() + SETTLE_TIMEOUT_MS;
      for (;;) {
        await st.bus.idle();
        if (await check()) return;
        if (Date.now() > until)
          throw new Error(`province: timed out waiting for ${what}; dead letters: ${JSON.stringify(st.bus.deadLetters).slice(0, 1500)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const lastValid = new Map<string, string>();
    const stepKey = (s: Step) => `${s.plan.period} ${s.unit.unitId}`;

    const doStep = async (s: Step, day: ProvinceDay) => {
      const { period } = s.plan;
      const unitId = s.unit.unitId;
      if (s.action.kind === 'upload') {
        const action = s.action;
        const body = await uploadBody(s.regime, period, unitId, action, s.plan.script);
        const fileName = `bao-cao-${periodSlug(period)}-${unitId}.${action.channel}`;
        const out = await uploadFile(st.endpoints.app, tokens.get(unitId)!, { period, body, kind: action.channel, fileName });
        if ('error' in out.presign)
          throw new Error(
            `POST /uploads for ${unitId} (${period}): ${out.presignStatus} ${out.presign.error.code}: ${out.presign.error.message}`,
          );
        if (!out.postStatus || out.postStatus >= 300)
          throw new Error(`presigned POST for ${unitId} (${period}): ${out.postStatus} ${out.postBody ?? ''}`);
        const { uploadId } = out.presign;
        await settle(`${unitId}'s upload ${uploadId} (${period})`, async () => {
          const st8 = await tables.statuses.get(period, unitId);
          return Boolean(st8?.announced && st8.uploadIds.includes(uploadId));
        });
        day.uploads += 1;
        if (!action.valid) day.rejected += 1;
        else lastValid.set(stepKey(s), uploadId);
      } else {
        const uploadId = lastValid.get(stepKey(s));
        if (!uploadId) throw new Error(`province plan: ${unitId} (${period}) is returned before it has a valid upload`);
        const res = await fetch(`${st.endpoints.app}/units/${encodeURIComponent(unitId)}/review`, {
          method: 'POST',
          headers: { authorization: `Bearer ${st.endpoints.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            ...periodFields(period),
            uploadId,
            decision: 'RETURN',
            reason: s.action.reason,
            reviewer: s.action.reviewer,
          }),
        });
        if (res.status !== 201) throw new Error(`POST /units/${unitId}/review (${period}) answered ${res.status}: ${await res.text()}`);
        await settle(`${unitId} (${period}) to be RETURNED`, async () => {
          const st8 = await tables.statuses.get(period, unitId);
          return Boolean(st8?.announced && st8.status === 'RETURNED');
        });
        day.returns += 1;
      }
    };

    const tick = async (t: Date, day: ProvinceDay) => {
      setVirtualNow(t);
      const firings: Firing[] = await st.scheduler.tick(t);
      await st.bus.idle();
      for (const f of firings) {
        if (!f.ok)
          problems.push(`${localDate(t, tz)}: schedule ${f.scheduleId} → ${f.target} failed after ${f.attempts} attempts: ${f.error}`);
        const r = f.result as { counts?: Record<string, number>; sent?: boolean; results?: { sent: boolean }[] } | undefined;
        if (f.target === 'notices' && r?.counts) day.notices += Object.values(r.counts).reduce((a, b) => a + b, 0);
        if (f.target === 'summary') day.summariesSent += (r?.sent ? 1 : 0) + (r?.results ?? []).filter((x) => x.sent).length;
      }
    };

    // 2. The year, day by day.
    const dayList: string[] = [];
    for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) dayList.push(d);
    const days: ProvinceDay[] = [];
    for (const [i, d] of dayList.entries()) {
      const day: ProvinceDay = {
        day: d,
        index: i + 1,
        days: dayList.length,
        uploads: 0,
        rejected: 0,
        returns: 0,
        notices: 0,
        summariesSent: 0,
      };
      await tick(at(d, 8), day);
      const todays = (byDay.get(d) ?? []).sort((a, b) => a.action.at.getTime() - b.action.at.getTime());
      if (todays.length) {
        // A unit's steps of one period stay in order; units run side by side. Every upload of the
        // day is received at the day's first planned time (plus the real time elapsed): the same
        // side of the deadline, which is the end of a day.
        setVirtualNow(todays[0]!.action.at);
        const chains = new Map<string, Step[]>();
        for (const s of todays) chains.set(stepKey(s), [...(chains.get(stepKey(s)) ?? []), s]);
        await mapLimit([...chains.values()], opts.concurrency ?? 6, async (chain) => {
          for (const s of chain) await doStep(s, day);
        });
      }
      await tick(at(d, 23, 59), day);
      days.push(day);
      opts.onDay?.(day);
    }
    for (const dl of st.bus.deadLetters) problems.push(`dead letter: ${JSON.stringify(dl).slice(0, 300)}`);
    const yearMs = performance.now() - started;

    // 3. What came out, per period (read by the harness, not metered).
    const periods: PeriodOutcome[] = [];
    for (const { regime, plan } of plans) {
      const statuses = await tables.statuses.list(plan.period);
      const latest = await tables.summaries.latest(plan.period);
      periods.push({
        regime,
        period: plan.period,
        expected: expectedUnits(regime, plan.period).length,
        accepted: statuses.filter((s) => hasReported(s.status)).length,
        late: statuses.filter((s) => s.status === 'LATE').length,
        summaryVersion: latest?.version ?? null,
      });
      if (!latest) problems.push(`no summary was published for ${plan.period}`);
      if (periodDates(regime, plan.period).consolidationAt > at(lastDay, 23, 59))
        problems.push(`${plan.period} is consolidated after the run`);
    }
    const sum = (f: (d: ProvinceDay) => number) => days.reduce((s, d) => s + f(d), 0);
    const result: ProvinceYearResult = {
      regimes,
      periods,
      days,
      uploads: sum((d) => d.uploads),
      rejected: sum((d) => d.rejected),
      returns: sum((d) => d.returns),
      notices: sum((d) => d.notices),
      summariesSent: sum((d) => d.summariesSent),
      problems,
      yearMs,
    };
    await opts.after?.(st, result);
    return result;
  } finally {
    ddb?.destroy();
    await stack?.stop();
    resetClock();
    await rm(dataDir, { recursive: true, force: true });
  }
}
