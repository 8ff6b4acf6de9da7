import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetBucketCorsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { BUS_NAME, DETAIL_TYPES, EVENT_SOURCE, type FunctionName } from '../../shared/definitions/events.js';
import { HTTP_ROUTES } from '../../shared/definitions/http-routes.js';
import { SITE_CACHE_CONTROL, siteHeaders } from '../../shared/definitions/site.js';
import { keys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators, type Emulators } from '../../local/emulators.js';
import { LocalEventBus, type BusEnvelope, type EventTarget } from '../../local/event-bus.js';
import { MAX_BODY_BYTES, startHttpServer, type HttpHandler, type LocalHttpServer } from '../../local/http-server.js';
import { forwardS3Events, toObjectCreatedEvents, type S3Notification } from '../../local/s3-events.js';
import { LOCAL_BUCKET, LOCAL_TABLE, startLocalStack } from '../../local/stack.js';

/** Fails the test instead of hanging it when the pipeline never settles. */
function within<T>(ms: number, p: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Records the events each fake target receives; a target may fail a given number of times first. */
function fakeTargets(failures: Partial<Record<FunctionName, number>> = {}) {
  const received: { target: FunctionName; event: BusEnvelope }[] = [];
  const calls: Partial<Record<FunctionName, number>> = {};
  const extra: Partial<Record<FunctionName, (e: BusEnvelope) => Promise<void>>> = {};
  const load =
    async (name: FunctionName): Promise<EventTarget> =>
    async (event) => {
      calls[name] = (calls[name] ?? 0) + 1;
      if ((failures[name] ?? 0) >= calls[name]) throw new Error(`${name} fake failure ${calls[name]}`);
      received.push({ target: name, event });
      await extra[name]?.(event);
    };
  return { received, calls, extra, load };
}

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baocao-local-infra-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

const s3Client = (endpoint: string) =>
  new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });

describe('emulators', () => {
  const table = `t-${randomUUID().slice(0, 8)}`;
  const bucket = `b-${randomUUID().slice(0, 8)}`;

  it('create the table and the bucket, and a second start on the same data dir keeps the data', async () => {
    // prepare
    const dataDir = await tempDir();
    const first = await startEmulators({ dataDir, tableName: table, bucketName: bucket });
    let second: Emulators | undefined;
    try {
      const ddb = new DynamoDBClient({ endpoint: first.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const described = await ddb.send(new DescribeTableCommand({ TableName: table }));
      const cors = await s3Client(first.s3).send(new GetBucketCorsCommand({ Bucket: bucket }));
      await DynamoDBDocumentClient.from(ddb).send(new PutCommand({ TableName: table, Item: { PK: 'P#1', SK: 'S#1', value: 'kept' } }));
      ddb.destroy();
      await first.stop();

      // act
      second = await startEmulators({ dataDir, tableName: table, bucketName: bucket });
      const ddb2 = new DynamoDBClient({ endpoint: second.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const read = await DynamoDBDocumentClient.from(ddb2).send(new GetCommand({ TableName: table, Key: { PK: 'P#1', SK: 'S#1' } }));
      ddb2.destroy();

      // assess
      expect(described.Table?.KeySchema).toEqual([
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ]);
      expect(described.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(described.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema?.map((k) => k.AttributeName)])).toEqual([
        ['GSI1', ['GSI1PK', 'GSI1SK']],
      ]);
      expect(cors.CORSRules?.[0]).toMatchObject({
        AllowedOrigins: ['*'],
        AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
        ExposeHeaders: ['ETag'],
      });
      expect(read.Item).toEqual({ PK: 'P#1', SK: 'S#1', value: 'kept' });
      expect(second.mailbox).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(second.mailbox)).status).toBe(200);
    } finally {
      await second?.stop();
    }
  });
});

describe('local event bus', () => {
  let bus: LocalEventBus;
  let dataDir: string;
  let client: EventBridgeClient;
  const putReportAccepted = (detail: Record<string, unknown>) =>
    client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS_NAME, Source: EVENT_SOURCE, DetailType: DETAIL_TYPES.reportAccepted, Detail: JSON.stringify(detail) },
        ],
      }),
    );
  const start = async (targets: ReturnType<typeof fakeTargets>) => {
    dataDir = await tempDir();
    bus = new LocalEventBus({
      bucketName: 'bucket',
      loadTarget: targets.load,
      dataDir,
      region: LOCAL_REGION,
      retry: { attempts: 3, baseDelayMs: 5 },
      log: () => {},
    });
    const endpoint = await bus.listen();
    client = new EventBridgeClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  };
  afterEach(async () => {
    client.destroy();
    await bus.close();
  });

  it('accepts PutEvents from the real SDK client and delivers the EventBridge envelope to the routed target', async () => {
    // prepare
    const targets = fakeTargets();
    await start(targets);

    // act
    const out = await putReportAccepted({ unitId: 'dak-ha', period: 2026 });
    await within(5_000, bus.idle(), 'bus.idle()');

    // assess
    expect(out.FailedEntryCount).toBe(0);
    const eventId = out.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(targets.received).toEqual([
      {
        target: 'compliance',
        event: {
          version: '0',
          id: eventId,
          'detail-type': 'Report Accepted',
          source: EVENT_SOURCE,
          account: '000000000000',
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          region: LOCAL_REGION,
          resources: [],
          detail: { unitId: 'dak-ha', period: 2026 },
        },
      },
    ]);
    expect(bus.delivered).toMatchObject([{ bus: 'baocao', routeId: 'ReportOutcomeToCompliance', target: 'compliance', attempts: 1 }]);
  });

  it('reports a bad entry as failed and an event for an unknown bus as not found', async () => {
    const targets = fakeTargets();
    await start(targets);

    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'nope', Source: EVENT_SOURCE, DetailType: DETAIL_TYPES.reportAccepted, Detail: '{}' },
          { EventBusName: BUS_NAME, Source: EVENT_SOURCE, DetailType: DETAIL_TYPES.reportAccepted, Detail: '[1]' },
        ],
      }),
    );
    await bus.idle();

    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((e) => e.ErrorCode)).toEqual(['ResourceNotFoundException', 'MalformedDetail']);
    expect(targets.received).toEqual([]);
  });

  it('idle() waits for the events that targets themselves publish', async () => {
    // prepare: compliance announces a status change, which routes to receipt
    const targets = fakeTargets();
    targets.extra.compliance = async () => {
      await client.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: BUS_NAME, Source: EVENT_SOURCE, DetailType: DETAIL_TYPES.unitStatusChanged, Detail: '{"status":"ON_TIME"}' },
          ],
        }),
      );
    };
    await start(targets);

    // act
    await putReportAccepted({ unitId: 'dak-to' });
    await within(5_000, bus.idle(), 'bus.idle()');

    // assess
    expect(targets.received.map((r) => r.target)).toEqual(['compliance', 'receipt']);
  });

  it('retries a failing target with backoff until it succeeds', async () => {
    const targets = fakeTargets({ compliance: 2 });
    await start(targets);

    await putReportAccepted({ unitId: 'kon-ray' });
    await within(5_000, bus.idle(), 'bus.idle()');

    expect(targets.calls.compliance).toBe(3);
    expect(bus.delivered).toMatchObject([{ target: 'compliance', attempts: 3 }]);
    expect(bus.deadLetters).toEqual([]);
  });

  it('dead-letters a target that keeps failing, in memory and in dead-letters.jsonl', async () => {
    const targets = fakeTargets({ compliance: 99 });
    await start(targets);

    const out = await putReportAccepted({ unitId: 'sa-thay' });
    await within(5_000, bus.idle(), 'bus.idle()');

    expect(targets.calls.compliance).toBe(3);
    expect(bus.delivered).toEqual([]);
    expect(bus.deadLetters).toMatchObject([
      { target: 'compliance', attempts: 3, error: 'compliance fake failure 3', event: { id: out.Entries?.[0]?.EventId } },
    ]);
    const lines = (await readFile(join(dataDir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as { target: string; event: { detail: unknown } })).toMatchObject([
      { target: 'compliance', event: { detail: { unitId: 'sa-thay' } } },
    ]);
  });
});

describe('S3 events', () => {
  it('translate an s3rver notification into the EventBridge "Object Created" event', () => {
    const notification: S3Notification = {
      Records: [
        {
          eventName: 'ObjectCreated:Post',
          eventTime: '2026-12-01T00:00:00.000Z',
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': 'ABC123' },
          s3: {
            bucket: { name: 'baocao-reports' },
            object: {
              key: 'incoming/2026/dak-ha/0123456789ab.json',
              size: 42,
              eTag: '"d41d8cd98f00b204e9800998ecf8427e"',
              sequencer: '18F00',
            },
          },
        },
        { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'baocao-reports' }, object: { key: 'x' } } },
      ],
    };

    const events = toObjectCreatedEvents(notification, { now: new Date('2026-12-18T01:02:03.456Z'), region: 'ap-southeast-1' });

    expect(events).toEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: '000000000000',
        time: '2026-12-18T01:02:03Z',
        region: 'ap-southeast-1',
        resources: ['arn:aws:s3:::baocao-reports'],
        detail: {
          version: '0',
          bucket: { name: 'baocao-reports' },
          object: { key: 'incoming/2026/dak-ha/0123456789ab.json', size: 42, etag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '18F00' },
          'request-id': 'ABC123',
          requester: '000000000000',
          'source-ip-address': '127.0.0.1',
          reason: 'PostObject',
        },
      },
    ]);
  });

  describe('from a real s3rver', () => {
    const bucket = `b-${randomUUID().slice(0, 8)}`;
    let emulators: Emulators;
    let bus: LocalEventBus;
    let s3: S3Client;
    let targets: ReturnType<typeof fakeTargets>;
    let unforward: () => void;

    beforeAll(async () => {
      emulators = await startEmulators({ dataDir: await tempDir(), tableName: 'unused', bucketName: bucket });
      targets = fakeTargets();
      bus = new LocalEventBus({ bucketName: bucket, loadTarget: targets.load, region: LOCAL_REGION, log: () => {} });
      unforward = forwardS3Events(emulators.s3rver, bus, { region: LOCAL_REGION });
      s3 = s3Client(emulators.s3);
    });
    afterAll(async () => {
      unforward();
      s3.destroy();
      await bus.close();
      await emulators.stop();
      resetClock();
    });
    afterEach(() => {
      targets.received.length = 0;
    });

    it('a PutObject under incoming/ reaches the ingest target on the default bus, stamped with the virtual clock', async () => {
      setVirtualNow(new Date('2026-12-18T01:00:00Z'));
      const key = 'incoming/2026/dak-ha/put0123456789.json';

      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"a":1}', ContentType: 'application/json' }));
      await within(5_000, bus.idle(), 'bus.idle()');
      resetClock();

      expect(targets.received).toHaveLength(1);
      const event = targets.received[0]!.event;
      expect(event).toMatchObject({ source: 'aws.s3', 'detail-type': 'Object Created', resources: [`arn:aws:s3:::${bucket}`] });
      expect(event.time.startsWith('2026-12-18T01:00:0')).toBe(true);
      expect(event.detail).toMatchObject({
        bucket: { name: bucket },
        object: { key, size: 7, etag: createHash('md5').update('{"a":1}').digest('hex') },
        reason: 'PutObject',
      });
      expect(targets.received[0]!.target).toBe('ingest');
    });

    it('a browser-style presigned POST produces a PostObject event; objects outside incoming/ are not routed', async () => {
      const key = 'incoming/2026/kon-ray/post0123456789.json';
      const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Fields: { 'Content-Type': 'application/json' }, Expires: 60 });
      const form = new FormData();
      for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
      form.append('file', new Blob(['{"b":22}'], { type: 'application/json' }), 'report.json');

      const res = await fetch(post.url, { method: 'POST', body: form });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'summaries/2026/v1/x.txt', Body: 'x' }));
      await within(5_000, bus.idle(), 'bus.idle()');

      expect(res.status).toBe(204);
      expect(
        targets.received.map((r) => [r.target, (r.event.detail as { object: { key: string } }).object.key, r.event.detail.reason]),
      ).toEqual([['ingest', key, 'PostObject']]);
      expect(bus.published.some((p) => (p.event.detail as { object: { key: string } }).object.key === 'summaries/2026/v1/x.txt')).toBe(
        true,
      );
    });
  });
});

describe('HTTP server (API Gateway HTTP API, payload 2.0)', () => {
  let server: LocalHttpServer;
  const seen: APIGatewayProxyEventV2[] = [];
  let respond: (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2> = async () => ({ statusCode: 204 });
  const logs: string[] = [];

  beforeAll(async () => {
    server = await startHttpServer({
      loadHandler: async (name): Promise<HttpHandler> => {
        if (name === 'unit' && process.env.__FAIL_LOAD === '1') throw new Error('cannot import');
        return async (event) => {
          seen.push(event);
          return respond(event);
        };
      },
      log: (line) => logs.push(line),
      // Stands in for the JWT authorizer (tested in test/unit/staff-identity.test.ts): one accepted token.
      authorizer: async (authorization) => {
        if (authorization !== 'Bearer staff-ok') throw new Error('refused');
        return { sub: 'staff-1', 'cognito:groups': '[admin]' };
      },
    });
  });
  afterAll(() => server.close());
  afterEach(() => {
    seen.length = 0;
    respond = async () => ({ statusCode: 204 });
  });

  it('builds the v2 event: route key, raw path and query, lower-cased joined headers, cookies, text body', async () => {
    const res = await fetch(`${server.url}/uploads?period=2026&x=1&x=2&name=%C4%90%E1%BA%AFk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'a', authorization: 'Bearer secret-token', cookie: 'a=1; b=2' },
      body: '{"period":2026}',
    });

    expect(res.status).toBe(204);
    const e = seen[0]!;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /uploads',
      rawPath: '/uploads',
      rawQueryString: 'period=2026&x=1&x=2&name=%C4%90%E1%BA%AFk',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { period: '2026', x: '1,2', name: 'Đắk' },
      body: '{"period":2026}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        http: { method: 'POST', path: '/uploads', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: 'POST /uploads',
        stage: '$default',
      },
    });
    expect(e.headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'a', authorization: 'Bearer secret-token' });
    expect(e.headers.cookie).toBeUndefined();
    expect(e.pathParameters).toBeUndefined();
    expect(e.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(Math.abs(e.requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
    // Never in a log line: the token or the query.
    expect(logs.join('\n')).not.toContain('secret-token');
    expect(logs.join('\n')).not.toContain('period=2026');
  });

  it('base64-encodes a binary body and decodes a base64 result, with cookies and headers', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    respond = async () => ({
      statusCode: 201,
      headers: { 'x-out': 7 },
      cookies: ['s=1; HttpOnly', 't=2'],
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });

    const res = await fetch(`${server.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    expect(seen[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-out')).toBe('7');
    expect(res.headers.getSetCookie()).toEqual(['s=1; HttpOnly', 't=2']);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  const paramRoute = HTTP_ROUTES.find((r) => r.path.includes('{'));
  it.skipIf(!paramRoute)('passes path parameters, decoded', async () => {
    const route = paramRoute!;
    const path = route.path.replace(/\{[^}]+\}/g, 'dak%20ha');

    await fetch(`${server.url}${path}`, {
      method: route.method,
      headers: { authorization: 'Bearer staff-ok' },
      ...(route.method === 'POST' ? { body: '{}' } : {}),
    });

    expect(seen[0]?.routeKey).toBe(`${route.method} ${route.path}`);
    expect(Object.values(seen[0]?.pathParameters ?? {})).toEqual(route.path.match(/\{/g)!.map(() => 'dak ha'));
  });

  it("puts the authorizer's claims on staff routes as API Gateway does, and answers 401 without calling the function when it refuses", async () => {
    const staffRoute = HTTP_ROUTES.find((r) => r.auth === 'staff' && r.method === 'GET')!;

    const refused = await fetch(`${server.url}${staffRoute.path.replace(/\{[^}]+\}/g, 'x')}`, {
      headers: { authorization: 'Bearer forged' },
    });
    const refusedBody = await refused.json();
    const calledBefore = seen.length;
    await fetch(`${server.url}${staffRoute.path.replace(/\{[^}]+\}/g, 'x')}`, { headers: { authorization: 'Bearer staff-ok' } });

    expect([refused.status, refusedBody, calledBefore]).toEqual([401, { message: 'Unauthorized' }, 0]);
    expect((seen[0]?.requestContext as { authorizer?: unknown }).authorizer).toEqual({
      jwt: { claims: { sub: 'staff-1', 'cognito:groups': '[admin]' }, scopes: null },
    });
  });

  it('answers 404 for an unknown path and 405 with Allow for a known path with another method', async () => {
    const notFound = await fetch(`${server.url}/no/such/thing`);
    const notAllowed = await fetch(`${server.url}/uploads`, { method: 'GET' });

    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get('allow')).toBe('POST');
    expect(await notAllowed.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: expect.any(String) } });
    expect(seen).toEqual([]);
  });

  it('answers 413 for a body over 1 MB without calling the handler, and accepts exactly 1 MB', async () => {
    const tooBig = await fetch(`${server.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    const justFits = await fetch(`${server.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(MAX_BODY_BYTES),
    });

    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    expect(justFits.status).toBe(204);
    expect(seen).toHaveLength(1);
  });

  it('answers 500 INTERNAL without the error or its stack when the handler throws or cannot load', async () => {
    respond = async () => {
      throw new Error('db password is hunter2');
    };
    const threw = await fetch(`${server.url}/uploads`, { method: 'POST', body: '{}' });
    process.env.__FAIL_LOAD = '1';
    const failedLoad = await fetch(`${server.url}/me`).finally(() => delete process.env.__FAIL_LOAD);

    for (const res of [threw, failedLoad]) {
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
      expect(text).not.toMatch(/hunter2|cannot import|at .*\.ts/);
    }
  });
});

describe('startLocalStack', () => {
  it('writes endpoints.json, mints a fresh admin token at every start with the kept provider keys, seeds the regime and routes an upload to ingest', async () => {
    // prepare
    const dataDir = await tempDir();
    const targets = fakeTargets();
    const load = (name: FunctionName) => targets.load(name) as Promise<(e: unknown) => Promise<unknown>>;
    const first = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual', loadFunction: load });
    const firstToken = first.endpoints.adminToken;
    await first.stop();

    // act
    const stack = await startLocalStack({ dataDir, port: 0, quiet: true, scheduler: 'manual', loadFunction: load });
    try {
      const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as Record<string, unknown>;
      const ddb = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const regimeItem = await DynamoDBDocumentClient.from(ddb).send(new GetCommand({ TableName: LOCAL_TABLE, Key: keys.regime() }));
      ddb.destroy();
      const s3 = s3Client(stack.endpoints.s3);
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'incoming/2026/dak-ha/stack012345.json', Body: '{}' }));
      s3.destroy();
      await within(5_000, stack.bus.idle(), 'bus.idle()');

      // assess
      expect(Object.keys(endpoints).sort()).toEqual(['adminToken', 'app', 'dynamodb', 'events', 'mailbox', 'oidc', 's3', 'ses', 'users']);
      expect(endpoints).toEqual(stack.endpoints);
      expect(stack.endpoints.adminToken).not.toBe(firstToken);
      expect(firstToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(stack.identity.jwks).toEqual(first.identity.jwks);
      expect((await stat(join(dataDir, 'staff-identity.json'))).mode & 0o777).toBe(0o600);
      expect(process.env.APP_URL).toBe(stack.endpoints.app);
      expect(process.env.S3_PUBLIC_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(regimeItem.Item?.regime).toMatchObject({ id: DEFAULT_REGIME.id });
      expect(targets.received.map((r) => r.target)).toEqual(['ingest']);
      expect((await fetch(`${stack.endpoints.app}/nope`)).status).toBe(404);
    } finally {
      await stack.stop();
    }
  });
});

describe('HTTP server: the static site (what CloudFront serves from the pages bucket)', () => {
  let server: LocalHttpServer;
  let dir: string;
  const calls: string[] = [];
  const upload = 'http://localhost:4999';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baocao-site-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>form</title>');
    await writeFile(join(dir, 'board.html'), '<!doctype html><title>board</title>');
    await writeFile(join(dir, 'form.js'), 'void 0;');
    await writeFile(join(dir, '.secret.js'), 'no');
    server = await startHttpServer({
      loadHandler: async (name) => async () => {
        calls.push(name);
        return { statusCode: 200, body: name };
      },
      site: { dir, uploadOrigin: upload },
      log: () => {},
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers each page path with its file and the site headers, without calling a function', async () => {
    for (const [path, title] of [
      ['/', 'form'],
      ['/board', 'board'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`<title>${title}</title>`);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe(SITE_CACHE_CONTROL);
      for (const [name, value] of Object.entries(siteHeaders(upload))) expect(res.headers.get(name), name).toBe(value);
    }
    const js = await fetch(`${server.url}/form.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('void 0;');
    expect(calls).toEqual([]);
  });

  it('serves nothing else: no other names, no dot-files, no paths out of the directory; API routes still win', async () => {
    // board-config.json too: this server was given no sign-in settings.
    for (const path of [
      '/index',
      '/board.html/x',
      '/.secret.js',
      '/%2e%2e/package.json',
      '/../package.json',
      '/missing.js',
      '/board-config.json',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    expect((await fetch(`${server.url}/me`)).status).toBe(200);
    expect(calls).toEqual(['unit']);
  });
});
