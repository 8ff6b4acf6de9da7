import { addDays, daysBetween, localDate } from './calendar.js';

/**
 * Reports received per day against the deadline: how many units sent their first valid report on
 * each local day (in the regime's time zone) around the due date — the picture the summary
 * workbook, the draft and the board draw. The callers pass the first valid upload of the units
 * that have reported (ON_TIME or LATE), so the days add up to the reporting rate's numerator.
 *
 * Bounded whatever the dates: from at most BEFORE days before the due date (at least a week, more
 * when reports came earlier) to at most AFTER days after it (as far as the last report). A report
 * outside that window is counted on its first or last day, which is then labelled "≤ dd/mm" or
 * "≥ dd/mm". Pure: the same instants give the same days.
 */
export interface SubmissionDay {
  /** YYYY-MM-DD. */
  date: string;
  /** "dd/mm", or "≤ dd/mm" / "≥ dd/mm" on a first or last day that also counts the days beyond. */
  label: string;
  count: number;
  /** After the due date (a unit with an extension may still be on time then). */
  late: boolean;
}

const BEFORE = 29;
const AFTER = 14;
const MIN_BEFORE = 6;

export function submissionDays(instants: readonly string[], dueDate: string, tz: string): SubmissionDay[] {
  const dates = instants.map((i) => localDate(new Date(i), tz)).sort();
  const min = (a: string, b: string) => (a < b ? a : b);
  const max = (a: string, b: string) => (a > b ? a : b);
  const start = max(addDays(dueDate, -BEFORE), min(dates[0] ?? dueDate, addDays(dueDate, -MIN_BEFORE)));
  const end = min(addDays(dueDate, AFTER), max(dates.at(-1) ?? dueDate, dueDate));
  const days: SubmissionDay[] = [];
  for (let d = start; d <= end; d = addDays(d, 1))
    days.push({ date: d, label: `${d.slice(8)}/${d.slice(5, 7)}`, count: 0, late: d > dueDate });
  for (const d of dates) days[d < start ? 0 : d > end ? days.length - 1 : daysBetween(start, d)]!.count += 1;
  if ((dates[0] ?? start) < start) days[0]!.label = `≤ ${days[0]!.label}`;
  if ((dates.at(-1) ?? end) > end) days.at(-1)!.label = `≥ ${days.at(-1)!.label}`;
  return days;
}
