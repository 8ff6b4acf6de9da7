import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENV } from '../shared/definitions/env-keys.js';
import type { FunctionName } from '../shared/definitions/events.js';
import { closeServer, readBody } from './http-server.js';

/**
 * The local stack's functions with their AWS calls going through HTTP proxies in front of the
 * emulators: the seam the fault injection (test/support/faults.ts) and the cost meter
 * (bench/lib/meter.ts) share, with no hook in production code. Each function is imported as a
 * fresh module instance while its endpoint variables point at its own proxies (one per service),
 * so the real SDK clients it builds at cold start send through them; the variables are restored
 * once its module is evaluated. What a proxy does with a call is the caller's.
 */
export type Service = 'dynamodb' | 'ses' | 'events' | 's3';

/** The endpoint variable each service's SDK client is built from. */
export const ENDPOINT_KEYS: Record<Service, string> = {
  dynamodb: ENV.dynamodbEndpoint,
  ses: ENV.sesEndpoint,
  events: ENV.eventsEndpoint,
  s3: ENV.s3Endpoint,
};

export type FunctionHandler = (event: unknown) => Promise<unknown>;

export interface ProxiedFunctionsOptions {
  /** Names the module instances (`handler.js?<tag>=N`) and the invocations' request ids. */
  tag: string;
  /** Starts the proxy between `fn` and the `service` emulator at `target`. */
  startProxy: (fn: FunctionName, service: Service, target: string) => Promise<{ server: Server; url: string }>;
  /** Wraps the loaded handler (already called with a Lambda context). */
  wrap: (fn: FunctionName, handler: FunctionHandler) => FunctionHandler;
}

let imports = 0;

/** A `loadFunction` for startLocalStack (or runDemo) whose functions call AWS through proxies; `close()` stops them. */
export function proxiedFunctions(o: ProxiedFunctionsOptions): {
  loadFunction: (name: FunctionName) => Promise<FunctionHandler>;
  close: () => Promise<void>;
} {
  const proxies: Server[] = [];
  const cache = new Map<FunctionName, Promise<FunctionHandler>>();
  // One at a time: the endpoint variables point at this function's proxies while its module (which reads them at import) is evaluated.
  let chain: Promise<unknown> = Promise.resolve();
  const load = (name: FunctionName) =>
    (chain = chain.then(async () => {
      const saved: Record<string, string | undefined> = {};
      for (const [service, key] of Object.entries(ENDPOINT_KEYS) as [Service, string][]) {
        const target = process.env[key];
        if (!target) continue;
        const proxy = await o.startProxy(name, service, target);
        proxies.push(proxy.server);
        saved[key] = target;
        process.env[key] = proxy.url;
      }
      try {
        // A fresh module instance per load: it builds its clients from the variables above.
        const specifier = `../functions/${name}/handler.js?${o.tag}=${++imports}`;
        const m = (await import(/* @vite-ignore */ specifier)) as { handler: (event: unknown, ctx?: unknown) => Promise<unknown> };
        return o.wrap(name, (event) => m.handler(event, lambdaContext(o.tag, name)));
      } finally {
        Object.assign(process.env, saved);
      }
    })) as Promise<FunctionHandler>;
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

function lambdaContext(tag: string, name: FunctionName) {
  return { functionName: `baocao-${name}`, awsRequestId: `${tag}-${Date.now()}`, getRemainingTimeInMillis: () => 30_000 };
}

/**
 * An HTTP server on a free local port that reads each request's body and hands it to `onRequest`;
 * an error there answers 502 `<label> proxy: …`.
 */
export async function listenProxy(
  label: string,
  onRequest: (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => onRequest(req, await readBody(req, 64 * 1024 * 1024), res))().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`${label} proxy: ${String(e)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The API operation of a call: the JSON protocols' X-Amz-Target, SES v2's path, S3's method and query. */
export function operationOf(service: Service, req: IncomingMessage): string {
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

export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Passes a request on to the emulator as it came, and brings back the answer whole. */
export function forward(upstream: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return send(upstream, { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers, host: upstream.host } }, body);
}

export function send(
  upstream: URL,
  o: { method: string; path: string; headers: IncomingMessage['headers'] },
  body: Buffer,
): Promise<Answer> {
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
