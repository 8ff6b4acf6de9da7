import { addDays, isWorkingDay, localDate, periodDates, zonedTime, type WorkingDays } from '../../shared/domain/calendar.js';
import { workingCalendar } from '../../shared/domain/working-calendar.js';
import { expectedUnits, type Regime, type UnitGroup } from '../../shared/domain/regime.js';
import { seededRandom } from '../../shared/domain/sample-report.js';

/**
 * The demo's reporting year, as data: who uploads what, when, through which path, and what Sở Nội
 * vụ does. Pure and deterministic — the same regime and period always give the same plan — so the
 * demo gives the same result every run and its test derives its expectations from this object.
 *
 * Roles (the default regime's 31 units):
 * - three units never report;
 * - one uploads a valid report, is returned for revision by Sở Nội vụ and resubmits before the deadline;
 * - two upload an invalid report first (one by the form, one by the Excel template) and correct it
 *   days later — one before the deadline, one after it;
 * - four report late: one the day after the deadline (still in time for the consolidation), one
 *   after the first overdue notice, one after the second, the last after the escalation digest;
 * - every other unit reports on time, on a day and hour drawn from a PRNG seeded with its id, by
 *   the form (JSON) or the Excel template.
 * Units of a custom regime without these ids simply all fall into the on-time pool.
 */

export type Channel = 'json' | 'xlsx';
export type Role = 'on-time' | 'late' | 'invalid-then-corrected' | 'returned' | 'never';

export interface UploadAction {
  kind: 'upload';
  /** Instant (virtual clock) of the upload. */
  at: Date;
  channel: Channel;
  /** A valid report (sampleReport(regime, unit, period, variant)), or one with the defect below. */
  valid: boolean;
  /** The sampleReport variant the figures come from. */
  variant: number;
  /** What is wrong with an invalid upload (for the log; the pipeline finds it by itself). */
  defect?: string;
}

export interface ReturnAction {
  kind: 'return';
  at: Date;
  /** Returns the unit's latest valid upload, with this reason (Vietnamese, shown to the unit). */
  reason: string;
  reviewer: string;
}

export type PlanAction = UploadAction | ReturnAction;

export interface PlannedUnit {
  unitId: string;
  name: string;
  group: UnitGroup;
  role: Role;
  /** In time order. */
  actions: PlanAction[];
  /** One line in Vietnamese: what this unit does in the demo. */
  story: string;
}

export interface DemoPlan {
  period: number;
  timeZone: string;
  /** Local dates (YYYY-MM-DD) of the first and last simulated days. */
  firstDay: string;
  lastDay: string;
  /** One entry per expected unit, in regime order. */
  units: PlannedUnit[];
}

/** Units with a scripted role in the default regime. */
export const SCRIPTED = {
  returned: 'so-y-te',
  invalidBeforeDeadline: 'dak-to',
  invalidAfterDeadline: 'so-giao-thong',
  lateBeforeConsolidation: 'so-khoa-hoc',
  lateAfterFirstOverdue: 'dak-glei',
  lateAfterSecondOverdue: 'kon-plong',
  lateAfterEscalation: 'ban-quan-ly-kkt',
  never: ['so-ngoai-vu', 'ia-hdrai', 'tu-mo-rong'],
} as const;

export const RETURN_REASON =
  'Số liệu tiếp công dân và giải quyết đơn thư (mục 2) chưa khớp với báo cáo 6 tháng đầu năm; đề nghị đơn vị rà soát, chỉnh sửa và gửi lại báo cáo kèm văn bản đã ký số.';
export const REVIEWER = 'Nguyễn Văn An (Phòng Xây dựng chính quyền, Sở Nội vụ)';

function workingDaysBetween(from: string, to: string, holidays: WorkingDays): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isWorkingDay(d, holidays)) out.push(d);
  return out;
}

export function demoPlan(regime: Regime, period: number): DemoPlan {
  const tz = regime.timeZone;
  const dates = periodDates(regime, period);
  const at = (date: string, hour: number, minute = 0) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return zonedTime(tz, y, m, d, hour, minute);
  };
  const md = (monthDay: string, yearOffset = 0) => `${period + yearOffset}-${monthDay}`;
  // The first working day from the opening, so the first morning is an office day.
  let firstDay = localDate(dates.opensAt, tz);
  while (!isWorkingDay(firstDay, workingCalendar(regime))) firstDay = addDays(firstDay, 1);
  const lastDay = md('01-08', 1);

  const upload = (date: string, h: number, m: number, channel: Channel, extra: Partial<UploadAction> = {}): UploadAction => ({
    kind: 'upload',
    at: at(date, h, m),
    channel,
    valid: true,
    variant: 0,
    ...extra,
  });

  type Script = { role: Role; actions: PlanAction[]; story: string };
  const scripted = new Map<string, Script>([
    [
      SCRIPTED.returned,
      {
        role: 'returned',
        actions: [
          upload(md('12-08'), 10, 20, 'xlsx'),
          { kind: 'return', at: at(md('12-15'), 14, 30), reason: RETURN_REASON, reviewer: REVIEWER },
          upload(md('12-17'), 15, 40, 'json', { variant: 1 }),
        ],
        story: 'Nộp Excel 08/12; Sở Nội vụ trả lại 15/12; nộp lại (biểu mẫu) 17/12 với số liệu đã chỉnh',
      },
    ],
    [
      SCRIPTED.invalidBeforeDeadline,
      {
        role: 'invalid-then-corrected',
        actions: [
          upload(md('12-09'), 9, 50, 'json', { valid: false, defect: 'đơn thư đã giải quyết > đã tiếp nhận; ý kiến tiếp thu > đã nhận' }),
          upload(md('12-14'), 10, 5, 'json'),
        ],
        story: 'Nộp biểu mẫu sai số liệu 09/12 (bị từ chối); nộp lại đúng 14/12',
      },
    ],
    [
      SCRIPTED.invalidAfterDeadline,
      {
        role: 'invalid-then-corrected',
        actions: [
          upload(md('12-16'), 16, 10, 'xlsx', { valid: false, defect: 'ô số liệu ghi bằng chữ ("mười hai")' }),
          upload(md('12-22'), 9, 30, 'xlsx'),
        ],
        story: 'Nộp Excel có ô ghi bằng chữ 16/12 (bị từ chối); nộp lại đúng 22/12, sau hạn',
      },
    ],
    [
      SCRIPTED.lateBeforeConsolidation,
      { role: 'late', actions: [upload(md('12-19'), 9, 15, 'json')], story: 'Nộp trễ sáng thứ Bảy 19/12, kịp kỳ tổng hợp 20/12' },
    ],
    [
      SCRIPTED.lateAfterFirstOverdue,
      { role: 'late', actions: [upload(md('12-21'), 14, 0, 'xlsx')], story: 'Nộp trễ 21/12, sau thông báo quá hạn lần 1' },
    ],
    [
      SCRIPTED.lateAfterSecondOverdue,
      { role: 'late', actions: [upload(md('12-28'), 15, 0, 'json')], story: 'Nộp trễ 28/12, sau thông báo quá hạn lần 2' },
    ],
    [
      SCRIPTED.lateAfterEscalation,
      { role: 'late', actions: [upload(md('12-30'), 9, 0, 'json')], story: 'Nộp trễ 30/12, sau khi bị đưa vào danh sách báo cáo lãnh đạo' },
    ],
    ...SCRIPTED.never.map((id): [string, Script] => [id, { role: 'never', actions: [], story: 'Không nộp báo cáo' }]),
  ]);

  // On-time pool: a fifth in November, most in the first ten days of December, the rest in the
  // last week before the deadline; a third by the Excel template.
  const windows = [
    { until: 0.2, days: workingDaysBetween(firstDay, md('11-30'), workingCalendar(regime)) },
    { until: 0.65, days: workingDaysBetween(md('12-01'), md('12-10'), workingCalendar(regime)) },
    { until: 1, days: workingDaysBetween(md('12-11'), dates.dueDate, workingCalendar(regime)) },
  ];
  const onTime = (unitId: string) => {
    const r = seededRandom(`demo/${regime.id}/${period}/${unitId}`);
    const w = windows.find((x) => r() < x.until) ?? windows[windows.length - 1]!;
    const day = w.days[Math.floor(r() * w.days.length)] ?? dates.dueDate;
    // 08:15–16:55, on five-minute marks: office hours, after the 08:00 notices job.
    const minutes = 8 * 60 + 15 + 5 * Math.floor(r() * 105);
    const channel: Channel = r() < 0.33 ? 'xlsx' : 'json';
    const action = upload(day, Math.floor(minutes / 60), minutes % 60, channel);
    const [, mm, dd] = day.split('-');
    return {
      role: 'on-time' as Role,
      actions: [action],
      story: `Nộp đúng hạn ${dd}/${mm} (${channel === 'xlsx' ? 'tệp Excel' : 'biểu mẫu'})`,
    };
  };

  const units = expectedUnits(regime, period).map((u): PlannedUnit => {
    const s = scripted.get(u.id) ?? onTime(u.id);
    return { unitId: u.id, name: u.name, group: u.group, ...s };
  });
  return { period, timeZone: tz, firstDay, lastDay, units };
}

/** The plan's actions of one local day, in time order, with their unit. */
export function actionsOn(plan: DemoPlan, day: string): { unit: PlannedUnit; action: PlanAction }[] {
  return plan.units
    .flatMap((unit) => unit.actions.map((action) => ({ unit, action })))
    .filter((x) => localDate(x.action.at, plan.timeZone) === day)
    .sort((a, b) => a.action.at.getTime() - b.action.at.getTime() || a.unit.unitId.localeCompare(b.unit.unitId));
}
