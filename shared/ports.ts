import type { PeriodKey } from './domain/periodicity.js';
import type { NoticeKind } from './domain/vocabulary.js';
import type { Regime } from './domain/regime.js';
import type { Regimes } from './domain/regimes.js';
import type { AnnualReport, ValidationIssue } from './domain/report.js';
import type { ComplianceStatus, ExtensionFact, ReviewFact, StatusFacts, VersionFact } from './domain/status.js';

/**
 * The ports use cases depend on. AWS adapters live in shared/adapters; tests use in-memory ones
 * (test/support/memory-ports.ts). No AWS import here.
 */
export interface Clock {
  now(): Date;
}

export interface StoredObject {
  key: string;
  size: number;
  etag: string;
  contentType?: string;
  /** The S3 version id of this object (the bucket is versioned). */
  versionId?: string;
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/**
 * The bucket is versioned and a presigned POST can be used more than once while it is valid, so
 * a key alone may name different bytes over time. Whatever was judged is read, tagged and linked
 * by its `versionId`; without one the call addresses the current version.
 */
export interface ObjectStore {
  head(key: string, versionId?: string): Promise<StoredObject | null>;
  /** Reads at most maxBytes; throws ObjectTooLargeError beyond. */
  read(key: string, maxBytes: number, versionId?: string): Promise<Uint8Array>;
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** The first `bytes` bytes (a ranged GET), to check a file's content without reading it all. */
  readPrefix(key: string, bytes: number, versionId?: string): Promise<Uint8Array>;
  /** Replaces the tags of the object (version) (the lifecycle expires quarantined uploads by tag). */
  tag(key: string, tags: Record<string, string>, versionId?: string): Promise<void>;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  /** When S3 stored it: what the "Object Created" event time would have been. */
  lastModified: string;
}

/** Lists objects under a prefix, every page (only the reconciliation sweep needs it). */
export interface ObjectLister {
  list(prefix: string): Promise<ListedObject[]>;
}

/** Signs the POST a browser sends straight to the bucket (its own adapter: only presign bundles it). */
export interface UploadSigner {
  presignPost(input: {
    key: string;
    contentType: string;
    minSize: number;
    maxSize: number;
    expiresSeconds: number;
  }): Promise<PresignedPost>;
}

/** Signs a time-limited download link (its own adapter: only the functions that link bundle it). */
export interface DownloadSigner {
  /** With `versionId`, the link serves that version even after the key was written again. */
  presignGet(key: string, expiresSeconds: number, downloadName?: string, versionId?: string): Promise<string>;
}

export class ObjectTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly maxBytes: number,
  ) {
    super(`Object ${key} is larger than ${maxBytes} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

export interface BusEvent {
  detailType: string;
  detail: Record<string, unknown>;
}
export interface EventBus {
  publish(events: readonly BusEvent[]): Promise<void>;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}
export interface MailMessage {
  to: string[];
  cc?: string[];
  subject: string;
  html: string;
  text: string;
  attachments?: MailAttachment[];
}
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

export interface RegimeStore {
  /** The main regime (item REGIME/CURRENT). */
  get(): Promise<Regime | null>;
  put(regime: Regime): Promise<void>;
  /** Every regime the deployment runs (one Query on the REGIME partition); null before the main one is seeded. */
  list(): Promise<Regimes | null>;
}

/** One stored upload of a unit's report (valid or not): the report version record. */
export interface StoredVersion extends VersionFact {
  period: PeriodKey;
  unitId: string;
  etag: string;
  key: string;
  size: number;
  sha256: string;
  format: 'json' | 'xlsx' | 'unknown';
  /** The S3 version id of the object judged (absent on records stored before versioning was read). */
  s3VersionId?: string;
  report?: AnnualReport;
  signedDocumentKey?: string;
  /** The version of the signed PDF that was checked when the report was accepted. */
  signedDocumentVersionId?: string;
}

export interface ReportFacts {
  versions: StoredVersion[];
  reviews: ReviewFact[];
  extension?: ExtensionFact;
}

export interface ReportStore {
  /**
   * Conditional put keyed on (period, unit, uploadId): one record per upload id, never replaced.
   * 'exists': the upload id already holds this object version (same key and s3VersionId), a
   * redelivered event. 'taken': it holds another object version (a presigned POST used twice).
   */
  putVersion(v: StoredVersion): Promise<'created' | 'exists' | 'taken'>;
  /** Versions, reviews and extension of one unit for one period: one Query. */
  facts(period: PeriodKey, unitId: string): Promise<ReportFacts>;
  putReview(period: PeriodKey, unitId: string, review: ReviewFact): Promise<void>;
  putExtension(period: PeriodKey, unitId: string, ext: ExtensionFact): Promise<void>;
}

export interface UnitStatusRecord {
  period: PeriodKey;
  unitId: string;
  /** Optimistic-concurrency version: every write is conditional on the previous rev. */
  rev: number;
  /** The status at the time of the last write (reads re-derive it with the clock). */
  status: ComplianceStatus;
  facts: StatusFacts;
  /** Upload ids already reflected, so each new upload is announced exactly once (the most recent ones only). */
  uploadIds: string[];
  /** Ids at or below this one are reflected too: upload ids are time-ordered, and the oldest are forgotten so the item stays bounded. */
  uploadsThrough?: string;
  /** Headline figures of the latest valid version, for the board. */
  keyFigures?: Record<string, number>;
  /** The last change, and whether "Unit Status Changed" for it has been published (outbox). */
  lastChange?: StatusChange;
  announced: boolean;
  updatedAt: string;
}

export interface NewUpload {
  uploadId: string;
  receivedAt: string;
  valid: boolean;
}

/** Detail of the "Unit Status Changed" event. */
export interface StatusChange {
  period: PeriodKey;
  unitId: string;
  previousStatus: ComplianceStatus | null;
  status: ComplianceStatus;
  /** Uploads not announced before: each gets exactly one receipt or rejection email. */
  newUploads: NewUpload[];
  /** Set when the change is a return for revision. */
  returnedReason?: string;
  at: string;
}

export interface StatusStore {
  get(period: PeriodKey, unitId: string): Promise<UnitStatusRecord | null>;
  /** Writes if the stored rev equals expectedRev (null: no item yet); false on conflict. */
  put(record: UnitStatusRecord, expectedRev: number | null): Promise<boolean>;
  /** All status items of a period: a paginated Query on one partition. */
  list(period: PeriodKey): Promise<UnitStatusRecord[]>;
}

export interface TokenRecord {
  tokenHash: string;
  unitId: string;
  createdAt: string;
  expiresAt: string;
  /**
   * The reporting years this link may file (for the main annual regime, its periods): the current
   * one at issue plus any asked for. It files any period of any regime in those years. A record
   * without it (issued before issue 13) is bound to the year current at its createdAt.
   */
  periods?: number[];
  revokedAt?: string;
  lastUsedAt?: string;
}
export interface TokenStore {
  put(t: TokenRecord): Promise<void>;
  get(tokenHash: string): Promise<TokenRecord | null>;
  listByUnit(unitId: string): Promise<TokenRecord[]>;
  revoke(tokenHash: string, at: string): Promise<void>;
  touch(tokenHash: string, at: string): Promise<void>;
}

export type { AuditEntry, ChainedAuditEntry } from './domain/audit-chain.js';
import type { AuditEntry, ChainedAuditEntry } from './domain/audit-chain.js';

export interface AuditLog {
  /**
   * Appends to the partition's chain: the same (at, eventId) is written once (a retried event
   * appends nothing); a conditional write on the next sequence number means two writers can never
   * fork the chain (the loser re-reads and appends after the winner).
   */
  append(period: PeriodKey, unitId: string, entry: AuditEntry): Promise<void>;
  /** The entries in chain order (seq). */
  list(period: PeriodKey, unitId: string): Promise<ChainedAuditEntry[]>;
}

export type NoticeState = 'claimed' | 'sent' | 'failed';
export interface NoticeRecord {
  period: PeriodKey;
  unitId: string;
  kind: NoticeKind;
  step: string;
  state: NoticeState;
  claimedAt: string;
  messageId?: string;
  error?: string;
}
export interface NoticeLedger {
  /** Conditional create; false when the (period, unit, kind, step) entry exists. */
  claim(rec: Omit<NoticeRecord, 'state'>): Promise<boolean>;
  get(period: PeriodKey, unitId: string, kind: NoticeKind, step: string): Promise<NoticeRecord | null>;
  /** Takes over a stale or failed entry: conditional on its claimedAt being unchanged. */
  reclaim(rec: NoticeRecord, claimedAt: string): Promise<boolean>;
  markSent(period: PeriodKey, unitId: string, kind: NoticeKind, step: string, messageId: string): Promise<void>;
  markFailed(period: PeriodKey, unitId: string, kind: NoticeKind, step: string, error: string): Promise<void>;
  list(period: PeriodKey, unitId: string): Promise<NoticeRecord[]>;
}

export type { ValidationIssue };

/** One published version of a period's consolidated summary (the SUMMARY item). */
export interface SummaryRecord {
  period: PeriodKey;
  /** 1, 2, …: each new version is a change of the consolidated data ("bản cập nhật" from 2 on). */
  version: number;
  /** contentHash of the consolidation: the same data gives the same hash, so nothing new is sent. */
  hash: string;
  /** Object keys of the workbook and the draft under summaries/{period}/v{n}/. */
  keys: { xlsx: string; docx: string };
  /** When the version number was claimed (before anything was sent). */
  createdAt: string;
  /** Set once the email to the leadership was accepted by SES. */
  sentAt?: string;
  messageId?: string;
  /** Set once "Summary Published" was put on the bus (outbox: a crash before it publishes on the next run). */
  publishedAt?: string;
}

export interface SummaryStore {
  /** The highest version of a period, or null: one Query on the period's summary partition. */
  latest(period: PeriodKey): Promise<SummaryRecord | null>;
  /** Conditional create of the version item: false when that (period, version) exists — another run won it. */
  put(record: SummaryRecord): Promise<boolean>;
  /** Records what happened after the claim (sentAt, messageId, publishedAt) on an existing version item. */
  update(period: PeriodKey, version: number, fields: Partial<Pick<SummaryRecord, 'sentAt' | 'messageId' | 'publishedAt'>>): Promise<void>;
}
