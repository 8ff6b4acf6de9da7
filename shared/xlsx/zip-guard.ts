import { inflateRawSync } from 'node:zlib';
import { sheetExtent, xlsxPartPlan, XlsxReadError, type ScanMeter } from '../ooxml/xlsx-read.js';
import { crc32 } from '../ooxml/zip.js';
import { XlsxRejectedError } from './rejection.js';

/**
 * An xlsx file is a zip of XML parts. A crafted one can declare tiny sizes and inflate to
 * gigabytes, hold thousands of parts, or list in its central directory entries that the local
 * headers do not have. This guard runs BEFORE anything reads a part, on Node's own zlib:
 *
 * 1. Bound the input size and check the zip magic.
 * 2. Read the central directory by hand (end record, entry count, each record): declared sizes,
 *    declared compression ratio, stored or deflated only, no encryption, no ZIP64, the two parts
 *    every xlsx has.
 * 3. Check each local header agrees with its directory record (name, method, and sizes and CRC
 *    unless a data descriptor carries them) and that no part's bytes overlap another's.
 * 4. Inflate every part with a bound on its output (`maxOutputLength`): zlib stops as soon as
 *    the part's cap or what is left of the total cap is passed, so a lying header cannot make it
 *    allocate more than the cap plus one chunk. Each real size and CRC-32 must equal the declared.
 * 5. Scan the XML, in one pass per part: no DTDs (entity expansion), a bound on the number of
 *    elements and on the rows/columns any worksheet addresses. The parts scanned are those named
 *    as XML and every part the reader reads (found by the reader's own relationship walk),
 *    whatever its name.
 * 6. Hand back the checked parts and only those: the reader reads them, never the original
 *    bytes, so it cannot see anything this guard did not measure.
 */

export { XlsxRejectedError, type XlsxRejectionCode } from './rejection.js';

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

export interface GuardedXlsx {
  /** The checked parts, by name, inflated: the only bytes a reader should read. */
  entries: ReadonlyMap<string, Uint8Array>;
  uncompressedBytes: number;
}

const mb = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;
const notXlsx = (detail: Record<string, string | number> = {}) =>
  new XlsxRejectedError('NOT_XLSX', 'Tệp không phải Excel hợp lệ (.xlsx)', detail);
const corrupt = (why: string) => new XlsxRejectedError('CORRUPT', 'Tệp Excel bị hỏng hoặc không đúng cấu trúc, không đọc được', { why });
const tooManyEntries = (L: XlsxLimits) =>
  new XlsxRejectedError('TOO_MANY_ENTRIES', `Tệp Excel có quá nhiều thành phần (vượt ${L.maxEntries})`, { maxEntries: L.maxEntries });
const totalTooLarge = (L: XlsxLimits, detail: Record<string, number>) =>
  new XlsxRejectedError('UNCOMPRESSED_TOO_LARGE', `Tệp Excel quá lớn sau khi giải nén (vượt ${mb(L.maxTotalUncompressedBytes)})`, detail);
const partTooLarge = (L: XlsxLimits, detail: Record<string, number | string>) =>
  new XlsxRejectedError(
    'UNCOMPRESSED_TOO_LARGE',
    `Tệp Excel quá lớn sau khi giải nén (một thành phần vượt ${mb(L.maxEntryUncompressedBytes)})`,
    detail,
  );

export interface GuardOptions {
  /** Counts the guard's work (bytes and characters looked at), for tests that prove it linear. */
  meter?: ScanMeter;
}

export function guardXlsx(input: Uint8Array, limits: Partial<XlsxLimits> = {}, opts: GuardOptions = {}): GuardedXlsx {
  const meter = opts.meter;
  const L: XlsxLimits = { ...DEFAULT_XLSX_LIMITS, ...limits };

  // 1. Input size and magic.
  if (input.length > L.maxInputBytes) {
    throw new XlsxRejectedError('TOO_LARGE', `Tệp Excel quá lớn (vượt ${mb(L.maxInputBytes)})`, { inputBytes: input.length });
  }
  if (input.length < 22 || input[0] !== 0x50 || input[1] !== 0x4b || input[2] !== 0x03 || input[3] !== 0x04) throw notXlsx();
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);

  // 2. The central directory, declared sizes only; nothing is inflated here.
  const directory = readCentralDirectory(bytes, L);

  // 3 and 4. Local headers, then real decompression, bounded.
  const entries = new Map<string, Uint8Array>();
  let total = 0;
  let end = 0;
  for (const e of [...directory.entries].sort((a, b) => a.offset - b.offset)) {
    if (e.offset < end) throw corrupt(`part ${e.name} overlaps the part before it`);
    const start = localDataStart(bytes, e);
    end = start + e.compressedSize;
    if (end > directory.offset) throw corrupt(`part ${e.name} runs into the central directory`);
    const data = inflateBounded(bytes.subarray(start, end), e, total, L);
    if (data.length !== e.size) throw corrupt(`part ${e.name} declares ${e.size} bytes, inflates to ${data.length}`);
    if (crc32(data) !== e.crc) throw corrupt(`part ${e.name} fails its CRC-32 check`);
    if (meter) meter.steps += end - start + 2 * data.length;
    entries.set(e.name, data);
    total += data.length;
  }

  // 5 and 6. XML that the reader can walk without blowing up; what was checked, and only that.
  return { entries: scanXml(entries, L, meter), uncompressedBytes: total };
}

/** A central directory record: what the archive claims about one part. */
interface DirectoryEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  /** Uncompressed. */
  size: number;
  /** Of the part's local header. */
  offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** General purpose flags: bit 0 encrypted, bit 3 sizes and CRC in a data descriptor after the data. */
const ENCRYPTED = 0x1;
const DATA_DESCRIPTOR = 0x8;

/** The end of central directory record sits in the last 22 + 65535 (comment) bytes. */
function findEndRecord(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i -= 1) if (b.readUInt32LE(i) === EOCD) return i;
  return -1;
}

function readCentralDirectory(b: Buffer, L: XlsxLimits): { entries: DirectoryEntry[]; offset: number } {
  const eocd = findEndRecord(b);
  if (eocd < 0) throw notXlsx({ why: 'no end of central directory' });
  const count = b.readUInt16LE(eocd + 10);
  const size = b.readUInt32LE(eocd + 12);
  const offset = b.readUInt32LE(eocd + 16);
  // A template is far below the sizes that need ZIP64, and it is never split over disks.
  if (b.readUInt16LE(eocd + 4) !== 0 || b.readUInt16LE(eocd + 6) !== 0 || b.readUInt16LE(eocd + 8) !== count)
    throw notXlsx({ why: 'multi-disk archive' });
  if (count === 0xffff || offset === 0xffffffff) throw notXlsx({ why: 'ZIP64 archive' });
  if (count > L.maxEntries) throw tooManyEntries(L);
  const end = offset + size;
  if (end > eocd) throw notXlsx({ why: 'central directory outside the archive' });

  const entries: DirectoryEntry[] = [];
  const names = new Set<string>();
  let declared = 0;
  for (let p = offset, i = 0; i < count; i += 1) {
    if (p + 46 > end || b.readUInt32LE(p) !== CENTRAL) throw notXlsx({ why: `central directory record ${i} is malformed` });
    const nameEnd = p + 46 + b.readUInt16LE(p + 28);
    const next = nameEnd + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
    if (next > end) throw notXlsx({ why: `central directory record ${i} is truncated` });
    const flags = b.readUInt16LE(p + 8);
    const e: DirectoryEntry = {
      name: b.toString('utf8', p + 46, nameEnd),
      method: b.readUInt16LE(p + 10),
      crc: b.readUInt32LE(p + 16),
      compressedSize: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      offset: b.readUInt32LE(p + 42),
    };
    p = next;

    if (names.has(e.name)) throw corrupt(`duplicate part ${e.name}`);
    if (e.method !== 0 && e.method !== 8) throw corrupt(`compression method ${e.method}`);
    if (flags & ENCRYPTED) throw corrupt(`part ${e.name} is encrypted`);
    if (e.size > L.maxEntryUncompressedBytes) throw partTooLarge(L, { part: e.name, declaredBytes: e.size });
    declared += e.size;
    if (declared > L.maxTotalUncompressedBytes) throw totalTooLarge(L, { declaredBytes: declared });
    if (e.size >= L.ratioCheckFromBytes && e.size > L.maxCompressionRatio * Math.max(e.compressedSize, 1)) {
      throw new XlsxRejectedError('SUSPICIOUS_RATIO', 'Tệp Excel có tỷ lệ nén bất thường (nghi là tệp “bom nén”), không được chấp nhận', {
        part: e.name,
        ratio: Math.round(e.size / Math.max(e.compressedSize, 1)),
      });
    }
    names.add(e.name);
    entries.push(e);
  }
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) throw notXlsx({ why: 'missing xlsx parts' });
  return { entries, offset };
}

/** Where the part's data starts, once its local header is found to agree with the directory. */
function localDataStart(b: Buffer, e: DirectoryEntry): number {
  const at = e.offset;
  if (at + 30 > b.length || b.readUInt32LE(at) !== LOCAL) throw corrupt(`part ${e.name} has no local header`);
  const nameEnd = at + 30 + b.readUInt16LE(at + 26);
  const start = nameEnd + b.readUInt16LE(at + 28);
  if (start > b.length || b.toString('utf8', at + 30, nameEnd) !== e.name || b.readUInt16LE(at + 8) !== e.method) {
    throw corrupt(`the local header at ${at} is not that of part ${e.name}`);
  }
  const deferred = (b.readUInt16LE(at + 6) & DATA_DESCRIPTOR) !== 0;
  if (
    !deferred &&
    (b.readUInt32LE(at + 14) !== e.crc || b.readUInt32LE(at + 18) !== e.compressedSize || b.readUInt32LE(at + 22) !== e.size)
  ) {
    throw corrupt(`part ${e.name}: local header and directory disagree on its size or CRC`);
  }
  return start;
}

/**
 * The part's bytes, inflated with zlib stopping once the output passes what the caps leave for
 * it (Node throws ERR_BUFFER_TOO_LARGE rather than grow its buffer further).
 */
function inflateBounded(raw: Uint8Array, e: DirectoryEntry, inflatedSoFar: number, L: XlsxLimits): Uint8Array {
  const left = L.maxTotalUncompressedBytes - inflatedSoFar;
  const perPart = L.maxEntryUncompressedBytes <= left;
  const budget = perPart ? L.maxEntryUncompressedBytes : left;
  const over = (inflatedBytes: number) =>
    perPart ? partTooLarge(L, { part: e.name, inflatedBytes }) : totalTooLarge(L, { inflatedBytes });
  let data: Uint8Array;
  try {
    data = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(budget, 1) });
  } catch (err) {
    // zlib stopped past the budget: at least budget + 1 bytes had come out.
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw over(inflatedSoFar + budget + 1);
    throw corrupt(`${e.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data.length > budget) throw over(inflatedSoFar + data.length);
  return data;
}

const LT = 0x3c; // '<'
const DOCTYPE = Buffer.from('<!DOCTYPE');
const ENTITY = Buffer.from('<!ENTITY');
/** Parts that are XML by name; whatever else the reader would read is added by following the workbook's relationships. */
const XML_NAME = /\.(?:xml|rels|vml)$/i;

const unsafeXml = (part: string) =>
  new XlsxRejectedError('UNSAFE_XML', 'Tệp Excel chứa khai báo XML không được phép (DOCTYPE/ENTITY)', { part });
const tooManyElements = (part: string, L: XlsxLimits) =>
  new XlsxRejectedError('SHEET_TOO_LARGE', 'Tệp Excel có quá nhiều ô hoặc định dạng so với biểu mẫu báo cáo', {
    part,
    maxXmlElements: L.maxXmlElements,
  });

/**
 * Every check here is one pass over each part, whatever the part holds: native byte searches for
 * the DTD markers and '<', then the reader's own scanner (linear, hand-written) for the sheets'
 * addresses. Regular expressions over a part were quadratic (each unterminated `<row` rescanned
 * to the end of the part: a 600 KB upload took seconds). The parts checked are those named as XML
 * and every part the reader reads, found by the reader's own relationship walk, whatever their
 * names; only those are handed on, so the reader cannot reach a part this did not check.
 */
function scanXml(entries: ReadonlyMap<string, Uint8Array>, L: XlsxLimits, meter: ScanMeter | undefined): Map<string, Uint8Array> {
  const checked = new Map<string, Uint8Array>();
  let elements = 0;
  const check = (name: string) => {
    const data = entries.get(name);
    if (data === undefined || checked.has(name)) return;
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.indexOf(DOCTYPE) >= 0 || buf.indexOf(ENTITY) >= 0) throw unsafeXml(name);
    // A plain loop: one native indexOf call per '<' costs more than looking at every byte.
    for (let i = 0; i < data.length; i += 1) if (data[i] === LT) elements += 1;
    if (meter) meter.steps += 3 * buf.length;
    if (elements > L.maxXmlElements) throw tooManyElements(name, L);
    checked.set(name, data);
  };

  for (const name of entries.keys()) if (XML_NAME.test(name)) check(name);
  // The plan reads only the workbook and its relationships, both checked above by their names.
  const plan = readerStep(() => xlsxPartPlan(entries, meter));
  for (const name of plan.parts) check(name);
  for (const name of plan.sheets) {
    const data = checked.get(name);
    if (data === undefined) continue;
    const xml = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
    const { rowCount, columnCount } = readerStep(() => sheetExtent(xml, meter));
    assertDimensions(rowCount, columnCount, L, name);
  }
  return checked;
}

/** A part the reader cannot walk is refused here, as the parser would refuse it. */
function readerStep<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof XlsxReadError) throw corrupt(e.message);
    throw e;
  }
}

/** Shared with the post-load check in parse.ts. */
export function assertDimensions(rows: number, columns: number, L: Pick<XlsxLimits, 'maxRows' | 'maxColumns'>, where: string): void {
  if (rows > L.maxRows || columns > L.maxColumns) {
    throw new XlsxRejectedError(
      'SHEET_TOO_LARGE',
      `Bảng tính quá lớn so với biểu mẫu báo cáo (tối đa ${L.maxRows} dòng, ${L.maxColumns} cột)`,
      {
        part: where,
        rows,
        columns,
      },
    );
  }
}
