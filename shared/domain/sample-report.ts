import { periodJson, periodYear, type PeriodKey } from './periodicity.js';
import { scalarFields, type FormDefinition, type ScalarFieldDef } from './form-definition.js';
import type { Regime } from './regime.js';
import { periodDates } from './calendar.js';
import type { AnnualReport } from './report.js';

/**
 * FNV-1a seeded xorshift-multiply PRNG: the same seed, the same sequence, on every machine — so a
 * sample depends only on (unit, period, variant) and the demo's plan only on its regime and period.
 */
export function seededRandom(seed: string): () => number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return ((h ^= h >>> 16) >>> 0) / 4294967296;
  };
}

/**
 * A plan date inside the period: March of the year for an annual period (as it always was); for a
 * shorter period, that day (at most the 14th) of the last month of its cut-off window, which ends on the 14th.
 */
function planDateIn(regime: Regime, period: PeriodKey, day: number): string {
  if (regime.frequency === 'annual') return `${periodYear(period)}-03-${String(day).padStart(2, '0')}`;
  return `${periodDates(regime, period).cutOffTo.slice(0, 8)}${String(Math.min(day, 14)).padStart(2, '0')}`;
}

/** A valid, realistic report for docs, tests and the demo (`cli report sample`). */
export function sampleReport(regime: Regime, unitId: string, period: PeriodKey, variant = 0): AnnualReport {
  const r = seededRandom(`${unitId}/${period}/${variant}`);
  const n = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const received = n(5, 120);
  const comments = n(0, 60);
  return {
    formVersion: regime.formVersion,
    unitId,
    period: periodJson(period),
    dissemination: {
      sessions: n(2, 20),
      participantsOfficials: n(40, 900),
      participantsWorkers: n(0, 300),
      mediaItems: n(3, 80),
      exemplaryExamples: n(0, 12),
      danVanKheoModels: n(0, 6),
    },
    planAndSolutions: {
      planIssued: true,
      planNumber: `${n(10, 999)}/KH-${unitId.toUpperCase().slice(0, 8)}`,
      planDate: planDateIn(regime, period, n(1, 28)),
      democracyRegulations: n(0, 8),
      dialogues: n(1, 24),
      citizenReceptions: n(0, 200),
      petitionsReceived: received,
      petitionsResolved: n(0, received),
      prolongedOrCrowdCases: n(0, 3),
      inspections: n(0, 15),
      disciplinedStaff: n(0, 4),
      socialPolicySupport: n(0, 2000),
      villageConventionsReviewed: n(0, 40),
      selfManagementModels: n(0, 25),
    },
    programmes: {
      plan739: { status: 'IN_PROGRESS', notes: 'Tiếp tục sắp xếp tổ chức bộ máy tinh gọn theo lộ trình.' },
      plan740: { status: 'COMPLETED', notes: '' },
      supervisionSessions: n(0, 10),
      commentsReceived: comments,
      commentsAccepted: n(0, comments),
    },
    emulation: { movementsLaunched: n(0, 6), collectivesCommended: n(0, 20), individualsCommended: n(0, 60) },
    narrative: {
      results: `Năm ${periodYear(period)}, đơn vị đã quán triệt đầy đủ các văn bản về công tác dân vận chính quyền; cải cách hành chính được đẩy mạnh.`,
      limitations: 'Một số nơi việc đối thoại với Nhân dân chưa thường xuyên.',
      proposals: 'Đề nghị tăng cường tập huấn nghiệp vụ công tác dân vận cho cán bộ cơ sở.',
    },
    preparer: { name: 'Nguyễn Thị Lan', title: 'Chuyên viên', email: `lan.nguyen@${unitId}.kontum.gov.example`, phone: '0260 3862 123' },
  };
}

/** The data window a report's dates fall in (periodDates' cutOffFrom…cutOffTo), YYYY-MM-DD. */
export interface DateWindow {
  from: string;
  to: string;
}

type Obj = Record<string, unknown>;
const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const numberDef = (form: FormDefinition, path: string) => {
  const f = scalarFields(form).get(path);
  return f && (f.type === 'integer' || f.type === 'decimal') ? f : undefined;
};
const decimalsOf = (f: ScalarFieldDef) => (f.type === 'decimal' ? f.decimals : 0);
const getAt = (o: Obj, path: string): unknown => path.split('.').reduce<unknown>((x, k) => (x as Obj | undefined)?.[k], o);
function setAt(o: Obj, path: string, v: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Obj>((x, k) => (x[k] ??= {}) as Obj, o);
  if (v === undefined) delete parent[last];
  else parent[last] = v;
}

const SAMPLE_TEXT =
  'Đơn vị đã triển khai đầy đủ các nội dung theo kế hoạch; kết quả cụ thể được tổng hợp trong các mục số liệu của báo cáo này.';

/** Days from `from` to `to` (YYYY-MM-DD), inclusive. */
function daysIn(w: DateWindow): number {
  return Math.max(1, Math.round((Date.parse(`${w.to}T00:00:00Z`) - Date.parse(`${w.from}T00:00:00Z`)) / 86_400_000) + 1);
}
const dayAfter = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function scalarValue(f: ScalarFieldDef, r: () => number, unitId: string, window: DateWindow): unknown {
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  switch (f.type) {
    case 'integer':
      return pick(f.min, Math.min(f.max, f.min + 200));
    case 'decimal':
      return round(f.min + r() * (Math.min(f.max, f.min + 1000) - f.min), f.decimals);
    case 'boolean':
      return true;
    case 'date':
      return dayAfter(window.from, Math.floor(r() * daysIn(window)));
    case 'choice':
      return f.choices[Math.floor(r() * f.choices.length)]!.value;
    case 'text':
      if (f.pattern === 'email') return `vanthu@${unitId}.example.gov.vn`.slice(-f.maxLength);
      if (f.pattern === 'phone') return '0255 3822 123';
      return `${f.label}: ${pick(1, 999)}/BC`.slice(0, f.maxLength).trim() || 'x';
    case 'longtext':
      return SAMPLE_TEXT.slice(0, f.maxLength).trim() || 'x';
  }
}

/** Each number (integer or decimal) rule, fixed once: lte lowers the field, sum shares its total among its parts. */
function satisfyRules(form: FormDefinition, report: Obj, r: () => number): void {
  for (let pass = 0; pass < 4; pass++) {
    for (const rule of form.rules) {
      if (rule.rule === 'lte') {
        const f = numberDef(form, rule.field);
        const v = getAt(report, rule.field);
        const max = getAt(report, rule.max);
        if (f && typeof v === 'number' && typeof max === 'number' && v > max)
          setAt(report, rule.field, Math.max(f.min, round(max, decimalsOf(f))));
      } else if (rule.rule === 'sum') {
        const defs = rule.parts.map((p) => numberDef(form, p));
        const totalDef = numberDef(form, rule.total);
        if (!totalDef || defs.some((d) => !d)) continue;
        const decimals = Math.min(decimalsOf(totalDef), ...defs.map((d) => decimalsOf(d!)));
        let rest = round(Number(getAt(report, rule.total)), decimals);
        setAt(report, rule.total, rest);
        rule.parts.forEach((p, i) => {
          const d = defs[i]!;
          const last = i === rule.parts.length - 1;
          const share = last ? rest : round(Math.min(d.max, Math.max(d.min, r() * rest)), decimals);
          setAt(report, p, share);
          rest = round(rest - share, decimals);
        });
      }
    }
  }
}

/**
 * A valid report of any form definition (issue 15: `npm run demo -- --regime FILE`): every field,
 * optional ones too, with a value its type and bounds accept — dates inside `window` (the
 * period's data window, for dateInPeriod), a few table rows — then the form's rules satisfied:
 * lte by lowering the field, sum by sharing the total among the parts, requiredIf because every
 * field is filled. Pure and deterministic in (form, unit, period, variant).
 */
export function sampleFormReport(
  form: FormDefinition,
  unitId: string,
  period: PeriodKey,
  variant: number,
  window: DateWindow,
): AnnualReport {
  const r = seededRandom(`${form.version}/${unitId}/${period}/${variant}`);
  const report: Obj = { formVersion: form.version, unitId, period: periodJson(period) };
  for (const s of form.sections) {
    const section: Obj = {};
    for (const f of s.fields) {
      if (f.type === 'group') section[f.key] = Object.fromEntries(f.fields.map((g) => [g.key, scalarValue(g, r, unitId, window)]));
      else if (f.type === 'table') {
        const rows = Math.min(f.maxRows, 1 + Math.floor(r() * 3));
        section[f.key] = Array.from({ length: rows }, () =>
          Object.fromEntries(f.columns.map((c) => [c.key, scalarValue(c, r, unitId, window)])),
        );
      } else section[f.key] = scalarValue(f, r, unitId, window);
    }
    report[s.key] = section;
  }
  satisfyRules(form, report, r);
  report.preparer = { name: 'Nguyễn Thị Lan', title: 'Chuyên viên', email: `lan.nguyen@${unitId}.example.gov.vn`, phone: '0255 3822 123' };
  return report as unknown as AnnualReport;
}

/** One way to spoil a valid report: the path the validation must name, and what is wrong (Vietnamese, for the demo's log). */
export interface FormDefect {
  path: string;
  defect: string;
  spoil: (report: Obj) => void;
}

/**
 * Every defect sampleFormReport's reports can be given, in a fixed order: each lte, sum,
 * requiredIf and dateInPeriod rule broken, then each bounded number over its maximum and each
 * choice given a value not on its list.
 */
export function formDefects(form: FormDefinition, window: DateWindow): FormDefect[] {
  const out: FormDefect[] = [];
  const fields = scalarFields(form);
  const label = (p: string) => fields.get(p)?.label ?? p;
  for (const rule of form.rules) {
    const when = (o: Obj) => rule.when && setAt(o, rule.when.field, rule.when.equals);
    if (rule.rule === 'lte') {
      const f = numberDef(form, rule.field);
      const m = numberDef(form, rule.max);
      if (!f || !m || f.max <= m.min) continue;
      out.push({
        path: rule.field,
        defect: `${label(rule.field)} lớn hơn ${label(rule.max)}`,
        spoil: (o) => {
          when(o);
          setAt(o, rule.max, m.min);
          setAt(o, rule.field, Math.min(f.max, m.min + 1));
        },
      });
    } else if (rule.rule === 'sum') {
      const t = numberDef(form, rule.total);
      if (!t) continue;
      out.push({
        path: rule.total,
        defect: `tổng các phần khác ${label(rule.total)}`,
        spoil: (o) => {
          when(o);
          const v = Number(getAt(o, rule.total));
          setAt(o, rule.total, v + 1 <= t.max ? v + 1 : v - 1);
        },
      });
    } else if (rule.rule === 'requiredIf') {
      const p = rule.fields[0]!;
      out.push({
        path: p,
        defect: `thiếu ${label(p)}`,
        spoil: (o) => {
          when(o);
          setAt(o, p, undefined);
        },
      });
    } else if (rule.rule === 'dateInPeriod') {
      out.push({
        path: rule.field,
        defect: `${label(rule.field)} ngoài kỳ báo cáo`,
        spoil: (o) => {
          when(o);
          setAt(o, rule.field, dayAfter(window.to, 1));
        },
      });
    }
  }
  for (const [p, f] of fields) {
    if ((f.type === 'integer' || f.type === 'decimal') && f.max < 1e12)
      out.push({ path: p, defect: `${label(p)} vượt giá trị tối đa ${f.max}`, spoil: (o) => setAt(o, p, f.max + 1) });
    if (f.type === 'choice') out.push({ path: p, defect: `${label(p)} không thuộc danh sách`, spoil: (o) => setAt(o, p, 'KHONG-CO') });
  }
  return out;
}

/** A report with one defect (formDefects' `variant` modulo their number) and the path its rejection names. */
export function invalidFormReport(
  form: FormDefinition,
  unitId: string,
  period: PeriodKey,
  variant: number,
  window: DateWindow,
): { report: AnnualReport; path: string; defect: string } {
  const defects = formDefects(form, window);
  const d = defects[variant % defects.length];
  if (!d) throw new Error(`The form ${form.version} has no field a sample report could get wrong`);
  const report = structuredClone(sampleFormReport(form, unitId, period, variant, window)) as unknown as Obj;
  d.spoil(report);
  return { report: report as unknown as AnnualReport, path: d.path, defect: d.defect };
}
