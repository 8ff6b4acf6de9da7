import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { closeServer, readBody } from '../../local/http-server.js';

/**
 * DynamoDB does not keep the key order of maps; dynalite does, so code that compares stored maps
 * by their serialisation passes on dynalite and fails on AWS. This proxy sits in front of a real
 * emulator and reverses the key order of every JSON object in every response (items, nested maps,
 * attribute maps), so the handlers, which reach it through DYNAMODB_ENDPOINT like any DynamoDB,
 * see the order change on every read. Reversal rather than a random shuffle: a random order can
 * come out unchanged, and a test that must fail before a fix has to fail every time.
 */
export async function startReorderingProxy(target: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void forward(target, req).then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers).end(body);
      },
      (err: unknown) => {
        res
          .writeHead(502, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: 'ProxyError', message: String(err) }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => closeServer(server) };
}

async function forward(target: string, req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const body = await readBody(req, 16 * 1024 * 1024);
  const url = new URL(req.url ?? '/', target);
  return new Promise((resolve, reject) => {
    const out = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let reordered = text;
        try {
          reordered = JSON.stringify(reverseKeys(JSON.parse(text)));
        } catch {
          // Not JSON (an empty body): passed through.
        }
        resolve({
          status: res.statusCode ?? 500,
          // The CRC of the original body would not match the reordered one.
          headers: {
            'content-type': String(res.headers['content-type'] ?? 'application/x-amz-json-1.0'),
            'x-amzn-requestid': String(res.headers['x-amzn-requestid'] ?? ''),
          },
          body: reordered,
        });
      });
    });
    out.on('error', reject);
    out.end(body);
  });
}

export function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reverseKeys(x)]),
  );
}

/**
 * A DynamoDB for one test stack whose reads never keep map key order: the reordering proxy in front
 * of dynalite, or of DynamoDB Local under DDB=local (which already loses the order; the proxy makes
 * it certain).
 */
export async function startKeyOrderLosingDynamo(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  let backend: { endpoint: string; stop(): Promise<void> };
  if (process.env.DDB === 'local') backend = await startDynamoDbLocal();
  else {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    backend = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => closeServer(server) };
  }
  const proxy = await startReorderingProxy(backend.endpoint);
  return {
    endpoint: proxy.endpoint,
    stop: async () => {
      await proxy.stop();
      await backend.stop();
    },
  };
}
