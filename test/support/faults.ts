import type { Server, ServerResponse } from 'node:http';
import { forward, listenProxy, operationOf, proxiedFunctions, type Service } from '../../local/proxied-functions.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import type { FunctionName } from '../../shared/definitions/events.js';

/**
 * Fault injection for integration tests, at the wire between a function and the emulators.
 *
 * Every function the faulty stack loads gets its own small HTTP proxy in front of each emulator
 * (DynamoDB, SES, the bus's PutEvents endpoint, S3): the handler is imported with its endpoint
 * variables pointing at those proxies, so the real SDK clients it builds at cold start go through
 * them. The proxy knows which function and which operation each call is, and the test's rules decide:
 * - pass it on;
 * - `throttle`: answer the service's own throttling error without passing it on (the SDK's retry
 *   and then the bus's retry must recover);
 * - `crashAfter`: pass it on (the write happens), then the function "dies": this call and every
 *   later call of that function fail until its running invocations have ended, so no catch block
 *   can tidy up — a Lambda killed between two steps. The bus retries the event as EventBridge would.
 *
 * Why a proxy and not an SDK middleware: the handlers build their clients privately at module
 * scope, and production code has no hook to reach them; a proxy needs no seam at all, and the SDK's
 * own retry and error parsing run exactly as they do against AWS.
 */
export type { Service };

export interface Call {
  fn: FunctionName;
  service: Service;
  /** The API operation: PutItem, SendEmail, PutEvents, PutObject, PutObjectTagging… */
  operation: string;
  /** The request body as text (JSON for DynamoDB, SES and the bus; raw for S3). */
  body: string;
  /** Passed on and answered 2xx: a step that happened. */
  ok?: boolean;
}

/** Operations that change something: the steps a crash can fall between. */
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'SendEmail',
  'SendRawEmail',
  'PutEvents',
  'PutObject',
  'PutObjectTagging',
  'DeleteObject',
  'CopyObject',
]);
export const isWrite = (c: Pick<Call, 'operation'>) => WRITES.has(c.operation);

export type CallMatcher = (c: Call) => boolean;

interface Rule {
  match: CallMatcher;
  action: 'crash-after' | 'throttle' | 'fail';
  /** Matching calls to let through before the rule fires. */
  skip: number;
  /** How many times it fires. */
  times: number;
  fired: number;
  onFire?: () => void;
}

export class Faults {
  /** Every call a function made, in order, with whether it was passed on and succeeded. */
  readonly calls: Call[] = [];
  /** What fired: `${action} ${fn} ${service}.${operation}`. */
  readonly fired: string[] = [];
  private rules: Rule[] = [];
  private readonly dead = new Set<FunctionName>();
  private readonly inflight = new Map<FunctionName, number>();

  /** After `skip` matching calls went through, the next one happens and then the function dies. */
  crashAfter(match: CallMatcher, opts: { skip?: number; onFire?: () => void } = {}): this {
    this.rules.push({
      match,
      action: 'crash-after',
      skip: opts.skip ?? 0,
      times: 1,
      fired: 0,
      ...(opts.onFire ? { onFire: opts.onFire } : {}),
    });
    return this;
  }

  /** The next `times` matching calls get the service's throttling error. */
  throttle(match: CallMatcher, times: number, opts: { skip?: number } = {}): this {
    this.rules.push({ match, action: 'throttle', skip: opts.skip ?? 0, times, fired: 0 });
    return this;
  }

  /** The next `times` matching calls fail with a non-retryable error (the service refusing); the function lives on. */
  fail(match: CallMatcher, times: number): this {
    this.rules.push({ match, action: 'fail', skip: 0, times, fired: 0 });
    return this;
  }

  /** Drops every rule (calls and fired are kept). */
  clear(): void {
    this.rules = [];
  }

  /** Rules armed but not fired as often as asked: a test whose fault never happened proves nothing. */
  get unfired(): number {
    return this.rules.filter((r) => r.fired < r.times).length;
  }

  /** Decides one call: what the proxy does with it. */
  decide(c: Call): 'pass' | 'crash-after' | 'throttle' | 'fail' | 'dead' {
    if (this.dead.has(c.fn)) return 'dead';
    for (const r of this.rules) {
      if (r.fired >= r.times || !r.match(c)) continue;
      if (r.skip > 0) {
        r.skip--;
        continue;
      }
      r.fired++;
      this.fired.push(`${r.action} ${c.fn} ${c.service}.${c.operation}`);
      if (r.action === 'crash-after') this.dead.add(c.fn);
      r.onFire?.();
      return r.action;
    }
    return 'pass';
  }

  /** Wraps a handler: a dead function comes back to life once none of its invocations runs. */
  wrap(fn: FunctionName, handler: (event: unknown) => Promise<unknown>): (event: unknown) => Promise<unknown> {
    return async (event) => {
      this.inflight.set(fn, (this.inflight.get(fn) ?? 0) + 1);
      try {
        return await handler(event);
      } finally {
        const n = (this.inflight.get(fn) ?? 1) - 1;
        this.inflight.set(fn, n);
        if (n === 0) this.dead.delete(fn);
      }
    };
  }
}

/** Matcher helpers. */
export const on =
  (fn: FunctionName, operation?: string, service?: Service): CallMatcher =>
  (c) =>
    c.fn === fn && (operation === undefined || c.operation === operation) && (service === undefined || c.service === service);
export const writeOf =
  (fn: FunctionName): CallMatcher =>
  (c) =>
    c.fn === fn && isWrite(c);

/**
 * `startLocalStack` with every function's AWS calls going through fault proxies. `faults` may be
 * shared by successive stacks on one data dir (a restart keeps the rules and the call log).
 */
export async function startFaultyStack(opts: Omit<LocalStackOptions, 'loadFunction'>, faults: Faults): Promise<LocalStack> {
  const functions = proxiedFunctions({
    tag: 'faults',
    startProxy: (fn, service, target) => startProxy(fn, service, target, faults),
    wrap: (fn, handler) => faults.wrap(fn, handler),
  });
  const stack = await startLocalStack({ ...opts, loadFunction: functions.loadFunction });
  return {
    ...stack,
    stop: async () => {
      await stack.stop();
      await functions.close();
    },
  };
}

/** The error each service answers, in its own protocol, so the SDK parses it as from AWS. */
function errorResponse(service: Service, kind: 'throttle' | 'crash', res: ServerResponse): void {
  const message = kind === 'throttle' ? 'Rate exceeded (injected)' : 'Injected fault';
  if (service === 's3') {
    const code = kind === 'throttle' ? 'SlowDown' : 'InjectedFault';
    res.writeHead(kind === 'throttle' ? 503 : 400, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    return;
  }
  if (service === 'ses') {
    const type = kind === 'throttle' ? 'TooManyRequestsException' : 'InjectedFaultException';
    res.writeHead(kind === 'throttle' ? 429 : 400, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ message }));
    return;
  }
  const type =
    kind === 'crash'
      ? 'InjectedFaultException'
      : service === 'dynamodb'
        ? 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException'
        : 'ThrottlingException';
  res.writeHead(400, { 'content-type': service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1' });
  res.end(JSON.stringify({ __type: type, message }));
}

function startProxy(fn: FunctionName, service: Service, target: string, faults: Faults): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  return listenProxy('fault', async (req, body, res) => {
    const call: Call = { fn, service, operation: operationOf(service, req), body: body.toString('utf8') };
    faults.calls.push(call);
    const decision = faults.decide(call);
    if (decision === 'throttle') return errorResponse(service, 'throttle', res);
    if (decision === 'dead' || decision === 'fail') return errorResponse(service, 'crash', res);
    const answer = await forward(upstream, req, body);
    call.ok = answer.status < 300;
    if (decision === 'crash-after') return errorResponse(service, 'crash', res);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
}
