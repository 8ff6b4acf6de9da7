import { expectedUnits, type Regime, type Unit } from '../domain/regime.js';
import { RequestError } from '../errors.js';
import type { AuditLog, Clock, TokenStore } from '../ports.js';
import { requireKnownPeriod, unitDefaultPeriod } from './periods.js';
import { recordTokenUse } from './read-unit-view.js';
import { authenticateUnit } from './tokens.js';
import type { BuildTemplateInput } from '../xlsx/template.js';

/**
 * GET /template.xlsx?period=YYYY — the Excel "biểu mẫu".
 * 1. With a token (Authorization): authenticate it — a dead link is an error, not a silent blank
 *    template — and prefill the unit. Without one: the blank template with the unit list.
 * 2. Resolve the period: the one asked for (in range, the unit expected in it) or the newest open one.
 * 3. Build the workbook from the schema; record the token's use in the audit trail.
 * 4. Name the file in Vietnamese (the header carries an ASCII fallback too).
 */
export async function downloadTemplate(
  deps: { tokens: TokenStore; audit: AuditLog; clock: Clock; regime: Regime; build: (input: BuildTemplateInput) => Promise<Uint8Array> },
  input: { token: string | null; period?: number },
): Promise<{ bytes: Uint8Array; fileName: string; period: number; unitId: string | null }> {
  const { regime } = deps;
  const now = deps.clock.now();
  const auth = input.token ? await authenticateUnit(deps, input.token) : null;
  const unit: Unit | undefined = auth?.unit;
  const period = input.period ?? unitDefaultPeriod(regime, unit, now);
  requireKnownPeriod(regime, period, now);
  if (unit && !expectedUnits(regime, period).some((u) => u.id === unit.id)) {
    throw new RequestError(403, 'UNIT_NOT_EXPECTED', `${unit.name} không thuộc diện báo cáo kỳ ${period}`);
  }
  const bytes = await deps.build({ regime, period, ...(unit ? { unit: unit.id } : {}) });
  if (auth) await recordTokenUse(deps, { record: auth.record, period, route: 'GET /template.xlsx', now });
  const fileName = `Biểu mẫu báo cáo dân vận ${period}${unit ? ` - ${unit.name}` : ''}.xlsx`;
  return { bytes, fileName, period, unitId: unit?.id ?? null };
}
