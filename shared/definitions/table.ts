import type { PeriodKey } from '../domain/periodicity.js';

/**
 * The single-table layout (DESIGN.md section 5), defined once: CDK builds the table from
 * TABLE_DEFINITION and the local stack creates the same table in dynalite from it. Every read
 * the product needs is a Query on one partition; nothing Scans.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** GSI1: tokens listed by unit. */
  indexes: [{ name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' }],
  /** Epoch seconds; DynamoDB TTL removes ephemeral items (ledger entries, expired tokens). */
  ttlAttribute: 'ttl',
} as const;

export type ItemKey = { PK: string; SK: string };

/** Every audit partition key starts with this (IAM denies updates and deletes on these keys). */
export const AUDIT_PK_PREFIX = 'AUDIT#';
export const AUDIT_SK_PREFIX = 'E#';

export const keys = {
  /** The main regime (no id), or another the deployment runs beside it (shared/domain/regimes.ts). */
  regime: (id?: string): ItemKey => ({ PK: 'REGIME', SK: id === undefined ? 'CURRENT' : `R#${id}` }),
  /** Unit status projection; all units of a period share one partition. */
  periodPartition: (period: PeriodKey) => `PERIOD#${period}`,
  unitStatus: (period: PeriodKey, unitId: string): ItemKey => ({ PK: `PERIOD#${period}`, SK: `UNIT#${unitId}` }),
  /** Everything recorded about one unit's report for one period: versions, reviews, the extension. */
  reportPartition: (period: PeriodKey, unitId: string) => `REPORT#${period}#${unitId}`,
  /** One record per upload id: the conditional put on it is what stops a second object replacing the first. */
  reportVersion: (period: PeriodKey, unitId: string, uploadId: string): ItemKey => ({
    PK: `REPORT#${period}#${unitId}`,
    SK: `V#${uploadId}`,
  }),
  review: (period: PeriodKey, unitId: string, at: string, reviewId: string): ItemKey => ({
    PK: `REPORT#${period}#${unitId}`,
    SK: `R#${at}#${reviewId}`,
  }),
  extension: (period: PeriodKey, unitId: string): ItemKey => ({ PK: `REPORT#${period}#${unitId}`, SK: 'EXT' }),
  token: (tokenHash: string): ItemKey => ({ PK: `TOKEN#${tokenHash}`, SK: 'TOKEN' }),
  tokensByUnit: (unitId: string) => `UNITTOKENS#${unitId}`,
  /** Audit entries are keyed by their place in the partition's hash chain (zero-padded: Query order is chain order). */
  audit: (period: PeriodKey, unitId: string, seq: number): ItemKey => ({
    PK: `AUDIT#${period}#${unitId}`,
    SK: `${AUDIT_SK_PREFIX}${String(seq).padStart(10, '0')}`,
  }),
  auditPartition: (period: PeriodKey, unitId: string) => `${AUDIT_PK_PREFIX}${period}#${unitId}`,
  notice: (period: PeriodKey, unitId: string, kind: string, step: string): ItemKey => ({
    PK: `NOTICE#${period}#${unitId}`,
    SK: `${kind}#${step}`,
  }),
  summary: (period: PeriodKey, n: number): ItemKey => ({ PK: `SUMMARY#${period}`, SK: `V#${String(n).padStart(6, '0')}` }),
  summaryPartition: (period: PeriodKey) => `SUMMARY#${period}`,
} as const;

/**
 * The item kinds of the table by their partition-key prefix (keys above). IAM grants each function
 * only the kinds it owns through the `dynamodb:LeadingKeys` condition (infra/functions.ts), so a
 * bug or a stolen role in one function cannot read tokens or rewrite another function's items.
 */
export const ITEM_KIND_PREFIXES = {
  regime: 'REGIME',
  status: 'PERIOD#',
  report: 'REPORT#',
  token: 'TOKEN#',
  audit: AUDIT_PK_PREFIX,
  notice: 'NOTICE#',
  summary: 'SUMMARY#',
} as const;
export type ItemKind = keyof typeof ITEM_KIND_PREFIXES;

/** Object keys in the bucket. The unit and period of an upload come from the token, never the client. */
export const objectKeys = {
  incomingPrefix: 'incoming/',
  incoming: (period: PeriodKey, unitId: string, uploadId: string, ext: 'json' | 'xlsx') =>
    `incoming/${period}/${unitId}/${uploadId}.${ext}`,
  signedPrefix: 'signed/',
  signed: (period: PeriodKey, unitId: string, uploadId: string) => `signed/${period}/${unitId}/${uploadId}.pdf`,
  summaries: (period: PeriodKey, n: number) => `summaries/${period}/v${n}/`,
} as const;

/**
 * The tag ingest puts on a rejected upload; the bucket lifecycle expires tagged objects after the
 * quarantine retention. Accepted uploads are never tagged and are kept.
 */
export const QUARANTINE_TAG = { key: 'baocao-outcome', value: 'rejected' } as const;

/** A period key (periodicity.ts): a period id, after the regime's id for a regime other than the main one. */
const PERIOD_KEY = '(?:[a-z0-9-]{1,64}\\/)?\\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?';
const INCOMING_KEY = new RegExp(`^incoming\\/(${PERIOD_KEY})\\/([a-z0-9-]{1,64})\\/([0-9a-z]{10,40})\\.(json|xlsx)$`);

/** Parses an incoming key; null when it is not one this system could have issued. */
export function parseIncomingKey(key: string): { period: PeriodKey; unitId: string; uploadId: string; ext: 'json' | 'xlsx' } | null {
  const m = INCOMING_KEY.exec(key);
  if (!m) return null;
  return { period: m[1]!, unitId: m[2]!, uploadId: m[3]!, ext: m[4] as 'json' | 'xlsx' };
}
