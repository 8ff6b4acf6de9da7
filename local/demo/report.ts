import { vietnameseDateTime } from '../../shared/domain/calendar.js';
import { viPercent } from '../../shared/domain/consolidation.js';
import { GROUP_LABELS, type UnitGroup } from '../../shared/domain/regime.js';
import { STATUS_LABELS, type Rates } from '../../shared/domain/status.js';
import { EMAIL_KIND_LABELS, EMAIL_KINDS } from './emails.js';
import type { DayProgress, DemoResult } from './run.js';

/** What the demo prints: a progress line per simulated day, then the compliance table and rates. */

const WEEKDAYS = ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];
const GROUP_SHORT: Record<UnitGroup, string> = { province: 'Sở, ngành', district: 'Huyện, TP' };

const ddmmyyyy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
const weekday = (day: string) => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()] ?? '';

function events(p: DayProgress): string[] {
  const out: string[] = [];
  if (p.uploads) out.push(`${p.uploads} bản nộp${p.rejected ? ` (${p.rejected} bị từ chối)` : ''}`);
  if (p.returns) out.push(`${p.returns} bị trả lại`);
  if (p.notices.reminder) out.push(`${p.notices.reminder} nhắc hạn`);
  if (p.notices.overdue) out.push(`${p.notices.overdue} quá hạn`);
  if (p.notices.escalation) out.push('tổng hợp quá hạn gửi lãnh đạo');
  if (p.summaryVersion !== undefined) out.push(`tổng hợp bản số ${p.summaryVersion}`);
  return out;
}

/**
 * The progress display on `stream`: on a terminal one line redrawn with \r (a bar, the simulated
 * date, reported units, emails); otherwise a plain line for each day on which something happened.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: DayProgress) => void {
  const tty = Boolean(stream.isTTY);
  const barWidth = 20;
  return (p) => {
    const date = `${weekday(p.day)} ${ddmmyyyy(p.day)}`;
    const what = events(p);
    if (tty) {
      const filled = Math.round((p.index / p.days) * barWidth);
      const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
      const line = `[${bar}] ${date} ${p.index}/${p.days} · nộp ${p.reported}/${p.expected} · ${p.emails} thư${what.length ? ` · ${what.join(', ')}` : ''}`;
      const cols = stream.columns || 120;
      stream.write(`\r\x1b[K${[...line].slice(0, cols - 1).join('')}`);
      if (p.index === p.days) stream.write('\n');
    } else if (what.length || p.index === 1 || p.index === p.days) {
      stream.write(
        `[${String(p.index).padStart(2)}/${p.days}] ${date}  đã nộp ${p.reported}/${p.expected} · ${p.emails} thư${what.length ? ` · ${what.join(', ')}` : ''}\n`,
      );
    }
  };
}

const width = (s: string) => [...s.normalize('NFC')].length;
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

function rateLine(label: string, r: Rates): string {
  return `  ${label}: đã báo cáo ${r.reported}/${r.expected} (${viPercent(r.reportingRate)}), đúng hạn ${r.onTime}/${r.expected} (${viPercent(r.onTimeRate)})`;
}

export function formatResult(r: DemoResult): string[] {
  const tz = r.plan.timeZone;
  const header = ['#', 'Đơn vị', 'Nhóm', 'Tình trạng', 'Nộp hợp lệ lần đầu', 'Số lần nộp'];
  const rows = r.table.map((u, i) => [
    String(i + 1),
    u.name,
    r.plan.groupLabels[u.group] === GROUP_LABELS[u.group] ? GROUP_SHORT[u.group] : r.plan.groupLabels[u.group],
    STATUS_LABELS[u.status],
    u.firstValidAt ? vietnameseDateTime(new Date(u.firstValidAt), tz) : '—',
    String(u.versions),
  ]);
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((row) => width(row[c] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [
    `TÌNH HÌNH GỬI BÁO CÁO ${r.plan.periodLabel.toLocaleUpperCase('vi')} (đến hết ngày ${r.plan.lastDay.split('-').reverse().join('/')}, giờ mô phỏng)`,
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    'Tỷ lệ báo cáo (DHIS2: đã báo cáo / phải báo cáo; đúng hạn / phải báo cáo):',
    rateLine('Toàn tỉnh', r.rates.overall),
    rateLine(r.plan.groupLabels.province, r.rates.province),
    rateLine(r.plan.groupLabels.district, r.rates.district),
    '',
  ];
  const counts = new Map<string, number>();
  for (const e of r.emails) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  out.push(
    `Thư đã gửi: ${r.emails.length} — ${EMAIL_KINDS.filter((k) => counts.has(k))
      .map((k) => `${EMAIL_KIND_LABELS[k].toLowerCase()} ${counts.get(k)}`)
      .join(', ')}`,
  );
  if (r.summary) {
    out.push(
      `Tổng hợp: bản số ${r.summary.version}, số liệu của ${r.summary.countedReports.total} cơ quan, đơn vị (${r.plan.groupLabels.province}: ${r.summary.countedReports.province}; ${r.plan.groupLabels.district}: ${r.summary.countedReports.district})`,
    );
    const sent = r.emails
      .filter((e) => e.kind === 'summary')
      .map((e) => `${e.step} ngày ${vietnameseDateTime(new Date(e.at), r.plan.timeZone).slice(-10, -5)}`);
    if (sent.length > 1) out.push(`Lãnh đạo đã nhận: ${sent[0]} (bản đầu), bản cập nhật ${sent.slice(1).join(', ')}`);
  }
  return out;
}

export function formatFiles(r: DemoResult, relative: (p: string) => string): string[] {
  return [
    `Đã ghi vào ${relative(r.files.outDir)}/:`,
    `  ${relative(r.files.emailsDir)}/ — ${r.files.emls.length} thư .eml, danh mục ${relative(r.files.emailIndex)}`,
    ...(r.files.workbook ? [`  ${relative(r.files.workbook)}`] : []),
    ...(r.files.draft ? [`  ${relative(r.files.draft)}`] : []),
    `  ${relative(r.files.status)} (GET /status)`,
    `  ${relative(r.files.plan)}, ${relative(r.files.result)}`,
  ];
}
