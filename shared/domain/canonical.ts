/**
 * Equality of stored values by value, whatever the key order of their maps: DynamoDB does not keep
 * the key order of a map (dynalite does), so `JSON.stringify(a) === JSON.stringify(b)` says a
 * stored item changed when it did not. Hand-written rather than node:util `isDeepStrictEqual`
 * because a key whose value is undefined must equal an absent key, as the document client drops
 * undefined attributes on write (removeUndefinedValues). JSON-like values only (no Dates, Maps, Sets).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && sameValue(ra[k], rb[k]));
}

/**
 * JSON with object keys sorted at every depth and undefined members left out (as JSON.stringify
 * and the document client's removeUndefinedValues do): what a hash is taken of, so the hash does
 * not depend on the key order DynamoDB does not keep (the summary's content hash, the audit chain).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
