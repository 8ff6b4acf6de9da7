import type { PeriodKey } from '../domain/periodicity.js';
import { verifyAuditChain, type ChainVerdict } from '../domain/audit-chain.js';
import { findUnit, type Regime } from '../domain/regime.js';
import { RequestError } from '../errors.js';
import type { AuditLog } from '../ports.js';
import { SUMMARY_LEDGER_UNIT } from './publish-summary.js';

export interface PartitionVerdict extends ChainVerdict {
  unitId: string;
}

/**
 * Checks the audit hash chains of a period (`cli audit verify`).
 * 1. The partitions: the one unit asked for (404 if the regime has none), else every unit of the
 *    regime and the summary's publications.
 * 2. Each partition read in chain order and checked link by link (shared/domain/audit-chain.ts).
 * Returns one verdict per partition, naming the first entry that does not fit.
 */
export async function verifyAudit(
  deps: { audit: AuditLog; regime: Regime },
  input: { period: PeriodKey; unitId?: string },
): Promise<PartitionVerdict[]> {
  if (input.unitId !== undefined && input.unitId !== SUMMARY_LEDGER_UNIT && !findUnit(deps.regime, input.unitId)) {
    throw new RequestError(404, 'UNKNOWN_UNIT', `Không có đơn vị mã "${input.unitId}"`);
  }
  const unitIds = input.unitId !== undefined ? [input.unitId] : [...deps.regime.units.map((u) => u.id), SUMMARY_LEDGER_UNIT];
  const verdicts: PartitionVerdict[] = [];
  for (const unitId of unitIds) {
    verdicts.push({ unitId, ...verifyAuditChain(input.period, unitId, await deps.audit.list(input.period, unitId)) });
  }
  return verdicts;
}
