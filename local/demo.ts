import { parsePeriodId, type PeriodKey } from '../shared/domain/periodicity.js';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Regime } from '../shared/domain/regime.js';
import { readRegimeFile, RegimeFileError } from '../shared/regime-file.js';
import { formatFiles, formatResult } from './demo/report.js';
import { currentPeriod, runDemo } from './demo/run.js';

/**
 * `npm run demo` (DESIGN.md section 3): one simulated reporting year on a fresh temporary local
 * stack — uploads through the real presigned POST, late, invalid, returned and missing units,
 * notices on virtual dates, the consolidation — then the compliance table on stdout and the
 * emails, summary files and status JSON under out/demo/. The core is runDemo (local/demo/run.ts).
 * `--regime FILE` (issue 15): the same for any regime file, loaded with full validation
 * (readRegimeFile), its reports generated from the file's own form definition.
 */

const HELP = `Cách dùng: npm run demo [-- --regime TỆP] [--period KỲ] [--out THƯ_MỤC]

Mô phỏng một kỳ báo cáo (năm, 6 tháng, quý hoặc tháng, theo tần suất của chế độ) trên hệ thống
chạy cục bộ (trình giả lập), từ ngày mở kỳ đến sau kỳ tổng hợp: các đơn vị nộp vào những ngày khác nhau (qua biểu mẫu hoặc tệp Excel), có đơn vị nộp
sai rồi nộp lại, bị trả lại, nộp trễ, không nộp; thư nhắc hạn, quá hạn, báo cáo lãnh đạo, bản tổng
hợp và bản cập nhật. Kết quả in ra màn hình; thư (.eml), bản tổng hợp, status.json ghi vào out/demo/.

  --regime TỆP   Tệp chế độ báo cáo (JSON) của tỉnh, ví dụ examples/regime-quang-ngai-quarterly.json.
                 Tệp được kiểm tra đầy đủ như khi triển khai; lỗi ghi rõ tệp và đường dẫn trường.
                 Báo cáo của các đơn vị được sinh từ biểu mẫu hiện hành trong tệp (forms).
                 Không có: chế độ mẫu của tỉnh Kon Tum (31 đơn vị).
  --period KỲ    Kỳ báo cáo theo tần suất của chế độ: 2026, 2026-H1, 2026-Q3, 2026-11 (mặc định: kỳ hiện tại).
  --out THƯ_MỤC  Nơi ghi kết quả (mặc định out/demo; bị xóa trước khi chạy).
  -h, --help     In hướng dẫn này.

Usage: npm run demo [-- --regime FILE] [--period ID] [--out DIR]. Simulates one reporting period of the seed
regime, or of FILE (validated by readRegimeFile; reports generated from its current form) — a year, half-year,
quarter or month, as the regime's frequency says; its dates come from periodDates.`;

const FREQUENCY_LABELS: Record<Regime['frequency'], string> = {
  annual: 'hằng năm',
  'six-monthly': '6 tháng',
  quarterly: 'hằng quý',
  monthly: 'hằng tháng',
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { regime: { type: 'string' }, period: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let regime: Regime | undefined;
  if (values.regime !== undefined) {
    try {
      regime = readRegimeFile(values.regime);
    } catch (e) {
      if (!(e instanceof RegimeFileError)) throw e;
      console.error(`[demo] Tệp chế độ báo cáo không hợp lệ (invalid regime file): ${e.message}`);
      return 2;
    }
    console.log(
      `[demo] Chế độ báo cáo: ${regime.name} (${regime.id}), ${regime.units.length} đơn vị, biểu mẫu ${regime.formVersion}, kỳ báo cáo ${FREQUENCY_LABELS[regime.frequency]} (frequency: ${regime.frequency})`,
    );
  }
  let period: PeriodKey | undefined;
  if (values.period !== undefined) {
    const periodicity = regime?.frequency ?? 'annual';
    try {
      parsePeriodId(periodicity, values.period);
      period = values.period;
    } catch (e) {
      console.error(`[demo] --period: ${(e as Error).message}`);
      return 2;
    }
  } else if (regime) period = currentPeriod(regime);
  // Handler logs (Powertools JSON) would bury the table; errors still show.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const result = await runDemo({
    outDir: resolve(values.out ?? 'out/demo'),
    ...(regime ? { regime } : {}),
    ...(period !== undefined ? { period } : {}),
  });
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  console.log('');
  for (const line of formatResult(result)) console.log(line);
  console.log('');
  for (const line of formatFiles(result, rel)) console.log(line);
  for (const p of result.problems) console.error(`[demo] vấn đề: ${p}`);
  console.log(
    `Thời gian thực: ${(result.timings.realMs / 1000).toFixed(1)} s cho ${result.timings.simulatedDays} ngày mô phỏng ` +
      `(${result.timings.uploads} bản nộp, ${result.timings.reviews} lần trả lại, ${result.emails.length} thư). ` +
      `Dấu kết quả: ${result.fingerprint} (giống nhau giữa các lần chạy).`,
  );
  return 0;
}

main().then(
  // The SDK's keep-alive sockets and the emulators' timers must not hold the process open.
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[demo] thất bại:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
