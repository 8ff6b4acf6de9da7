import type { IncomingMessage, Server } from 'node:http';
import {
  forward,
  listenProxy,
  operationOf,
  proxiedFunctions,
  send,
  type Answer,
  type FunctionHandler,
  type Service,
} from '../../local/proxied-functions.js';
import type { FunctionName } from '../../shared/definitions/events.js';
import { TABLE_DEFINITION } from '../../shared/definitions/table.js';
import { dynamoCapacity, eventChunks, itemSize, type CallRecord, type InvocationRecord, type WireItem } from './cost-model.js';

/**
 * Counts what the local stack's functions ask of AWS, at the wire (the seam test/support/faults.ts
 * uses; no production code changes): each function is imported with its endpoint variables pointing
 * at its own proxies in front of the emulators, so the real SDK clients it builds at cold start send
 * through them. A proxy records each call's operation and what it is billed on (DynamoDB request
 * units from the item sizes, S3 request class and bytes, SES message bytes, PutEvents entries), and
 * the loader times every handler invocation. The harness's own reads go to the emulators directly
 * and are not counted.
 */
export type { Service };

export interface MeteredCall extends CallRecord {
  fn: FunctionName;
}

export type Trigger = InvocationRecord['trigger'];

export interface Invocation extends InvocationRecord {
  fn: FunctionName;
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

/** API Gateway v2 events carry requestContext; EventBridge events detail-type; the rest are schedules' inputs. */
export function triggerOf(event: unknown): Trigger {
  if (event && typeof event === 'object') {
    if ('requestContext' in event) return 'api';
    if ('detail-type' in event) return 'event';
  }
  return 'schedule';
}

/** A `loadFunction` for startLocalStack (or runDemo) that meters every function it loads; `close()` stops its proxies. */
export function meteredLoader(meter: Meter): {
  loadFunction: (name: FunctionName) => Promise<FunctionHandler>;
  close: () => Promise<void>;
} {
  return proxiedFunctions({
    tag: 'meter',
    startProxy: (fn, service, target) => startMeterProxy(fn, service, target, meter),
    wrap: (fn, handler) => {
      let first = true;
      return async (event: unknown) => {
        const cold = first;
        first = false;
        const start = performance.now();
        try {
          return await handler(event);
        } finally {
          meter.invocations.push({ fn, trigger: triggerOf(event), ms: performance.now() - start, cold });
        }
      };
    },
  });
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

function startMeterProxy(fn: FunctionName, service: Service, target: string, meter: Meter): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  return listenProxy('meter', async (req, body, res) => {
    const operation = operationOf(service, req);
    const answer = await forward(upstream, req, body);
    // Recorded before the answer goes back, so a mark taken once the pipeline settles includes it.
    const m = await measure(service, operation, req, body, answer, upstream);
    meter.calls.push({ fn, service, operation, ok: answer.status < 300, ...m });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
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
