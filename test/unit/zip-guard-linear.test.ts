import { describe, expect, it } from 'vitest';
import { readXlsx, XlsxReadError, type ScanMeter } from '../../shared/ooxml/xlsx-read.js';
import { zip } from '../../shared/ooxml/zip.js';
import { guardXlsx, XlsxRejectedError, type XlsxRejectionCode } from '../../shared/xlsx/zip-guard.js';

/**
 * The xlsx guard and reader do work linear in what they read, whatever it holds, and check every
 * part the reader reads. Linearity is shown by counting the work (the meter counts the bytes and
 * characters looked at), never by timing: the same hostile shape at n and 2n must cost about
 * twice as much, and never more than a fixed number of steps per byte.
 */

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const WORKBOOK = '<workbook><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>';
const rels = (sheetTarget = 'worksheets/sheet1.xml') =>
  '<Relationships>' +
  `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="${sheetTarget}"/>` +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' +
  '</Relationships>';

function xlsx(files: Record<string, string>): Uint8Array {
  return zip(
    Object.entries({ '[Content_Types].xml': CONTENT_TYPES, 'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': rels(), ...files }),
  );
}

/** Shapes that made a backtracking pattern rescan to the end of the part, each as a function of n. */
const HOSTILE: Record<string, (n: number) => Record<string, string>> = {
  'unterminated <row tags': (n) => ({ 'xl/worksheets/sheet1.xml': `<worksheet><sheetData>${'<row '.repeat(n)}` }),
  'unterminated <c tags with an address': (n) => ({ 'xl/worksheets/sheet1.xml': `<worksheet><sheetData><row>${'<c r="A'.repeat(n)}` }),
  'one tag with a long attribute list and no "="': (n) => ({
    'xl/worksheets/sheet1.xml': `<worksheet><sheetData><row r="1"><c ${'ab '.repeat(n)}/></row></sheetData></worksheet>`,
  }),
  'many attributes without values': (n) => ({
    'xl/worksheets/sheet1.xml': `<worksheet><sheetData><row ${'r= '.repeat(n)}/></sheetData></worksheet>`,
  }),
  'unclosed quote': (n) => ({ 'xl/worksheets/sheet1.xml': `<worksheet><sheetData><row r="${'1'.repeat(n)}` }),
  'unterminated comments': (n) => ({ 'xl/worksheets/sheet1.xml': `<worksheet><sheetData>${'<!-- <c>'.repeat(n)}` }),
  'entity-like text without ";"': (n) => ({ 'xl/sharedStrings.xml': `<sst><si><t>${'&#x1&amp'.repeat(n)}</t></si></sst>` }),
  'a date format full of unclosed "["': (n) => ({
    'xl/styles.xml': `<styleSheet><numFmts><numFmt numFmtId="200" formatCode="${'['.repeat(n)}"/></numFmts><cellXfs><xf numFmtId="200"/></cellXfs></styleSheet>`,
  }),
};

const SHEET = '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>';

/** The guard and then the reader, as parseTemplate runs them; the meter counts both. */
function guardAndRead(bytes: Uint8Array): { steps: number; outcome: string } {
  const meter: ScanMeter = { steps: 0 };
  try {
    readXlsx(guardXlsx(bytes, {}, { meter }).entries, meter);
    return { steps: meter.steps, outcome: 'read' };
  } catch (e) {
    if (e instanceof XlsxRejectedError) return { steps: meter.steps, outcome: e.code };
    if (e instanceof XlsxReadError) return { steps: meter.steps, outcome: 'XlsxReadError' };
    throw e;
  }
}

function rejection(bytes: Uint8Array): XlsxRejectedError {
  try {
    guardXlsx(bytes);
  } catch (e) {
    if (e instanceof XlsxRejectedError) return e;
    throw e;
  }
  throw new Error('expected an XlsxRejectedError');
}

describe('the xlsx guard and reader do linear work', () => {
  for (const [shape, parts] of Object.entries(HOSTILE)) {
    it(`costs twice the work for twice the input: ${shape}`, () => {
      const n = 20_000;
      const small = xlsx({ 'xl/worksheets/sheet1.xml': SHEET, ...parts(n) });
      const large = xlsx({ 'xl/worksheets/sheet1.xml': SHEET, ...parts(2 * n) });
      const smallBytes = inflatedSize(parts(n));

      const a = guardAndRead(small);
      const b = guardAndRead(large);

      expect(b.outcome).toBe(a.outcome);
      // A quadratic scan would do ~4× the work at 2n, and thousands of steps per byte at n.
      expect(b.steps / a.steps).toBeLessThan(2.2);
      expect(a.steps / smallBytes).toBeLessThan(40);
    });
  }

  it('reads a part named by many sheets once, not once per sheet', () => {
    const sheets = (count: number) =>
      `<workbook><sheets>${Array.from({ length: count }, (_, i) => `<sheet name="S${i}" r:id="rId1"/>`).join('')}</sheets></workbook>`;
    const bigSheet = `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>${'x'.repeat(200_000)}</t></is></c></row></sheetData></worksheet>`;
    const meterOf = (count: number) => {
      const meter: ScanMeter = { steps: 0 };
      const parts = new Map(
        Object.entries({
          'xl/workbook.xml': sheets(count),
          'xl/_rels/workbook.xml.rels': rels(),
          'xl/worksheets/sheet1.xml': bigSheet,
        }).map(([k, v]) => [k, Buffer.from(v)]),
      );
      const read = readXlsx(parts, meter);
      return { steps: meter.steps, sheets: read.length };
    };

    const one = meterOf(1);
    const many = meterOf(500);

    expect(many.sheets).toBe(500);
    // 499 more <sheet> elements (~30 characters each) and nothing like 499 more reads of 200 KB.
    expect(many.steps - one.steps).toBeLessThan(500 * 200);
  });
});

describe('the xlsx guard checks every part the reader reads', () => {
  it('checks a worksheet whose part is not named .xml for a DTD', () => {
    const bytes = xlsx({
      'xl/_rels/workbook.xml.rels': rels('worksheets/sheet1.bin'),
      'xl/worksheets/sheet1.bin': `<!DOCTYPE x [<!ENTITY a "a">]>${SHEET}`,
    });

    const err = rejection(bytes);

    expect(err.code).toBe<XlsxRejectionCode>('UNSAFE_XML');
    expect(err.detail).toMatchObject({ part: 'xl/worksheets/sheet1.bin' });
  });

  it('bounds the rows of a worksheet whatever its part is named', () => {
    const sheet = '<worksheet><sheetData><row r="999999"><c r="A999999"><v>1</v></c></row></sheetData></worksheet>';
    const bytes = xlsx({ 'xl/_rels/workbook.xml.rels': rels('../data/cells'), 'data/cells': sheet });

    const err = rejection(bytes);

    expect(err.code).toBe<XlsxRejectionCode>('SHEET_TOO_LARGE');
    expect(err.detail).toMatchObject({ part: 'data/cells', rows: 999999 });
  });

  it('bounds rows and columns written with a namespace prefix, as the reader reads them', () => {
    const sheet = '<x:worksheet><x:sheetData><x:row x:r="1"><x:c r="ZZZ1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>';

    const err = rejection(xlsx({ 'xl/worksheets/sheet1.xml': sheet }));

    expect(err.code).toBe<XlsxRejectionCode>('SHEET_TOO_LARGE');
    expect(err.detail).toMatchObject({ columns: 18278 });
  });

  it('counts the elements of a reachable part whatever it is named', () => {
    const sheet = `<worksheet><sheetData>${'<row/>'.repeat(2_000)}</sheetData></worksheet>`;
    const bytes = xlsx({ 'xl/_rels/workbook.xml.rels': rels('worksheets/sheet1.dat'), 'xl/worksheets/sheet1.dat': sheet });

    let err: XlsxRejectedError | undefined;
    try {
      guardXlsx(bytes, { maxXmlElements: 1_000, maxRows: 1_000_000 });
    } catch (e) {
      err = e as XlsxRejectedError;
    }

    expect(err).toBeInstanceOf(XlsxRejectedError);
    expect(err?.code).toBe<XlsxRejectionCode>('SHEET_TOO_LARGE');
    expect(err?.detail).toMatchObject({ part: 'xl/worksheets/sheet1.dat', maxXmlElements: 1_000 });
  });

  it('refuses a reachable part the reader could not walk before the reader runs', () => {
    const err = rejection(xlsx({ 'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1' }));

    expect(err.code).toBe<XlsxRejectionCode>('CORRUPT');
    expect(err.detail).toMatchObject({ why: 'unterminated tag' });
  });

  it('hands on a reachable part with any name, and no part it did not check', () => {
    const png = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x3c, 0x3c);
    const bytes = xlsx({
      'xl/_rels/workbook.xml.rels': rels('worksheets/sheet1.bin'),
      'xl/worksheets/sheet1.bin': SHEET,
      'xl/media/image1.png': png,
    });

    const guarded = guardXlsx(bytes);

    expect([...guarded.entries.keys()].sort()).toEqual([
      '[Content_Types].xml',
      'xl/_rels/workbook.xml.rels',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.bin',
    ]);
    expect(readXlsx(guarded.entries)[0]?.rows.get(1)?.get(1)).toBe(1);
  });
});

function inflatedSize(files: Record<string, string>): number {
  return Object.values(files).reduce((s, v) => s + Buffer.byteLength(v), 0);
}
