import { DETAIL_TYPES } from '../definitions/events.js';
import { addDays, periodDates } from '../domain/calendar.js';
import { periodFields, periodLabel } from '../domain/periodicity.js';
import { expectedUnits } from '../domain/regime.js';
import { resolvePeriod } from './periods.js';
import { deriveStatus, summarizeFacts, type ComplianceStatus, type ExtensionFact } from '../domain/status.js';
import { staffActor, type StaffIdentity } from '../domain/staff.js';
import { RequestError } from '../errors.js';
import * as z from '../zod-mini.js';
import {
  periodField,
  regimeField,
  reasonField,
  requireUnit,
  reviewerField,
  strictBody,
  validateRequest,
  type AdminActionDeps,
} from './review-report.js';

/** An extension reaches at most this far past the regime's deadline. */
export const MAX_EXTENSION_DAYS = 365;

const realDate = (d: string) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};

export const ExtensionRequestSchema = strictBody({
  regime: z.optional(regimeField),
  period: periodField,
  until: z
    .string({ error: 'Thiếu ngày gia hạn (until), dạng YYYY-MM-DD' })
    .check(
      z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày gia hạn (until) phải theo dạng YYYY-MM-DD'),
      z.refine(realDate, 'Ngày gia hạn (until) không tồn tại'),
    ),
  reason: reasonField.check(z.minLength(1, 'Gia hạn thì phải ghi lý do')),
  reviewer: z.optional(reviewerField),
});
export type ExtensionRequest = z.infer<typeof ExtensionRequestSchema>;

/**
 * Sở Nội vụ extends one unit's deadline for one period (POST /units/{id}/extension).
 * 1. Validate the request: a real date and a reason (400).
 * 2. The unit must exist (404) and be expected to report for the period (409 UNIT_NOT_EXPECTED).
 * 3. The new date must fall after the regime's deadline and at most a year past it (422).
 * 4. Store it — one extension per unit and period; a new grant replaces the previous one, whose
 *    terms stay in the audit trail — and append the grant to the audit trail.
 * 5. Publish "Deadline Extended": compliance recomputes the status (a report sent after the
 *    deadline but within the extension becomes ON_TIME; OVERDUE goes back to PENDING).
 * Returns the extension and the status it leads to, for the board to show at once.
 */
export async function grantExtension(
  deps: AdminActionDeps,
  input: { unitId: string; actor: StaffIdentity; body: unknown },
): Promise<{ extension: ExtensionFact; status: ComplianceStatus }> {
  const unit = requireUnit(deps.regimes, input.unitId);
  const req = validateRequest(ExtensionRequestSchema, input.body);
  const { regime, period } = resolvePeriod(deps.regimes, req, deps.clock.now());
  if (!expectedUnits(regime, period).some((u) => u.id === unit.id)) {
    throw new RequestError(409, 'UNIT_NOT_EXPECTED', `${unit.name} không thuộc diện báo cáo kỳ ${periodLabel(regime.frequency, period)}`);
  }
  const { dueDate } = periodDates(regime, period);
  if (req.until <= dueDate) {
    throw new RequestError(422, 'EXTENSION_NOT_AFTER_DEADLINE', `Ngày gia hạn phải sau thời hạn gửi báo cáo (${dueDate})`);
  }
  const latest = addDays(dueDate, MAX_EXTENSION_DAYS);
  if (req.until > latest) {
    throw new RequestError(422, 'EXTENSION_TOO_FAR', `Chỉ gia hạn được tối đa ${MAX_EXTENSION_DAYS} ngày sau thời hạn (đến ${latest})`);
  }

  const now = deps.clock.now();
  const facts = await deps.reports.facts(period, unit.id);
  const extension: ExtensionFact = { until: req.until, reason: req.reason, grantedAt: now.toISOString() };
  await deps.reports.putExtension(period, unit.id, extension);
  await deps.audit.append(period, unit.id, {
    at: extension.grantedAt,
    eventId: `extension-${now.getTime().toString(36)}`,
    action: 'EXTENSION_GRANTED',
    ...staffActor(input.actor),
    detail: { until: extension.until, reason: extension.reason, ...(facts.extension ? { previousUntil: facts.extension.until } : {}) },
  });
  await deps.bus.publish([
    { detailType: DETAIL_TYPES.deadlineExtended, detail: { ...periodFields(period), unitId: unit.id, until: extension.until } },
  ]);
  const status = deriveStatus(summarizeFacts(facts.versions, facts.reviews, extension), { regime, period, now });
  return { extension, status };
}
