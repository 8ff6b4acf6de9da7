import ExcelJS from 'exceljs';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolidate, type ConsolidationRow } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime } from '../../shared/domain/regime.js';
import { buildSummaryDocx } from '../../shared/documents/summary-docx.js';
import { SHEET_NAMES, buildSummaryWorkbook } from '../../shared/documents/summary-workbook.js';
import { readXlsx } from '../../shared/ooxml/xlsx-read.js';
import { guardXlsx } from '../../shared/xlsx/zip-guard.js';

/**
 * The summary workbook and draft as a person sees them: LibreOffice (a real client, not our
 * reader) converts each to PDF, and the pages must show the two charts — their titles as text and
 * their bars' colours as pixels, neither of which is anywhere else in the files. Skipped only
 * where LibreOffice is not installed and this is not CI (CI installs libreoffice-calc-nogui,
 * libreoffice-writer-nogui and poppler-utils).
 */
const hasSoffice = spawnSync('soffice', ['--version'], { stdio: 'ignore' }).status === 0;

const regime = parseRegime(DEFAULT_REGIME);
// Due 18/12/2026 (Kon Tum, UTC+7): 6 units on time over three days, 2 late on 21/12, the rest silent.
const at = (day: number, hour = 3) => new Date(Date.UTC(2026, 11, day, hour)).toISOString();
const sent: [string, 'ON_TIME' | 'LATE'][] = [at(10), at(10, 8), at(15), at(18), at(18, 10), at(18, 16), at(21), at(21, 2)].map((t, i) => [
  t,
  i < 6 ? 'ON_TIME' : 'LATE',
]);
const rows: ConsolidationRow[] = sent.map(([firstValidAt, status], i) => ({
  unitId: regime.units[i * 3]!.id,
  status,
  firstValidAt,
  versions: 1,
}));
const c = consolidate({ regime, period: '2026', now: new Date('2026-12-28T01:00:00Z'), rows });

/** The chart colours (summary-charts.ts): reporting / before the deadline, on time, after the deadline. */
const COLOURS = { blue: [0x2b, 0x6c, 0xb0], green: [0x2f, 0x85, 0x5a], amber: [0xd6, 0x9e, 0x2e] } as const;

/** Pixels of each chart colour over every page of a PDF, rendered at 30 dpi as binary PPM (P6). */
function colourPixels(dir: string, pdf: string): Record<keyof typeof COLOURS, number> {
  execFileSync('pdftoppm', ['-r', '30', pdf, join(dir, 'page')]);
  const counts = { blue: 0, green: 0, amber: 0 };
  for (const f of readdirSync(dir).filter((n) => n.startsWith('page') && n.endsWith('.ppm'))) {
    const ppm = readFileSync(join(dir, f));
    // Header: "P6\n<w> <h>\n255\n", then RGB triples.
    let offset = 0;
    for (let fields = 0; fields < 4; fields++) {
      while (/\s/.test(String.fromCharCode(ppm[offset]!))) offset++;
      while (!/\s/.test(String.fromCharCode(ppm[offset]!))) offset++;
    }
    offset++;
    for (let i = offset; i + 2 < ppm.length; i += 3) {
      for (const [name, [r, g, b]] of Object.entries(COLOURS) as [keyof typeof COLOURS, readonly number[]][]) {
        if (Math.abs(ppm[i]! - r!) < 12 && Math.abs(ppm[i + 1]! - g!) < 12 && Math.abs(ppm[i + 2]! - b!) < 12) counts[name]++;
      }
    }
    rmSync(join(dir, f));
  }
  return counts;
}

describe.skipIf(!hasSoffice && !process.env.CI)('the summary files in LibreOffice', () => {
  let dir: string;
  const pdf: Record<'xlsx' | 'docx', { pages: number; text: string; pixels: Record<keyof typeof COLOURS, number> }> = {} as never;
  let xlsx: Uint8Array;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baocao-render-'));
    xlsx = await buildSummaryWorkbook(c, regime);
    writeFileSync(join(dir, 'tong-hop.xlsx'), xlsx);
    writeFileSync(join(dir, 'du-thao.docx'), await buildSummaryDocx(c, regime));
    // A profile of its own: another LibreOffice running on the machine does not take the conversion over.
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${join(dir, 'profile')}`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        join(dir, 'tong-hop.xlsx'),
        join(dir, 'du-thao.docx'),
      ],
      {
        stdio: 'ignore',
        timeout: 150_000,
      },
    );
    for (const [kind, name] of [
      ['xlsx', 'tong-hop'],
      ['docx', 'du-thao'],
    ] as const) {
      const file = join(dir, `${name}.pdf`);
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
      pdf[kind] = { pages, text: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }), pixels: colourPixels(dir, file) };
    }
  }, 180_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['xlsx', 'docx'] as const)('the %s converts to PDF pages that show both charts', (kind) => {
    const p = pdf[kind];
    expect(p.pages).toBeGreaterThanOrEqual(kind === 'xlsx' ? 4 : 3);
    // The chart titles, legends and axis labels are drawn text: they are in no cell or paragraph.
    expect(p.text).toContain('Tỷ lệ gửi báo cáo theo nhóm cơ quan, đơn vị');
    expect(p.text).toContain('Số báo cáo hợp lệ nhận được theo ngày (hạn nộp 18/12/2026)');
    expect(p.text).toContain('100%');
    // Bars in the three chart colours (the files use them nowhere else).
    expect(p.pixels.blue).toBeGreaterThan(30);
    expect(p.pixels.green).toBeGreaterThan(30);
    expect(p.pixels.amber).toBeGreaterThan(10);
  });

  it('the workbook with its charts still reads with our reader and with exceljs', async () => {
    const sheets = readXlsx(guardXlsx(xlsx).entries);
    expect(sheets.map((s) => s.name)).toEqual(Object.values(SHEET_NAMES));
    const compliance = sheets.find((s) => s.name === SHEET_NAMES.compliance)!;
    const cells = [...compliance.rows.values()].flatMap((r) => [...r.values()]);
    expect(cells).toContain('Gửi đến hạn nộp 18/12/2026');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx) as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet(SHEET_NAMES.compliance)!;
    let dueRow = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(2).value === '18/12') dueRow = n;
    });
    // 18/12: three reports on the due date, in the "up to the deadline" column; 21/12: two late ones.
    expect(ws.getCell(dueRow, 3).value).toBe(3);
    expect(ws.getCell(dueRow + 3, 2).value).toBe('21/12');
    expect(ws.getCell(dueRow + 3, 4).value).toBe(2);
  });
});
