import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { CHAIN_BREAK_LABELS } from '../../shared/domain/audit-chain.js';
import { verifyAudit } from '../../shared/use-cases/verify-audit.js';
import { regimeFor } from '../../shared/domain/regimes.js';
import { periodWords, targetRegimes, targetTables, type OperatorTarget } from '../target.js';

export class AuditChainBrokenError extends Error {
  constructor(readonly broken: number) {
    super(`Nhật ký không toàn vẹn: ${broken} chuỗi có mục không khớp`);
    this.name = 'AuditChainBrokenError';
  }
}

/**
 * `audit verify --period YYYY [--unit ID]`: checks the hash chain of each unit's audit trail and
 * names the first entry that does not fit; fails (exit 1) when any chain is broken.
 */
export async function auditVerify(
  target: OperatorTarget,
  args: { period: PeriodKey; unitId?: string; json?: boolean },
  out: (line: string) => void,
): Promise<void> {
  const tables = targetTables(target);
  const regimes = await targetRegimes(target);
  // The period's own regime: its units are the chains to check.
  const regime = regimeFor(regimes, args.period);
  const verdicts = await verifyAudit(
    { audit: tables.audit, regime },
    { period: args.period, ...(args.unitId ? { unitId: args.unitId } : {}) },
  );
  const broken = verdicts.filter((v) => !v.ok);
  if (args.json) out(JSON.stringify({ period: args.period, ok: broken.length === 0, partitions: verdicts }, null, 2));
  else {
    for (const v of verdicts) {
      if (v.ok) {
        if (v.entries > 0) out(`${v.unitId.padEnd(22)} toàn vẹn (${v.entries} mục)`);
        continue;
      }
      const b = v.firstBreak!;
      out(
        `${v.unitId.padEnd(22)} KHÔNG KHỚP tại mục thứ ${b.index + 1}${b.seq !== undefined ? ` (seq ${b.seq})` : ''}` +
          `${b.eventId ? `, sự kiện ${b.eventId}` : ''}${b.at ? ` lúc ${b.at}` : ''}: ${CHAIN_BREAK_LABELS[b.reason]}`,
      );
    }
    const entries = verdicts.reduce((n, v) => n + v.entries, 0);
    out(
      broken.length === 0
        ? `Nhật ký kỳ ${periodWords(regimes, args.period)}: toàn vẹn (${entries} mục, ${verdicts.length} chuỗi)`
        : `Nhật ký kỳ ${periodWords(regimes, args.period)}: ${broken.length} chuỗi bị sửa hoặc thiếu mục`,
    );
  }
  if (broken.length > 0) throw new AuditChainBrokenError(broken.length);
}
