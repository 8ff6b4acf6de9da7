import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { STATUS_LABELS } from '../../shared/domain/status.js';
import type { ReconcileResult } from '../../shared/use-cases/reconcile.js';
import { handlerEnvironment, loadTarget, periodWords, targetRegimes, type TargetOptions } from '../target.js';

export class LocalStackCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackCommandError';
  }
}

/**
 * `reconcile --period YYYY [--dry-run]`: this process becomes one more runtime of
 * functions/reconcile/handler, configured as the stack configures its own (as check-overdue does);
 * the events it publishes go to the running stack's bus, whose handlers finish the work.
 */
export async function reconcileCommand(
  args: { period: PeriodKey; dryRun?: boolean } & TargetOptions,
  out: (line: string) => void = console.log,
): Promise<ReconcileResult> {
  const target = await loadTarget(args);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // The handler reads its configuration once, when it is imported below.
  const regimes = await targetRegimes(target);
  Object.assign(process.env, handlerEnvironment(target, regimes.main));
  const { handler } = (await import('../../functions/reconcile/handler.js')) as { handler: (event: unknown) => Promise<ReconcileResult[]> };
  const [result] = await handler({ job: 'reconcile', periods: [args.period], ...(args.dryRun ? { dryRun: true } : {}) });
  for (const line of reconcileLines(result!, periodWords(regimes, result!.period))) out(line);
  return result!;
}

const INGEST_LABELS = {
  accepted: 'đã tiếp nhận (hợp lệ)',
  rejected: 'đã tiếp nhận (không hợp lệ)',
  ignored: 'bỏ qua (khóa không hợp lệ)',
  'would-ingest': 'sẽ tiếp nhận',
} as const;
const label = (s: keyof typeof STATUS_LABELS | null) => (s ? STATUS_LABELS[s] : '(chưa có)');

export function reconcileLines(r: ReconcileResult, named: string = r.period): string[] {
  const lines = [`ĐỐI SOÁT kỳ báo cáo ${named} — ${r.dryRun ? 'chạy thử (--dry-run): không ghi gì' : 'đã thực hiện'}`];
  lines.push(`Đã xem ${r.scanned} tệp báo cáo trong incoming/${r.period}/.`);
  for (const i of r.ingested) lines.push(`  Tệp chưa được ghi nhận: ${i.key} (${i.unitId}) → ${INGEST_LABELS[i.outcome]}`);
  for (const u of r.recomputed) {
    const what = u.outcome === 'would-recompute' ? 'sẽ tính lại' : u.outcome === 'changed' ? 'đã tính lại' : 'đã kiểm tra, không đổi';
    lines.push(`  Tình trạng lệch: ${u.unitId}: ${label(u.from)} → ${label(u.to)} (${what})`);
  }
  if (r.truncated) lines.push('  (danh sách quá dài, chỉ in một phần; mọi việc vẫn đã được thực hiện)');
  const verb = r.dryRun ? 'Sẽ tiếp nhận' : 'Đã tiếp nhận';
  const verb2 = r.dryRun ? 'sẽ tính lại' : 'đã tính lại';
  lines.push(
    r.ingested.length + r.recomputed.length === 0
      ? 'Không có gì cần đối soát.'
      : `${verb} ${r.ingested.length} tệp; ${verb2} tình trạng ${r.recomputed.length} đơn vị.`,
  );
  return lines;
}
