import * as z from '../zod-mini.js';
import { periodDates } from './calendar.js';
import { formsIssues, type FormDefinition } from './form-definition.js';
import { PERIODICITIES, periodYear, type PeriodKey } from './periodicity.js';

/**
 * The regime's schema, in zod/mini (shared/zod-mini.ts): every function that reads the regime from
 * the table validates it, and none of them needs classic zod for anything else. Built on the first
 * parse, not at module load. The Vietnamese names of the Nghị định's elements are in the comments.
 */
function buildRegimeSchema() {
  const int = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));
  const text = (min: number) => z.string().check(z.minLength(min));

  const monthDay = z
    .strictObject({
      month: int(1, 12),
      day: int(1, 31),
      /** Relative to the reporting year: -1 means the previous calendar year. */
      yearOffset: z._default(int(-1, 1), 0),
    })
    // Every year has the date (so 29 February is refused): 31 February must not roll into March.
    .check(
      z.refine((d) => d.day <= new Date(Date.UTC(2001, d.month, 0)).getUTCDate(), { error: 'no such day in that month', path: ['day'] }),
    );

  const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'));
  const unitId = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'lowercase letters, digits and dashes'));

  const realDate = isoDate.check(
    z.refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
    }, 'no such date'),
  );
  const namedDay = z.strictObject({ date: realDate, name: z.string().check(z.minLength(2), z.maxLength(200)) });
  const days = z._default(z.array(namedDay).check(z.maxLength(60)), []);
  const yearArrangement = z
    .strictObject({
      /** true: `daysOff` is the whole list of the year's days off, the computed one is dropped. */
      replacesDefault: z._default(z.boolean(), false),
      /** Days off (weekdays), e.g. the Tết days the government fixed, or a day off swapped for a Saturday. */
      daysOff: days,
      /** Days worked although a weekend or a computed holiday (làm bù). */
      workingDays: days,
    })
    .check(
      z.superRefine((y, ctx) => {
        const off = new Set(y.daysOff.map((d) => d.date));
        y.workingDays.forEach((d, i) => {
          if (off.has(d.date))
            ctx.addIssue({ code: 'custom', message: 'a day cannot be both a day off and a working day', path: ['workingDays', i, 'date'] });
        });
      }),
    );

  // A year (the reporting year, as before) or the exact day a reorganization took effect.
  const validity = z.union([int(2000, 2100), realDate]);
  const unitSchema = z.strictObject({
    id: unitId,
    name: z.string().check(z.minLength(3), z.maxLength(200)),
    group: z.enum(['province', 'district']),
    email: z.email(),
    /** First reporting year the unit is expected to report for, or the first day it exists (YYYY-MM-DD). */
    validFrom: validity,
    /** Last reporting year (inclusive), or last day (YYYY-MM-DD), for merged or dissolved units. */
    validTo: z.optional(validity),
    /** The unit that took over a merged unit (sáp nhập, hợp nhất): its figures continue there. */
    successor: z.optional(unitId),
  });
  const count = (max: number) => z.number().check(z.int(), z.minimum(0), z.maximum(max));

  return z
    .strictObject({
      /** Stable id of the regime. */
      id: unitId,
      /** Ghi chú for whoever maintains the file (e.g. where its unit list comes from); shown nowhere. */
      note: z.optional(z.string().check(z.maxLength(2000))),
      /** Tên báo cáo. */
      name: text(5),
      /** Nội dung yêu cầu báo cáo. */
      content: text(5),
      /** Căn cứ pháp lý. */
      legalBasis: z.array(text(3)).check(z.minLength(1)),
      /** Cơ quan ban hành chế độ báo cáo. */
      issuingBody: text(3),
      /** Địa danh ghi trên văn bản. */
      issuingPlace: text(2),
      /** Cơ quan nhận báo cáo. */
      receivingBody: z.strictObject({ name: text(3), email: z.email() }),
      /** Phương thức gửi, nhận báo cáo. */
      sendingMethod: text(3),
      /**
       * Tần suất thực hiện báo cáo. Only annual regimes run through every route yet; the periods of
       * the others (Nghị định 09, Điều 12) are computed in periodicity.ts.
       */
      frequency: z.enum(PERIODICITIES),
      /**
       * Thời hạn gửi báo cáo of a non-annual regime, counted from the end of each cut-off window (an
       * annual regime keeps `deadline`). Its `cutOff`/`opensOn`/`deadline`/`consolidation` then describe
       * the year-end cycle the annual tools still run on.
       */
      deadlineRule: z.optional(
        z.strictObject({ afterCutOff: z.union([z.strictObject({ workingDays: int(1, 60) }), z.strictObject({ days: count(90) })]) }),
      ),
      /** Names of the two unit groups when they are not the seed's (e.g. the commune-level PCs after 2025). */
      groupLabels: z.optional(z.strictObject({ province: text(3).check(z.maxLength(200)), district: text(3).check(z.maxLength(200)) })),
      firstPeriod: int(2000, 2100),
      /** Thời gian chốt số liệu. */
      cutOff: z.strictObject({ from: monthDay, to: monthDay }),
      /** Uploads for a period are accepted from this day on (local time). */
      opensOn: monthDay,
      /** Thời hạn gửi báo cáo: the end of this day, local time. */
      deadline: monthDay,
      /** When the consolidated summary is produced (local time). */
      consolidation: z.extend(monthDay, { hour: int(0, 23) }),
      /**
       * Days after the consolidation date until the period is closed (period-close.ts; default 30):
       * the summary is kept current until then. Optional, so older regime files still load.
       */
      closeAfterDays: z.optional(int(0, 366)),
      timeZone: z.string().check(
        z.refine((tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, 'unknown IANA time zone'),
      ),
      /**
       * Extra days off (YYYY-MM-DD) on top of weekends and the holidays computed for every year
       * (holidays.ts); kept from before the calendar was computed, so older regime files still load.
       */
      holidays: z._default(z.array(isoDate).check(z.maxLength(500)), []),
      /**
       * The government's arrangement of each year (Thủ tướng / Bộ Nội vụ): days off and swapped
       * working days (nghỉ bù, làm bù), keyed by year. Overrides the computed defaults for that year.
       */
      calendar: z.optional(z.record(z.string(), yearArrangement)),
      notices: z.strictObject({
        reminderDaysBefore: z.array(int(1, 60)),
        reminderWorkingDaysBefore: z.array(int(1, 30)),
        overdueFirstWorkingDaysAfter: int(1, 30),
        overdueRepeatDays: int(1, 60),
        escalationWorkingDaysAfter: int(1, 60),
        escalateToLeadership: z.boolean(),
      }),
      /** Phiên bản mẫu đề cương, biểu mẫu. */
      formVersion: text(1),
      /**
       * The report forms as data (form-definition.ts); the one whose version is formVersion is current.
       * Optional, so older regime files still load: without it the seed's form is the current one.
       * Checked in full where a regime file is loaded (parseRegimeForms, from readRegimeFile); every
       * function reading the stored regime only checks the versions, so it does not bundle the form's schema.
       */
      forms: z.optional(
        z.array(
          z.custom<FormDefinition>((f) => f !== null && typeof f === 'object' && typeof (f as { version?: unknown }).version === 'string'),
        ),
      ),
      units: z.array(unitSchema).check(
        z.minLength(1),
        z.refine((us) => new Set(us.map((u) => u.id)).size === us.length, 'unit ids must be unique'),
      ),
      leadership: z.array(z.strictObject({ name: text(2), email: z.email() })).check(z.minLength(1)),
    })
    .check(
      // The dates must come in the order the year runs: window, then opening and deadline after it.
      z.refine((r) => order(r.cutOff.from) < order(r.cutOff.to), {
        error: 'the cut-off window must start before it ends',
        path: ['cutOff'],
      }),
      z.refine((r) => order(r.cutOff.to) < order(r.deadline), {
        error: 'the deadline must come after the cut-off window ends',
        path: ['deadline'],
      }),
      z.refine((r) => order(r.opensOn) <= order(r.deadline), { error: 'submissions must open before the deadline', path: ['opensOn'] }),
      z.superRefine((r, ctx) => {
        if (r.frequency === 'annual' && r.deadlineRule)
          ctx.addIssue({ code: 'custom', message: 'an annual regime sets its deadline in `deadline`', path: ['deadlineRule'] });
        if (r.frequency !== 'annual' && !r.deadlineRule)
          ctx.addIssue({ code: 'custom', message: `a ${r.frequency} regime needs a deadlineRule`, path: ['deadlineRule'] });
      }),
      z.superRefine((r, ctx) => formsIssues(r.forms, r.formVersion).forEach((i) => ctx.addIssue({ code: 'custom', ...i }))),
      z.superRefine((r, ctx) => reorganizationIssues(r.units).forEach((i) => ctx.addIssue({ code: 'custom', ...i }))),
      // Every date of a year's arrangement lies in that year: a typo in the year is caught at load.
      z.superRefine((r, ctx) => {
        // Stored with the regime in one item: bounded like everything that grows with input.
        if (Object.keys(r.calendar ?? {}).length > 100) ctx.addIssue({ code: 'custom', message: 'at most 100 years', path: ['calendar'] });
        for (const [year, a] of Object.entries(r.calendar ?? {})) {
          if (!/^\d{4}$/.test(year)) ctx.addIssue({ code: 'custom', message: 'expected a year, YYYY', path: ['calendar', year] });
          for (const list of ['daysOff', 'workingDays'] as const) {
            a[list].forEach((d, i) => {
              if (!d.date.startsWith(`${year}-`))
                ctx.addIssue({ code: 'custom', message: `the date is not in ${year}`, path: ['calendar', year, list, i, 'date'] });
            });
          }
        }
      }),
    );
}

interface UnitValidity {
  id: string;
  validFrom: number | string;
  validTo?: number | string | undefined;
  successor?: string | undefined;
}

/**
 * Reorganization rules: dates in order, a successor that exists, is not the unit itself, and is there
 * the day after the unit ends; no chain of successors loops. Each issue names the unit's field.
 */
function reorganizationIssues(units: readonly UnitValidity[]): { message: string; path: (string | number)[] }[] {
  const issues: { message: string; path: (string | number)[] }[] = [];
  const index = new Map(units.map((u, i) => [u.id, i]));
  units.forEach((u, i) => {
    if (u.validTo !== undefined && validEnd(u) < validStart(u))
      issues.push({ message: 'validTo comes before validFrom', path: ['units', i, 'validTo'] });
    if (u.successor === undefined) return;
    const j = index.get(u.successor);
    const next = j === undefined ? undefined : units[j];
    if (!next) return void issues.push({ message: `no unit has the id ${u.successor}`, path: ['units', i, 'successor'] });
    if (next.id === u.id) return void issues.push({ message: 'a unit cannot succeed itself', path: ['units', i, 'successor'] });
    if (u.validTo === undefined)
      return void issues.push({ message: 'a unit with a successor needs validTo', path: ['units', i, 'validTo'] });
    const dayAfter = nextDay(validEnd(u));
    if (!(validStart(next) <= dayAfter && dayAfter <= validEnd(next))) {
      issues.push({
        message: `the successor ${next.id} must exist on ${dayAfter}, the day after this unit ends`,
        path: ['units', i, 'successor'],
      });
    }
    // Bounded by the number of units: a chain longer than that loops.
    let at: UnitValidity | undefined = next;
    for (let steps = 0; at?.successor !== undefined && steps <= units.length; steps++) {
      if (at.successor === u.id)
        return void issues.push({ message: 'the chain of successors loops back to this unit', path: ['units', i, 'successor'] });
      const k = index.get(at.successor);
      at = k === undefined ? undefined : units[k];
    }
  });
  return issues;
}

/** First day of a unit's validity: a year stands for the whole calendar year. */
const validStart = (u: { validFrom: number | string }): string => (typeof u.validFrom === 'number' ? `${u.validFrom}-01-01` : u.validFrom);
/** Last day of a unit's validity ('9999-12-31' while it lasts). */
const validEnd = (u: { validTo?: number | string | undefined }): string =>
  u.validTo === undefined ? '9999-12-31' : typeof u.validTo === 'number' ? `${u.validTo}-12-31` : u.validTo;
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Whether a unit exists on a local date (YYYY-MM-DD); a year in validFrom/validTo stands for the calendar year. */
export function unitValidAt(unit: Unit, date: string): boolean {
  return validStart(unit) <= date && date <= validEnd(unit);
}

/** A month/day relative to the reporting year as one comparable number. */
const order = (d: { month: number; day: number; yearOffset: number }) => d.yearOffset * 10_000 + d.month * 100 + d.day;

let regimeSchema: ReturnType<typeof buildRegimeSchema> | undefined;
/** The schema a regime is validated with (built once). */
export const RegimeSchema = () => (regimeSchema ??= buildRegimeSchema());

/**
 * A reporting regime (chế độ báo cáo định kỳ) with the elements Nghị định 09/2019/NĐ-CP, Điều 7
 * requires: name, content, reporting units, receiving body, sending method, deadline, frequency,
 * data cut-off window and the form — plus what the pipeline needs to run it: time zone, holidays,
 * notice offsets, leadership recipients. Data, not code: a deployer replaces it with a JSON file.
 */
export type Regime = z.infer<ReturnType<typeof buildRegimeSchema>> & {
  /**
   * Set by the registry (runtime.ts) on every regime of a deployment but its main one: that regime's
   * period keys carry its id (periodicity.ts PeriodKey). Never in a regime file.
   */
  readonly scoped?: boolean;
};
export type Unit = Regime['units'][number];
export type UnitGroup = Unit['group'];

export class RegimeInvalidError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid reporting regime: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'RegimeInvalidError';
  }
}

/** Validates a regime (e.g. a deployer's JSON file); throws an error naming every bad field. */
export function parseRegime(input: unknown): Regime {
  const r = z.safeParse(RegimeSchema(), input);
  if (!r.success) {
    throw new RegimeInvalidError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return r.data;
}

/** The fields a regime always has (the schema's required ones): what a stored regime is checked for. */
const REQUIRED = (
  'id name content legalBasis issuingBody issuingPlace receivingBody sendingMethod frequency firstPeriod ' +
  'cutOff opensOn deadline consolidation timeZone holidays notices formVersion units leadership'
).split(' ');

/**
 * The regime as the table holds it (item REGIME/CURRENT), for the functions, which read it at each
 * cold start. Only the output of parseRegime is ever written there — the deploy's RegimeSeed and the
 * local stack validate the regime in full first — so the item is trusted: this checks that it is a
 * regime (an object with every required field, units and leadership as lists), not every rule again.
 * The full schema, with its calendar, date and reorganization checks, stays out of the functions'
 * bundles (about 10 KB in each; issue 7 holds each function to 1.3× its floor).
 */
export function storedRegime(value: unknown): Regime {
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const issues = REQUIRED.filter((k) => r[k] === undefined).map((path) => ({ path, message: 'missing from the stored regime' }));
  for (const path of ['units', 'leadership'])
    if (r[path] !== undefined && !Array.isArray(r[path])) issues.push({ path, message: 'not a list' });
  if (issues.length) throw new RegimeInvalidError(issues);
  return r as unknown as Regime;
}

/**
 * Units expected to report for an annual period: a year in validFrom/validTo is compared with the
 * reporting year (as always), a date with the end of the period's cut-off window.
 */
export function expectedUnits(regime: Regime, period: PeriodKey): Unit[] {
  let cutOffTo: string | undefined;
  const endOfWindow = () => (cutOffTo ??= periodDates(regime, period).cutOffTo);
  const year = periodYear(period);
  return regime.units.filter((u) => {
    const from = typeof u.validFrom === 'number' ? u.validFrom <= year : u.validFrom <= endOfWindow();
    const to = u.validTo === undefined || (typeof u.validTo === 'number' ? year <= u.validTo : endOfWindow() <= u.validTo);
    return from && to;
  });
}

/** Units expected to report for a period whose cut-off window ends on `cutOffTo` (any periodicity). */
export function expectedUnitsAt(regime: Regime, cutOffTo: string): Unit[] {
  return regime.units.filter((u) => unitValidAt(u, cutOffTo));
}

export function findUnit(regime: Regime, id: string): Unit | undefined {
  return regime.units.find((u) => u.id === id);
}

export const GROUP_LABELS: Record<UnitGroup, string> = {
  province: 'Sở, ban, ngành, đơn vị thuộc UBND tỉnh',
  district: 'UBND các huyện, thành phố',
};

/** A group's label in a regime: its own `groupLabels`, else the seed's. */
export const groupLabel = (regime: Regime, group: UnitGroup): string => regime.groupLabels?.[group] ?? GROUP_LABELS[group];
