import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { chainNext } from '../../shared/domain/audit-chain.js';
import type { Regime } from '../../shared/domain/regime.js';
import type { ExtensionFact, ReviewFact } from '../../shared/domain/status.js';
import type {
  AuditEntry,
  AuditLog,
  ChainedAuditEntry,
  BusEvent,
  Clock,
  EventBus,
  Mailer,
  MailMessage,
  NoticeLedger,
  NoticeRecord,
  ObjectStore,
  ObjectLister,
  ListedObject,
  PresignedPost,
  RegimeStore,
  ReportFacts,
  ReportStore,
  StatusStore,
  StoredObject,
  StoredVersion,
  SummaryRecord,
  SummaryStore,
  TokenRecord,
  TokenStore,
  UnitStatusRecord,
} from '../../shared/ports.js';
import { ObjectTooLargeError } from '../../shared/ports.js';

/**
 * In-memory ports for use-case unit tests: same contracts as the DynamoDB/S3/SES adapters, held to
 * them by test/integration/port-contracts.test.ts.
 */
const clone = <T>(x: T): T => structuredClone(x);

/** What a refused conditional write throws here (the adapters throw the SDK's ConditionalCheckFailedException). */
export class ConditionFailedError extends Error {
  override name = 'ConditionalCheckFailedException';
}

export class FixedClock implements Clock {
  constructor(public at: Date) {}
  now() {
    return new Date(this.at);
  }
  set(iso: string) {
    this.at = new Date(iso);
  }
}

export class MemoryReportStore implements ReportStore {
  versions = new Map<string, StoredVersion>();
  reviews = new Map<string, ReviewFact[]>();
  extensions = new Map<string, ExtensionFact>();
  async putVersion(v: StoredVersion) {
    const k = `${v.period}/${v.unitId}/${v.uploadId}`;
    const held = this.versions.get(k);
    if (held) return held.key === v.key && held.s3VersionId === v.s3VersionId ? ('exists' as const) : ('taken' as const);
    this.versions.set(k, clone(v));
    return 'created' as const;
  }
  async facts(period: PeriodKey, unitId: string): Promise<ReportFacts> {
    const p = `${period}/${unitId}`;
    const ext = this.extensions.get(p);
    return {
      versions: [...this.versions.values()].filter((v) => v.period === period && v.unitId === unitId).map(clone),
      reviews: clone(this.reviews.get(p) ?? []),
      ...(ext ? { extension: clone(ext) } : {}),
    };
  }
  async putReview(period: PeriodKey, unitId: string, review: ReviewFact) {
    const p = `${period}/${unitId}`;
    this.reviews.set(p, [...(this.reviews.get(p) ?? []), clone(review)]);
  }
  async putExtension(period: PeriodKey, unitId: string, ext: ExtensionFact) {
    this.extensions.set(`${period}/${unitId}`, clone(ext));
  }
}

export class MemoryStatusStore implements StatusStore {
  items = new Map<string, UnitStatusRecord>();
  writes = 0;
  async get(period: PeriodKey, unitId: string) {
    const r = this.items.get(`${period}/${unitId}`);
    return r ? clone(r) : null;
  }
  async put(record: UnitStatusRecord, expectedRev: number | null) {
    const k = `${record.period}/${record.unitId}`;
    const cur = this.items.get(k);
    if ((cur?.rev ?? null) !== expectedRev) return false;
    this.items.set(k, clone(record));
    this.writes += 1;
    return true;
  }
  async list(period: PeriodKey) {
    return [...this.items.values()].filter((r) => r.period === period).map(clone);
  }
}

export class MemoryTokenStore implements TokenStore {
  items = new Map<string, TokenRecord>();
  async put(t: TokenRecord) {
    if (this.items.has(t.tokenHash)) throw new ConditionFailedError(`token ${t.tokenHash} exists`);
    this.items.set(t.tokenHash, clone(t));
  }
  async get(h: string) {
    const t = this.items.get(h);
    return t ? clone(t) : null;
  }
  async listByUnit(unitId: string) {
    return [...this.items.values()].filter((t) => t.unitId === unitId).map(clone);
  }
  async revoke(h: string, at: string) {
    this.existing(h).revokedAt = at;
  }
  async touch(h: string, at: string) {
    this.existing(h).lastUsedAt = at;
  }
  private existing(h: string): TokenRecord {
    const t = this.items.get(h);
    if (!t) throw new ConditionFailedError(`no token ${h}`);
    return t;
  }
}

/** The same chain as DynamoAuditLog (one JS thread: no race to guard against). */
export class MemoryAuditLog implements AuditLog {
  chains = new Map<string, ChainedAuditEntry[]>();
  async append(period: PeriodKey, unitId: string, e: AuditEntry) {
    const chain = this.chains.get(`${period}/${unitId}`) ?? [];
    if (chain.some((x) => x.at === e.at && x.eventId === e.eventId)) return;
    chain.push(chainNext(period, unitId, chain.at(-1) ?? null, clone(e)));
    this.chains.set(`${period}/${unitId}`, chain);
  }
  /** In chain order (the order of appends), as the table's Query on the sequence key returns them. */
  async list(period: PeriodKey, unitId: string) {
    return (this.chains.get(`${period}/${unitId}`) ?? []).map((e) => clone(e));
  }
}

export class MemoryLedger implements NoticeLedger {
  items = new Map<string, NoticeRecord>();
  private k(p: PeriodKey, u: string, kind: string, step: string) {
    return `${p}/${u}/${kind}/${step}`;
  }
  async claim(rec: Omit<NoticeRecord, 'state'>) {
    const k = this.k(rec.period, rec.unitId, rec.kind, rec.step);
    if (this.items.has(k)) return false;
    this.items.set(k, { ...rec, state: 'claimed' });
    return true;
  }
  async get(p: PeriodKey, u: string, kind: string, step: string) {
    const r = this.items.get(this.k(p, u, kind, step));
    return r ? clone(r) : null;
  }
  async reclaim(rec: NoticeRecord, claimedAt: string) {
    const cur = this.items.get(this.k(rec.period, rec.unitId, rec.kind, rec.step));
    if (!cur || cur.claimedAt !== rec.claimedAt || cur.state !== rec.state || cur.state === 'sent') return false;
    cur.claimedAt = claimedAt;
    cur.state = 'claimed';
    return true;
  }
  async markSent(p: PeriodKey, u: string, kind: string, step: string, messageId: string) {
    const r = this.items.get(this.k(p, u, kind, step))!;
    r.state = 'sent';
    r.messageId = messageId;
  }
  async markFailed(p: PeriodKey, u: string, kind: string, step: string, error: string) {
    const r = this.items.get(this.k(p, u, kind, step))!;
    r.state = 'failed';
    r.error = error;
  }
  async list(p: PeriodKey, u: string) {
    return [...this.items.values()].filter((r) => r.period === p && r.unitId === u).map(clone);
  }
}

export class MemoryBus implements EventBus {
  events: BusEvent[] = [];
  failNext = 0;
  async publish(events: readonly BusEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('bus unavailable');
    }
    this.events.push(...clone([...events]));
  }
}

export class MemoryMailer implements Mailer {
  sent: MailMessage[] = [];
  failNext = 0;
  async send(m: MailMessage) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SES throttled');
    }
    this.sent.push(m);
    return { messageId: `m-${this.sent.length}` };
  }
}

/**
 * A versioned bucket, as the uploads bucket is: every put adds a version (ids ascending), reads and
 * tags without a version id address the current one, links carry the version id they were signed for.
 */
export class MemoryObjectStore implements ObjectStore, ObjectLister {
  private versions = new Map<string, { versionId: string; body: Uint8Array; contentType: string; etag: string; lastModified?: string }[]>();
  private nextVersion = 0;
  /** Tags by key, then by version id. */
  versionTags = new Map<string, Map<string, Record<string, string>>>();
  private find(key: string, versionId?: string) {
    const all = this.versions.get(key);
    return versionId === undefined ? all?.at(-1) : all?.find((v) => v.versionId === versionId);
  }
  /** The current version of each key under the prefix, as ListObjectsV2 lists them. */
  async list(prefix: string): Promise<ListedObject[]> {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, o]) => ({ key, size: o.body.byteLength, etag: o.etag, lastModified: o.lastModified ?? '2026-01-01T00:00:00.000Z' }));
  }
  async head(key: string, versionId?: string): Promise<StoredObject | null> {
    const o = this.find(key, versionId);
    return o ? { key, size: o.body.byteLength, etag: o.etag, contentType: o.contentType, versionId: o.versionId } : null;
  }
  async read(key: string, maxBytes: number, versionId?: string) {
    const o = this.find(key, versionId);
    if (!o) throw new Error(`NoSuchKey ${key}${versionId ? ` NoSuchVersion ${versionId}` : ''}`);
    if (o.body.byteLength > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
    return o.body;
  }
  async readPrefix(key: string, bytes: number, versionId?: string) {
    return (await this.read(key, Number.MAX_SAFE_INTEGER, versionId)).slice(0, bytes);
  }
  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    this.putVersion(key, body, contentType);
  }
  /** Stores a new version and returns its id and etag, as S3 answers a PUT or POST (tests need them). */
  putVersion(key: string, body: Uint8Array | string, contentType: string, lastModified?: string): { versionId: string; etag: string } {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const versionId = `v${String(++this.nextVersion).padStart(6, '0')}`;
    const etag = `etag-${this.nextVersion}`;
    const all = this.versions.get(key) ?? [];
    all.push({ versionId, body: bytes, contentType, etag, ...(lastModified ? { lastModified } : {}) });
    this.versions.set(key, all);
    return { versionId, etag };
  }
  /** The current version of every key (what a plain listing shows). */
  get objects(): Map<string, { versionId: string; body: Uint8Array; contentType: string; etag: string; lastModified?: string }> {
    return new Map([...this.versions].flatMap(([key, all]) => (all.length ? [[key, all.at(-1)!] as const] : [])));
  }
  async tag(key: string, tags: Record<string, string>, versionId?: string) {
    const o = this.find(key, versionId);
    if (!o) throw new Error(`NoSuchKey ${key}`);
    const byVersion = this.versionTags.get(key) ?? new Map<string, Record<string, string>>();
    byVersion.set(o.versionId, { ...tags });
    this.versionTags.set(key, byVersion);
  }
  /** The tags of one version (default: the current one). */
  tagsOf(key: string, versionId?: string): Record<string, string> | undefined {
    const o = this.find(key, versionId);
    return o ? this.versionTags.get(key)?.get(o.versionId) : undefined;
  }
  async presignPost(input: { key: string; contentType: string }): Promise<PresignedPost> {
    return { url: 'memory://bucket', fields: { key: input.key, 'Content-Type': input.contentType } };
  }
  async presignGet(key: string, _expiresSeconds?: number, _downloadName?: string, versionId?: string) {
    return `memory://bucket/${key}${versionId ? `?versionId=${versionId}` : ''}`;
  }
}

export class MemoryRegimeStore implements RegimeStore {
  others: Regime[] = [];
  constructor(public regime: Regime | null = null) {}
  async get() {
    return this.regime;
  }
  async put(r: Regime) {
    this.regime = r;
  }
  async list() {
    return this.regime ? regimeSet(this.regime, this.others) : null;
  }
}

export class MemorySummaryStore implements SummaryStore {
  items = new Map<string, SummaryRecord>();
  async latest(period: PeriodKey) {
    const mine = [...this.items.values()].filter((r) => r.period === period).sort((a, b) => b.version - a.version);
    return mine[0] ? clone(mine[0]) : null;
  }
  async put(record: SummaryRecord) {
    const k = `${record.period}/${record.version}`;
    if (this.items.has(k)) return false;
    this.items.set(k, clone(record));
    return true;
  }
  async update(period: PeriodKey, version: number, fields: Partial<Pick<SummaryRecord, 'sentAt' | 'messageId' | 'publishedAt'>>) {
    const r = this.items.get(`${period}/${version}`);
    if (!r) throw new Error(`No summary ${period} v${version}`);
    Object.assign(r, clone(fields));
  }
}

/**
 * A world for use cases to run in: every in-memory port, the clock at `at`, the regime. Each use
 * case takes the ports its deps name; add what a test needs besides (`appUrl`) with a spread.
 */
export function memoryWorld(at: Date | string, regime: Regime) {
  return {
    clock: new FixedClock(new Date(at)),
    regime,
    tokens: new MemoryTokenStore(),
    objects: new MemoryObjectStore(),
    audit: new MemoryAuditLog(),
    reports: new MemoryReportStore(),
    statuses: new MemoryStatusStore(),
    summaries: new MemorySummaryStore(),
    ledger: new MemoryLedger(),
    bus: new MemoryBus(),
    mailer: new MemoryMailer(),
  };
}
