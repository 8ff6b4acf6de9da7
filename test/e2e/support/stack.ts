import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableAdapters } from '../../../shared/adapters/dynamodb.adapter.js';
import { systemClock } from '../../../shared/clock.js';
import { DEFAULT_REGIME } from '../../../shared/domain/default-regime.js';
import type { Regime } from '../../../shared/domain/regime.js';
import { regimeSet, type Regimes } from '../../../shared/domain/regimes.js';
import { issueToken, sha256Hex } from '../../../shared/use-cases/tokens.js';
import { LOCAL_NAMES } from '../../../local/names.js';
import { startLocalStack, type LocalStack } from '../../../local/stack.js';

/**
 * A fresh local stack for one e2e test file: temp data dir, ephemeral port, quiet, and the table
 * adapters and an S3 client pointed at its emulators (as local/cli.ts builds them), to issue
 * tokens and to check what was really stored.
 */
export interface TestStack {
  stack: LocalStack;
  app: string;
  regime: Regime;
  /** The main regime and any others the stack runs beside it (`otherRegimes`). */
  regimes: Regimes;
  tables: ReturnType<typeof tableAdapters>;
  s3: S3Client;
  /** A unit link token, valid (default), expired or revoked. */
  token(unitId: string, state?: 'valid' | 'expired' | 'revoked'): Promise<string>;
  /** Object keys stored under a prefix, read from s3rver itself. */
  objectKeys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startTestStack(opts: { regime?: Regime; otherRegimes?: readonly Regime[] } = {}): Promise<TestStack> {
  const regime = opts.regime ?? DEFAULT_REGIME;
  const regimes = regimeSet(regime, opts.otherRegimes ?? []);
  const dataDir = await mkdtemp(join(tmpdir(), 'baocao-e2e-'));
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    regime,
    otherRegimes: opts.otherRegimes ?? [],
    quiet: process.env.E2E_VERBOSE !== '1',
    retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
  });
  const credentials = { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey };
  const ddb = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: LOCAL_NAMES.region, credentials });
  const tables = tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_NAMES.table);
  const s3 = new S3Client({ endpoint: stack.endpoints.s3, region: LOCAL_NAMES.region, credentials, forcePathStyle: true });

  return {
    stack,
    app: stack.endpoints.app,
    regime,
    regimes,
    tables,
    s3,
    async token(unitId, state = 'valid') {
      const now = systemClock.now();
      if (state === 'expired') {
        // issueToken refuses a past expiry, as it should; an expired link is one whose day has passed.
        const token = `expired-${unitId}-${Math.random().toString(36).slice(2)}xxxxxxxx`;
        const day = 86_400_000;
        await tables.tokens.put({
          tokenHash: sha256Hex(token),
          unitId,
          createdAt: new Date(now.getTime() - 200 * day).toISOString(),
          expiresAt: new Date(now.getTime() - day).toISOString(),
        });
        return token;
      }
      const issued = await issueToken({ tokens: tables.tokens, clock: systemClock, regimes }, { unitId });
      if (state === 'revoked') await tables.tokens.revoke(sha256Hex(issued.token), now.toISOString());
      return issued.token;
    },
    async objectKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_NAMES.bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(r.Contents ?? []).map((o) => o.Key ?? ''));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async stop() {
      s3.destroy();
      ddb.destroy();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
