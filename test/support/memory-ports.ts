import type { Regime } from '../../shared/domain/regime.js';
import type { ExtensionFact, ReviewFact } from '../../shared/domain/status.js';
import type {
  AuditEntry,
  AuditLog,
  BusEvent,
  Clock,
  EventBus,
  Mailer,
  MailMessage,
  NoticeLedger,
  NoticeRecord,
  ObjectStore,
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
    const k = `${v.period}/${v.unitId}/${v.uploadId}/${v.etag}`;
    if (this.versions.has(k)) return 'exists' as const;
    this.versions.set(k, clone(v));
    return 'created' as const;
  }
  async facts(period: number, unitId: string): Promise<ReportFacts> {
    const p = `${period}/${unitId}`;
    const ext = this.extensions.get(p);
    return {
      versions: [...this.versions.values()].filter((v) => v.period === period && v.unitId === unitId).map(clone),
      reviews: clone(this.reviews.get(p) ?? []),
      ...(ext ? { extension: clone(ext) } : {}),
    };
  }
  async putReview(period: number, unitId: string, review: ReviewFact) {
    const p = `${period}/${unitId}`;
    this.reviews.set(p, [...(this.reviews.get(p) ?? []), clone(review)]);
  }
  async putExtension(period: number, unitId: string, ext: ExtensionFact) {
    this.extensions.set(`${period}/${unitId}`, clone(ext));
  }
}

export class MemoryStatusStore implements StatusStore {
  items = new Map<string, UnitStatusRecord>();
  writes = 0;
  async get(period: number, unitId: string) {
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
  async list(period: number) {
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

export class MemoryAuditLog implements AuditLog {
  entries = new Map<string, AuditEntry>();
  async append(period: number, unitId: string, e: AuditEntry) {
    const k = `${period}/${unitId}/${e.at}/${e.eventId}`;
    if (!this.entries.has(k)) this.entries.set(k, clone(e));
  }
  /** In sort-key order (time, then event id), as the table's Query returns them. */
  async list(period: number, unitId: string) {
    return [...this.entries.entries()]
      .filter(([k]) => k.startsWith(`${period}/${unitId}/`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => clone(e));
  }
}

export class MemoryLedger implements NoticeLedger {
  items = new Map<string, NoticeRecord>();
  private k(p: number, u: string, kind: string, step: string) {
    return `${p}/${u}/${kind}/${step}`;
  }
  async claim(rec: Omit<NoticeRecord, 'state'>) {
    const k = this.k(rec.period, rec.unitId, rec.kind, rec.step);
    if (this.items.has(k)) return false;
    this.items.set(k, { ...rec, state: 'claimed' });
    return true;
  }
  async get(p: number, u: string, kind: string, step: string) {
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
  async markSent(p: number, u: string, kind: string, step: string, messageId: string) {
    const r = this.items.get(this.k(p, u, kind, step))!;
    r.state = 'sent';
    r.messageId = messageId;
  }
  async markFailed(p: number, u: string, kind: string, step: string, error: string) {
    const r = this.items.get(this.k(p, u, kind, step))!;
    r.state = 'failed';
    r.error = error;
  }
  async list(p: number, u: string) {
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

export class MemoryObjectStore implements ObjectStore {
  objects = new Map<string, { body: Uint8Array; contentType: string; etag: string }>();
  async head(key: string): Promise<StoredObject | null> {
    const o = this.objects.get(key);
    return o ? { key, size: o.body.byteLength, etag: o.etag, contentType: o.contentType } : null;
  }
  async read(key: string, maxBytes: number) {
    const o = this.objects.get(key);
    if (!o) throw new Error(`NoSuchKey ${key}`);
    if (o.body.byteLength > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
    return o.body;
  }
  async readPrefix(key: string, bytes: number) {
    return (await this.read(key, Number.MAX_SAFE_INTEGER)).slice(0, bytes);
  }
  async put(key: string, body: Uint8Array | string, contentType: string) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    this.objects.set(key, { body: bytes, contentType, etag: `etag-${this.objects.size + 1}` });
  }
  tags = new Map<string, Record<string, string>>();
  async tag(key: string, tags: Record<string, string>) {
    if (!this.objects.has(key)) throw new Error(`NoSuchKey ${key}`);
    this.tags.set(key, { ...tags });
  }
  async presignPost(input: { key: string; contentType: string }): Promise<PresignedPost> {
    return { url: 'memory://bucket', fields: { key: input.key, 'Content-Type': input.contentType } };
  }
  async presignGet(key: string) {
    return `memory://bucket/${key}`;
  }
}

export class MemoryRegimeStore implements RegimeStore {
  constructor(public regime: Regime | null = null) {}
  async get() {
    return this.regime;
  }
  async put(r: Regime) {
    this.regime = r;
  }
}

export class MemorySummaryStore implements SummaryStore {
  items = new Map<string, SummaryRecord>();
  async latest(period: number) {
    const mine = [...this.items.values()].filter((r) => r.period === period).sort((a, b) => b.version - a.version);
    return mine[0] ? clone(mine[0]) : null;
  }
  async put(record: SummaryRecord) {
    const k = `${record.period}/${record.version}`;
    if (this.items.has(k)) return false;
    this.items.set(k, clone(record));
    return true;
  }
  async update(period: number, version: number, fields: Partial<Pick<SummaryRecord, 'sentAt' | 'messageId' | 'publishedAt'>>) {
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
