import type { PeriodKey } from '../../shared/domain/periodicity.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { periodDates } from '../../shared/domain/calendar.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, type Regime } from '../../shared/domain/regime.js';
import type { Clock, ObjectStore, PresignedPost, StoredObject } from '../../shared/ports.js';

/** u00001, u00002, … (valid unit ids: [a-z0-9-]). */
export const unitId = (i: number) => `u${String(i + 1).padStart(5, '0')}`;

/**
 * The default regime with its units replaced by `n` clones (ids u00001…), cycling through the
 * default's units so both groups keep their proportions. Validated like a deployer's regime file.
 */
export function benchRegime(n: number): Regime {
  const base = DEFAULT_REGIME.units;
  const units = Array.from({ length: n }, (_, i) => {
    const src = base[i % base.length]!;
    const id = unitId(i);
    return { ...src, id, name: `${src.name} (${id})`, email: `vanthu.${id}@kontum.gov.example` };
  });
  return parseRegime({ ...DEFAULT_REGIME, units });
}

/** The period a unit can upload for today: this year once it has opened, else last year (late). */
export function openPeriod(regime: Regime, now = new Date()): PeriodKey {
  const year = now.getUTCFullYear();
  return String(now >= periodDates(regime, String(year)).opensAt ? year : year - 1);
}

export const fixedClock = (at: Date): Clock => ({ now: () => new Date(at.getTime()) });

/** Counts what a DynamoDB client sends: command names and the items each Query/Scan returned. */
export class CommandRecorder {
  readonly counts = new Map<string, number>();
  itemsRead = 0;
  reset(): void {
    this.counts.clear();
    this.itemsRead = 0;
  }
  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }
  /** Installs itself on the base client (the document client sends through it). */
  attach(client: DynamoDBClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String((context as { commandName?: string }).commandName ?? 'unknown');
        this.counts.set(name, this.count(name) + 1);
        const result = await next(args);
        const out = result.output as { Count?: number; Responses?: Record<string, unknown[]> };
        if (typeof out.Count === 'number') this.itemsRead += out.Count;
        return result;
      },
      { step: 'initialize', name: 'benchCommandRecorder' },
    );
    return this;
  }
}

/** An object store in memory (the consolidation benchmark measures reads and building, not S3 writes). */
export class MemoryObjects implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  /** performance.now() of the first put since the last reset: the end of building the files. */
  firstPutAt: number | undefined;
  async head(key: string): Promise<StoredObject | null> {
    const o = this.objects.get(key);
    return o ? { key, size: o.byteLength, etag: 'x' } : null;
  }
  async read(key: string): Promise<Uint8Array> {
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object ${key}`);
    return o;
  }
  async readPrefix(key: string, bytes: number): Promise<Uint8Array> {
    return (await this.read(key)).slice(0, bytes);
  }
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.firstPutAt ??= performance.now();
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async tag(): Promise<void> {}
  async presignPost(): Promise<PresignedPost> {
    throw new Error('not used by the benchmark');
  }
  async presignGet(key: string): Promise<string> {
    return `memory://${key}`;
  }
}
