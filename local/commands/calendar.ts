import { parseArgs } from 'node:util';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { DayOff } from '../../shared/domain/holidays.js';
import type { Regime } from '../../shared/domain/regime.js';
import { workingCalendar } from '../../shared/domain/working-calendar.js';
import { readRegimeFile } from '../../shared/regime-file.js';

/** `calendar --year YYYY [--json]`'s machine-readable answer. */
export interface CalendarYear {
  year: number;
  /** Every day off falling on a weekday, in date order; weekends are not listed. */
  holidays: DayOff[];
  workingDays: number;
}

export class CalendarCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarCommandError';
  }
}

/** The lunar conversion is checked for these years (test/unit/holidays.test.ts covers 1985–2040). */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;

export function calendarYear(regime: Pick<Regime, 'holidays' | 'calendar'>, year: number): CalendarYear {
  const cal = workingCalendar(regime);
  return { year, holidays: cal.daysOff(year).map((d) => ({ date: d.date, name: d.name })), workingDays: cal.workingDays(year) };
}

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

/**
 * `calendar --year YYYY [--json] [--regime FILE]`: the working-day calendar every deadline rule
 * uses, for one year — of the regime file given (or $REGIME_FILE, as `npm start` reads it), else
 * the built-in regime. Needs no running stack, so a deployer checks a yearly arrangement before
 * loading it.
 */
export function calendarCommand(argv: string[], out: (line: string) => void): void {
  let values: { year?: string | undefined; json?: boolean | undefined; regime?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { year: { type: 'string' }, json: { type: 'boolean', default: false }, regime: { type: 'string' } },
    }));
  } catch (e) {
    throw new CalendarCommandError(`Tham số không hợp lệ: ${(e as Error).message}`);
  }
  if (!values.year || !/^\d{4}$/.test(values.year)) throw new CalendarCommandError('Cần --year YYYY (ví dụ --year 2027)');
  const year = Number(values.year);
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new CalendarCommandError(`Năm phải từ ${FIRST_YEAR} đến ${LAST_YEAR}`);
  const file = values.regime ?? process.env.REGIME_FILE;
  const regime = file ? readRegimeFile(file) : DEFAULT_REGIME;
  const result = calendarYear(regime, year);
  if (values.json) {
    out(JSON.stringify(result, null, 2));
    return;
  }
  out(
    `Lịch làm việc năm ${year}${file ? ` (theo ${file})` : ''}: ${result.holidays.length} ngày nghỉ lễ, tết, nghỉ bù trong tuần; ${result.workingDays} ngày làm việc`,
  );
  for (const d of result.holidays) {
    const [y, m, dd] = d.date.split('-');
    const dow = WEEKDAYS[new Date(`${d.date}T00:00:00Z`).getUTCDay()] ?? '';
    out(`  ${dow.padEnd(8)} ${dd}/${m}/${y}  ${d.name}`);
  }
}
