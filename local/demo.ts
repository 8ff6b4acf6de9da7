import { relative, resolve } from 'node:path';
import { formatFiles, formatResult } from './demo/report.js';
import { runDemo } from './demo/run.js';

/**
 * `npm run demo` (DESIGN.md section 3): one simulated reporting year on a fresh temporary local
 * stack — uploads through the real presigned POST, late, invalid, returned and missing units,
 * notices on virtual dates, the consolidation — then the compliance table on stdout and the
 * emails, summary files and status JSON under out/demo/. The core is runDemo (local/demo/run.ts).
 */
const OUT_DIR = resolve('out/demo');

async function main(): Promise<void> {
  // Handler logs (Powertools JSON) would bury the table; errors still show.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const result = await runDemo({ outDir: OUT_DIR });
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
}

main().then(
  // The SDK's keep-alive sockets and the emulators' timers must not hold the process open.
  () => process.exit(0),
  (err: unknown) => {
    console.error('[demo] thất bại:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
