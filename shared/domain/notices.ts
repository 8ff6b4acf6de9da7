import type { PeriodKey } from './periodicity.js';
import { addDays, addWorkingDays, daysBetween, isWorkingDay, localDate, periodDates, type WorkingDays } from './calendar.js';
import { workingCalendar } from './working-calendar.js';
import type { Regime } from './regime.js';
import type { ComplianceStatus } from './status.js';

/**
 * Which notice steps are due, as of `now`, for one period. Pure: the notices use case passes the
 * result to the ledger (conditional put per (period, unit, kind, step)) and the mailer; the ledger,
 * not this function, is what stops a step from being sent twice.
 */
export interface NoticeUnitInput {
  unitId: string;
  /** The unit's status as of `now` (deriveStatus); only used to tell "still owes a report" apart. */
  status: ComplianceStatus;
  /** Local date (YYYY-MM-DD) of an extension; honoured only when later than the regime's deadline. */
  extensionUntil?: string;
}

export interface ReminderNotice {
  kind: 'reminder';
  /** `T-7` (calendar days) or `T-1wd` (working days); `@YYYY-MM-DD` appended under an extension. */
  step: string;
  unitId: string;
  /** Local date from which the step is due. */
  dueOn: string;
  /** The deadline in force for the unit (local date; the deadline is the end of that day). */
  deadline: string;
}

export interface OverdueNotice {
  kind: 'overdue';
  /** `overdue-1`, `overdue-2`, …; `@YYYY-MM-DD` appended under an extension. */
  step: string;
  unitId: string;
  dueOn: string;
  deadline: string;
  /** 1 for the first overdue notice, 2 for the first repeat, … */
  repeat: number;
  /** Calendar days past the deadline as of `now` (the day after the deadline is 1). */
  daysOverdue: number;
}

export interface EscalatedUnit {
  unitId: string;
  status: ComplianceStatus;
  deadline: string;
  daysOverdue: number;
}

export interface EscalationNotice {
  kind: 'escalation';
  step: 'escalation';
  /** The digest is not addressed to a unit: '*' keys it in the ledger. */
  unitId: '*';
  dueOn: string;
  /** Units still owing a report past their deadline as of `now`, most overdue first. */
  overdue: EscalatedUnit[];
}

export type DueNotice = ReminderNotice | OverdueNotice | EscalationNotice;
export type NoticeKind = DueNotice['kind'];

export const ESCALATION_UNIT_ID = '*';

/** Statuses that still owe a report (NOT_OPEN, ON_TIME, LATE do not); the phase comes from the dates. */
const OWES_REPORT: ReadonlySet<ComplianceStatus> = new Set(['PENDING', 'REJECTED', 'RETURNED', 'OVERDUE']);

const onOrBeforeWorkingDay = (d: string, holidays: WorkingDays) => (isWorkingDay(d, holidays) ? d : addWorkingDays(d, -1, holidays));
const onOrAfterWorkingDay = (d: string, holidays: WorkingDays) => (isWorkingDay(d, holidays) ? d : addWorkingDays(d, 1, holidays));

interface Step {
  step: string;
  dueOn: string;
}

/** Reminder steps for a deadline, in the order they fall (ties keep the working-day step last). */
export function reminderSteps(regime: Regime, deadline: string): Step[] {
  const { notices } = regime;
  const holidays = workingCalendar(regime);
  const steps: Step[] = [
    // A calendar-day reminder landing on a weekend or holiday goes out on the working day before,
    // so the unit never gets less notice than the regime promises.
    ...notices.reminderDaysBefore.map((d) => ({ step: `T-${d}`, dueOn: onOrBeforeWorkingDay(addDays(deadline, -d), holidays) })),
    ...notices.reminderWorkingDaysBefore.map((n) => ({ step: `T-${n}wd`, dueOn: addWorkingDays(deadline, -n, holidays) })),
  ];
  return steps.sort((a, b) => a.dueOn.localeCompare(b.dueOn));
}

/** The first overdue notice's date for a deadline. */
export function firstOverdueDate(regime: Regime, deadline: string): string {
  return addWorkingDays(deadline, regime.notices.overdueFirstWorkingDaysAfter, workingCalendar(regime));
}

/** The escalation digest's date: the regime's deadline plus escalationWorkingDaysAfter working days. */
export function escalationDate(regime: Regime, period: PeriodKey): string {
  return addWorkingDays(periodDates(regime, period).dueDate, regime.notices.escalationWorkingDaysAfter, workingCalendar(regime));
}

/**
 * The latest overdue step due on or before `today`, or undefined. Repeat k (0-based) is nominally
 * `first + k × overdueRepeatDays` (counted from the nominal dates, so shifts never accumulate) and
 * goes out on the first working day on or after that date.
 */
function latestOverdueStep(regime: Regime, deadline: string, today: string): { step: Step; repeat: number } | undefined {
  const first = firstOverdueDate(regime, deadline);
  const since = daysBetween(first, today);
  if (since < 0) return undefined;
  const every = regime.notices.overdueRepeatDays;
  for (let k = Math.floor(since / every); k >= 0; k -= 1) {
    const dueOn = onOrAfterWorkingDay(addDays(first, k * every), workingCalendar(regime));
    if (dueOn <= today) return { step: { step: `overdue-${k + 1}`, dueOn }, repeat: k + 1 };
  }
  return undefined;
}

/**
 * Decides which notices are due as of `now` (its local date in regime.timeZone is "today"; all
 * dates are local calendar dates, computed with calendar.ts). Primary course:
 *
 * 1. Nothing before the period opens (local date of periodDates().opensAt), and nothing for a
 *    unit that is NOT_OPEN or has reported (ON_TIME, LATE).
 * 2. Every other unit (PENDING, REJECTED, RETURNED, OVERDUE) still owes a report. Its deadline T is
 *    the regime's due date, or its extension when later. Which phase it is in comes from T and
 *    today, not from the status, so a stale stored status cannot send the wrong kind of notice.
 * 3. Today ≤ T: reminders. Steps `T-{d}` (reminderDaysBefore, calendar days; moved to the working
 *    day before when they land on a weekend or holiday) and `T-{n}wd` (reminderWorkingDaysBefore).
 * 4. Today > T: overdue notices. `overdue-1` on the overdueFirstWorkingDaysAfter-th working day
 *    after T, then `overdue-k` every overdueRepeatDays calendar days after that (moved to the next
 *    working day when they land on a weekend or holiday), for as long as the report is owed. A
 *    RETURNED report past its deadline counts as owed: the province has nothing it can use.
 * 5. Catch-up: a step is due from its date on. Of the steps due for a unit, only the LATEST
 *    (by date) is returned, never the backlog — after days of downtime a unit gets one notice,
 *    the one that fits today. The ledger drops it if that exact step was already sent.
 * 6. Under an extension (T later than the regime's date), step ids get `@{T}` appended, so the
 *    reminders and overdue notices relative to the extended date are new ledger entries rather
 *    than being swallowed by the steps already sent for the original deadline.
 * 7. Escalation: from the regime's due date + escalationWorkingDaysAfter working days on, ONE digest
 *    (kind 'escalation', step 'escalation', unitId '*') listing every unit owing a report past its
 *    own T, with days overdue. None when no unit is overdue. A unit whose extension still runs on
 *    that day is not listed (it is not overdue); it keeps receiving its own overdue notices later.
 *
 * Output order: units in input order, then the escalation digest. O(units) per call.
 */
export function dueNotices(input: { regime: Regime; period: PeriodKey; now: Date; units: readonly NoticeUnitInput[] }): DueNotice[] {
  const { regime, period, now } = input;
  const dates = periodDates(regime, period);
  const today = localDate(now, regime.timeZone);
  if (today < localDate(dates.opensAt, regime.timeZone)) return [];

  const out: DueNotice[] = [];
  const overdue: EscalatedUnit[] = [];
  for (const u of input.units) {
    if (!OWES_REPORT.has(u.status)) continue;
    const extended = u.extensionUntil !== undefined && u.extensionUntil > dates.dueDate;
    const deadline = extended ? (u.extensionUntil as string) : dates.dueDate;
    const suffix = extended ? `@${deadline}` : '';

    if (today <= deadline) {
      const latest = reminderSteps(regime, deadline)
        .filter((s) => s.dueOn <= today)
        .at(-1);
      if (latest) out.push({ kind: 'reminder', step: latest.step + suffix, unitId: u.unitId, dueOn: latest.dueOn, deadline });
      continue;
    }

    const daysOverdue = daysBetween(deadline, today);
    overdue.push({ unitId: u.unitId, status: u.status, deadline, daysOverdue });
    const latest = latestOverdueStep(regime, deadline, today);
    if (latest) {
      out.push({
        kind: 'overdue',
        step: latest.step.step + suffix,
        unitId: u.unitId,
        dueOn: latest.step.dueOn,
        deadline,
        repeat: latest.repeat,
        daysOverdue,
      });
    }
  }

  const escalateOn = escalationDate(regime, period);
  if (today >= escalateOn && overdue.length > 0) {
    overdue.sort((a, b) => b.daysOverdue - a.daysOverdue);
    out.push({ kind: 'escalation', step: 'escalation', unitId: ESCALATION_UNIT_ID, dueOn: escalateOn, overdue });
  }
  return out;
}
