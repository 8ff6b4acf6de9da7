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
  regime: (): ItemKey => ({ PK: 'REGIME', SK: 'CURRENT' }),
  /** Unit status projection; all units of a period share one partition. */
  periodPartition: (period: number) => `PERIOD#${period}`,
  unitStatus: (period: number, unitId: string): ItemKey => ({ PK: `PERIOD#${period}`, SK: `UNIT#${unitId}` }),
  /** Everything recorded about one unit's report for one period: versions, reviews, the extension. */
  reportPartition: (period: number, unitId: string) => `REPORT#${period}#${unitId}`,
  /** One record per upload id: the conditional put on it is what stops a second object replacing the first. */
  reportVersion: (period: number, unitId: string, uploadId: string): ItemKey => ({
    PK: `REPORT#${period}#${unitId}`,
    SK: `V#${uploadId}`,
  }),
  review: (period: number, unitId: string, at: string, reviewId: string): ItemKey => ({
    PK: `REPORT#${period}#${unitId}`,
    SK: `R#${at}#${reviewId}`,
  }),
  extension: (period: number, unitId: string): ItemKey => ({ PK: `REPORT#${period}#${unitId}`, SK: 'EXT' }),
  token: (tokenHash: string): ItemKey => ({ PK: `TOKEN#${tokenHash}`, SK: 'TOKEN' }),
  tokensByUnit: (unitId: string) => `UNITTOKENS#${unitId}`,
  /** Audit entries are keyed by their place in the partition's hash chain (zero-padded: Query order is chain order). */
  audit: (period: number, unitId: string, seq: number): ItemKey => ({
    PK: `AUDIT#${period}#${unitId}`,
    SK: `${AUDIT_SK_PREFIX}${String(seq).padStart(10, '0')}`,
  }),
  auditPartition: (period: number, unitId: string) => `${AUDIT_PK_PREFIX}${period}#${unitId}`,
  notice: (period: number, unitId: string, kind: string, step: string): ItemKey => ({
    PK: `NOTICE#${period}#${unitId}`,
    SK: `${kind}#${step}`,
  }),
  summary: (period: number, n: number): ItemKey => ({ PK: `SUMMARY#${period}`, SK: `V#${String(n).padStart(6, '0')}` }),
  summaryPartition: (period: number) => `SUMMARY#${period}`,
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
  incoming: (period: number, unitId: string, uploadId: string, ext: 'json' | 'xlsx') => `incoming/${period}/${unitId}/${uploadId}.${ext}`,
  signedPrefix: 'signed/',
  signed: (period: number, unitId: string, uploadId: string) => `signed/${period}/${unitId}/${uploadId}.pdf`,
  summaries: (period: number, n: number) => `summaries/${period}/v${n}/`,
} as const;

/**
 * The tag ingest puts on a rejected upload; the bucket lifecycle expires tagged objects after the
 * quarantine retention. Accepted uploads are never tagged and are kept.
 */
export const QUARANTINE_TAG = { key: 'baocao-outcome', value: 'rejected' } as const;

const INCOMING_KEY = /^incoming\/(\d{4})\/([a-z0-9-]{1,64})\/([0-9a-z]{10,40})\.(json|xlsx)$/;

/** Parses an incoming key; null when it is not one this system could have issued. */
export function parseIncomingKey(key: string): { period: number; unitId: string; uploadId: string; ext: 'json' | 'xlsx' } | null {
  const m = INCOMING_KEY.exec(key);
  if (!m) return null;
  return { period: Number(m[1]), unitId: m[2]!, uploadId: m[3]!, ext: m[4] as 'json' | 'xlsx' };
}
