import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STATUS_LABELS } from '../../shared/domain/status.js';
import type { ReconcileResult } from '../../shared/use-cases/reconcile.js';
import type { DeadLetter } from '../event-bus.js';
import type { LocalEndpoints } from '../names.js';
import { handlerEnvironment, loadTarget, targetRegime, type TargetOptions } from '../target.js';

export class LocalStackCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackCommandError';
  }
}

async function readEndpoints(endpointsFile?: string): Promise<LocalEndpoints> {
  const file = endpointsFile ?? join(process.env.DATA_DIR ?? '.data', 'endpoints.json');
  const ep = await readFile(file, 'utf8').then(
    (s) => JSON.parse(s) as LocalEndpoints,
    () => {
      throw new LocalStackCommandError(`Không đọc được ${file}: hệ thống cục bộ đã chạy chưa (npm start)?`);
    },
  );
  if (!ep.events) throw new LocalStackCommandError(`${file} không có địa chỉ "events": hãy khởi động lại hệ thống cục bộ (npm start)`);
  return ep;
}

/**
 * `reconcile --period YYYY [--dry-run]`: this process becomes one more runtime of
 * functions/reconcile/handler, configured as the stack configures its own (as check-overdue does);
 * the events it publishes go to the running stack's bus, whose handlers finish the work.
 */
export async function reconcileCommand(
  args: { period: number; dryRun?: boolean } & TargetOptions,
  out: (line: string) => void = console.log,
): Promise<ReconcileResult> {
  const target = await loadTarget(args);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // The handler reads its configuration once, when it is imported below.
  Object.assign(process.env, handlerEnvironment(target, await targetRegime(target)));
  const { handler } = (await import('../../functions/reconcile/handler.js')) as { handler: (event: unknown) => Promise<ReconcileResult[]> };
  const [result] = await handler({ job: 'reconcile', periods: [args.period], ...(args.dryRun ? { dryRun: true } : {}) });
  for (const line of reconcileLines(result!)) out(line);
  return result!;
}

const INGEST_LABELS = {
  accepted: 'đã tiếp nhận (hợp lệ)',
  rejected: 'đã tiếp nhận (không hợp lệ)',
  ignored: 'bỏ qua (khóa không hợp lệ)',
  'would-ingest': 'sẽ tiếp nhận',
} as const;
const label = (s: keyof typeof STATUS_LABELS | null) => (s ? STATUS_LABELS[s] : '(chưa có)');

export function reconcileLines(r: ReconcileResult): string[] {
  const lines = [`ĐỐI SOÁT kỳ báo cáo ${r.period} — ${r.dryRun ? 'chạy thử (--dry-run): không ghi gì' : 'đã thực hiện'}`];
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

type ListedDeadLetter = DeadLetter & { id: string };

async function busCall<T>(ep: LocalEndpoints, operation: string, body: unknown): Promise<T> {
  const res = await fetch(ep.events, {
    method: 'POST',
    headers: { 'x-amz-target': operation, 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new LocalStackCommandError(`${operation}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const describe = (dl: ListedDeadLetter) => {
  const d = dl.event.detail as { object?: { key?: string }; unitId?: string; period?: number };
  const what = d.object?.key ?? (d.unitId ? `${d.unitId} ${d.period ?? ''}`.trim() : '');
  return `${dl.id}  ${dl.at}  "${dl.event['detail-type']}" → ${dl.target} (${dl.attempts} lần thử) ${what}\n    lỗi: ${dl.error}`;
};

/** `dlq list`: what the running stack's bus gave up on (kept in $DATA_DIR/dead-letters.jsonl). */
export async function dlqList(
  args: { endpointsFile?: string; json?: boolean },
  out: (line: string) => void = console.log,
): Promise<ListedDeadLetter[]> {
  const { DeadLetters } = await busCall<{ DeadLetters: ListedDeadLetter[] }>(
    await readEndpoints(args.endpointsFile),
    'BaocaoLocal.ListDeadLetters',
    {},
  );
  if (args.json) out(JSON.stringify(DeadLetters, null, 2));
  else {
    for (const dl of DeadLetters) out(describe(dl));
    out(
      DeadLetters.length
        ? `${DeadLetters.length} sự kiện trong hàng đợi thư chết (dead letter).`
        : 'Hàng đợi thư chết (dead letter) trống.',
    );
  }
  return DeadLetters;
}

/** `dlq redrive [--id ID]`: delivers them again to the target that failed; they leave the list. */
export async function dlqRedrive(
  args: { endpointsFile?: string; id?: string },
  out: (line: string) => void = console.log,
): Promise<ListedDeadLetter[]> {
  const { Redriven } = await busCall<{ Redriven: ListedDeadLetter[] }>(
    await readEndpoints(args.endpointsFile),
    'BaocaoLocal.RedriveDeadLetters',
    args.id ? { Ids: [args.id] } : {},
  );
  for (const dl of Redriven) out(`Đã gửi lại: ${describe(dl)}`);
  out(
    Redriven.length
      ? `Đã gửi lại ${Redriven.length} sự kiện; xem kết quả bằng "dlq list" và "status".`
      : 'Không có sự kiện nào để gửi lại.',
  );
  return Redriven;
}
