import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../shared/definitions/table.js';
import type { Context } from 'aws-lambda';
import { DynamoRegimeStore } from '../shared/adapters/dynamodb.adapter.js';
import { MAX_POST_PRE_DATA_BYTES } from './post-policy-verifier.js';
import { systemClock } from '../shared/clock.js';
import { BUS_NAME, FUNCTION_NAMES, type FunctionName } from '../shared/definitions/events.js';
import { schedules } from '../shared/definitions/schedules.js';
import { SITE_DIR, standardBoardOidc } from '../shared/definitions/site.js';
import { ENV } from '../shared/definitions/env-keys.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { parseRegime, type Regime } from '../shared/domain/regime.js';
import { regimeSet } from '../shared/domain/regimes.js';
import { UPLOAD_KINDS } from '../shared/domain/file-type.js';
import { dynamoBackendFromEnv, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators, type DynamoBackend, type Emulators } from './emulators.js';
import { LocalEventBus, type RetryPolicy } from './event-bus.js';
import { startHttpServer, type HttpHandler, type LocalHttpServer } from './http-server.js';
import { jwtAuthorizer, type AuthorizerClaims } from './jwt-authorizer.js';
import { LOCAL_NAMES, type LocalEndpoints } from './names.js';
import { startS3PostFront } from './s3-post-front.js';
import { objectCreatedEvent } from './s3-events.js';
import { Scheduler } from './scheduler.js';
import { OIDC_MOUNT, startStaffIdentity, usersForEndpoints, type LocalStaffIdentity } from './staff-identity.js';

/** The built site (`npm run build:web`), served as CloudFront serves the site bucket. */
const SITE_PATH = fileURLToPath(new URL(`../${SITE_DIR}`, import.meta.url));

export const LOCAL_TABLE = LOCAL_NAMES.table;
export const LOCAL_BUCKET = LOCAL_NAMES.bucket;
export type { LocalEndpoints };

export interface LocalStackOptions {
  /** Everything persistent: emulator data, the provider's keys and users, endpoints.json, dead letters. */
  dataDir: string;
  /** App port; 0 = ephemeral. Default: $PORT or 3000. */
  port?: number;
  /** Seeded into the table at every start (default: the Kon Tum regime): the deployment's main regime. */
  regime?: Regime;
  /** Regimes run beside the main one (REGIME_FILES), seeded too; any seeded before and not given is removed. */
  otherRegimes?: readonly Regime[];
  /** No request or delivery logs (tests). */
  quiet?: boolean;
  /** The bus's retry policy for failing targets (tests and the demo shorten it). */
  retry?: Partial<RetryPolicy>;
  /**
   * 'realtime' (default): the scheduler ticks every 30 s with the (virtual) clock. 'manual': it
   * fires only when `scheduler.tick(now)` is called — tests and the demo, which move the clock.
   */
  scheduler?: 'realtime' | 'manual';
  /** Which DynamoDB (default: `DDB=local` → DynamoDB Local, else dynalite); an endpoint gets the table created if missing. */
  dynamodb?: DynamoBackend;
  /** Replaces the import of functions/<name>/handler.ts (tests with fake handlers). */
  loadFunction?: (name: FunctionName) => Promise<(event: unknown) => Promise<unknown>>;
}

export interface LocalStack {
  endpoints: LocalEndpoints;
  /** Wait for the pipeline to settle with `bus.idle()`; observe with `bus.delivered`, `bus.published`, `bus.deadLetters`. */
  bus: LocalEventBus;
  /** Fires `schedules(regime)` like EventBridge Scheduler; `tick(now)` drives it by hand. */
  scheduler: Scheduler;
  /** The local OpenID provider (Cognito's stand-in): its seeded users, tokens for them, their roles. */
  identity: LocalStaffIdentity;
  stop(): Promise<void>;
}

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Handler modules read their config at import; a later stack in the same process needs fresh instances. */
let generation = 0;

/**
 * Starts the local stack: emulators, the local bus and the API Gateway stand-in, with the same
 * handlers Lambda runs, configured only through the environment as on AWS.
 * 1. Emulators (data under dataDir), table and bucket created if missing.
 * 2. Bus endpoint and HTTP server (their URLs go into the handlers' configuration).
 * 3. process.env set before any handler is imported (handlers parse it at module scope).
 * 4. The regime seeded; S3 object events forwarded to the default bus; endpoints.json written.
 */
/**
 * The regimes run beside the main one, at REGIME/R#{id} (the item shape the deploy's seed writes);
 * one seeded before and no longer given is removed (its data stays). Here, not in the table
 * adapter: no function writes regimes, so none bundles this.
 */
async function seedOtherRegimes(doc: DynamoDBDocumentClient, others: readonly Regime[]): Promise<void> {
  const keep = new Set(others.map((r) => keys.regime(r.id).SK));
  for (const { scoped: _, ...regime } of others)
    await doc.send(new PutCommand({ TableName: LOCAL_TABLE, Item: { ...keys.regime(regime.id), type: 'regime', regime } }));
  const stored = await doc.send(
    new QueryCommand({
      TableName: LOCAL_TABLE,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)',
      ExpressionAttributeValues: { ':pk': keys.regime().PK, ':r': keys.regime('').SK },
    }),
  );
  for (const item of stored.Items ?? [])
    if (!keep.has(String(item.SK)))
      await doc.send(new DeleteCommand({ TableName: LOCAL_TABLE, Key: { PK: String(item.PK), SK: String(item.SK) } }));
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  await mkdir(opts.dataDir, { recursive: true });
  // Before the first SDK client is built: the emulators' setup uses the SDK too.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const log = opts.quiet ? () => {} : (line: string) => console.log(line);
  const regime = opts.regime ?? DEFAULT_REGIME;
  const loadFunction = opts.loadFunction ?? functionLoader(++generation);

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((e: unknown) => console.error('[local] stop failed:', e));
  };
  try {
    const emulators: Emulators = await startEmulators({
      dataDir: opts.dataDir,
      tableName: LOCAL_TABLE,
      bucketName: LOCAL_BUCKET,
      dynamodb: opts.dynamodb ?? dynamoBackendFromEnv(process.env),
    });
    stops.push(() => emulators.stop());

    const bus = new LocalEventBus({
      bucketName: LOCAL_BUCKET,
      loadTarget: (name) => loadFunction(name),
      dataDir: opts.dataDir,
      region: LOCAL_REGION,
      retry: opts.retry,
      log,
    });
    // Every S3 call goes through the front: browsers and presigned URLs (it enforces POST policies
    // as S3 does; s3rver ignores them) and the handlers too, since it also emulates the bucket's
    // versioning and reports each new object version to the bus, as S3 does on AWS (the event is
    // stamped with the virtual clock). Its policy expiry check uses real time, as the SDK signs with real time.
    const s3Front = await startS3PostFront({
      target: emulators.s3,
      accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
      secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
      region: LOCAL_REGION,
      maxBodyBytes: Math.max(...Object.values(UPLOAD_KINDS).map((k) => k.maxSize)) + MAX_POST_PRE_DATA_BYTES + 64 * 1024,
      onObjectCreated: (created) => bus.deliver(objectCreatedEvent(created, { now: systemClock.now(), region: LOCAL_REGION }), 'default'),
    });
    stops.push(() => s3Front.stop());

    const eventsEndpoint = await bus.listen();
    stops.push(() => bus.close());

    // The provider's issuer is under the app's URL, known once the server listens: both late-bound.
    let identity: LocalStaffIdentity | undefined;
    let authorize: ((authorization: string | undefined) => Promise<AuthorizerClaims>) | undefined;
    const http: LocalHttpServer = await startHttpServer({
      loadHandler: (name) => loadFunction(name) as Promise<HttpHandler>,
      port: opts.port ?? Number(process.env.PORT ?? 3000),
      log,
      site: {
        dir: SITE_PATH,
        uploadOrigin: new URL(s3Front.url).origin,
        boardOidc: () => identity && standardBoardOidc(identity.issuer, identity.clientId),
      },
      authorizer: (authorization) => (authorize ? authorize(authorization) : Promise.reject(new Error('starting'))),
      mounts: [{ prefix: OIDC_MOUNT, handle: (req, res) => (identity ? identity.handle(req, res) : void res.writeHead(503).end()) }],
    });
    stops.push(() => http.close());
    // localhost, not 127.0.0.1: the URL people open and the origin the form runs under (DESIGN.md section 3).
    const app = http.url.replace('127.0.0.1', 'localhost');
    identity = await startStaffIdentity({ dataDir: opts.dataDir, app });
    // API Gateway's authorizer on AWS: the user pool's issuer, the board's client id as audience.
    authorize = jwtAuthorizer({ issuer: identity.issuer, audience: identity.audience, jwks: identity.jwksUri });
    // A fresh token for the seeded admin at every start (12 h): what `/board#admin=` and the CLI use.
    const adminUser = identity.users.find((u) => u.roles.includes('admin'))!;
    const adminToken = await identity.issueAccessToken(adminUser.username);

    Object.assign(
      process.env,
      localEnvironment({
        app,
        regime,
        dynamodb: emulators.dynamodb,
        s3: s3Front.url,
        s3Public: s3Front.url,
        ses: emulators.ses,
        events: eventsEndpoint,
      }),
    );

    // Overwrites on purpose: a changed regime (or a new default) takes effect at the next start.
    // Validated in full here: the functions trust the stored item (storedRegime checks its shape only).
    const ddb = new DynamoDBClient({ endpoint: emulators.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      const doc = DynamoDBDocumentClient.from(ddb);
      // regimeSet refuses two regimes with one id, or a unit id naming two different units.
      const set = regimeSet(
        parseRegime(regime),
        (opts.otherRegimes ?? []).map((r) => parseRegime(r)),
      );
      await new DynamoRegimeStore(doc, LOCAL_TABLE).put(set.main);
      await seedOtherRegimes(doc, set.all.slice(1));
    } finally {
      ddb.destroy();
    }

    // `events` is beyond the contract's keys: it lets the CLI run a handler against this stack's bus.
    // `s3` is the front, not s3rver itself: the same versioned bucket the handlers and browsers see.
    const endpoints: LocalEndpoints = {
      app,
      s3: s3Front.url,
      dynamodb: emulators.dynamodb,
      ses: emulators.ses,
      mailbox: emulators.mailbox,
      adminToken,
      oidc: { issuer: identity.issuer, clientId: identity.clientId },
      users: usersForEndpoints(identity),
      events: eventsEndpoint,
    };
    await writeFile(join(opts.dataDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2) + '\n', { mode: 0o600 });

    // The schedules CDK deploys; one whose function is not written yet is left out, as in CDK.
    const known = new Set<string>(FUNCTION_NAMES);
    const scheduler = new Scheduler({
      schedules: schedules(regime).filter((d) => known.has(d.target)),
      invoke: async (target, input) => (await loadFunction(target))(input),
      log,
    });
    if ((opts.scheduler ?? 'realtime') === 'realtime') scheduler.start();
    stops.push(() => scheduler.stop());
    return { endpoints, bus, scheduler, identity, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The environment the local stack gives its handlers: the same variables CDK sets on AWS, plus the
 * endpoint overrides and emulator credentials. A CLI process that runs a handler itself uses it too.
 */
export function localEnvironment(e: {
  app: string;
  regime: Regime;
  dynamodb: string;
  s3: string;
  /** The S3 endpoint browsers and presigned URLs use (the policy-checking front); default `s3`. */
  s3Public?: string;
  ses: string;
  events: string;
}): Record<string, string> {
  return {
    [ENV.tableName]: LOCAL_NAMES.table,
    [ENV.bucketName]: LOCAL_NAMES.bucket,
    [ENV.busName]: BUS_NAME,
    [ENV.senderAddress]: LOCAL_NAMES.sender,
    [ENV.replyToAddress]: e.regime.receivingBody.email,
    [ENV.sesConfigurationSet]: LOCAL_NAMES.sesConfigurationSet,
    [ENV.appUrl]: e.app,
    [ENV.dynamodbEndpoint]: e.dynamodb,
    [ENV.s3Endpoint]: e.s3,
    [ENV.s3PublicEndpoint]: e.s3Public ?? e.s3,
    [ENV.sesEndpoint]: e.ses,
    [ENV.eventsEndpoint]: e.events,
    [ENV.region]: LOCAL_NAMES.region,
    AWS_ACCESS_KEY_ID: LOCAL_NAMES.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_NAMES.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // CloudWatch EMF lines mean nothing without CloudWatch; the metric calls still run.
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/** The loader a stack uses by default, for a test that wraps some handlers (e.g. makes one fail) and keeps the rest real. */
export function realFunctionLoader(): (name: FunctionName) => Promise<(event: unknown) => Promise<unknown>> {
  return functionLoader(++generation);
}

/** Imports functions/<name>/handler.ts once per stack and calls its `handler` as Lambda would. */
function functionLoader(gen: number): (name: FunctionName) => Promise<(event: unknown) => Promise<unknown>> {
  const cache = new Map<FunctionName, Promise<(event: unknown) => Promise<unknown>>>();
  return (name) => {
    let loaded = cache.get(name);
    if (!loaded) {
      // The first stack of a process imports the plain module; later ones a fresh instance, which
      // reads the environment (new ports) again. tsx and vitest resolve .js to the .ts source; the
      // specifier is a variable so vite does not try to glob a template literal at build time.
      const specifier = `../functions/${name}/handler.js${gen > 1 ? `?stack=${gen}` : ''}`;
      loaded = import(/* @vite-ignore */ specifier).then((m: { handler?: unknown }) => {
        if (typeof m.handler !== 'function') throw new Error(`functions/${name}/handler has no exported handler`);
        const handler = m.handler as LambdaHandler;
        return (event: unknown) => handler(event, lambdaContext(name));
      });
      // A failed import is retried on the next call instead of being cached.
      loaded.catch(() => cache.delete(name));
      cache.set(name, loaded);
    }
    return loaded;
  };
}

/** Enough of a Lambda context for Powertools and logging. */
function lambdaContext(name: FunctionName): Context {
  const functionName = `baocao-${name}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
