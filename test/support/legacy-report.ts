/**
 * The seed report schema as it was written by hand before the form became data (issue 15), kept
 * only as the golden reference of test/unit/form-golden.test.ts. Not used by the product.
 */
import * as z from '../../shared/zod-mini.js';
import { clip, listNames } from '../../shared/domain/bounded-reasons.js';
import { periodDates } from '../../shared/domain/calendar.js';
import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { findUnit, type Regime } from '../../shared/domain/regime.js';

/**
 * The annual report (one per unit and period; later uploads are new versions). The four sections
 * follow the directive's four task groups. Every field carries its Vietnamese label as its zod
 * description (`z.describe()`, kept in zod's global registry as classic zod's `.describe()` did),
 * so the web form, the Excel template, validation messages and the consolidation all read labels
 * from this one definition. zod/mini (shared/zod-mini.ts): ingest validates with it, and classic
 * zod would be the biggest thing in that Lambda after the AWS SDK.
 */
export const MAX_COUNT = 10_000_000;
const count = (label: string) => z.int().check(z.minimum(0), z.maximum(MAX_COUNT), z.describe(label));
const text = (label: string, max: number) => z.string().check(z.trim(), z.maxLength(max), z.describe(label));
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date that exists: Date.parse rolls '2026-02-30' over to 2 March instead of failing. */
const realDate = (d: string) => {
  if (!ISO_DATE.test(d)) return true; // the format check reports it
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};
const isoDate = (label: string) =>
  z.string().check(z.regex(ISO_DATE, 'Ngày phải theo dạng YYYY-MM-DD'), z.refine(realDate, 'Ngày không tồn tại'), z.describe(label));

export const PROGRAMME_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED'] as const;
export const PROGRAMME_STATUS_LABELS: Record<(typeof PROGRAMME_STATUSES)[number], string> = {
  NOT_STARTED: 'Chưa triển khai',
  IN_PROGRESS: 'Đang triển khai',
  COMPLETED: 'Đã hoàn thành',
};
const programme = (label: string) =>
  z
    .strictObject({
      status: z.enum(PROGRAMME_STATUSES).check(z.describe(`${label} — tình hình thực hiện`)),
      notes: z._default(text(`${label} — ghi chú`, 2000), ''),
    })
    .check(z.describe(label));

export const SECTION_LABELS = {
  dissemination: 'I. Phổ biến, quán triệt',
  planAndSolutions: 'II. Kế hoạch và giải pháp nâng cao hiệu quả công tác dân vận',
  programmes: 'III. Thực hiện Kế hoạch 739/KH-UBND, 740/KH-UBND; giám sát, phản biện xã hội',
  emulation: 'IV. Thi đua, khen thưởng',
  narrative: 'V. Đánh giá chung, kiến nghị, đề xuất',
  preparer: 'Người lập báo cáo',
} as const;

/**
 * The schema, built on first use rather than at import: a function's cold start (issue 7: load
 * time within 1.3× of its floor) should not pay for ~40 zod objects before its first report.
 */
const buildReportSchema = () =>
  z.strictObject({
    formVersion: z.string().check(z.minLength(1), z.maxLength(20), z.describe('Phiên bản biểu mẫu')),
    unitId: z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'Mã đơn vị không hợp lệ'), z.describe('Mã đơn vị')),
    period: z.int().check(z.minimum(2000), z.maximum(2100), z.describe('Năm báo cáo')),
    dissemination: z
      .strictObject({
        sessions: count('Số hội nghị, buổi phổ biến, quán triệt'),
        participantsOfficials: count('Số lượt cán bộ, công chức, viên chức tham dự'),
        participantsWorkers: count('Số lượt người lao động tham dự'),
        mediaItems: count('Số tin, bài, phóng sự tuyên truyền'),
        exemplaryExamples: count('Số gương tập thể, cá nhân điển hình được tuyên truyền, nhân rộng'),
        danVanKheoModels: count('Số mô hình "Dân vận khéo"'),
      })
      .check(z.describe(SECTION_LABELS.dissemination)),
    planAndSolutions: z
      .strictObject({
        planIssued: z.boolean().check(z.describe('Đơn vị đã ban hành kế hoạch cụ thể')),
        planNumber: z.optional(text('Số hiệu kế hoạch', 50)),
        planDate: z.optional(isoDate('Ngày ban hành kế hoạch')),
        democracyRegulations: count('Số quy chế dân chủ được xây dựng, sửa đổi, bổ sung'),
        dialogues: count('Số buổi đối thoại, tiếp xúc với Nhân dân'),
        citizenReceptions: count('Số lượt tiếp công dân'),
        petitionsReceived: count('Số đơn thư khiếu nại, tố cáo, kiến nghị tiếp nhận'),
        petitionsResolved: count('Số đơn thư đã giải quyết'),
        prolongedOrCrowdCases: count('Số vụ khiếu kiện kéo dài, đông người, vượt cấp'),
        inspections: count('Số cuộc kiểm tra công vụ'),
        disciplinedStaff: count('Số cán bộ, công chức, viên chức bị xử lý kỷ luật'),
        socialPolicySupport: count('Số lượt người có công, hộ nghèo, đối tượng bảo trợ được hỗ trợ'),
        villageConventionsReviewed: count('Số hương ước, quy ước được rà soát, sửa đổi, bổ sung'),
        selfManagementModels: count('Số mô hình tự quản ở thôn, tổ dân phố'),
      })
      .check(z.describe(SECTION_LABELS.planAndSolutions)),
    programmes: z
      .strictObject({
        plan739: programme('Kế hoạch số 739/KH-UBND (Nghị quyết 18-NQ/TW)'),
        plan740: programme('Kế hoạch số 740/KH-UBND (Nghị quyết 19-NQ/TW)'),
        supervisionSessions: count('Số cuộc giám sát, phản biện xã hội phối hợp với Mặt trận Tổ quốc'),
        commentsReceived: count('Số ý kiến góp ý xây dựng chính quyền đã tiếp nhận'),
        commentsAccepted: count('Số ý kiến góp ý đã tiếp thu'),
      })
      .check(z.describe(SECTION_LABELS.programmes)),
    emulation: z
      .strictObject({
        movementsLaunched: count('Số phong trào thi đua được phát động'),
        collectivesCommended: count('Số tập thể được khen thưởng'),
        individualsCommended: count('Số cá nhân được khen thưởng'),
      })
      .check(z.describe(SECTION_LABELS.emulation)),
    narrative: z
      .strictObject({
        results: z._default(text('Kết quả nổi bật', 5000), ''),
        limitations: z._default(text('Hạn chế, nguyên nhân', 5000), ''),
        proposals: z._default(text('Kiến nghị, đề xuất', 5000), ''),
      })
      .check(z.describe(SECTION_LABELS.narrative)),
    preparer: z
      .strictObject({
        name: z.string().check(z.trim(), z.minLength(2, 'Nhập họ và tên người lập'), z.maxLength(100), z.describe('Họ và tên')),
        title: z.string().check(z.trim(), z.minLength(2, 'Nhập chức vụ'), z.maxLength(100), z.describe('Chức vụ')),
        email: z.email('Email không hợp lệ').check(z.maxLength(200), z.describe('Email')),
        phone: z.string().check(z.trim(), z.regex(/^[0-9+() .-]{8,20}$/, 'Số điện thoại không hợp lệ'), z.describe('Điện thoại')),
      })
      .check(z.describe(SECTION_LABELS.preparer)),
    signedDocumentKey: z
      .optional(z.string().check(z.regex(/^signed\/\d{4}\/[a-z0-9-]{1,64}\/[0-9a-z]{10,40}\.pdf$/, 'Khóa tệp văn bản ký không hợp lệ')))
      .check(z.describe('Văn bản báo cáo đã ký (PDF)')),
  });

let built: ReturnType<typeof buildReportSchema> | undefined;
/** The annual report's schema (one instance, built on the first call). */
export const reportSchema = () => (built ??= buildReportSchema());

export type AnnualReport = z.infer<ReturnType<typeof buildReportSchema>>;
export type ReportInput = z.input<ReturnType<typeof buildReportSchema>>;
export type SectionKey = 'dissemination' | 'planAndSolutions' | 'programmes' | 'emulation';
export const NUMERIC_SECTIONS: readonly SectionKey[] = ['dissemination', 'planAndSolutions', 'programmes', 'emulation'];

export interface Indicator {
  section: SectionKey;
  field: string;
  /** Dotted path, e.g. 'dissemination.sessions'. */
  path: string;
  label: string;
}

/** A schema's own label: the description `z.describe()` registered for it. */
const describedBy = (s: z.core.$ZodType): string | undefined => z.globalRegistry.get(s)?.description;

/**
 * A field's schema under its `optional`/`default` wrappers, whether there were any, and the first
 * label met on the way in: the wrappers carry none of their own unless given one (as
 * signedDocumentKey is), the label being on the schema they wrap.
 */
export function unwrap(schema: z.core.$ZodType): { inner: z.core.$ZodType; optional: boolean; description: string | undefined } {
  let s = schema;
  let optional = false;
  let description = describedBy(s);
  while (s instanceof z.ZodMiniOptional || s instanceof z.ZodMiniDefault) {
    optional = true;
    s = s._zod.def.innerType;
    description ??= describedBy(s);
  }
  return { inner: s, optional, description };
}

let indicatorList: readonly Indicator[] | undefined;
/** Every count of the four sections, in form order, read from the schema itself (computed once, on first use). */
export const reportIndicators = (): readonly Indicator[] =>
  (indicatorList ??= NUMERIC_SECTIONS.flatMap((section) =>
    Object.entries(reportSchema().shape[section].shape as Record<string, z.core.$ZodType>)
      .filter(([, s]) => s instanceof z.ZodMiniNumber)
      .map(([field, s]) => ({ section, field, path: `${section}.${field}`, label: describedBy(s) ?? field })),
  ));

/** Reads an indicator's value from a report. */
export function indicatorValue(report: AnnualReport, ind: Indicator): number {
  return (report[ind.section] as Record<string, unknown>)[ind.field] as number;
}

/** The label of any dotted path in the schema, for messages: the deepest labelled schema on it. */
export function labelOf(path: readonly PropertyKey[]): string | undefined {
  let s: z.core.$ZodType | undefined = reportSchema();
  let label: string | undefined;
  for (const seg of path) {
    const { inner } = unwrap(s);
    if (!(inner instanceof z.ZodMiniObject)) return label;
    s = (inner.shape as Record<string, z.core.$ZodType>)[String(seg)];
    if (!s) return label;
    label = unwrap(s).description ?? label;
  }
  return label;
}

export interface ValidationIssue {
  path: string;
  message: string;
  label?: string;
  /** Only on the summary line of a bounded list (bounded-reasons.ts): how many reasons it stands for. */
  omitted?: number;
}

/** Vietnamese messages for zod's built-in issues. */
function vietnamese(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'Bắt buộc phải nhập';
      if (iss.expected === 'number' || iss.expected === 'int') return 'Phải là số nguyên không âm';
      if (iss.expected === 'string') return 'Phải là văn bản';
      if (iss.expected === 'boolean') return 'Phải chọn có hoặc không';
      if (iss.expected === 'object') return 'Phải là một nhóm thông tin';
      return 'Sai kiểu dữ liệu';
    case 'too_small':
      if (iss.origin === 'number') return `Không được nhỏ hơn ${iss.minimum}`;
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'Không được để trống' : `Tối thiểu ${iss.minimum} ký tự`;
      return `Tối thiểu ${iss.minimum} mục`;
    case 'too_big':
      if (iss.origin === 'number') return `Không được lớn hơn ${iss.maximum}`;
      if (iss.origin === 'string') return `Tối đa ${iss.maximum} ký tự`;
      return `Tối đa ${iss.maximum} mục`;
    case 'unrecognized_keys':
      // A crafted upload may carry any number of unknown fields: name a few, count the rest.
      return `Trường không thuộc biểu mẫu: ${listNames(iss.keys)}`;
    case 'invalid_format':
      return iss.format === 'email' ? 'Email không hợp lệ' : 'Sai định dạng';
    case 'invalid_value':
      return `Giá trị phải là một trong: ${iss.values.map(String).join(', ')}`;
    default:
      return 'Giá trị không hợp lệ';
  }
}

export interface ReportContext {
  regime: Regime;
  /** When given, the report must name this unit and period (they come from the object key). */
  expected?: { unitId: string; period: PeriodKey };
}

export type ValidationResult = { ok: true; report: AnnualReport } | { ok: false; issues: ValidationIssue[] };

const issue = (path: string, message: string): ValidationIssue => {
  const label = labelOf(path.split('.'));
  return label ? { path, message, label } : { path, message };
};

/** Reads a field of an object-like value, or undefined. */
const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);
const countOf = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const textOf = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);

/**
 * The cross-field and context rules. They read the input defensively so that they also run when
 * the schema has failed elsewhere: a unit learns every problem from one upload, not one per retry.
 */
function ruleIssues(input: unknown, ctx: ReportContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const formVersion = textOf(field(input, 'formVersion'));
  const unitId = textOf(field(input, 'unitId'));
  const period = countOf(field(input, 'period'));
  const knownPeriod = period !== undefined && period >= 2000 && period <= 2100 ? period : undefined;
  if (formVersion !== undefined && formVersion !== ctx.regime.formVersion) {
    issues.push(
      issue('formVersion', `Biểu mẫu phiên bản ${clip(formVersion, 40)} không còn dùng; dùng phiên bản ${ctx.regime.formVersion}`),
    );
  }
  if (unitId !== undefined && !findUnit(ctx.regime, unitId)) issues.push(issue('unitId', `Không có đơn vị mã "${clip(unitId, 80)}"`));
  if (ctx.expected && unitId !== undefined && unitId !== ctx.expected.unitId) {
    issues.push(issue('unitId', `Báo cáo ghi đơn vị "${clip(unitId, 80)}" nhưng đường dẫn nộp là của đơn vị "${ctx.expected.unitId}"`));
  }
  if (ctx.expected && period !== undefined && String(period) !== ctx.expected.period) {
    issues.push(issue('period', `Báo cáo ghi năm ${period} nhưng được nộp cho kỳ báo cáo năm ${ctx.expected.period}`));
  }
  const p = field(input, 'planAndSolutions');
  const received = countOf(field(p, 'petitionsReceived'));
  const resolved = countOf(field(p, 'petitionsResolved'));
  if (received !== undefined && resolved !== undefined && resolved > received) {
    issues.push(
      issue('planAndSolutions.petitionsResolved', `Số đơn thư đã giải quyết (${resolved}) không được lớn hơn số tiếp nhận (${received})`),
    );
  }
  const g = field(input, 'programmes');
  const commentsReceived = countOf(field(g, 'commentsReceived'));
  const commentsAccepted = countOf(field(g, 'commentsAccepted'));
  if (commentsReceived !== undefined && commentsAccepted !== undefined && commentsAccepted > commentsReceived) {
    issues.push(
      issue(
        'programmes.commentsAccepted',
        `Số ý kiến đã tiếp thu (${commentsAccepted}) không được lớn hơn số đã tiếp nhận (${commentsReceived})`,
      ),
    );
  }
  if (field(p, 'planIssued') === true) {
    const planNumber = textOf(field(p, 'planNumber'));
    const planDate = textOf(field(p, 'planDate'));
    if (!planNumber) issues.push(issue('planAndSolutions.planNumber', 'Đã ban hành kế hoạch thì phải ghi số hiệu kế hoạch'));
    if (!planDate) {
      issues.push(issue('planAndSolutions.planDate', 'Đã ban hành kế hoạch thì phải ghi ngày ban hành'));
    } else if (knownPeriod !== undefined) {
      const d = periodDates(ctx.regime, String(knownPeriod));
      if (planDate < d.cutOffFrom || planDate > d.cutOffTo || Number.isNaN(Date.parse(planDate))) {
        issues.push(issue('planAndSolutions.planDate', `Ngày ban hành kế hoạch phải trong kỳ báo cáo (${d.cutOffFrom} đến ${d.cutOffTo})`));
      }
    }
  }
  return issues;
}

/**
 * Validates a parsed report: the strict schema, then the cross-field rules and the context
 * (known unit, the period and unit the upload was issued for, the data window for dates).
 * Returns every problem at once, in Vietnamese.
 */
export function validateReport(input: unknown, ctx: ReportContext): ValidationResult {
  const parsed = reportSchema().safeParse(input, { error: (iss) => vietnamese(iss) });
  if (!parsed.success) {
    const issues: ValidationIssue[] = parsed.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      const label = labelOf(i.path);
      return label ? { path, message: i.message, label } : { path, message: i.message };
    });
    // A field the schema already rejected gets no second, derived complaint.
    const flagged = new Set(issues.map((i) => i.path));
    return { ok: false, issues: [...issues, ...ruleIssues(input, ctx).filter((i) => !flagged.has(i.path))] };
  }
  const issues = ruleIssues(parsed.data, ctx);
  return issues.length ? { ok: false, issues } : { ok: true, report: parsed.data };
}
