/** The few XML helpers the OOXML writers and reader share. */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Characters XML 1.0 does not allow at all (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/F). */
const INVALID =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text or attribute value, escaped; characters XML cannot carry are dropped. */
export function esc(value: string | number): string {
  return String(value)
    .replace(INVALID, '')
    .replace(/[&<>"]/g, (c) => ENTITIES[c]!);
}

/** ` a="1" b="x"`; undefined and false values are left out, true is written as "1". */
export function attrs(values: Readonly<Record<string, string | number | boolean | undefined>>): string {
  let out = '';
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === false) continue;
    out += ` ${k}="${v === true ? '1' : esc(v)}"`;
  }
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAMED_KEYS = Object.keys(NAMED);

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Undoes XML escaping: the five named entities and numeric character references. Hand-written
 * rather than a regular expression so that its cost is visibly one look at each character,
 * whatever the text holds (it runs on every text and attribute of an uploaded workbook).
 * `meter`, when given, counts the characters looked at.
 */
export function unesc(text: string, meter?: { steps: number }): string {
  let amp = text.indexOf('&');
  if (meter) meter.steps += amp < 0 ? text.length : amp + 1;
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    // Where the candidate entity ends (its ';'), what it stands for, and where to look on from.
    let end = -1;
    let value = '';
    let next = amp + 1;
    if (text.charCodeAt(amp + 1) === 0x23 /* # */) {
      const hex = text.charCodeAt(amp + 2) === 0x78; /* x */
      const digits = amp + (hex ? 3 : 2);
      let j = digits;
      while (j < text.length && (hex ? isHex(text.charCodeAt(j)) : isDigit(text.charCodeAt(j)))) j += 1;
      if (j > digits && text.charCodeAt(j) === 0x3b /* ; */) {
        const code = parseInt(text.slice(digits, j), hex ? 16 : 10);
        end = j;
        value = code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      // A digit run holds no '&': the next search starts where this one stopped.
      next = Math.max(next, j);
      if (meter) meter.steps += j - amp;
    } else {
      for (const name of NAMED_KEYS) {
        if (text.startsWith(name, amp + 1) && text.charCodeAt(amp + 1 + name.length) === 0x3b) {
          end = amp + 1 + name.length;
          value = NAMED[name]!;
          break;
        }
      }
      if (meter) meter.steps += 7 * NAMED_KEYS.length;
    }
    if (end >= 0) {
      out += text.slice(from, amp) + value;
      from = end + 1;
      next = end + 1;
    }
    amp = text.indexOf('&', next);
    if (meter) meter.steps += (amp < 0 ? text.length : amp + 1) - next;
  }
  return out + text.slice(from);
}
