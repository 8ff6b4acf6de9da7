import { periodLabel, periodSlug, type PeriodKey } from '../domain/periodicity.js';
import { expectedUnits, type Unit } from '../domain/regime.js';
import { regimesOfUnit, type Regimes } from '../domain/regimes.js';
import { RequestError } from '../errors.js';
import type { AuditLog, Clock, TokenStore } from '../ports.js';
import { requireRegime, resolvePeriod, unitDefaultPeriod, type PeriodParam } from './periods.js';
import { recordTokenUse } from './read-unit-view.js';
import { authenticateUnit } from './tokens.js';
import type { BuildTemplateInput } from '../xlsx/template.js';

/**
 * GET /template.xlsx[?regime=ID][&period=ID] — the Excel "biểu mẫu".
 * 1. With a token (Authorization): authenticate it — a dead link is an error, not a silent blank
 *    template — and prefill the unit. Without one: the blank template with the unit list.
 * 2. Resolve the period: the one asked for (in range, the unit expected in it) or the newest open one.
 * 3. Build the workbook from the schema; record the token's use in the audit trail.
 * 4. Name the file in Vietnamese (the header carries an ASCII fallback too).
 */
export async function downloadTemplate(
  deps: { tokens: TokenStore; audit: AuditLog; clock: Clock; regimes: Regimes; build: (input: BuildTemplateInput) => Promise<Uint8Array> },
  input: { token: string | null; regime?: string; period?: PeriodParam },
): Promise<{ bytes: Uint8Array; fileName: string; period: PeriodKey; unitId: string | null }> {
  const now = deps.clock.now();
  const auth = input.token ? await authenticateUnit(deps, input.token) : null;
  const unit: Unit | undefined = auth?.unit;
  const regime = requireRegime(deps.regimes, input.regime ?? (unit && regimesOfUnit(deps.regimes, unit.id)[0]?.id));
  const period =
    input.period === undefined
      ? unitDefaultPeriod(regime, unit, now)
      : resolvePeriod(deps.regimes, { regime: regime.id, period: input.period }, now).period;
  if (unit && !expectedUnits(regime, period).some((u) => u.id === unit.id)) {
    throw new RequestError(403, 'UNIT_NOT_EXPECTED', `${unit.name} không thuộc diện báo cáo kỳ ${periodLabel(regime.frequency, period)}`);
  }
  const bytes = await deps.build({ regime, period, ...(unit ? { unit: unit.id } : {}) });
  if (auth) await recordTokenUse(deps, { record: auth.record, period, route: 'GET /template.xlsx', now });
  const fileName = `Biểu mẫu báo cáo dân vận ${periodSlug(period)}${unit ? ` - ${unit.name}` : ''}.xlsx`;
  return { bytes, fileName, period, unitId: unit?.id ?? null };
}
