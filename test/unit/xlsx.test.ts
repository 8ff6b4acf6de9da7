import ExcelJS from 'exceljs';
import { Deflate, unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM } from '../../shared/domain/default-form.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sniffFileType } from '../../shared/domain/file-type.js';
import {
  reportIndicators,
  labelOf,
  MAX_COUNT,
  PROGRAMME_STATUS_LABELS,
  SECTION_LABELS,
  validateReport,
  type ReportContext,
} from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { crc32 } from '../../shared/ooxml/zip.js';
import { fillTemplate } from '../support/xlsx-fill.js';
import { parseTemplate } from '../../shared/xlsx/parse.js';
import { buildTemplate, META_SHEET, TEMPLATE_FIELDS, TEMPLATE_SHEET } from '../../shared/xlsx/template.js';
import { DEFAULT_XLSX_LIMITS, guardXlsx, XlsxRejectedError, type XlsxRejectionCode } from '../../shared/xlsx/zip-guard.js';

const UNIT = 'so-y-te';
const PERIOD = '2026';
const ctx: ReportContext = { regime: DEFAULT_REGIME, expected: { unitId: UNIT, period: PERIOD } };
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Helpers: read a template, build hostile zips by hand.

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return wb;
}

/** Column A code → row of the report sheet. */
function rowsByCode(wb: ExcelJS.Workbook): Map<string, ExcelJS.Row> {
  const ws = wb.getWorksheet(TEMPLATE_SHEET);
  if (!ws) throw new Error('no report sheet');
  const rows = new Map<string, ExcelJS.Row>();
  ws.eachRow((row) => {
    const code = row.getCell(1).value;
    if (typeof code === 'string' && code) rows.set(code, row);
  });
  return rows;
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<XlsxRejectedError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof XlsxRejectedError) return e;
    throw e;
  }
  throw new Error('expected an XlsxRejectedError');
}

/** `n` MB of zeros, deflated a megabyte at a time so building the bomb never holds it all. */
function deflatedZeros(n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new Deflate({ level: 1 }, (chunk) => parts.push(chunk));
  const zeros = new Uint8Array(MB);
  for (let i = 0; i < n; i += 1) d.push(zeros, i === n - 1);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

interface RawEntry {
  name: string;
  method: 0 | 8;
  /** Stored bytes (already deflated when method is 8). */
  data: Uint8Array;
  /** The uncompressed size the headers claim — the lie a zip bomb tells. */
  declaredSize: number;
}

/** The CRC-32 of a stored entry's bytes; deflated entries here are bombs that never reach the CRC check, so 0. */
const crcOf = (e: RawEntry) => (e.method === 0 ? crc32(e.data) : 0);

/** A zip written byte by byte, so headers can lie; `central` overrides the central directory. */
function rawZip(entries: RawEntry[], central?: { name: string; offset: number; entry: RawEntry }[]): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    offset += b.length;
  };
  const header = (size: number) => {
    const b = new Uint8Array(size);
    return { b, v: new DataView(b.buffer) };
  };
  const offsets: number[] = [];
  for (const e of entries) {
    const name = enc.encode(e.name);
    const { b, v } = header(30);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 0x0800, true);
    v.setUint16(8, e.method, true);
    v.setUint16(12, 0x21, true);
    v.setUint32(14, crcOf(e), true);
    v.setUint32(18, e.data.length, true);
    v.setUint32(22, e.declaredSize, true);
    v.setUint16(26, name.length, true);
    offsets.push(offset);
    push(b);
    push(name);
    push(e.data);
  }
  const cdStart = offset;
  const records = central ?? entries.map((entry, i) => ({ name: entry.name, offset: offsets[i] as number, entry }));
  for (const r of records) {
    const name = enc.encode(r.name);
    const { b, v } = header(46);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(8, 0x0800, true);
    v.setUint16(10, r.entry.method, true);
    v.setUint16(14, 0x21, true);
    v.setUint32(16, crcOf(r.entry), true);
    v.setUint32(20, r.entry.data.length, true);
    v.setUint32(24, r.entry.declaredSize, true);
    v.setUint16(28, name.length, true);
    v.setUint32(42, r.offset, true);
    push(b);
    push(name);
  }
  const { b, v } = header(22);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, records.length, true);
  v.setUint16(10, records.length, true);
  v.setUint32(12, offset - cdStart, true);
  v.setUint32(16, cdStart, true);
  push(b);
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
}

const stored = (name: string, text: string): RawEntry => {
  const data = new TextEncoder().encode(text);
  return { name, method: 0, data, declaredSize: data.length };
};
/** The two parts that make a zip look like an xlsx to a content sniffer. */
const xlsxParts = (): RawEntry[] => [
  stored('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
  stored('xl/workbook.xml', '<?xml version="1.0"?><workbook/>'),
];

// ---------------------------------------------------------------------------------------------

describe('buildTemplate', () => {
  it('writes one row per schema field, keyed by its dotted path and labelled with the schema label', async () => {
    const wb = await load(await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT }));

    const rows = rowsByCode(wb);

    for (const ind of reportIndicators()) expect(rows.get(ind.path)?.getCell(2).value, ind.path).toBe(ind.label);
    expect(rows.get('planAndSolutions.planIssued')?.getCell(2).value).toBe(labelOf(['planAndSolutions', 'planIssued']));
    expect(rows.get('preparer.email')?.getCell(2).value).toBe('Email');
    expect(rows.get('programmes.plan739.status')?.getCell(2).value).toBe(
      'Kế hoạch số 739/KH-UBND (Nghị quyết 18-NQ/TW) — tình hình thực hiện',
    );
    for (const f of TEMPLATE_FIELDS) expect(rows.has(f.path), f.path).toBe(true);
    const texts: unknown[] = [];
    wb.getWorksheet(TEMPLATE_SHEET)?.eachRow((r) => texts.push(r.getCell(2).value));
    for (const label of Object.values(SECTION_LABELS)) expect(texts).toContain(label);
  });

  it('puts whole-number validation on every count cell and list validation on Có/Không and status cells', async () => {
    const rows = rowsByCode(await load(await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT })));

    for (const ind of reportIndicators()) {
      const dv = rows.get(ind.path)?.getCell(3).dataValidation;
      expect(dv, ind.path).toMatchObject({ type: 'whole', operator: 'between', formulae: [0, MAX_COUNT], showErrorMessage: true });
      expect(dv?.error).toMatch(/số nguyên/);
    }
    expect(rows.get('planAndSolutions.planIssued')?.getCell(3).dataValidation).toMatchObject({ type: 'list', formulae: ['"Có,Không"'] });
    expect(rows.get('programmes.plan740.status')?.getCell(3).dataValidation).toMatchObject({
      type: 'list',
      formulae: [`"${Object.values(PROGRAMME_STATUS_LABELS).join(',')}"`],
    });
    const date = rows.get('planAndSolutions.planDate')?.getCell(3);
    expect(date?.dataValidation).toMatchObject({ type: 'date', operator: 'between' });
    expect(date?.numFmt).toBe('dd/mm/yyyy');
    expect(rows.get('narrative.results')?.getCell(3).alignment?.wrapText).toBe(true);
    expect(rows.get('narrative.results')?.getCell(3).dataValidation).toMatchObject({ type: 'textLength', formulae: [5000] });
  });

  it('prefills and locks the unit and period, unlocks only input cells, protects the sheet and hides the metadata', async () => {
    const wb = await load(await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT }));
    const rows = rowsByCode(wb);
    const ws = wb.getWorksheet(TEMPLATE_SHEET);

    expect(rows.get('unitId')?.getCell(3).value).toBe('Sở Y tế');
    expect(rows.get('unitId')?.getCell(3).protection?.locked).not.toBe(false);
    // The year as the number it always was (periodJson): the annual template is the file it was.
    expect(rows.get('period')?.getCell(3).value).toBe(2026);
    expect(rows.get('period')?.getCell(2).value).toBe('Năm báo cáo');
    expect(rows.get('period')?.getCell(3).protection?.locked).not.toBe(false);
    for (const f of TEMPLATE_FIELDS) expect(rows.get(f.path)?.getCell(3).protection?.locked, f.path).toBe(false);
    expect(rows.get('dissemination.sessions')?.getCell(2).protection?.locked).not.toBe(false);
    expect((ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    expect(wb.getWorksheet(META_SHEET)?.state).toBe('veryHidden');
    const instructions: string[] = [];
    ws?.eachRow((r) => instructions.push(String(r.getCell(2).value ?? '')));
    expect(instructions.join('\n')).toContain('Hạn gửi báo cáo: hết ngày 18 tháng 12 năm 2026');
    expect(instructions.join('\n')).toContain('từ ngày 15 tháng 12 năm 2025 đến ngày 14 tháng 12 năm 2026');
  });

  it("names a quarter's period and gives a date example inside its window", async () => {
    const quarterly = { ...DEFAULT_REGIME, frequency: 'quarterly' as const, deadlineRule: { afterCutOff: { workingDays: 5 } } };
    const wb = await load(await buildTemplate({ regime: quarterly, period: '2026-Q3', unit: UNIT }));
    const rows = rowsByCode(wb);
    expect(rows.get('period')?.getCell(2).value).toBe('Kỳ báo cáo');
    expect(rows.get('period')?.getCell(3).value).toBe('2026-Q3');
    expect(rows.get('planAndSolutions.planDate')?.getCell(3).dataValidation?.prompt).toBe(
      'Nhập theo dạng ngày/tháng/năm, ví dụ 14/09/2026',
    );
  });

  it('without a unit, offers the unit list and the picked name becomes the unit id', async () => {
    const template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD });
    const unitCell = rowsByCode(await load(template))
      .get('unitId')
      ?.getCell(3);
    expect(unitCell?.protection?.locked).toBe(false);
    expect(unitCell?.dataValidation).toMatchObject({
      type: 'list',
      formulae: [`${META_SHEET}!$E$2:$E$${DEFAULT_REGIME.units.length + 1}`],
    });

    const filled = await fillTemplate(template, sampleReport(DEFAULT_REGIME, 'dak-ha', PERIOD), { unitId: 'UBND huyện Đắk Hà' });
    const parsed = await parseTemplate(filled, DEFAULT_FORM);

    expect(parsed).toMatchObject({ unitId: 'dak-ha', period: 2026, formVersion: DEFAULT_REGIME.formVersion });
    expect(validateReport(parsed, { regime: DEFAULT_REGIME, expected: { unitId: 'dak-ha', period: PERIOD } }).ok).toBe(true);
  });

  it('refuses a unit the regime does not know', async () => {
    await expect(buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: 'no-such-unit' })).rejects.toThrow(/no-such-unit/);
  });
});

describe('parseTemplate', () => {
  it('round-trips a template filled with a sample report into the same valid report', async () => {
    const sample = sampleReport(DEFAULT_REGIME, UNIT, PERIOD);
    const filled = await fillTemplate(await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT }), sample);

    const parsed = await parseTemplate(filled, DEFAULT_FORM);
    const result = validateReport(parsed, ctx);

    expect(result).toEqual({ ok: true, report: sample });
  });

  it('leaves a negative number for validation, which names the field', async () => {
    const sample = sampleReport(DEFAULT_REGIME, UNIT, PERIOD);
    const template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT });
    const filled = await fillTemplate(template, sample, { 'dissemination.sessions': -5 });

    const result = validateReport(await parseTemplate(filled, DEFAULT_FORM), ctx);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([expect.objectContaining({ path: 'dissemination.sessions', message: 'Không được nhỏ hơn 0' })]);
  });

  it('passes text in a number cell through as text and an empty count as missing, so the messages say so', async () => {
    const sample = sampleReport(DEFAULT_REGIME, UNIT, PERIOD);
    const template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT });
    const filled = await fillTemplate(template, sample, {
      'emulation.movementsLaunched': 'mười hai',
      'emulation.collectivesCommended': null,
      'emulation.individualsCommended': '7',
    });

    const parsed = (await parseTemplate(filled, DEFAULT_FORM)) as { emulation: Record<string, unknown> };
    const result = validateReport(parsed, ctx);

    expect(parsed.emulation).toEqual({ movementsLaunched: 'mười hai', individualsCommended: 7 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      expect.objectContaining({ path: 'emulation.movementsLaunched', message: 'Phải là số nguyên không âm' }),
      expect.objectContaining({ path: 'emulation.collectivesCommended', message: 'Bắt buộc phải nhập' }),
    ]);
  });

  it('reads dates typed as text (dd/mm/yyyy or YYYY-MM-DD) and status labels back to schema values', async () => {
    const sample = sampleReport(DEFAULT_REGIME, UNIT, PERIOD);
    const template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT });
    const parse = async (planDate: ExcelJS.CellValue) =>
      (await parseTemplate(await fillTemplate(template, sample, { 'planAndSolutions.planDate': planDate }), DEFAULT_FORM)) as {
        planAndSolutions: { planDate?: unknown; planIssued: unknown };
        programmes: { plan739: { status: unknown } };
      };

    expect((await parse('5/3/2026')).planAndSolutions.planDate).toBe('2026-03-05');
    expect((await parse('2026-03-05')).planAndSolutions.planDate).toBe('2026-03-05');
    const blank = await parse(null);
    expect(blank.planAndSolutions).not.toHaveProperty('planDate');
    expect(blank.planAndSolutions.planIssued).toBe(true);
    expect(blank.programmes.plan739.status).toBe('IN_PROGRESS');
  });

  it('rejects a PDF or random bytes named .xlsx by content', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF');
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);

    expect((await rejection(parseTemplate(pdf, DEFAULT_FORM))).code).toBe<XlsxRejectionCode>('NOT_XLSX');
    expect((await rejection(parseTemplate(random, DEFAULT_FORM))).reason).toBe('Tệp không phải Excel hợp lệ (.xlsx)');
  });

  it('rejects a workbook that is not the template', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').getCell('A1').value = 'xin chào';
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());

    expect((await rejection(parseTemplate(bytes, DEFAULT_FORM))).code).toBe<XlsxRejectionCode>('NOT_TEMPLATE');
  });

  it('rejects a sheet addressing rows far beyond the template', async () => {
    const wb = await load(await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT }));
    wb.getWorksheet(TEMPLATE_SHEET)!.getCell('C200000').value = 1;
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());

    const err = await rejection(parseTemplate(bytes, DEFAULT_FORM));

    expect(err.code).toBe<XlsxRejectionCode>('SHEET_TOO_LARGE');
    expect(err.reason).toMatch(/Bảng tính quá lớn/);
    expect(err.detail).toMatchObject({ rows: 200000 });
  });

  it('rejects a sheet with more cells than any template needs before loading it', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(TEMPLATE_SHEET);
    for (let r = 1; r <= 2500; r += 1) ws.addRow(Array.from({ length: 40 }, (_, c) => r + c));
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());

    const err = await rejection(parseTemplate(bytes, DEFAULT_FORM));

    expect(err.code).toBe<XlsxRejectionCode>('SHEET_TOO_LARGE');
    expect(err.detail).toHaveProperty('maxXmlElements');
  });
});

describe('guardXlsx', () => {
  it('rejects a zip bomb whose directory admits its size, without inflating it', () => {
    const bomb = rawZip([...xlsxParts(), { name: 'xl/media/image1.png', method: 8, data: deflatedZeros(50), declaredSize: 50 * MB }]);

    const err = guardOf(bomb);

    expect(err.code).toBe<XlsxRejectionCode>('UNCOMPRESSED_TOO_LARGE');
    expect(err.reason).toMatch(/^Tệp Excel quá lớn sau khi giải nén \(/);
    expect(err.detail).toMatchObject({ declaredBytes: 50 * MB });
    expect(err.detail).not.toHaveProperty('inflatedBytes');
  });

  it('rejects a zip bomb whose headers lie about its size, aborting inflation at the cap', () => {
    const payload = deflatedZeros(100);
    const lies = (name: string): RawEntry => ({ name, method: 8, data: payload, declaredSize: 4096 });
    const bomb = rawZip([...xlsxParts(), lies('xl/worksheets/sheet1.xml')]);
    const limits = { maxEntryUncompressedBytes: 20 * MB };
    const before = process.memoryUsage().arrayBuffers;

    const err = guardOf(bomb, limits);

    expect(err.code).toBe<XlsxRejectionCode>('UNCOMPRESSED_TOO_LARGE');
    expect(err.reason).toBe('Tệp Excel quá lớn sau khi giải nén (vượt 20 MB)');
    // Deflate expands at most ~1032:1, the guard feeds 4 KB at a time: it stops within ~4 MB of the cap.
    expect(err.detail.inflatedBytes).toBeGreaterThan(DEFAULT_XLSX_LIMITS.maxTotalUncompressedBytes);
    expect(err.detail.inflatedBytes).toBeLessThan(DEFAULT_XLSX_LIMITS.maxTotalUncompressedBytes + 5 * MB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * MB);
  });

  it('stops a lying part at the single-part cap too', () => {
    const bomb = rawZip([...xlsxParts(), { name: 'xl/sharedStrings.xml', method: 8, data: deflatedZeros(30), declaredSize: 100 }]);

    const err = guardOf(bomb);

    expect(err.code).toBe<XlsxRejectionCode>('UNCOMPRESSED_TOO_LARGE');
    expect(err.reason).toMatch(/một thành phần vượt 10 MB/);
    expect(err.detail.inflatedBytes).toBeLessThan(DEFAULT_XLSX_LIMITS.maxEntryUncompressedBytes + 5 * MB);
  });

  it('rejects a part whose declared compression ratio is implausible for XML', () => {
    const zip = rawZip([...xlsxParts(), { name: 'xl/styles.xml', method: 8, data: deflatedZeros(5), declaredSize: 5 * MB }]);

    const err = guardOf(zip);

    expect(err.code).toBe<XlsxRejectionCode>('SUSPICIOUS_RATIO');
    expect(err.detail.ratio).toBeGreaterThan(DEFAULT_XLSX_LIMITS.maxCompressionRatio);
  });

  it('accepts a zip written with data descriptors (sizes after the data), as streaming writers do', async () => {
    const parts = unzipSync(await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT }));
    const chunks: Uint8Array[] = [];
    const zip = new Zip((err, data) => {
      if (err) throw err;
      chunks.push(data);
    });
    for (const [name, data] of Object.entries(parts)) {
      const file = new ZipDeflate(name, { level: 6 });
      zip.add(file);
      file.push(data, true);
    }
    zip.end();
    const bytes = new Uint8Array(Buffer.concat(chunks));
    expect(bytes[6]! & 0x08).toBe(0x08);

    await expect(parseTemplate(bytes, DEFAULT_FORM)).resolves.toMatchObject({ unitId: UNIT, period: 2026 });
  });

  it('rejects a zip with 10,000 entries', () => {
    const files: Record<string, Uint8Array> = { '[Content_Types].xml': new Uint8Array(1), 'xl/workbook.xml': new Uint8Array(1) };
    for (let i = 0; i < 10_000; i += 1) files[`xl/junk/${i}.xml`] = new Uint8Array([60, 97, 47, 62]);

    const err = guardOf(zipSync(files, { level: 0 }));

    expect(err.code).toBe<XlsxRejectionCode>('TOO_MANY_ENTRIES');
    expect(err.reason).toBe('Tệp Excel có quá nhiều thành phần (vượt 200)');
  });

  it('rejects a central directory that lists parts the archive does not hold (overlapping entries)', () => {
    const parts = xlsxParts();
    const sheet = stored('xl/worksheets/sheet1.xml', '<worksheet/>');
    const zip = rawZip([...parts, sheet]);
    // Same bytes, but the directory points 50 names at the one local sheet entry.
    const localSheetOffset = parts.reduce((s, p) => s + 30 + new TextEncoder().encode(p.name).length + p.data.length, 0);
    let at = 0;
    const central = [
      ...parts.map((entry) => {
        const offset = at;
        at += 30 + new TextEncoder().encode(entry.name).length + entry.data.length;
        return { name: entry.name, offset, entry };
      }),
      ...Array.from({ length: 50 }, (_, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, offset: localSheetOffset, entry: sheet })),
    ];
    const overlapping = rawZip([...parts, sheet], central);
    expect(guardXlsx(zip).entries.size).toBe(3);

    expect(guardOf(overlapping).code).toBe<XlsxRejectionCode>('CORRUPT');
  });

  it('rejects XML with a DTD (entity expansion)', () => {
    const zip = rawZip([
      ...xlsxParts(),
      stored('xl/sharedStrings.xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><sst>&a;</sst>'),
    ]);

    expect(guardOf(zip).code).toBe<XlsxRejectionCode>('UNSAFE_XML');
  });

  it('rejects an input larger than the upload bound before reading it', () => {
    expect(guardOf(new Uint8Array(11 * MB)).code).toBe<XlsxRejectionCode>('TOO_LARGE');
  });

  it('hands the parser exactly the checked parts, inflated', async () => {
    const template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT });

    const guarded = guardXlsx(template);

    const parts = unzipSync(template);
    expect([...guarded.entries.keys()].sort()).toEqual(Object.keys(parts).sort());
    for (const [name, data] of guarded.entries) expect(Buffer.from(data).equals(Buffer.from(parts[name]!)), name).toBe(true);
    expect(guarded.uncompressedBytes).toBe(Object.values(parts).reduce((s, p) => s + p.length, 0));
    expect(guarded.uncompressedBytes).toBeLessThan(DEFAULT_XLSX_LIMITS.maxTotalUncompressedBytes);
  });

  it('rejects a part whose bytes do not match its CRC-32', () => {
    const sheet = stored('xl/worksheets/sheet1.xml', '<worksheet/>');
    const zip = rawZip([...xlsxParts(), sheet]);
    // Flip one byte of the sheet's data: sizes still agree, the CRC no longer does.
    const at = Buffer.from(zip).indexOf('<worksheet/>');
    zip[at + 1] = 0x57; // 'w' → 'W'

    const err = guardOf(zip);

    expect(err.code).toBe<XlsxRejectionCode>('CORRUPT');
    expect(err.detail.why).toMatch(/CRC-32/);
  });

  it('rejects a local header that names another part than its directory record', () => {
    const parts = [...xlsxParts(), stored('xl/worksheets/sheet1.xml', '<worksheet/>')];
    let at = 0;
    const central = parts.map((entry) => {
      const offset = at;
      at += 30 + new TextEncoder().encode(entry.name).length + entry.data.length;
      return { name: entry.name === 'xl/worksheets/sheet1.xml' ? 'xl/worksheets/sheet9.xml' : entry.name, offset, entry };
    });

    const err = guardOf(rawZip(parts, central));

    expect(err.code).toBe<XlsxRejectionCode>('CORRUPT');
    expect(err.detail.why).toMatch(/local header/);
  });

  it('rejects a compression method other than stored or deflate', () => {
    const zip = rawZip([...xlsxParts(), stored('xl/styles.xml', '<styleSheet/>')]);
    // Method 12 (bzip2) in the last central directory record (offset 10 from its signature).
    const record = Buffer.from(zip).lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip[record + 10] = 12;

    expect(guardOf(zip)).toMatchObject({ code: 'CORRUPT', detail: { why: 'compression method 12' } });
  });
});

function guardOf(bytes: Uint8Array, limits?: Parameters<typeof guardXlsx>[1]): XlsxRejectedError {
  try {
    guardXlsx(bytes, limits);
  } catch (e) {
    if (e instanceof XlsxRejectedError) return e;
    throw e;
  }
  throw new Error('expected an XlsxRejectedError');
}

describe('sniffFileType', () => {
  it('judges by content, never by name', async () => {
    const template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT });
    const enc = (s: string) => new TextEncoder().encode(s);
    const docxLike = zipSync({ '[Content_Types].xml': enc('<Types/>'), 'word/document.xml': enc('<w/>') });

    expect(sniffFileType(template)).toBe('xlsx');
    expect(sniffFileType(docxLike)).toBe('unknown');
    expect(sniffFileType(enc('%PDF-1.4\n...'))).toBe('pdf');
    expect(sniffFileType(new Uint8Array([0xef, 0xbb, 0xbf, 0x20, 0x0a, 0x7b, 0x7d]))).toBe('json');
    expect(sniffFileType(enc('  {"unitId":"x"}'))).toBe('json');
    expect(sniffFileType(enc('[1,2]'))).toBe('unknown');
    expect(sniffFileType(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toBe('unknown');
    expect(sniffFileType(new Uint8Array(0))).toBe('unknown');
  });
});
