import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { LOCAL_TABLE, startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import { tableAdapters } from '../../shared/adapters/dynamodb.adapter.js';
import { resetClock, setVirtualNow } from '../../shared/clock.js';

/** A local stack for one integration test file: its own data folder, the clock pinned, S3 and table clients on its endpoints. */
export interface TestStack {
  dir: string;
  stack: LocalStack;
  s3: S3Client;
  ddb: DynamoDBClient;
  /** The product's own table adapters, to read what the functions wrote. */
  tables: ReturnType<typeof tableAdapters>;
}

/** Pins the clock at `now`, then starts the stack quietly on a free port in a fresh `baocao-{name}-` folder. */
export async function startTestStack(
  name: string,
  now: Date,
  options: Omit<LocalStackOptions, 'dataDir' | 'port'> = {},
): Promise<TestStack> {
  const dir = await mkdtemp(join(tmpdir(), `baocao-${name}-`));
  setVirtualNow(now);
  try {
    const stack = await startLocalStack({ dataDir: dir, port: 0, quiet: true, ...options });
    const s3 = new S3Client({ endpoint: stack.endpoints.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    const ddb = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const tables = tableAdapters(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_TABLE);
    return { dir, stack, s3, ddb, tables };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Stops what startTestStack started (whatever part of it did start), unpins the clock and removes the folder. */
export async function stopTestStack(t: TestStack | undefined): Promise<void> {
  t?.s3.destroy();
  t?.ddb.destroy();
  await t?.stack.stop();
  resetClock();
  if (t) await rm(t.dir, { recursive: true, force: true });
}
