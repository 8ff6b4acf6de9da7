import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  BillingMode,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { TABLE_DEFINITION } from '../shared/definitions/table.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { closeServer } from './http-server.js';
import { LOCAL_NAMES } from './names.js';

/** s3rver only accepts this access key id; dynalite and the SES emulator accept anything. */
export const LOCAL_CREDENTIALS = { accessKeyId: LOCAL_NAMES.accessKeyId, secretAccessKey: LOCAL_NAMES.secretAccessKey } as const;
export const LOCAL_REGION = LOCAL_NAMES.region;
const HOST = '127.0.0.1';

export interface EmulatorOptions {
  /** Data is kept under `${dataDir}/dynamodb` and `${dataDir}/s3` across restarts. */
  dataDir: string;
  tableName: string;
  bucketName: string;
  /**
   * Which DynamoDB: 'dynalite' (default, in-process), 'local' (the official DynamoDB Local, one JVM
   * per stack, data under `${dataDir}/dynamodb-local`) or an endpoint already running (nothing started).
   */
  dynamodb?: DynamoBackend;
}

export type DynamoBackend = 'dynalite' | 'local' | { endpoint: string };

/** `DDB=local` picks DynamoDB Local; `DYNAMODB_ENDPOINT` (read only by entry points such as local/start.ts) an external one. */
export function dynamoBackendFromEnv(env: NodeJS.ProcessEnv): DynamoBackend {
  if (env.DDB === 'local') return 'local';
  if (env.DDB && env.DDB !== 'dynalite') throw new Error(`DDB must be "local" or "dynalite", not "${env.DDB}"`);
  return 'dynalite';
}

export interface Emulators {
  dynamodb: string;
  s3: string;
  ses: string;
  /** The SES emulator's web inbox. */
  mailbox: string;
  /** s3rver itself, for its 'event' notifications. */
  s3rver: S3rver;
  stop(): Promise<void>;
}

/** Starts dynalite (or DynamoDB Local), s3rver and aws-ses-v2-local on loopback ephemeral ports; creates the table and bucket if missing. */
export async function startEmulators(opts: EmulatorOptions): Promise<Emulators> {
  const dynamoDir = join(opts.dataDir, 'dynamodb');
  const s3Dir = join(opts.dataDir, 's3');
  await mkdir(dynamoDir, { recursive: true });
  await mkdir(s3Dir, { recursive: true });

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    // Reverse order; keep going past a failure so one stuck emulator does not leak the others.
    for (const s of stops.reverse()) await s().catch((e: unknown) => console.error('[local] emulator stop failed:', e));
  };
  try {
    const backend = opts.dynamodb ?? 'dynalite';
    let dynamodb: string;
    if (backend === 'dynalite') {
      const dynamoServer = dynalite({ path: dynamoDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      dynamodb = await listen(dynamoServer);
      stops.push(() => closeServer(dynamoServer));
    } else if (backend === 'local') {
      const jvm = await startDynamoDbLocal({ dbPath: join(opts.dataDir, 'dynamodb-local') });
      dynamodb = jvm.endpoint;
      stops.push(() => jvm.stop());
    } else {
      dynamodb = backend.endpoint;
    }

    const s3rver = new S3rver({ address: HOST, port: 0, directory: s3Dir, silent: true });
    const s3Address = await s3rver.run();
    const s3 = `http://${HOST}:${s3Address.port}`;
    stops.push(async () => {
      s3rver.httpServer?.closeAllConnections();
      await s3rver.close();
    });

    const sesServer = await startSes();
    const ses = `http://${HOST}:${(sesServer.address() as AddressInfo).port}`;
    stops.push(() => closeServer(sesServer));

    await ensureTable(dynamodb, opts.tableName);
    await ensureBucket(s3, opts.bucketName);
    return { dynamodb, s3, ses, mailbox: `${ses}/`, s3rver, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Same keys and index as CDK builds from TABLE_DEFINITION, on whichever DynamoDB. dynalite has no UpdateTimeToLive, so TTL is AWS-only. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  const t = TABLE_DEFINITION;
  const attributeNames = [t.partitionKey, t.sortKey, ...t.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions: [...new Set(attributeNames)].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: t.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (err) {
    // Another start raced us to it: the table exists, which is all we wanted.
    if (!(err instanceof ResourceInUseException)) throw err;
  } finally {
    client.destroy();
  }
}

/** Browsers POST straight to the bucket (presigned POST), so it needs CORS; ETag is exposed for the page to read. */
export const BUCKET_CORS = {
  CORSRules: [
    {
      AllowedOrigins: ['*'],
      AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3000,
    },
  ],
};

export async function ensureBucket(endpoint: string, bucketName: string): Promise<void> {
  const client = new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  try {
    const exists = await client.send(new HeadBucketCommand({ Bucket: bucketName })).then(
      () => true,
      (err: { $metadata?: { httpStatusCode?: number } }) => {
        if (err.$metadata?.httpStatusCode === 404) return false;
        throw err;
      },
    );
    if (!exists) await client.send(new CreateBucketCommand({ Bucket: bucketName }));
    // Always (re)applied: cheap, and a bucket from an older data dir gets the current rule.
    await client.send(new PutBucketCorsCommand({ Bucket: bucketName, CORSConfiguration: BUCKET_CORS }));
  } finally {
    client.destroy();
  }
}

async function startSes(): Promise<Server> {
  // CommonJS with `exports.default`: Node's ESM gives the exports object, vitest may give the function.
  const m = (await import('aws-ses-v2-local')) as unknown as { default: SesStart | { default: SesStart } };
  const start: SesStart = typeof m.default === 'function' ? m.default : m.default.default;
  return start({ host: HOST, port: 0 });
}
type SesStart = (config: { host: string; port: number }) => Promise<Server>;

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve(`http://${HOST}:${(server.address() as AddressInfo).port}`);
    });
  });
}
