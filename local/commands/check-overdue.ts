import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { setVirtualNow } from '../../shared/clock.js';
import { localDate, vietnameseDateTime, zonedTime } from '../../shared/domain/calendar.js';
import type { NoticeKind } from '../../shared/domain/notices.js';
import type { NoticeOutcome, NoticeResult, NoticesSummary } from '../../shared/use-cases/send-due-notices.js';
import type { Regimes } from '../../shared/domain/regimes.js';
import { handlerEnvironment, loadTarget, periodWords, targetRegimes, TargetError, type TargetOptions } from '../target.js';

/**
 * `check-overdue --period YYYY [--at DATE] [--dry-run]`: this CLI process becomes one more runtime
 * of functions/notices/handler — configured through the environment exactly as CDK (or the local
 * stack) configures the function, talking to the target's table, bus and SES — and prints what was sent
 * (or, with --dry-run, what would be). `--at` moves the clock: a date alone means 08:00 local, when
 * the schedule fires.
 */
export interface CheckOverdueArgs extends TargetOptions {
  period: PeriodKey;
  /** YYYY-MM-DD (08:00 in the regime's time zone) or an ISO date-time; default now. */
  at?: string;
  dryRun?: boolean;
}

export class CheckOverdueError extends Error {
  constructor(
    message: string,
    readonly summary?: NoticesSummary,
  ) {
    super(message);
    this.name = 'CheckOverdueError';
  }
}

/** `--at`: a local date means 08:00 that day in the zone; anything else must be an ISO instant. */
export function parseAt(at: string, timeZone: string): Date {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(at);
  const d = date ? zonedTime(timeZone, Number(date[1]), Number(date[2]), Number(date[3]), 8) : new Date(at);
  if (Number.isNaN(d.getTime()) || (date && localDate(d, timeZone) !== at)) {
    throw new CheckOverdueError(`--at phải là ngày YYYY-MM-DD hoặc thời điểm ISO 8601, không phải "${at}"`);
  }
  return d;
}

const KIND_LABELS: Record<NoticeKind, string> = {
  reminder: 'Nhắc hạn',
  overdue: 'Quá hạn',
  escalation: 'Tổng hợp quá hạn',
};
const OUTCOME_LABELS: Record<NoticeOutcome, string> = {
  sent: 'Đã gửi',
  'would-send': 'Sẽ gửi',
  skipped: 'Đã gửi trước đó, bỏ qua',
  failed: 'LỖI',
};

const dmy = (d: string) => d.split('-').reverse().join('/');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The Vietnamese table of one run. */
export function noticesTable(summary: NoticesSummary, timeZone: string, regimes?: Regimes): string[] {
  const named = (key: string) => (regimes ? periodWords(regimes, key) : key);
  const lines: string[] = [];
  const when = vietnameseDateTime(new Date(summary.asOf), timeZone);
  lines.push(
    `KIỂM TRA NHẮC HẠN, QUÁ HẠN — kỳ báo cáo ${summary.periods.map(named).join(', ') || '(không có kỳ nào đang mở)'}, thời điểm ${when}`,
  );
  if (summary.dryRun) lines.push('Chạy thử (--dry-run): không gửi thư, không ghi sổ theo dõi.');
  if (summary.notices.length === 0) lines.push('Hôm nay không có thông báo nào đến hạn.');
  else {
    const cols = [22, 17, 22, 11, 8];
    lines.push(['Đơn vị', 'Loại thông báo', 'Bước', 'Hạn nộp', 'Quá hạn', 'Kết quả'].map((h, i) => pad(h, cols[i] ?? 0)).join(' '));
    for (const n of summary.notices) lines.push(row(n, cols));
  }
  const c = summary.counts;
  const verb = summary.dryRun ? 'Sẽ gửi' : 'Đã gửi';
  lines.push(
    `${verb}: ${c.reminder} thư nhắc hạn, ${c.overdue} thông báo quá hạn, ${c.escalation} thư tổng hợp; bỏ qua ${summary.skipped} (đã gửi trước đó); lỗi ${summary.failed}.`,
  );
  for (const p of summary.periodErrors) lines.push(`Lỗi khi đọc tình trạng kỳ ${named(p.period)}: ${p.error}`);
  return lines;
}

function row(n: NoticeResult, cols: number[]): string {
  const unit = n.unitId === '*' ? `Sở Nội vụ (${n.listed?.length ?? 0} đơn vị)` : n.unitId;
  const overdue = n.daysOverdue !== undefined ? `${n.daysOverdue} ngày` : '';
  const outcome = n.outcome === 'failed' ? `${OUTCOME_LABELS.failed}: ${n.error ?? ''}` : OUTCOME_LABELS[n.outcome];
  return (
    [unit, KIND_LABELS[n.kind], n.step, n.deadline ? dmy(n.deadline) : '', overdue].map((v, i) => pad(v, cols[i] ?? 0)).join(' ') +
    ` ${outcome}`
  );
}

/**
 * 1. Read the target (endpoints.json or the deployment's outputs file) and its regime (Reply-To,
 *    time zone); give this process the function's environment; move the clock to --at.
 * 2. Import functions/notices/handler and invoke it with the schedule's payload for the period.
 * 3. Print the table; a run with failures prints it too, then throws CheckOverdueError.
 */
export async function checkOverdue(args: CheckOverdueArgs, out: (line: string) => void = console.log): Promise<NoticesSummary> {
  const target = await loadTarget(args).catch((e: unknown) => {
    throw e instanceof TargetError ? new CheckOverdueError(e.message) : e;
  });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const regimes = await targetRegimes(target);
  const regime = regimes.main;
  // The handler reads its configuration once, when it is imported below.
  Object.assign(process.env, handlerEnvironment(target, regime));
  if (args.at) setVirtualNow(parseAt(args.at, regime.timeZone));

  const { handler } = (await import('../../functions/notices/handler.js')) as { handler: (event: unknown) => Promise<NoticesSummary> };
  let summary: NoticesSummary;
  try {
    summary = await handler({ job: 'daily-notices', periods: [args.period], ...(args.dryRun ? { dryRun: true } : {}) });
  } catch (e) {
    const failed = (e as { summary?: NoticesSummary }).summary;
    if (!failed) throw e;
    for (const line of noticesTable(failed, regime.timeZone, regimes)) out(line);
    throw new CheckOverdueError(
      `Có ${failed.failed} thông báo gửi lỗi; chạy lại lệnh để gửi lại (thư đã gửi không bị gửi lần nữa).`,
      failed,
    );
  }
  for (const line of noticesTable(summary, regime.timeZone, regimes)) out(line);
  return summary;
}
