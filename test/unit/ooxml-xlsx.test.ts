import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readXlsx, XlsxReadError, type ScanMeter, type XlsxSheet } from '../../shared/ooxml/xlsx-read.js';
import { columnLetter, serialDate, Worksheet, writeXlsx } from '../../shared/ooxml/xlsx-write.js';
import { guardXlsx } from '../../shared/xlsx/zip-guard.js';
import { ValidatedWorksheet } from '../../shared/ooxml/xlsx-validations.js';

/**
 * The hand-written SpreadsheetML writer and reader, each checked against an independent
 * implementation: what our writer writes, exceljs must read back (values, styles, validations,
 * layout); what exceljs and LibreOffice write, our reader must read.
 */

async function excel(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return wb;
}

/** What parseTemplate does: guard the zip, then read only the checked parts. */
const read = (bytes: Uint8Array) => readXlsx(guardXlsx(bytes).entries);
const sheetOf = (sheets: XlsxSheet[], name: string) => {
  const s = sheets.find((x) => x.name === name);
  if (!s) throw new Error(`no sheet ${name}`);
  return s;
};
const at = (s: XlsxSheet, row: number, col: number) => s.rows.get(row)?.get(col);

/** A package from hand-written parts, for the shapes other writers produce. */
function parts(files: Record<string, string>): Map<string, Uint8Array> {
  return new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]));
}
const WORKBOOK_RELS =
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/>' +
  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
  '</Relationships>';

const HOSTILE = 'Sở "A" & <b>Co</b>';

function sampleWorkbook(): Uint8Array {
  const ws = new ValidatedWorksheet('Dữ liệu', {
    frozen: { rows: 2, cols: 1 },
    protect: true,
    page: { orientation: 'landscape', horizontalCentered: true, titleRows: [1, 2], footer: '&CTrang &P/&N' },
  });
  ws.set(1, 1, 'Tiêu đề tổng hợp', {
    font: { name: 'Times New Roman', size: 14, bold: true, color: 'FF1F4E79' },
    alignment: { horizontal: 'center', vertical: 'center', wrapText: true },
  });
  ws.merge(1, 1, 1, 3);
  ws.heights.set(1, 36);
  ws.set(2, 1, HOSTILE, { fill: 'FFD9E1F2', border: { color: 'FFBFBFBF' } });
  ws.set(2, 2, 1234567, { numFmt: '#,##0', font: { italic: true } });
  ws.set(2, 3, new Date('2026-12-19T09:30:00Z'), { numFmt: 'dd/mm/yyyy hh:mm' });
  ws.set(3, 1, '  hai dòng\nthứ hai  ', { alignment: { wrapText: true, vertical: 'top' } });
  ws.set(3, 2, { formula: 'SUM(B2:B2)', result: 1234567 }, { border: {} });
  ws.set(3, 3, 0.6667, { numFmt: '0.0%', locked: false });
  ws.set(4, 2, null, { fill: 'FFFFF2CC', locked: false });
  ws.widths.set(1, 36).set(2, 20);
  ws.hiddenColumns.add(4);
  ws.validate(4, 2, {
    type: 'whole',
    operator: 'between',
    formulae: [0, 10_000_000],
    allowBlank: true,
    error: { title: 'Số liệu không hợp lệ', message: 'Nhập số nguyên.' },
  });
  ws.validate(5, 2, {
    type: 'whole',
    operator: 'between',
    formulae: [0, 10_000_000],
    allowBlank: true,
    error: { title: 'Số liệu không hợp lệ', message: 'Nhập số nguyên.' },
  });
  ws.validate(4, 3, {
    type: 'list',
    formulae: ['"Có,Không"'],
    allowBlank: true,
    error: { title: 'Giá trị không hợp lệ', message: 'Chọn Có hoặc Không.' },
  });
  ws.validate(5, 3, {
    type: 'textLength',
    operator: 'lessThanOrEqual',
    formulae: [50],
    allowBlank: false,
    error: { title: 'Quá dài', message: 'Tối đa 50 ký tự.' },
  });
  ws.validate(6, 3, {
    type: 'date',
    formulae: [serialDate(new Date('2025-12-15T00:00:00Z')), serialDate(new Date('2026-12-14T00:00:00Z'))],
    allowBlank: true,
    error: { title: 'Ngày không hợp lệ', message: 'Nhập ngày trong kỳ.' },
    prompt: { title: 'Ngày', message: 'ngày/tháng/năm' },
  });
  const meta = new Worksheet('meta', { state: 'veryHidden' });
  meta.set(1, 1, 'unitId');
  meta.set(1, 2, 'dak-ha');
  return writeXlsx({ sheets: [ws, meta], creator: 'Sở Nội vụ', title: 'Tổng hợp năm 2026', created: new Date('2026-12-20T01:00:00Z') });
}

describe('xlsx writer, read back by exceljs', () => {
  it('writes values: Vietnamese and hostile text, numbers, dates, formulas with their cached result', async () => {
    const ws = (await excel(sampleWorkbook())).getWorksheet('Dữ liệu')!;

    expect(ws.getCell('A1').value).toBe('Tiêu đề tổng hợp');
    expect(ws.getCell('A2').value).toBe(HOSTILE);
    expect(ws.getCell('B2').value).toBe(1234567);
    expect((ws.getCell('C2').value as Date).toISOString()).toBe('2026-12-19T09:30:00.000Z');
    expect(ws.getCell('A3').value).toBe('  hai dòng\nthứ hai  ');
    expect(ws.getCell('B3').value).toEqual({ formula: 'SUM(B2:B2)', result: 1234567 });
    expect(ws.getCell('C3').value).toBe(0.6667);
  });

  it('writes styles: fonts, fills, borders, alignment, number formats, unlocked cells', async () => {
    const ws = (await excel(sampleWorkbook())).getWorksheet('Dữ liệu')!;

    expect(ws.getCell('A1').font).toMatchObject({ name: 'Times New Roman', size: 14, bold: true, color: { argb: 'FF1F4E79' } });
    expect(ws.getCell('A1').alignment).toEqual({ horizontal: 'center', vertical: 'middle', wrapText: true });
    expect(ws.getCell('A2').fill).toEqual({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } });
    const thin = { style: 'thin', color: { argb: 'FFBFBFBF' } };
    expect(ws.getCell('A2').border).toEqual({ left: thin, right: thin, top: thin, bottom: thin });
    expect(ws.getCell('B3').border?.left).toEqual({ style: 'thin' });
    expect(ws.getCell('B2').font).toMatchObject({ italic: true, size: 11, name: 'Calibri' });
    expect(ws.getCell('B2').numFmt).toBe('#,##0');
    expect(ws.getCell('C2').numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(ws.getCell('C3').numFmt).toBe('0.0%');
    expect(ws.getCell('C3').protection?.locked).toBe(false);
    expect(ws.getCell('B4').protection?.locked).toBe(false);
    expect(ws.getCell('B2').protection?.locked).not.toBe(false);
    // A merged range: the covered cells carry the top-left cell's style, so Excel draws it whole.
    expect(ws.getCell('C1').font?.bold).toBe(true);
  });

  it('writes validations, grouping cells that share a rule', async () => {
    const bytes = sampleWorkbook();
    const ws = (await excel(bytes)).getWorksheet('Dữ liệu')!;

    const whole = {
      type: 'whole',
      operator: 'between',
      formulae: [0, 10_000_000],
      allowBlank: true,
      showErrorMessage: true,
      errorTitle: 'Số liệu không hợp lệ',
      error: 'Nhập số nguyên.',
    };
    expect(ws.getCell('B4').dataValidation).toMatchObject(whole);
    expect(ws.getCell('B5').dataValidation).toMatchObject(whole);
    expect(ws.getCell('C4').dataValidation).toMatchObject({ type: 'list', formulae: ['"Có,Không"'], error: 'Chọn Có hoặc Không.' });
    expect(ws.getCell('C5').dataValidation).toMatchObject({ type: 'textLength', operator: 'lessThanOrEqual', formulae: [50] });
    expect(ws.getCell('C5').dataValidation.allowBlank).not.toBe(true);
    const date = ws.getCell('C6').dataValidation;
    expect(date).toMatchObject({
      type: 'date',
      operator: 'between',
      showInputMessage: true,
      promptTitle: 'Ngày',
      prompt: 'ngày/tháng/năm',
    });
    expect((date.formulae as Date[]).map((d) => d.toISOString().slice(0, 10))).toEqual(['2025-12-15', '2026-12-14']);
    expect(ws.getCell('B6').dataValidation).toBeUndefined();
    const sheetXml = strFromU8(unzipSync(bytes)['xl/worksheets/sheet1.xml']!);
    expect(sheetXml.match(/<dataValidation /g)).toHaveLength(4);
    expect(sheetXml).toContain('sqref="B4 B5"');
  });

  it('writes layout: widths, hidden columns, heights, merges, frozen panes, print setup, protection, hidden sheets, properties', async () => {
    const wb = await excel(sampleWorkbook());
    const ws = wb.getWorksheet('Dữ liệu')!;

    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['Dữ liệu', 'visible'],
      ['meta', 'veryHidden'],
    ]);
    expect(ws.getColumn(1).width).toBe(36);
    expect(ws.getColumn(2).width).toBe(20);
    expect(ws.getColumn(4).hidden).toBe(true);
    expect(ws.getRow(1).height).toBe(36);
    expect(ws.getCell('B1').isMerged && ws.getCell('C1').isMerged && !ws.getCell('D1').isMerged).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 2, topLeftCell: 'B3' });
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: '1:2',
    });
    expect(ws.headerFooter.oddFooter).toBe('&CTrang &P/&N');
    expect((ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    expect((wb.getWorksheet('meta') as unknown as { sheetProtection?: unknown }).sheetProtection).toBeUndefined();
    expect([wb.creator, wb.title, wb.created?.toISOString()]).toEqual(['Sở Nội vụ', 'Tổng hợp năm 2026', '2026-12-20T01:00:00.000Z']);
  });

  it('gives the same bytes for the same workbook, escapes text and drops characters XML cannot carry', () => {
    const a = sampleWorkbook();
    expect(Buffer.from(a).equals(Buffer.from(sampleWorkbook()))).toBe(true);

    const ws = new Worksheet('S');
    ws.set(1, 1, 'a\u0001b\u000bc');
    const strings = strFromU8(unzipSync(writeXlsx({ sheets: [ws] }))['xl/sharedStrings.xml']!);
    expect(strings).toContain('<t>abc</t>');
    expect(strFromU8(unzipSync(a)['xl/sharedStrings.xml']!)).toContain('Sở &quot;A&quot; &amp; &lt;b&gt;Co&lt;/b&gt;');
  });

  it('refuses numbers Excel would call corrupt', () => {
    const ws = new Worksheet('S');
    ws.set(1, 1, Number.NaN);
    expect(() => writeXlsx({ sheets: [ws] })).toThrow(/NaN/);
    ws.set(1, 1, { formula: '1/0', result: Infinity });
    expect(() => writeXlsx({ sheets: [ws] })).toThrow(/Infinity/);
  });

  it('names columns as Excel does', () => {
    expect([1, 26, 27, 52, 53, 702, 703, 16384].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });
});

describe('xlsx reader', () => {
  it('reads back what the writer wrote, through the zip guard', () => {
    const sheets = read(sampleWorkbook());
    const ws = sheetOf(sheets, 'Dữ liệu');

    expect(sheets.map((s) => [s.name, s.state])).toEqual([
      ['Dữ liệu', 'visible'],
      ['meta', 'veryHidden'],
    ]);
    expect(at(ws, 1, 1)).toBe('Tiêu đề tổng hợp');
    expect(at(ws, 2, 1)).toBe(HOSTILE);
    expect(at(ws, 2, 2)).toBe(1234567);
    expect((at(ws, 2, 3) as Date).toISOString()).toBe('2026-12-19T09:30:00.000Z');
    expect(at(ws, 3, 1)).toBe('  hai dòng\nthứ hai  ');
    expect(at(ws, 3, 2)).toBe(1234567);
    expect(at(ws, 3, 3)).toBe(0.6667); // a percentage is not a date
    expect(at(ws, 1, 2)).toBeUndefined(); // covered by the merge: styled, blank
    expect([ws.rowCount, ws.columnCount]).toEqual([4, 3]);
    expect(at(sheetOf(sheets, 'meta'), 1, 2)).toBe('dak-ha');
  });

  it('reads what exceljs writes: shared and rich text, booleans, errors, formulas, dates, hidden sheets', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Báo cáo');
    ws.getCell('A1').value = 'Đắk Hà & "Kon Tum" <tỉnh>';
    ws.getCell('A2').value = { richText: [{ text: 'Sở ', font: { bold: true } }, { text: 'Y tế' }] };
    ws.getCell('A3').value = true;
    ws.getCell('B3').value = false;
    ws.getCell('A4').value = { error: '#N/A' };
    ws.getCell('A5').value = { formula: 'B5*2', result: 84 };
    ws.getCell('B5').value = 42;
    ws.getCell('A6').value = { formula: 'A1&"!"', result: 'chào!' };
    ws.getCell('A7').value = new Date('2026-03-05T00:00:00Z');
    ws.getCell('A7').numFmt = 'dd/mm/yyyy';
    ws.getCell('A8').value = 46086;
    ws.getCell('C9').value = -1.5;
    wb.addWorksheet('ẩn', { state: 'hidden' }).getCell('A1').value = 'x';
    const sheets = read(new Uint8Array(await wb.xlsx.writeBuffer()));
    const s = sheetOf(sheets, 'Báo cáo');

    expect(at(s, 1, 1)).toBe('Đắk Hà & "Kon Tum" <tỉnh>');
    expect(at(s, 2, 1)).toBe('Sở Y tế');
    expect([at(s, 3, 1), at(s, 3, 2)]).toEqual([true, false]);
    expect(at(s, 4, 1)).toBe('#N/A');
    expect(at(s, 5, 1)).toBe(84);
    expect(at(s, 6, 1)).toBe('chào!');
    expect(at(s, 7, 1)).toEqual(new Date('2026-03-05T00:00:00Z'));
    expect(at(s, 8, 1)).toBe(46086); // General format: a number, not a date
    expect(at(s, 9, 3)).toBe(-1.5);
    expect(sheetOf(sheets, 'ẩn').state).toBe('hidden');
  });

  it('reads what LibreOffice Calc writes', () => {
    // test/fixtures/libreoffice.xlsx: a workbook from our writer, opened and saved again by
    // LibreOffice Calc 7.4 (`soffice --headless --convert-to xlsx`); Calc writes very hidden as hidden.
    const sheets = read(new Uint8Array(readFileSync(new URL('../fixtures/libreoffice.xlsx', import.meta.url))));
    const s = sheetOf(sheets, 'Dữ liệu');

    expect([1, 2, 3].map((c) => at(s, 1, c))).toEqual(['Tên cơ quan, đơn vị', 'Số lượt', 'Ngày']);
    expect(at(s, 2, 1)).toBe('UBND huyện Đắk Hà & "Ngọc Hồi" <x>');
    expect(at(s, 2, 2)).toBe(1234.5);
    expect(at(s, 2, 3)).toEqual(new Date('2026-03-05T00:00:00Z'));
    expect(at(s, 3, 1)).toBe('  dòng một\ndòng hai  ');
    expect(at(s, 3, 2)).toBe(2469);
    expect(sheets.map((x) => [x.name, x.state])).toEqual([
      ['Dữ liệu', 'visible'],
      ['ẩn', 'hidden'],
    ]);
  });

  it('reads the shapes other writers produce: prefixes, phonetic runs, escapes, inline and typed cells, implicit addresses, 1904 dates', () => {
    const x = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const sheets = readXlsx(
      parts({
        'xl/workbook.xml': `<?xml version="1.0"?><!-- written by hand --><x:workbook ${x} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Trang &amp; 1" sheetId="1" r:id="rId1" state="veryHidden"/></x:sheets></x:workbook>`,
        'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
        'xl/sharedStrings.xml':
          `<x:sst ${x}><x:si><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">Đồng </x:t></x:r><x:r><x:t>Nai</x:t></x:r>` +
          '<x:rPh sb="0" eb="1"><x:t>phonetic</x:t></x:rPh></x:si><x:si><x:t>dòng 1_x000D_\ndòng 2 _x005F_x0041_</x:t></x:si><x:si/></x:sst>',
        'xl/styles.xml': `<x:styleSheet ${x}><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="[$-42A]DD/MM/YYYY;@"/></x:numFmts><x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="14"/></x:cellXfs><x:dxfs count="1"><x:dxf><x:numFmt numFmtId="164" formatCode="0.00"/></x:dxf></x:dxfs></x:styleSheet>`,
        'xl/worksheets/sheet1.xml':
          `<x:worksheet ${x}><x:sheetData>` +
          '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c></x:row>' +
          '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>nội </x:t><x:r><x:t>tuyến</x:t></x:r></x:is></x:c><x:c t="str"><x:f>"a"&amp;"b"</x:f><x:v>ab</x:v></x:c>' +
          '<x:c t="d"><x:v>2026-03-05T00:00:00Z</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#DIV/0!</x:v></x:c></x:row>' +
          '<x:row r="4"><x:c r="A4" s="1"><x:v>44624</x:v></x:c><x:c s="2"><x:v>44624</x:v></x:c><x:c><x:v><![CDATA[7]]></x:v></x:c><x:c r="D4"><x:f>1+1</x:f></x:c></x:row>' +
          '</x:sheetData></x:worksheet>',
      }),
    );
    const [s] = sheets;

    expect(s).toMatchObject({ name: 'Trang & 1', state: 'veryHidden', rowCount: 4, columnCount: 6 });
    expect(at(s!, 1, 1)).toBe('Đồng Nai');
    expect(at(s!, 1, 2)).toBe('dòng 1\r\ndòng 2 _x0041_');
    expect(at(s!, 1, 3)).toBe('');
    expect([2, 3, 4, 5, 6].map((c) => at(s!, 3, c))).toEqual(['nội tuyến', 'ab', new Date('2026-03-05T00:00:00Z'), true, '#DIV/0!']);
    // 44624 in the 1904 system is 44624 + 1462 days after 1899-12-30: 2026-03-05. Format 164 is the
    // cell format's date code, not the conditional format's "0.00" that reuses its id.
    expect(at(s!, 4, 1)).toEqual(new Date('2026-03-05T00:00:00Z'));
    expect(at(s!, 4, 2)).toEqual(new Date('2026-03-05T00:00:00Z'));
    expect(at(s!, 4, 3)).toBe(7);
    expect(at(s!, 4, 4)).toBeUndefined(); // a formula without a cached result
  });

  it('refuses a sheet without a part and an unterminated tag', () => {
    const workbook = '<workbook><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>';
    expect(() => readXlsx(parts({ 'xl/workbook.xml': workbook }))).toThrow(XlsxReadError);
    expect(() =>
      readXlsx(
        parts({
          'xl/workbook.xml': workbook,
          'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
          'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1" t="',
        }),
      ),
    ).toThrow(/unterminated/);
    expect(() => readXlsx(new Map())).toThrow(/missing xl\/workbook.xml/);
  });

  it('does work linear in its input, whatever the input holds (counted, not timed)', () => {
    const workbook = '<workbook><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>';
    const hostile = [
      // Cells and strings that never close: a pattern such as <c ...>(.*?)</c> rescans the rest for each.
      `<worksheet><sheetData><row r="1">${'<c r="A1"><v>1</v><is><t>x'.repeat(50_000)}</row></sheetData></worksheet>`,
      // Quotes, comments and tags that never close: a backtracking tag pattern goes quadratic or worse.
      `<worksheet><sheetData><row r="1">${'<c r="A1" t="s'.repeat(50_000)}`,
      `<worksheet><sheetData>${'<!-- <c>'.repeat(100_000)}`,
      `<worksheet><sheetData>${'<c x="1" '.repeat(100_000)}`,
    ];
    for (const sheet of hostile) {
      const meter: ScanMeter = { steps: 0 };
      try {
        readXlsx(
          parts({ 'xl/workbook.xml': workbook, 'xl/_rels/workbook.xml.rels': WORKBOOK_RELS, 'xl/worksheets/sheet1.xml': sheet }),
          meter,
        );
      } catch (e) {
        expect(e).toBeInstanceOf(XlsxReadError);
      }
      // Each character looked at a bounded number of times; rescanning the rest per tag would be ~n/2 per character.
      expect(meter.steps).toBeGreaterThan(sheet.length);
      expect(meter.steps / sheet.length).toBeLessThan(40);
    }
  });
});
