import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../definitions/table.js';
import type { Regime } from '../domain/regime.js';

/**
 * The regimes run beside the main one, at REGIME/R#{id} (the item shape the deploy's seed writes);
 * one seeded before and no longer given is removed (its data stays). The local stack seeds with it
 * (the deploy's RegimeSeed writes the same items). Not in the table adapter: no function writes
 * regimes, so none bundles this.
 */
export async function seedOtherRegimes(doc: DynamoDBDocumentClient, tableName: string, others: readonly Regime[]): Promise<void> {
  const keep = new Set(others.map((r) => keys.regime(r.id).SK));
  for (const { scoped: _, ...regime } of others)
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.regime(regime.id), type: 'regime', regime } }));
  const stored = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)',
      ExpressionAttributeValues: { ':pk': keys.regime().PK, ':r': keys.regime('').SK },
    }),
  );
  for (const item of stored.Items ?? [])
    if (!keep.has(String(item.SK)))
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { PK: String(item.PK), SK: String(item.SK) } }));
}
