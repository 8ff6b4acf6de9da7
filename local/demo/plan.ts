import { periodLabel, periodYear, type PeriodKey } from '../../shared/domain/periodicity.js';
import {
  addDays,
  addWorkingDays,
  isWorkingDay,
  localDate,
  periodDates,
  zonedTime,
  type WorkingDays,
} from '../../shared/domain/calendar.js';
import { workingCalendar } from '../../shared/domain/working-calendar.js';
import { expectedUnits, groupLabel, type Regime, type UnitGroup } from '../../shared/domain/regime.js';
import { currentForm } from '../../shared/domain/report.js';
import { formDefects, seededRandom } from '../../shared/domain/sample-report.js';

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
 * Another regime file (without these units) gets genericPlan: the same roles, drawn from its own dates.
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
  period: PeriodKey;
  /** The period as a person reads it: "năm 2026", "quý III năm 2026". */
  periodLabel: string;
  timeZone: string;
  /** Local dates (YYYY-MM-DD) of the first and last simulated days. */
  firstDay: string;
  lastDay: string;
  /** One entry per expected unit, in regime order. */
  units: PlannedUnit[];
  /**
   * 'seed': the Kon Tum regime's scripted year (every SCRIPTED unit present); 'generic': any other
   * regime file (`--regime`), roles given by position and days drawn from its own dates (genericPlan).
   */
  script: 'seed' | 'generic';
  /** What the regime calls its two groups (its `groupLabels`, else the seed's), for the printed table. */
  groupLabels: Record<UnitGroup, string>;
}

const groupLabelsOf = (regime: Regime): Record<UnitGroup, string> => ({
  province: groupLabel(regime, 'province'),
  district: groupLabel(regime, 'district'),
});

/** A plan: what the script decided, with what the regime says of the period. */
const planOf = (regime: Regime, period: PeriodKey, p: Omit<DemoPlan, 'period' | 'periodLabel' | 'groupLabels'>): DemoPlan => ({
  period,
  periodLabel: periodLabel(regime.frequency, period),
  ...p,
  groupLabels: groupLabelsOf(regime),
});

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

/** The working days from `from` to `to`, inclusive. */
function workingDaysBetween(from: string, to: string, holidays: WorkingDays): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isWorkingDay(d, holidays)) out.push(d);
  return out;
}

export function demoPlan(regime: Regime, period: PeriodKey): DemoPlan {
  const expected = new Set(expectedUnits(regime, period).map((u) => u.id));
  const seedScript = Object.values(SCRIPTED)
    .flat()
    .every((id) => expected.has(id));
  return seedScript ? seedPlan(regime, period) : genericPlan(regime, period);
}

function seedPlan(regime: Regime, period: PeriodKey): DemoPlan {
  const tz = regime.timeZone;
  const dates = periodDates(regime, period);
  const at = (date: string, hour: number, minute = 0) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return zonedTime(tz, y, m, d, hour, minute);
  };
  const md = (monthDay: string, yearOffset = 0) => `${periodYear(period) + yearOffset}-${monthDay}`;
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
  return planOf(regime, period, { timeZone: tz, firstDay, lastDay, units, script: 'seed' });
}

/** The plan's actions of one local day, in time order, with their unit. */
export function actionsOn(plan: DemoPlan, day: string): { unit: PlannedUnit; action: PlanAction }[] {
  return plan.units
    .flatMap((unit) => unit.actions.map((action) => ({ unit, action })))
    .filter((x) => localDate(x.action.at, plan.timeZone) === day)
    .sort((a, b) => a.action.at.getTime() - b.action.at.getTime() || a.unit.unitId.localeCompare(b.unit.unitId));
}

/**
 * Any regime file's year (`npm run demo -- --regime FILE`): the seed's roles given to its expected
 * units by position, on days drawn from the file's own dates (opening, deadline, consolidation,
 * notice offsets and working calendar) — so every role happens whatever the months are:
 * - the last unit never reports (and the one before it too when there are 8 units or more);
 * - the 1st is returned for revision and resubmits; the 2nd and 3rd upload an invalid report
 *   first (it breaks one of the form's rules or bounds: formDefects) and correct it, one before
 *   the deadline, one after it;
 * - the 4th reports the day after the deadline, the 5th after the first overdue notice, the 6th
 *   after the escalation (after the consolidation: the leadership gets an updated summary);
 * - every other unit on time, on a working day between the opening and the deadline.
 * Roles beyond the number of units are left out (a small file still gets the first ones). Scripted
 * uploads go by the form (JSON); a third of the on-time units fill in the Excel template, unless the
 * form has a required table (the template carries no table fields).
 */
export function genericPlan(regime: Regime, period: PeriodKey): DemoPlan {
  const tz = regime.timeZone;
  const cal = workingCalendar(regime);
  const dates = periodDates(regime, period);
  const at = (date: string, hour: number, minute = 0) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return zonedTime(tz, y, m, d, hour, minute);
  };
  const working = (d: string) => (isWorkingDay(d, cal) ? d : addWorkingDays(d, 1, cal));
  let firstDay = localDate(dates.opensAt, tz);
  while (!isWorkingDay(firstDay, cal)) firstDay = addDays(firstDay, 1);
  const due = dates.dueDate;
  const consolidation = localDate(dates.consolidationAt, tz);
  const n = regime.notices;
  const firstOverdue = addWorkingDays(due, n.overdueFirstWorkingDaysAfter, cal);
  const escalation = addWorkingDays(due, n.escalationWorkingDaysAfter, cal);
  const window = workingDaysBetween(firstDay, due, cal);
  const early = window[0] ?? firstDay;
  const mid = window[Math.floor(window.length / 2)] ?? early;
  const beforeDue = window[Math.max(0, window.length - 2)] ?? mid;
  const ddmm = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}`;
  const defects = formDefects(currentForm(regime), { from: dates.cutOffFrom, to: dates.cutOffTo });
  const defect = (variant: number) => defects[variant % defects.length]?.defect ?? 'báo cáo sai';
  // The Excel template carries no table: a form with a required table is filled by the form only.
  const excel = !currentForm(regime).sections.some((sec) => sec.fields.some((f) => f.type === 'table' && f.required));
  const upload = (date: string, h: number, m: number, extra: Partial<UploadAction> = {}): UploadAction => ({
    kind: 'upload',
    at: at(date, h, m),
    channel: 'json',
    valid: true,
    variant: 0,
    ...extra,
  });

  type Script = { role: Role; actions: PlanAction[]; story: string };
  const returnDay = addWorkingDays(early, 2, cal);
  const resubmit = addWorkingDays(returnDay, 1, cal);
  const lateAfterConsolidation = [addWorkingDays(escalation, 1, cal), addDays(consolidation, 1)].sort().at(-1)!;
  const roles: Script[] = [
    {
      role: 'returned',
      actions: [
        upload(early, 10, 20),
        { kind: 'return', at: at(returnDay, 14, 30), reason: RETURN_REASON, reviewer: REVIEWER },
        upload(resubmit, 15, 40, { variant: 1 }),
      ],
      story: `Nộp ${ddmm(early)}; Sở Nội vụ trả lại ${ddmm(returnDay)}; nộp lại ${ddmm(resubmit)} với số liệu đã chỉnh`,
    },
    {
      role: 'invalid-then-corrected',
      actions: [upload(early, 9, 50, { valid: false, variant: 0, defect: defect(0) }), upload(mid, 10, 5)],
      story: `Nộp báo cáo sai ${ddmm(early)} (bị từ chối); nộp lại đúng ${ddmm(mid)}`,
    },
    {
      role: 'invalid-then-corrected',
      actions: [upload(beforeDue, 16, 10, { valid: false, variant: 1, defect: defect(1) }), upload(firstOverdue, 9, 30)],
      story: `Nộp báo cáo sai ${ddmm(beforeDue)} (bị từ chối); nộp lại đúng ${ddmm(firstOverdue)}, sau hạn`,
    },
    { role: 'late', actions: [upload(addDays(due, 1), 9, 15)], story: `Nộp trễ ${ddmm(addDays(due, 1))}, ngay sau hạn` },
    {
      role: 'late',
      actions: [upload(addWorkingDays(firstOverdue, 1, cal), 14, 0)],
      story: `Nộp trễ ${ddmm(addWorkingDays(firstOverdue, 1, cal))}, sau thông báo quá hạn lần 1`,
    },
    {
      role: 'late',
      actions: [upload(lateAfterConsolidation, 9, 0)],
      story: `Nộp trễ ${ddmm(lateAfterConsolidation)}, sau khi bị đưa vào danh sách báo cáo lãnh đạo và sau kỳ tổng hợp`,
    },
  ];
  const expected = expectedUnits(regime, period);
  const never = expected.length >= 8 ? 2 : expected.length >= 2 ? 1 : 0;
  const units = expected.map((u, i): PlannedUnit => {
    let s: Script;
    if (i >= expected.length - never) s = { role: 'never', actions: [], story: 'Không nộp báo cáo' };
    else if (roles[i] && i < expected.length - never - 1) s = roles[i];
    else {
      const r = seededRandom(`demo/${regime.id}/${period}/${u.id}`);
      const day = working(window[Math.floor(r() * window.length)] ?? mid);
      const minutes = 8 * 60 + 15 + 5 * Math.floor(r() * 105);
      const channel: Channel = excel && r() < 0.33 ? 'xlsx' : 'json';
      s = {
        role: 'on-time',
        actions: [upload(day, Math.floor(minutes / 60), minutes % 60, { channel })],
        story: `Nộp đúng hạn ${ddmm(day)} (${channel === 'xlsx' ? 'tệp Excel' : 'biểu mẫu'})`,
      };
    }
    return { unitId: u.id, name: u.name, group: u.group, ...s };
  });
  const lastAction =
    units
      .flatMap((u) => u.actions.map((a) => localDate(a.at, tz)))
      .sort()
      .at(-1) ?? due;
  const lastDay = addDays([lastAction, consolidation, escalation].sort().at(-1)!, 2);
  return planOf(regime, period, { timeZone: tz, firstDay, lastDay, units, script: 'generic' });
}
