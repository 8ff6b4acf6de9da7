import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from '../../local/http-server.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import type { FunctionName } from '../../shared/definitions/events.js';
import { TABLE_DEFINITION } from '../../shared/definitions/table.js';
import { dynamoCapacity, eventChunks, itemSize, type WireItem } from './cost-model.js';

/**
 * Counts what the local stack's functions ask of AWS, at the wire (the seam test/support/faults.ts
 * uses; no production code changes): each function is imported with its endpoint variables pointing
 * at its own proxies in front of the emulators, so the real SDK clients it builds at cold start send
 * through them. A proxy records each call's operation and what it is billed on (DynamoDB request
 * units from the item sizes, S3 request class and bytes, SES message bytes, PutEvents entries), and
 * the loader times every handler invocation. The harness's own reads go to the emulators directly
 * and are not counted.
 */
export type Service = 'dynamodb' | 's3' | 'ses' | 'events';

export interface MeteredCall {
  fn: FunctionName;
  service: Service;
  operation: string;
  ok: boolean;
  rru: number;
  wru: number;
  /** S3: body bytes put (PutObject) or read (a whole-object GetObject); SES: the request's bytes. */
  bytes: number;
  /** PutEvents: billed 64 KB chunks over its entries. */
  events: number;
}

export type Trigger = 'api' | 'schedule' | 'event';

export interface Invocation {
  fn: FunctionName;
  trigger: Trigger;
  ms: number;
  /** The first invocation of a function in this process (module imported just before). */
  cold: boolean;
}

export class Meter {
  readonly calls: MeteredCall[] = [];
  readonly invocations: Invocation[] = [];
  /** Where the lists stood at each mark (e.g. the end of each simulated day). */
  readonly marks: { calls: number; invocations: number }[] = [];
  mark(): void {
    this.marks.push({ calls: this.calls.length, invocations: this.invocations.length });
  }
}

const ENDPOINT_KEYS: Record<Service, string> = {
  dynamodb: ENV.dynamodbEndpoint,
  ses: ENV.sesEndpoint,
  events: ENV.eventsEndpoint,
  s3: ENV.s3Endpoint,
};

/** API Gateway v2 events carry requestContext; EventBridge events detail-type; the rest are schedules' inputs. */
export function triggerOf(event: unknown): Trigger {
  if (event && typeof event === 'object') {
    if ('requestContext' in event) return 'api';
    if ('detail-type' in event) return 'event';
  }
  return 'schedule';
}

let imports = 0;

/** A `loadFunction` for startLocalStack (or runDemo) that meters every function it loads; `close()` stops its proxies. */
export function meteredLoader(meter: Meter): {
  loadFunction: (name: FunctionName) => Promise<(event: unknown) => Promise<unknown>>;
  close: () => Promise<void>;
} {
  const proxies: Server[] = [];
  const cache = new Map<FunctionName, Promise<(event: unknown) => Promise<unknown>>>();
  // One at a time: the endpoint variables point at this function's proxies while its module is evaluated.
  let chain: Promise<unknown> = Promise.resolve();
  const load = (name: FunctionName) =>
    (chain = chain.then(async () => {
      const saved: Record<string, string | undefined> = {};
      for (const [service, key] of Object.entries(ENDPOINT_KEYS) as [Service, string][]) {
        const target = process.env[key];
        if (!target) continue;
        const proxy = await startMeterProxy(name, service, target, meter);
        proxies.push(proxy.server);
        saved[key] = target;
        process.env[key] = proxy.url;
      }
      try {
        const specifier = `../../functions/${name}/handler.js?meter=${++imports}`;
        const m = (await import(/* @vite-ignore */ specifier)) as { handler: (event: unknown, ctx?: unknown) => Promise<unknown> };
        let first = true;
        return async (event: unknown) => {
          const cold = first;
          first = false;
          const start = performance.now();
          try {
            return await m.handler(event, lambdaContext(name));
          } finally {
            meter.invocations.push({ fn: name, trigger: triggerOf(event), ms: performance.now() - start, cold });
          }
        };
      } finally {
        Object.assign(process.env, saved);
      }
    })) as Promise<(event: unknown) => Promise<unknown>>;
  return {
    loadFunction: (name) => {
      let loaded = cache.get(name);
      if (!loaded) cache.set(name, (loaded = load(name)));
      return loaded;
    },
    close: async () => {
      await Promise.all(proxies.splice(0).map((p) => closeServer(p)));
    },
  };
}

function lambdaContext(name: FunctionName) {
  return { functionName: `baocao-${name}`, awsRequestId: `meter-${Date.now()}`, getRemainingTimeInMillis: () => 30_000 };
}

function operationOf(service: Service, req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  const url = new URL(req.url ?? '/', 'http://x');
  if (service === 'ses')
    return req.method === 'POST' && url.pathname.endsWith('/outbound-emails') ? 'SendEmail' : `${req.method} ${url.pathname}`;
  if (service === 's3') {
    const tagging = url.searchParams.has('tagging');
    const onObject = url.pathname.split('/').filter(Boolean).length > 1;
    switch (req.method) {
      case 'PUT':
        return tagging ? 'PutObjectTagging' : req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
      case 'POST':
        return 'PostObject';
      case 'GET':
        return tagging ? 'GetObjectTagging' : onObject ? 'GetObject' : 'ListObjects';
      case 'HEAD':
        return 'HeadObject';
      case 'DELETE':
        return 'DeleteObject';
    }
  }
  return `${req.method ?? ''} ${url.pathname}`;
}

const json = (b: Buffer): Record<string, unknown> => {
  try {
    return JSON.parse(b.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
};

const INDEX_KEYS = TABLE_DEFINITION.indexes.map((i) => i.partitionKey);

async function measure(service: Service, operation: string, req: IncomingMessage, body: Buffer, answer: Answer, upstream: URL) {
  const m = { rru: 0, wru: 0, bytes: 0, events: 0 };
  if (service === 'dynamodb') {
    const request = json(body);
    const response = answer.status < 300 ? json(answer.body) : {};
    let itemAfter: WireItem | undefined;
    // UpdateItem's response holds the item only with ReturnValues: read it back, unbilled, for its size.
    if (operation === 'UpdateItem' && answer.status < 300 && !response.Attributes) {
      const got = await forwardRaw(upstream, 'DynamoDB_20120810.GetItem', {
        TableName: request.TableName,
        Key: request.Key,
        ConsistentRead: true,
      });
      itemAfter = (json(got.body).Item as WireItem | undefined) ?? undefined;
    }
    // A conditional write that failed is billed as a write of the item's size; a refused read, nothing.
    const failedCondition = answer.status >= 400 && answer.body.toString('utf8').includes('ConditionalCheckFailed');
    if (answer.status < 300 || failedCondition)
      Object.assign(m, dynamoCapacity(operation, request, response, { indexKeys: INDEX_KEYS, itemAfter }));
    if (failedCondition && operation === 'UpdateItem' && !itemAfter) m.wru = 1;
    if (operation === 'PutItem' && request.Item) m.bytes = itemSize(request.Item as WireItem);
  } else if (service === 's3') {
    if (operation === 'PutObject') m.bytes = body.byteLength;
    // A whole object read (ingest's full read); ranged reads of the first bytes are not storage.
    if (operation === 'GetObject' && !req.headers.range && answer.status < 300) m.bytes = answer.body.byteLength;
  } else if (service === 'ses') {
    m.bytes = body.byteLength;
  } else if (service === 'events' && operation === 'PutEvents') {
    const entries = (json(body).Entries as unknown[] | undefined) ?? [];
    m.events = entries.reduce<number>((s, e) => s + eventChunks(Buffer.byteLength(JSON.stringify(e))), 0);
  }
  return m;
}

async function startMeterProxy(fn: FunctionName, service: Service, target: string, meter: Meter): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, 64 * 1024 * 1024);
      const operation = operationOf(service, req);
      const answer = await forward(upstream, req, body);
      // Recorded before the answer goes back, so a mark taken once the pipeline settles includes it.
      const m = await measure(service, operation, req, body, answer, upstream);
      meter.calls.push({ fn, service, operation, ok: answer.status < 300, ...m });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`meter proxy: ${String(e)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function forward(upstream: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return send(upstream, { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers, host: upstream.host } }, body);
}

/** An unsigned DynamoDB call straight to the emulator (which does not check signatures): the meter's own read-back. */
function forwardRaw(upstream: URL, target: string, payload: unknown): Promise<Answer> {
  const body = Buffer.from(JSON.stringify(payload));
  return send(
    upstream,
    {
      method: 'POST',
      path: '/',
      headers: {
        host: upstream.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': target,
        'content-length': String(body.byteLength),
        authorization: 'AWS4-HMAC-SHA256 Credential=meter/20260101/ap-southeast-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      },
    },
    body,
  );
}

function send(upstream: URL, o: { method: string; path: string; headers: IncomingMessage['headers'] }, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const out = request({ host: upstream.hostname, port: upstream.port, method: o.method, path: o.path, headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
