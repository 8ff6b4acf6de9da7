/**
 * What an uploaded file is, judged by its bytes alone. The name and the declared content type
 * are chosen by the sender, so they are never consulted: a PDF renamed `.xlsx` is a PDF.
 * Pure and dependency-free, so the browser bundle can use it too.
 */
export type FileType = 'json' | 'xlsx' | 'pdf' | 'unknown';

/** The MIME types baocao reads and writes, named once. */
export const CONTENT_TYPES = {
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
} as const;

/** What a unit may upload, by declared content type: the key extension and the size cap (upload policy). */
export const UPLOAD_KINDS = {
  [CONTENT_TYPES.json]: { ext: 'json', maxSize: 1024 * 1024, what: 'report' },
  [CONTENT_TYPES.xlsx]: { ext: 'xlsx', maxSize: 5 * 1024 * 1024, what: 'report' },
  [CONTENT_TYPES.pdf]: { ext: 'pdf', maxSize: 20 * 1024 * 1024, what: 'signed' },
} as const;
export type UploadContentType = keyof typeof UPLOAD_KINDS;
/** The largest report (JSON or xlsx) ingest reads. */
export const MAX_REPORT_BYTES = Math.max(UPLOAD_KINDS[CONTENT_TYPES.json].maxSize, UPLOAD_KINDS[CONTENT_TYPES.xlsx].maxSize);

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4"
const ZIP_END_OF_CENTRAL_DIR = 0x06054b50;
const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** The names every xlsx package has; they sit uncompressed in the zip's central directory. */
const XLSX_PARTS = ['[Content_Types].xml', 'xl/workbook.xml'];

export function sniffFileType(bytes: Uint8Array): FileType {
  if (startsWith(bytes, ZIP_LOCAL_HEADER, 0)) return isXlsxZip(bytes) ? 'xlsx' : 'unknown';
  if (startsWith(bytes, PDF_MAGIC, 0)) return 'pdf';
  let i = startsWith(bytes, UTF8_BOM, 0) ? UTF8_BOM.length : 0;
  while (i < bytes.length && isJsonWhitespace(bytes[i] as number)) i += 1;
  if (bytes[i] === 0x7b /* { */) return 'json';
  return 'unknown';
}

function startsWith(bytes: Uint8Array, magic: readonly number[], at: number): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((b, k) => bytes[at + k] === b);
}

function isJsonWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

const u16 = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, i: number) => (u16(b, i) | (u16(b, i + 2) << 16)) >>> 0;

/**
 * A zip whose central directory names the two parts every xlsx has. This is a cheap first look,
 * not a proof: the zip guard re-reads the whole archive with bounds before anything parses it.
 */
function isXlsxZip(bytes: Uint8Array): boolean {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= lowest; i -= 1) {
    if (u32(bytes, i) === ZIP_END_OF_CENTRAL_DIR) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return false;
  const size = u32(bytes, eocd + 12);
  const offset = u32(bytes, eocd + 16);
  // ZIP64 archives store 0xffffffff here; a template is never that large, so treat it as "look everywhere before the EOCD".
  const from = offset === 0xffffffff || offset + size > eocd ? 0 : offset;
  const directory = bytes.subarray(from, eocd);
  return XLSX_PARTS.every((name) => indexOf(directory, new TextEncoder().encode(name)) >= 0);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  outer: for (
    let i = haystack.indexOf(first as number);
    i >= 0 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first as number, i + 1)
  ) {
    for (let k = 1; k < needle.length; k += 1) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}
