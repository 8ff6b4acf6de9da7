import { periodFields, type PeriodKey } from '../../shared/domain/periodicity.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { viNumber, viPercent, type Consolidation, type IndicatorTotal } from '../../shared/domain/consolidation.js';
import { vietnameseDateTime } from '../../shared/domain/calendar.js';
import type { UnitGroup } from '../../shared/domain/regime.js';
import { STATUS_LABELS, type Rates } from '../../shared/domain/status.js';
import { headlineFigures } from '../../shared/email/summary-email.js';
import type { PublishSummaryResult } from '../../shared/use-cases/publish-summary.js';
import { adminTokenOf, loadTarget, type TargetOptions } from '../target.js';

/**
 * `consolidate --period YYYY [--send] [--out DIR]`: POST /summaries on the target's API (the
 * running local stack with the admin token of endpoints.json, or a deployment through its outputs
 * file with $BAOCAO_ADMIN_TOKEN), then a Vietnamese summary of the result. Without
 * --send it is a preview (files under summaries/{period}/preview/, nothing emailed, no version
 * taken); --out DIR downloads the workbook and the draft through the answer's presigned links.
 */
export interface ConsolidateArgs extends TargetOptions {
  period: PeriodKey;
  send?: boolean;
  outDir?: string;
}

/**
 * The answer of POST /summaries (functions/summary/handler.ts): the use case's result without the
 * bytes, the figures the CLI prints and presigned links to the files.
 */
export type SummaryResponse = Pick<
  PublishSummaryResult,
  'outcome' | 'version' | 'hash' | 'changed' | 'sent' | 'messageId' | 'keys' | 'fileNames'
> &
  ReturnType<typeof periodFields> &
  Pick<Consolidation, 'asOf' | 'rates' | 'countedReports' | 'notReported'> & {
    timeZone: string;
    /** "năm 2026", "quý III năm 2026" (the handler's periodLabel of the regime). */
    periodLabel: string;
    /** The regime's names of its two groups (groupLabel). */
    groupLabels: Record<UnitGroup, string>;
    urls: { xlsx: string; docx: string };
    indicators: Pick<IndicatorTotal, 'path' | 'label' | 'total' | 'province' | 'district'>[];
  };

export async function consolidateCommand(
  args: ConsolidateArgs,
  out: (line: string) => void = console.log,
): Promise<SummaryResponse & { written: string[] }> {
  const target = await loadTarget(args);
  const res = await fetch(`${target.apiUrl}/summaries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminTokenOf(target)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...periodFields(args.period), send: Boolean(args.send) }),
  });
  const body = (await res.json().catch(() => ({}))) as SummaryResponse | { error?: { code: string; message: string } };
  if (!res.ok || 'error' in body) {
    const err = 'error' in body ? body.error : undefined;
    throw new Error(`POST /summaries thất bại (${res.status})${err ? `: ${err.code}: ${err.message}` : ''}`);
  }
  const r = body as SummaryResponse;

  out(`TỔNG HỢP BÁO CÁO ${r.periodLabel.toLocaleUpperCase('vi')} — số liệu đến ${vietnameseDateTime(new Date(r.asOf), r.timeZone)}`);
  out(
    r.outcome === 'published'
      ? `Đã gửi bản tổng hợp số ${r.version}${r.version > 1 ? ' (bản cập nhật)' : ''} tới lãnh đạo${r.messageId ? ` — mã thư ${r.messageId}` : ''}.`
      : r.outcome === 'unchanged'
        ? `Số liệu không thay đổi so với bản số ${r.version} đã gửi: không gửi gì thêm.`
        : `Bản xem trước, chưa gửi${r.changed ? ` (khi gửi sẽ là bản số ${r.version}${r.version > 1 ? ', bản cập nhật' : ''})` : ` (số liệu giống bản số ${r.version} đã gửi)`}. Thêm --send để gửi lãnh đạo.`,
  );

  const rate = (label: string, x: Rates) =>
    `  ${label}: đã báo cáo ${x.reported}/${x.expected} (${viPercent(x.reportingRate)}), đúng hạn ${x.onTime}/${x.expected} (${viPercent(x.onTimeRate)})`;
  out('Tình hình gửi báo cáo:');
  out(rate('Toàn tỉnh', r.rates.overall));
  const groups = r.groupLabels;
  out(rate(groups.province, r.rates.province));
  out(rate(groups.district, r.rates.district));

  out(`Một số chỉ tiêu, số liệu của ${r.countedReports.total} cơ quan, đơn vị — tổng cộng (${groups.province}; ${groups.district}):`);
  // The email's headline figures: the seed's where the form has them, else the form's first ones.
  for (const i of headlineFigures(r.indicators))
    out(`  - ${i.label}: ${viNumber(i.total)} (${viNumber(i.province)}; ${viNumber(i.district)})`);

  out(`Cơ quan, đơn vị chưa gửi báo cáo (${r.notReported.length}):`);
  if (r.notReported.length === 0) out('  Tất cả đã gửi báo cáo.');
  for (const u of r.notReported) out(`  - ${u.name} — ${STATUS_LABELS[u.status]}`);

  out(`Tệp trên kho lưu trữ: ${r.keys.xlsx}, ${r.keys.docx}`);
  const written: string[] = [];
  if (args.outDir) {
    await mkdir(args.outDir, { recursive: true });
    for (const kind of ['xlsx', 'docx'] as const) {
      const got = await fetch(r.urls[kind]);
      if (!got.ok) throw new Error(`Không tải được ${r.fileNames[kind]} (${got.status})`);
      const path = join(args.outDir, r.fileNames[kind]);
      await writeFile(path, new Uint8Array(await got.arrayBuffer()));
      written.push(path);
      out(`Đã lưu: ${path}`);
    }
  }
  return { ...r, written };
}
