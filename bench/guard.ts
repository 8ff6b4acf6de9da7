import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { readXlsx, type ScanMeter } from '../shared/ooxml/xlsx-read.js';
import { zip } from '../shared/ooxml/zip.js';
import { guardXlsx, XlsxRejectedError } from '../shared/xlsx/zip-guard.js';
import { median, num, progress, ratio, x } from './lib/stats.js';
import type { Row } from './lib/table.js';

/**
 * The xlsx guard (issue 12, item 3) on the worst shapes found — those that made the old
 * regular expressions rescan to the end of a part, at the largest sizes the limits let through —
 * in ms per MB of XML, next to plain node:zlib inflate of the same parts: the least work any
 * check of a compressed upload must do. A linear guard stays within a small multiple of it
 * whatever the shape; the old one took seconds on a 607 KB upload.
 */

const MB = 1024 * 1024;
const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const WORKBOOK = '<workbook><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>';
const RELS =
  '<Relationships>' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' +
  '</Relationships>';

/** Deterministic filler that deflate cannot shrink much (xorshift32 over base-64 letters, none of them '>'). */
function filler(length: number, seed: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out += letters[(s >>> 0) % 64];
  }
  return out;
}

const sheet = (xml: string) => ({ 'xl/worksheets/sheet1.xml': xml });
/** Just under the default caps: 100,000 '<' over all parts, 10 MB per part. */
const ELEMENTS = 99_000;
const PART = 9.5 * MB;

interface Shape {
  what: string;
  parts: Record<string, string>;
}

/**
 * `unit` repeated to about `length` characters, with a few random characters every ~256 so that
 * the part deflates at a ratio the guard lets through (≤ 200:1) and reaches the XML checks.
 */
function noisy(unit: string, length: number, alphabet: string, seed: number): string {
  const block = unit.repeat(Math.max(1, Math.floor(252 / unit.length)));
  const noise = filler(Math.ceil(length / block.length) * 4, seed);
  const out: string[] = [];
  for (let at = 0, k = 0; at < length; k += 1) {
    const extra = [...noise.slice(4 * k, 4 * k + 4)].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
    out.push(block, extra);
    at += block.length + 4;
  }
  return out.join('');
}

function shapes(): Shape[] {
  const randomTags = Array.from({ length: 95_000 }, (_, i) => `<row ${filler(8, i + 1)}`).join('');
  const letters = 'abcefgijklnopqrtuvwxz';
  const digits = '0123456789';
  const cells = Array.from(
    { length: 4_000 },
    (_, r) =>
      `<row r="${r + 1}">${Array.from({ length: 5 }, (_, c) => `<c r="${'ABCDE'[c]}${r + 1}"><v>${(r * 7 + c) % 1000}</v></c>`).join('')}</row>`,
  ).join('');
  return [
    { what: 'a 607 KB-style upload: unterminated <row tags between random letters', parts: sheet(`<worksheet><sheetData>${randomTags}`) },
    { what: `${num(ELEMENTS, 0)} unterminated <row tags`, parts: sheet(`<worksheet><sheetData>${'<row '.repeat(ELEMENTS)}`) },
    {
      what: `${num(ELEMENTS, 0)} unterminated <c tags with an address`,
      parts: sheet(`<worksheet><sheetData><row>${'<c r="A'.repeat(ELEMENTS)}`),
    },
    {
      what: 'one <c> tag, 9.5 MB of attribute names without "="',
      parts: sheet(`<worksheet><sheetData><row r="1"><c ${noisy('ab ', PART, letters, 3)}/></row></sheetData></worksheet>`),
    },
    { what: 'a 9.5 MB unclosed quote in a <row>', parts: sheet(`<worksheet><sheetData><row r="${noisy('1', PART, letters, 4)}`) },
    {
      what: '9.5 MB of entity-like text without ";"',
      parts: { ...sheet('<worksheet/>'), 'xl/sharedStrings.xml': `<sst><si><t>${noisy('&#x1&amp', PART, letters, 5)}</t></si></sst>` },
    },
    {
      what: 'a 9.5 MB date format of unclosed "["',
      parts: {
        ...sheet('<worksheet/>'),
        'xl/styles.xml': `<styleSheet><numFmts><numFmt numFmtId="200" formatCode="${noisy('[', PART, digits, 6)}"/></numFmts><cellXfs><xf numFmtId="200"/></cellXfs></styleSheet>`,
      },
    },
    {
      what: 'a well-formed sheet, 4,000 rows × 5 cells (accepted, for comparison)',
      parts: sheet(`<worksheet><sheetData>${cells}</sheetData></worksheet>`),
    },
  ];
}

function timeMs(fn: () => void, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

function outcomeOf(fn: () => void): string {
  try {
    fn();
    return 'accepted';
  } catch (e) {
    if (e instanceof XlsxRejectedError) return e.code;
    return e instanceof Error ? e.name : 'error';
  }
}

export function benchGuard(opts: { runs: number }): { rows: Row[]; notes: string[] } {
  const rows: Row[] = [];
  let worst = 0;
  for (const shape of shapes()) {
    progress(`xlsx guard: ${shape.what}`);
    const files = { '[Content_Types].xml': CONTENT_TYPES, 'xl/workbook.xml': WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS, ...shape.parts };
    const bytes = zip(Object.entries(files));
    const raw = Object.values(files).map((v) => Buffer.from(v, 'utf8'));
    const xmlMb = raw.reduce((s, b) => s + b.length, 0) / MB;
    // The floor inflates what zip() deflated (same level): the bytes the guard must at least inflate.
    const deflated = raw.map((b) => deflateRawSync(b, { level: 6 }));

    const meter: ScanMeter = { steps: 0 };
    const outcome = outcomeOf(() => guardXlsx(bytes, {}, { meter }));
    const readOutcome = outcomeOf(() => readXlsx(guardXlsx(bytes).entries));
    outcomeOf(() => guardXlsx(bytes)); // warm: JIT
    const guardMs = timeMs(() => outcomeOf(() => guardXlsx(bytes)), opts.runs);
    const inflateMs = timeMs(() => {
      for (const d of deflated) inflateRawSync(d);
    }, opts.runs);
    const r = ratio(guardMs / xmlMb, inflateMs / xmlMb);
    worst = Math.max(worst, r);
    rows.push({
      section: '5 xlsx guard',
      what: shape.what,
      measured: `${num(guardMs / xmlMb)} ms/MB`,
      floor: `${num(inflateMs / xmlMb)} ms/MB inflate`,
      ratio: x(r),
      detail:
        `upload ${num(bytes.length / 1024, 0)} KB, ${num(xmlMb)} MB of XML; guard ${num(guardMs)} ms (median of ${opts.runs}) → ${outcome}` +
        `${outcome === 'accepted' ? `, then the reader → ${readOutcome}` : ''}; ${num(meter.steps / (xmlMb * MB), 1)} steps/byte counted`,
    });
  }
  return {
    rows,
    notes: [`xlsx guard: worst shape ${x(worst)} plain inflate per MB of XML (guard includes inflate, CRC-32 and the XML checks).`],
  };
}
