import { Unzip, UnzipInflate, unzipSync, zipSync, type UnzipFile } from 'fflate';

/**
 * An xlsx file is a zip of XML parts. A crafted one can declare tiny sizes and inflate to
 * gigabytes, hold thousands of parts, or list in its central directory entries that the local
 * headers do not have. This guard runs BEFORE any spreadsheet library sees the bytes:
 *
 * 1. Bound the input size and check the zip magic.
 * 2. Read the central directory only (fflate `unzipSync` with a filter that refuses every entry):
 *    entry count, declared sizes, declared compression ratio, the two parts every xlsx has.
 * 3. Inflate every entry with a streaming inflater fed in small slices, counting real output
 *    bytes and aborting as soon as a cap is passed — a lying header cannot make it allocate more
 *    than the cap plus one slice's worth of output.
 * 4. Check the parts found by streaming are exactly those the central directory lists, and
 *    that each real size equals the declared one.
 * 5. Scan the XML: no DTDs (entity expansion), a bound on the number of elements (what a
 *    SAX-to-object reader allocates per) and on the rows/columns any worksheet addresses.
 * 6. Re-pack the checked parts (stored, no compression) — the parser reads those bytes, never
 *    the original, so it cannot see anything this guard did not measure.
 */

export type XlsxRejectionCode =
  | 'TOO_LARGE'
  | 'NOT_XLSX'
  | 'CORRUPT'
  | 'TOO_MANY_ENTRIES'
  | 'UNCOMPRESSED_TOO_LARGE'
  | 'SUSPICIOUS_RATIO'
  | 'UNSAFE_XML'
  | 'SHEET_TOO_LARGE'
  | 'NOT_TEMPLATE';

/** An xlsx upload refused before or while parsing; `reason` is shown to the clerk as is. */
export class XlsxRejectedError extends Error {
  constructor(
    readonly code: XlsxRejectionCode,
    /** Vietnamese, for the clerk. */
    readonly reason: string,
    /** Numbers for logs and tests (e.g. how many bytes were inflated before aborting). */
    readonly detail: Readonly<Record<string, number | string>> = {},
  ) {
    super(reason);
    this.name = 'XlsxRejectedError';
  }
}

export interface XlsxLimits {
  /** Size of the uploaded file itself. */
  maxInputBytes: number;
  maxEntries: number;
  maxEntryUncompressedBytes: number;
  maxTotalUncompressedBytes: number;
  /** Declared uncompressed/compressed ratio refused for entries at least `ratioCheckFromBytes` large. */
  maxCompressionRatio: number;
  ratioCheckFromBytes: number;
  /** Total XML elements over all parts ('<' count): what a DOM/SAX-to-object reader allocates per. */
  maxXmlElements: number;
  /** Highest row / column any worksheet may address (before and after loading). */
  maxRows: number;
  maxColumns: number;
}

const MB = 1024 * 1024;
export const DEFAULT_XLSX_LIMITS: Readonly<XlsxLimits> = Object.freeze({
  maxInputBytes: 10 * MB,
  maxEntries: 200,
  maxEntryUncompressedBytes: 10 * MB,
  maxTotalUncompressedBytes: 20 * MB,
  maxCompressionRatio: 200,
  ratioCheckFromBytes: 1 * MB,
  maxXmlElements: 100_000,
  maxRows: 5_000,
  maxColumns: 50,
});

/**
 * Compressed bytes handed to the inflater per step. Deflate expands at most ~1032:1, so one step
 * produces at most ~4 MB before the byte count is checked again.
 */
const INFLATE_SLICE = 4 * 1024;

export interface GuardedXlsx {
  /** The checked parts, by name. */
  entries: ReadonlyMap<string, Uint8Array>;
  /** The same parts re-packed without compression: the only bytes a parser should read. */
  bytes: Uint8Array;
  uncompressedBytes: number;
}

const mb = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;
const notXlsx = (detail: Record<string, string | number> = {}) =>
  new XlsxRejectedError('NOT_XLSX', 'Tệp không phải Excel hợp lệ (.xlsx)', detail);
const corrupt = (why: string) => new XlsxRejectedError('CORRUPT', 'Tệp Excel bị hỏng hoặc không đúng cấu trúc, không đọc được', { why });

export function guardXlsx(input: Uint8Array, limits: Partial<XlsxLimits> = {}): GuardedXlsx {
  const L: XlsxLimits = { ...DEFAULT_XLSX_LIMITS, ...limits };

  // 1. Input size and magic.
  if (input.length > L.maxInputBytes) {
    throw new XlsxRejectedError('TOO_LARGE', `Tệp Excel quá lớn (vượt ${mb(L.maxInputBytes)})`, { inputBytes: input.length });
  }
  if (input.length < 22 || input[0] !== 0x50 || input[1] !== 0x4b || input[2] !== 0x03 || input[3] !== 0x04) throw notXlsx();

  // 2. The central directory, declared sizes only; nothing is inflated here.
  const declared = readCentralDirectory(input, L);

  // 3. Real decompression, bounded.
  const entries = inflateBounded(input, L);

  // 4. What streaming found must be what the directory declares.
  if (entries.size !== declared.size) throw corrupt(`directory lists ${declared.size} parts, archive holds ${entries.size}`);
  for (const [name, data] of entries) {
    const size = declared.get(name);
    if (size === undefined) throw corrupt(`part ${name} is not in the directory`);
    if (size !== data.length) throw corrupt(`part ${name} declares ${size} bytes, inflates to ${data.length}`);
  }

  // 5. XML that a parser can read without blowing up.
  scanXml(entries, L);

  // 6. Re-pack what was checked.
  const files: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>;
  let total = 0;
  for (const [name, data] of entries) {
    files[name] = data;
    total += data.length;
  }
  return { entries, bytes: zipSync(files, { level: 0 }), uncompressedBytes: total };
}

function readCentralDirectory(input: Uint8Array, L: XlsxLimits): Map<string, number> {
  const declared = new Map<string, number>();
  let total = 0;
  try {
    unzipSync(input, {
      filter: (f) => {
        if (declared.size + 1 > L.maxEntries) {
          throw new XlsxRejectedError('TOO_MANY_ENTRIES', `Tệp Excel có quá nhiều thành phần (vượt ${L.maxEntries})`, { maxEntries: L.maxEntries });
        }
        if (declared.has(f.name)) throw corrupt(`duplicate part ${f.name}`);
        if (f.compression !== 0 && f.compression !== 8) throw corrupt(`compression method ${f.compression}`);
        if (f.originalSize > L.maxEntryUncompressedBytes) {
          throw new XlsxRejectedError('UNCOMPRESSED_TOO_LARGE', `Tệp Excel quá lớn sau khi giải nén (một thành phần vượt ${mb(L.maxEntryUncompressedBytes)})`, {
            part: f.name,
            declaredBytes: f.originalSize,
          });
        }
        total += f.originalSize;
        if (total > L.maxTotalUncompressedBytes) {
          throw new XlsxRejectedError('UNCOMPRESSED_TOO_LARGE', `Tệp Excel quá lớn sau khi giải nén (vượt ${mb(L.maxTotalUncompressedBytes)})`, {
            declaredBytes: total,
          });
        }
        if (f.originalSize >= L.ratioCheckFromBytes && f.originalSize > L.maxCompressionRatio * Math.max(f.size, 1)) {
          throw new XlsxRejectedError('SUSPICIOUS_RATIO', 'Tệp Excel có tỷ lệ nén bất thường (nghi là tệp “bom nén”), không được chấp nhận', {
            part: f.name,
            ratio: Math.round(f.originalSize / Math.max(f.size, 1)),
          });
        }
        declared.set(f.name, f.originalSize);
        return false; // never inflate here: sizes in headers are claims, not facts
      },
    });
  } catch (e) {
    if (e instanceof XlsxRejectedError) throw e;
    throw notXlsx({ why: e instanceof Error ? e.message : String(e) });
  }
  if (!declared.has('[Content_Types].xml') || !declared.has('xl/workbook.xml')) throw notXlsx({ why: 'missing xlsx parts' });
  return declared;
}

function inflateBounded(input: Uint8Array, L: XlsxLimits): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  const open = new Set<string>();
  let total = 0;
  let abort: XlsxRejectedError | undefined;

  const unzip = new Unzip((file: UnzipFile) => {
    if (entries.has(file.name) || open.has(file.name)) throw (abort = corrupt(`duplicate part ${file.name}`));
    if (entries.size + open.size + 1 > L.maxEntries) {
      throw (abort = new XlsxRejectedError('TOO_MANY_ENTRIES', `Tệp Excel có quá nhiều thành phần (vượt ${L.maxEntries})`, { maxEntries: L.maxEntries }));
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    open.add(file.name);
    file.ondata = (err, data, final) => {
      if (abort) throw abort;
      if (err) throw (abort = corrupt(`${file.name}: ${err.message}`));
      size += data.length;
      total += data.length;
      if (total > L.maxTotalUncompressedBytes) {
        throw (abort = new XlsxRejectedError('UNCOMPRESSED_TOO_LARGE', `Tệp Excel quá lớn sau khi giải nén (vượt ${mb(L.maxTotalUncompressedBytes)})`, {
          inflatedBytes: total,
        }));
      }
      if (size > L.maxEntryUncompressedBytes) {
        throw (abort = new XlsxRejectedError('UNCOMPRESSED_TOO_LARGE', `Tệp Excel quá lớn sau khi giải nén (một thành phần vượt ${mb(L.maxEntryUncompressedBytes)})`, {
          part: file.name,
          inflatedBytes: total,
        }));
      }
      if (data.length) chunks.push(data);
      if (final) {
        open.delete(file.name);
        entries.set(file.name, concat(chunks, size));
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  try {
    for (let at = 0; at < input.length; at += INFLATE_SLICE) {
      const end = Math.min(at + INFLATE_SLICE, input.length);
      unzip.push(input.subarray(at, end), end === input.length);
    }
  } catch (e) {
    if (abort) throw abort;
    if (e instanceof XlsxRejectedError) throw e;
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  if (abort) throw abort;
  if (open.size) throw corrupt(`truncated parts: ${[...open].join(', ')}`);
  return entries;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const LT = 0x3c; // '<'
const DOCTYPE = Buffer.from('<!DOCTYPE');
const ENTITY = Buffer.from('<!ENTITY');
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;
/** `<row ... r="12"` and `<c ... r="AB12"`: the addresses a worksheet part uses. */
const ROW_REF = /<row\b[^>]*?\sr="(\d+)"/g;
const CELL_REF = /<c\b[^>]*?\sr="([A-Z]+)(\d+)"/g;

function scanXml(entries: ReadonlyMap<string, Uint8Array>, L: XlsxLimits): void {
  let elements = 0;
  for (const [name, data] of entries) {
    if (!/\.(xml|rels|vml)$/i.test(name)) continue;
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.indexOf(DOCTYPE) >= 0 || buf.indexOf(ENTITY) >= 0) {
      throw new XlsxRejectedError('UNSAFE_XML', 'Tệp Excel chứa khai báo XML không được phép (DOCTYPE/ENTITY)', { part: name });
    }
    for (let i = buf.indexOf(LT); i >= 0; i = buf.indexOf(LT, i + 1)) elements += 1;
    if (elements > L.maxXmlElements) {
      throw new XlsxRejectedError('SHEET_TOO_LARGE', 'Tệp Excel có quá nhiều ô hoặc định dạng so với biểu mẫu báo cáo', { part: name, maxXmlElements: L.maxXmlElements });
    }
    if (WORKSHEET.test(name)) checkAddresses(name, buf.toString('latin1'), L);
  }
}

function checkAddresses(name: string, xml: string, L: XlsxLimits): void {
  let maxRow = 0;
  let maxCol = 0;
  for (const m of xml.matchAll(ROW_REF)) maxRow = Math.max(maxRow, Number(m[1]));
  for (const m of xml.matchAll(CELL_REF)) {
    maxRow = Math.max(maxRow, Number(m[2]));
    maxCol = Math.max(maxCol, columnNumber(m[1] as string));
  }
  assertDimensions(maxRow, maxCol, L, name);
}

/** Shared with the post-load check in parse.ts. */
export function assertDimensions(rows: number, columns: number, L: Pick<XlsxLimits, 'maxRows' | 'maxColumns'>, where: string): void {
  if (rows > L.maxRows || columns > L.maxColumns) {
    throw new XlsxRejectedError('SHEET_TOO_LARGE', `Bảng tính quá lớn so với biểu mẫu báo cáo (tối đa ${L.maxRows} dòng, ${L.maxColumns} cột)`, {
      part: where,
      rows,
      columns,
    });
  }
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}
