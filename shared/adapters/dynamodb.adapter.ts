import type { PeriodKey } from '../domain/periodicity.js';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { AUDIT_SK_PREFIX, keys, TABLE_DEFINITION } from '../definitions/table.js';
import { chainNext } from '../domain/audit-chain.js';
import { ConcurrencyError } from '../errors.js';
import { storedRegime, type Regime } from '../domain/regime.js';
import { regimeSet, type Regimes } from '../domain/regimes.js';
import type { ExtensionFact, ReviewFact } from '../domain/status.js';
import type {
  AuditEntry,
  AuditLog,
  ChainedAuditEntry,
  NoticeLedger,
  NoticeRecord,
  RegimeStore,
  ReportFacts,
  ReportStore,
  StatusStore,
  StoredVersion,
  SummaryRecord,
  SummaryStore,
  TokenRecord,
  TokenStore,
  UnitStatusRecord,
} from '../ports.js';

/**
 * DynamoDB adapters over the single table (shared/definitions/table.ts). Each takes the document
 * client and the table name in its constructor. No transactions (dynalite has none): every
 * invariant is a conditional single-item write.
 */
type Item = Record<string, unknown>;
const KEY_ATTRS = ['PK', 'SK', 'GSI1PK', 'GSI1SK', TABLE_DEFINITION.ttlAttribute, 'type'];

function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRS.includes(k)) out[k] = v;
  // Items written before periods were keys hold the year as a number (2026): read as the key '2026'.
  if (typeof out.period === 'number') out.period = String(out.period);
  const change = out.lastChange as { period?: unknown } | undefined;
  if (typeof change?.period === 'number') out.lastChange = { ...change, period: String(change.period) };
  return out as T;
}

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';

const ttlIn = (from: string, days: number) => Math.floor(Date.parse(from) / 1000) + days * 86_400;

abstract class TableAdapter {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** Every page of a Query on one partition. */
  protected async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey }));
      items.push(...((page.Items ?? []) as Item[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  protected partition(pk: string, skPrefix?: string): Promise<Item[]> {
    return this.queryAll({
      KeyConditionExpression: skPrefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
      ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
    });
  }

  /** Put only if absent; false when the item already exists. */
  protected async putNew(item: Item): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  protected async getItem(key: { PK: string; SK: string }): Promise<Item | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return (r.Item as Item | undefined) ?? null;
  }
}

export class DynamoRegimeStore extends TableAdapter implements RegimeStore {
  async get(): Promise<Regime | null> {
    const item = await this.getItem(keys.regime());
    return item ? storedRegime(item.regime) : null;
  }
  async put(regime: Regime): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.regime(), type: 'regime', regime } }));
  }
  async list(): Promise<Regimes | null> {
    const items = await this.partition(keys.regime().PK);
    const main = items.find((i) => i.SK === keys.regime().SK);
    if (!main) return null;
    const others = items.filter((i) => i !== main).map((i) => storedRegime(i.regime));
    return regimeSet(storedRegime(main.regime), others);
  }
}

export class DynamoReportStore extends TableAdapter implements ReportStore {
  async putVersion(v: StoredVersion): Promise<'created' | 'exists' | 'taken'> {
    const key = keys.reportVersion(v.period, v.unitId, v.uploadId);
    if (await this.putNew({ ...key, type: 'version', ...v })) return 'created';
    // Rare path (a redelivery or a reused POST): one consistent read tells which.
    const held = await this.getItem(key);
    return held && held.key === v.key && held.s3VersionId === v.s3VersionId ? 'exists' : 'taken';
  }

  async facts(period: PeriodKey, unitId: string): Promise<ReportFacts> {
    const items = await this.partition(keys.reportPartition(period, unitId));
    const facts: ReportFacts = { versions: [], reviews: [] };
    for (const item of items) {
      const sk = String(item.SK);
      if (sk.startsWith('V#')) facts.versions.push(strip<StoredVersion>(item));
      else if (sk.startsWith('R#')) facts.reviews.push(strip<ReviewFact>(item));
      else if (sk === 'EXT') facts.extension = strip<ExtensionFact>(item);
    }
    return facts;
  }

  async putReview(period: PeriodKey, unitId: string, review: ReviewFact): Promise<void> {
    await this.putNew({ ...keys.review(period, unitId, review.at, review.reviewId), type: 'review', ...review });
  }

  async putExtension(period: PeriodKey, unitId: string, ext: ExtensionFact): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.extension(period, unitId), type: 'extension', ...ext } }),
    );
  }
}

export class DynamoStatusStore extends TableAdapter implements StatusStore {
  async get(period: PeriodKey, unitId: string): Promise<UnitStatusRecord | null> {
    const item = await this.getItem(keys.unitStatus(period, unitId));
    return item ? strip<UnitStatusRecord>(item) : null;
  }

  async put(record: UnitStatusRecord, expectedRev: number | null): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.unitStatus(record.period, record.unitId), type: 'status', ...record },
          ...(expectedRev === null
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#rev = :rev',
                ExpressionAttributeNames: { '#rev': 'rev' },
                ExpressionAttributeValues: { ':rev': expectedRev },
              }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async list(period: PeriodKey): Promise<UnitStatusRecord[]> {
    const items = await this.partition(keys.periodPartition(period), 'UNIT#');
    return items.map((i) => strip<UnitStatusRecord>(i));
  }
}

export class DynamoTokenStore extends TableAdapter implements TokenStore {
  async put(t: TokenRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.token(t.tokenHash),
          type: 'token',
          GSI1PK: keys.tokensByUnit(t.unitId),
          GSI1SK: t.createdAt,
          // Kept a year past expiry for the audit of uses, then removed by TTL.
          [TABLE_DEFINITION.ttlAttribute]: ttlIn(t.expiresAt, 365),
          ...t,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(tokenHash: string): Promise<TokenRecord | null> {
    const item = await this.getItem(keys.token(tokenHash));
    return item ? strip<TokenRecord>(item) : null;
  }

  async listByUnit(unitId: string): Promise<TokenRecord[]> {
    const items = await this.queryAll({
      IndexName: TABLE_DEFINITION.indexes[0].name,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.tokensByUnit(unitId) },
    });
    return items.map((i) => strip<TokenRecord>(i));
  }

  async revoke(tokenHash: string, at: string): Promise<void> {
    await this.set(tokenHash, 'revokedAt', at);
  }

  async touch(tokenHash: string, at: string): Promise<void> {
    await this.set(tokenHash, 'lastUsedAt', at);
  }

  private async set(tokenHash: string, attr: string, value: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.token(tokenHash),
        UpdateExpression: 'SET #a = :v',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#a': attr },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
  }
}

/** Appends racing on one partition: each loser re-reads and retries after the winner. */
const AUDIT_APPEND_ATTEMPTS = 8;

export class DynamoAuditLog extends TableAdapter implements AuditLog {
  /**
   * Append-only hash chain. The partition (one unit, one period: tens to a few hundred entries) is
   * read in one Query to find the head and to skip an entry already written by a retried event;
   * the new entry is put only if its sequence number is free, so two writers cannot fork the chain.
   * Nothing here updates or deletes an audit item; IAM denies it too (infra BaocaoFunction.bindTable).
   */
  async append(period: PeriodKey, unitId: string, entry: AuditEntry): Promise<void> {
    for (let attempt = 0; attempt < AUDIT_APPEND_ATTEMPTS; attempt++) {
      const chain = await this.list(period, unitId);
      if (chain.some((e) => e.at === entry.at && e.eventId === entry.eventId)) return;
      const head = chain.filter((e) => typeof e.seq === 'number').at(-1) ?? null;
      const next = chainNext(period, unitId, head, entry);
      if (await this.putNew({ ...keys.audit(period, unitId, next.seq), type: 'audit', ...next })) return;
    }
    throw new ConcurrencyError(`audit chain of ${period}/${unitId}`);
  }

  async list(period: PeriodKey, unitId: string): Promise<ChainedAuditEntry[]> {
    const items = await this.partition(keys.auditPartition(period, unitId), AUDIT_SK_PREFIX);
    return items.map((i) => strip<ChainedAuditEntry>(i));
  }
}

export class DynamoNoticeLedger extends TableAdapter implements NoticeLedger {
  async claim(rec: Omit<NoticeRecord, 'state'>): Promise<boolean> {
    return this.putNew({
      ...keys.notice(rec.period, rec.unitId, rec.kind, rec.step),
      type: 'notice',
      [TABLE_DEFINITION.ttlAttribute]: ttlIn(rec.claimedAt, 400),
      ...rec,
      state: 'claimed',
    });
  }

  async get(period: PeriodKey, unitId: string, kind: string, step: string): Promise<NoticeRecord | null> {
    const item = await this.getItem(keys.notice(period, unitId, kind, step));
    return item ? strip<NoticeRecord>(item) : null;
  }

  async reclaim(rec: NoticeRecord, claimedAt: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.notice(rec.period, rec.unitId, rec.kind, rec.step),
          UpdateExpression: 'SET claimedAt = :new, #s = :claimed',
          // The state read too, not only the time: two senders taking over the same failed entry
          // in the same millisecond would both pass on the time alone, and both send.
          ConditionExpression: 'claimedAt = :old AND #s = :was AND #s <> :sent',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: {
            ':new': claimedAt,
            ':old': rec.claimedAt,
            ':was': rec.state,
            ':claimed': 'claimed',
            ':sent': 'sent',
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async markSent(period: PeriodKey, unitId: string, kind: string, step: string, messageId: string): Promise<void> {
    await this.update(period, unitId, kind, step, { state: 'sent', messageId });
  }

  async markFailed(period: PeriodKey, unitId: string, kind: string, step: string, error: string): Promise<void> {
    await this.update(period, unitId, kind, step, { state: 'failed', error: error.slice(0, 1000) });
  }

  async list(period: PeriodKey, unitId: string): Promise<NoticeRecord[]> {
    const items = await this.partition(`NOTICE#${period}#${unitId}`);
    return items.map((i) => strip<NoticeRecord>(i));
  }

  private async update(period: PeriodKey, unitId: string, kind: string, step: string, values: Record<string, string>): Promise<void> {
    const names = Object.keys(values);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.notice(period, unitId, kind, step),
        UpdateExpression: `SET ${names.map((n, i) => `#n${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])),
      }),
    );
  }
}

export class DynamoSummaryStore extends TableAdapter implements SummaryStore {
  async latest(period: PeriodKey): Promise<SummaryRecord | null> {
    // Version sort keys are zero-padded (keys.summary), so the last item of the partition is the highest.
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': keys.summaryPartition(period), ':sk': 'V#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = page.Items?.[0] as Item | undefined;
    return item ? strip<SummaryRecord>(item) : null;
  }

  async put(record: SummaryRecord): Promise<boolean> {
    return this.putNew({ ...keys.summary(record.period, record.version), type: 'summary', ...record });
  }

  async update(
    period: PeriodKey,
    version: number,
    fields: Partial<Pick<SummaryRecord, 'sentAt' | 'messageId' | 'publishedAt'>>,
  ): Promise<void> {
    const names = Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined);
    if (names.length === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.summary(period, version),
        UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n as keyof typeof fields]])),
      }),
    );
  }
}

/** All table adapters over one client and table. */
export function tableAdapters(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    regimes: new DynamoRegimeStore(doc, tableName),
    reports: new DynamoReportStore(doc, tableName),
    statuses: new DynamoStatusStore(doc, tableName),
    tokens: new DynamoTokenStore(doc, tableName),
    audit: new DynamoAuditLog(doc, tableName),
    notices: new DynamoNoticeLedger(doc, tableName),
    summaries: new DynamoSummaryStore(doc, tableName),
  };
}
