import * as z from 'zod';

/**
 * A reporting regime (chế độ báo cáo định kỳ) with the elements Nghị định 09/2019/NĐ-CP, Điều 7
 * requires: name, content, reporting units, receiving body, sending method, deadline, frequency,
 * data cut-off window and the form — plus what the pipeline needs to run it: time zone, holidays,
 * notice offsets, leadership recipients. Data, not code: a deployer replaces it with a JSON file.
 */
const monthDay = z
  .object({
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    /** Relative to the reporting year: -1 means the previous calendar year. */
    yearOffset: z.number().int().min(-1).max(1).default(0),
  })
  .strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const unitId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'lowercase letters, digits and dashes');

export const UnitSchema = z
  .object({
    id: unitId,
    name: z.string().min(3).max(200),
    group: z.enum(['province', 'district']),
    email: z.email(),
    /** First reporting year the unit is expected to report for. */
    validFrom: z.number().int().min(2000).max(2100),
    /** Last reporting year (inclusive) for merged or dissolved units. */
    validTo: z.number().int().min(2000).max(2100).optional(),
  })
  .strict();
export type Unit = z.infer<typeof UnitSchema>;
export type UnitGroup = Unit['group'];

export const RegimeSchema = z
  .object({
    id: unitId.describe('stable id of the regime'),
    name: z.string().min(5).describe('Tên báo cáo'),
    content: z.string().min(5).describe('Nội dung yêu cầu báo cáo'),
    legalBasis: z.array(z.string().min(3)).min(1).describe('Căn cứ pháp lý'),
    issuingBody: z.string().min(3).describe('Cơ quan ban hành chế độ báo cáo'),
    issuingPlace: z.string().min(2).describe('Địa danh ghi trên văn bản'),
    receivingBody: z.object({ name: z.string().min(3), email: z.email() }).strict().describe('Cơ quan nhận báo cáo'),
    sendingMethod: z.string().min(3).describe('Phương thức gửi, nhận báo cáo'),
    frequency: z.literal('annual').describe('Tần suất thực hiện báo cáo'),
    firstPeriod: z.number().int().min(2000).max(2100),
    cutOff: z.object({ from: monthDay, to: monthDay }).strict().describe('Thời gian chốt số liệu'),
    /** Uploads for a period are accepted from this day on (local time). */
    opensOn: monthDay,
    /** Thời hạn gửi báo cáo: the end of this day, local time. */
    deadline: monthDay,
    /** When the consolidated summary is produced (local time). */
    consolidation: monthDay.extend({ hour: z.number().int().min(0).max(23) }),
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown IANA time zone'),
    /** Public holidays (YYYY-MM-DD) on top of weekends, for every "working day" rule. */
    holidays: z.array(isoDate),
    notices: z
      .object({
        reminderDaysBefore: z.array(z.number().int().min(1).max(60)),
        reminderWorkingDaysBefore: z.array(z.number().int().min(1).max(30)),
        overdueFirstWorkingDaysAfter: z.number().int().min(1).max(30),
        overdueRepeatDays: z.number().int().min(1).max(60),
        escalationWorkingDaysAfter: z.number().int().min(1).max(60),
        escalateToLeadership: z.boolean(),
      })
      .strict(),
    formVersion: z.string().min(1).describe('Phiên bản mẫu đề cương, biểu mẫu'),
    units: z
      .array(UnitSchema)
      .min(1)
      .refine((us) => new Set(us.map((u) => u.id)).size === us.length, 'unit ids must be unique'),
    leadership: z.array(z.object({ name: z.string().min(2), email: z.email() }).strict()).min(1),
  })
  .strict();

export type Regime = z.infer<typeof RegimeSchema>;

export class RegimeInvalidError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid reporting regime: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'RegimeInvalidError';
  }
}

/** Validates a regime (e.g. a deployer's JSON file); throws an error naming every bad field. */
export function parseRegime(input: unknown): Regime {
  const r = RegimeSchema.safeParse(input);
  if (!r.success) {
    throw new RegimeInvalidError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return r.data;
}

/** Units expected to report for a period (validFrom/validTo honoured). */
export function expectedUnits(regime: Regime, period: number): Unit[] {
  return regime.units.filter((u) => u.validFrom <= period && (u.validTo === undefined || period <= u.validTo));
}

export function findUnit(regime: Regime, id: string): Unit | undefined {
  return regime.units.find((u) => u.id === id);
}

export const GROUP_LABELS: Record<UnitGroup, string> = {
  province: 'Sở, ban, ngành, đơn vị thuộc UBND tỉnh',
  district: 'UBND các huyện, thành phố',
};
