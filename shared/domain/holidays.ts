import { addDays } from './calendar.js';
import { gioToOf, tetOf } from './lunar-table.js';

/**
 * Vietnam's public holidays for any year, by Bộ luật Lao động 2019, Điều 112, with the choices the
 * law leaves to the government set to what it has usually decided. A province records the year's
 * actual arrangement (the Thủ tướng's or Bộ Nội vụ's notice) in the regime's `calendar`, which
 * overrides these defaults (working-calendar.ts).
 *
 * Listed: the days off that fall on a weekday (a holiday on a Saturday or Sunday is a rest day
 * anyway and gives a compensatory day instead).
 */
export interface DayOff {
  /** YYYY-MM-DD */
  date: string;
  /** Vietnamese name, as an operator reads it. */
  name: string;
}

const dayOfWeek = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string) => dayOfWeek(date) === 0 || dayOfWeek(date) === 6;
const ymd = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function lastWeekdayOnOrBefore(date: string): string {
  let d = date;
  while (isWeekend(d)) d = addDays(d, -1);
  return d;
}

/** How a day around Tết reads in the lunar calendar: "mùng 2 Tết", "30 tháng Chạp". */
function lunarLabel(date: string, tet: { mung1: string; lastMonthDays: number }): string {
  const n = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${tet.mung1}T00:00:00Z`)) / 86_400_000);
  return n >= 0 ? `mùng ${n + 1} Tết` : `${tet.lastMonthDays + 1 + n} tháng Chạp`;
}

/**
 * Tết Nguyên đán, 5 days (Điều 112, khoản 1, điểm b): the government picks them each year. Default:
 * the five weekdays ending on the last weekday on or before mùng 5 Tết. That is the choice of every
 * year from 2017 to 2026 (e.g. 2024, mùng 1 on a Saturday: 8–9 and 12–14 February; 2026, mùng 1 on
 * a Tuesday: 16–20 February), so the break always holds the last day of the old year and the
 * first days of the new one, and no Tết day falls on a weekend (no compensatory day for Tết).
 */
function tetDaysOff(year: number): DayOff[] {
  const tet = tetOf(year);
  const days: string[] = [];
  for (let d = lastWeekdayOnOrBefore(addDays(tet.mung1, 4)); days.length < 5; d = addDays(d, -1)) if (!isWeekend(d)) days.unshift(d);
  return days.map((date) => ({ date, name: `Tết Nguyên đán (${lunarLabel(date, tet)})` }));
}

/**
 * Quốc khánh, 2/9 and one day next to it (điểm đ): the government picks the day. Default, as
 * decided in 2021–2025: the side that joins the break to a weekend — 3/9 when 2/9 is a Monday or a
 * Thursday (or a Sunday: then Monday 3/9 and, in compensation, Tuesday 4/9), 1/9 otherwise (a
 * Wednesday 2/9 joins no weekend either way; 1/9 then).
 */
function nationalDayDates(year: number): string[] {
  const second = ymd(year, 9, 2);
  const after = [0, 1, 4].includes(dayOfWeek(second));
  return after ? [second, ymd(year, 9, 3)] : [ymd(year, 9, 1), second];
}

/** Every statutory holiday of `year`, weekend or not, before compensation. */
function statutoryHolidays(year: number): DayOff[] {
  return [
    { date: ymd(year, 1, 1), name: 'Tết Dương lịch' },
    { date: gioToOf(year), name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
    { date: ymd(year, 4, 30), name: 'Ngày Chiến thắng (30/4)' },
    { date: ymd(year, 5, 1), name: 'Ngày Quốc tế Lao động (1/5)' },
    ...nationalDayDates(year).map((date) => ({ date, name: `Quốc khánh (${Number(date.slice(8))}/9)` })),
  ];
}

/**
 * The year's days off by law, weekdays only, in date order: the holidays above plus a
 * compensatory day (nghỉ bù, Điều 112, khoản 3) on the next working day for each holiday falling
 * on a Saturday, a Sunday or another holiday — 30/4 on a Saturday and 1/5 on a Sunday give Monday
 * 2/5 and Tuesday 3/5.
 */
export function statutoryDaysOff(year: number): DayOff[] {
  // A pure function of the year: computed once per process and year (each request that reads the
  // regime anew gets a new calendar, not new arithmetic).
  let days = byYear.get(year);
  if (!days) byYear.set(year, (days = computeDaysOff(year)));
  return days.map((d) => ({ ...d }));
}

const byYear = new Map<number, readonly DayOff[]>();

function computeDaysOff(year: number): DayOff[] {
  const taken = new Map<string, DayOff>();
  for (const t of tetDaysOff(year)) taken.set(t.date, t);
  const holidays = statutoryHolidays(year).sort((a, b) => a.date.localeCompare(b.date));
  // First every holiday on its own weekday, then each compensation after all of them, in order.
  const owed: DayOff[] = [];
  for (const h of holidays) {
    if (isWeekend(h.date) || taken.has(h.date)) owed.push(h);
    else taken.set(h.date, h);
  }
  for (const h of owed) {
    let d = addDays(h.date, 1);
    while (isWeekend(d) || taken.has(d)) d = addDays(d, 1);
    taken.set(d, { date: d, name: `Nghỉ bù ${h.name}` });
  }
  return [...taken.values()].sort((a, b) => a.date.localeCompare(b.date));
}
