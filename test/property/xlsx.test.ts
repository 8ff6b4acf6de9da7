import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORM } from '../../shared/domain/default-form.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { validateReport } from '../../shared/domain/report.js';
import { readXlsx, XlsxReadError, type ScanMeter } from '../../shared/ooxml/xlsx-read.js';
import { zip } from '../../shared/ooxml/zip.js';
import { parseTemplate } from '../../shared/xlsx/parse.js';
import { buildTemplate } from '../../shared/xlsx/template.js';
import { guardXlsx, XlsxRejectedError } from '../../shared/xlsx/zip-guard.js';

/**
 * The xlsx guard and reader, fuzzed with arbitrary bytes, byte-mutated real workbooks and
 * workbooks whose XML parts were mutated and re-zipped (so the mutations reach the scanner past
 * the CRC checks). Whatever the input: parseTemplate gives a report for validateReport to judge,
 * or refuses with XlsxRejectedError and a short Vietnamese reason; nothing else escapes, and the
 * guard and reader do a bounded amount of work per byte (counted, not timed). Fixed seeds.
 */

const UNIT = 'so-y-te';
const PERIOD = '2026';
const VIETNAMESE = /[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/i;

let template: Uint8Array;
let libreoffice: Uint8Array;
/** The template's parts, inflated, in archive order. */
let templateParts: Array<[string, string]>;

beforeAll(async () => {
  template = await buildTemplate({ regime: DEFAULT_REGIME, period: PERIOD, unit: UNIT });
  libreoffice = new Uint8Array(readFileSync(new URL('../fixtures/libreoffice.xlsx', import.meta.url)));
  templateParts = [...guardXlsx(template).entries].map(([name, data]) => [name, Buffer.from(data).toString('utf8')]);
});

/** parseTemplate's outcome: the report, or the refusal; anything else thrown fails the property. */
async function outcomeOf(bytes: Uint8Array): Promise<{ report: unknown } | { rejected: XlsxRejectedError }> {
  try {
    return { report: await parseTemplate(bytes, DEFAULT_FORM) };
  } catch (e) {
    if (e instanceof XlsxRejectedError) return { rejected: e };
    throw e;
  }
}

async function assertVerdict(bytes: Uint8Array): Promise<void> {
  const outcome = await outcomeOf(bytes);
  if ('rejected' in outcome) {
    expect(outcome.rejected.reason).toMatch(VIETNAMESE);
    // The reason is what is stored and shown; it never echoes the upload.
    expect(outcome.rejected.reason.length).toBeLessThan(300);
    return;
  }
  const verdict = validateReport(outcome.report, { regime: DEFAULT_REGIME, expected: { unitId: UNIT, period: PERIOD } });
  if (!verdict.ok) expect(verdict.issues.length).toBeGreaterThan(0);
}

/**
 * The work the guard and reader counted, per byte of upload plus inflated parts. The reader is
 * run on its own here, since parseTemplate turns any error of the reader into a refusal: only
 * its own XlsxReadError may come out of it.
 */
function workPerByte(bytes: Uint8Array): number {
  const meter: ScanMeter = { steps: 0 };
  let inflated = 0;
  try {
    const guarded = guardXlsx(bytes, {}, { meter });
    inflated = guarded.uncompressedBytes;
    readXlsx(guarded.entries, meter);
  } catch (e) {
    if (!(e instanceof XlsxRejectedError || e instanceof XlsxReadError)) throw e;
  }
  return meter.steps / (bytes.length + inflated);
}

/** A mutation of XML text: insert a hostile token, delete or duplicate a range. */
const TOKENS = [
  '<',
  '>',
  '"',
  "'",
  '&',
  '&#x',
  ';',
  '/>',
  '</',
  '<row ',
  '<c r="',
  '<row r="99999">',
  '<c r="ZZ1">',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?',
  '<!DOCTYPE',
  ' r="',
  '<si>',
  '<t>',
  '<v>',
  '[',
  '"',
];
const xmlMutation = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
    times: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 400 }),
    times: fc.integer({ min: 1, max: 20 }),
  }),
);
type XmlMutation = typeof xmlMutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: XmlMutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  if (m.kind === 'insert') return text.slice(0, at) + m.token.repeat(m.times) + text.slice(at);
  if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + m.length);
  return text.slice(0, at) + text.slice(at, at + m.length).repeat(m.times + 1) + text.slice(at + m.length);
}

describe('xlsx guard and reader, fuzzed', () => {
  it('refuses arbitrary bytes with a Vietnamese reason, whatever they hold', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      // A zip's first bytes, so that the guard's header and directory reading is reached.
      fc.uint8Array({ maxLength: 2048 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b])),
    );
    await fc.assert(fc.asyncProperty(bytes, assertVerdict), { numRuns: 300, seed: 3001 });
  });

  it('gives a verdict for a real workbook with some of its bytes changed, cut or added', async () => {
    const edit = fc.record({
      source: fc.constantFrom('template', 'libreoffice'),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(edit, async ({ source, flips, cut }) => {
        const original = source === 'template' ? template : libreoffice;
        const bytes = new Uint8Array(original);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        await assertVerdict(cut === undefined ? bytes : bytes.slice(0, cut % bytes.length));
      }),
      { numRuns: 200, seed: 3002 },
    );
  });

  it('gives a verdict and does bounded work per byte when the XML inside a workbook is mutated', async () => {
    const edit = fc.record({ part: fc.nat(), mutations: fc.array(xmlMutation, { minLength: 1, maxLength: 4 }) });
    await fc.assert(
      fc.asyncProperty(edit, async ({ part, mutations }) => {
        const index = part % templateParts.length;
        const parts = templateParts.map(([name, text], i): [string, string] => [name, i === index ? mutations.reduce(mutate, text) : text]);
        const bytes = zip(parts);

        await assertVerdict(bytes);
        expect(workPerByte(bytes)).toBeLessThan(40);
      }),
      { numRuns: 150, seed: 3003 },
    );
  });
});
