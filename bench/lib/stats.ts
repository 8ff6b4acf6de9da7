/** Small statistics and formatting helpers for the benchmarks (no dependencies). */

/** The q-quantile (0..1) by linear interpolation between closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Runs `fn` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** 1234.5 → "1,235"; keeps `digits` decimals under 10 and one under 100 so small figures stay readable. */
export function num(n: number, digits?: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const d = digits ?? (Math.abs(n) < 10 ? 2 : Math.abs(n) < 100 ? 1 : 0);
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** Cost relative to the floor (≥ 1 means slower or bigger than the floor). */
export function ratio(cost: number, floor: number): number {
  return floor > 0 ? cost / floor : Number.NaN;
}

export const x = (r: number) => (!Number.isFinite(r) ? 'n/a' : r >= 100 ? `${num(r, 0)}×` : `${r.toFixed(2)}×`);

/** Progress to stderr: stdout carries only the table. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
