import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { systemClock } from '../shared/clock.js';
import { BUS_NAME, EVENT_ROUTES, matchesPattern, type EventRoute, type FunctionName } from '../shared/definitions/events.js';
import type { Clock } from '../shared/ports.js';
import { closeServer, readBody } from './http-server.js';
import { LocalDeadLetterQueues } from './sqs-dead-letters.js';

export const LOCAL_ACCOUNT = '000000000000';

/** What EventBridge hands a target (the Lambda `EventBridgeEvent` shape). */
export interface BusEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export type BusName = EventRoute['bus'];
export type EventTarget = (event: BusEnvelope) => Promise<unknown>;

export interface Delivery {
  bus: BusName;
  routeId: string;
  target: FunctionName;
  event: BusEnvelope;
  attempts: number;
}
export interface DeadLetter extends Delivery {
  at: string;
  error: string;
}

/** One delivery of one event to one rule's target: what `redrive(ids)` names. */
export const deadLetterId = (dl: Pick<DeadLetter, 'event' | 'routeId'>) => `${dl.event.id}/${dl.routeId}`;

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay before the 2nd attempt; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface LocalEventBusOptions {
  /** The bucket S3 events come from: a literal in the routing patterns. */
  bucketName: string;
  /** Resolves a route target to its handler; called per delivery, so it should cache. */
  loadTarget: (name: FunctionName) => Promise<EventTarget>;
  /** `${dataDir}/dead-letters.jsonl` keeps dead letters across restarts; omitted: memory only. */
  dataDir?: string;
  region?: string;
  retry?: Partial<RetryPolicy>;
  routes?: readonly EventRoute[];
  /** Stamps events that arrive without a time; the virtual clock applies. */
  clock?: Clock;
  log?: (line: string) => void;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 50, maxDelayMs: 1_000 };
/** Observation arrays are for tests and the demo; a long `npm start` session must not grow without bound. */
const KEEP = 1_000;
const MAX_PUT_EVENTS_BYTES = 1024 * 1024;
/** EventBridge's PutEvents quota: 256 KB for all the entries of one request. */
const MAX_ENTRIES_BYTES = 256 * 1024;

/**
 * A local EventBridge: a PutEvents endpoint for the real SDK client, routing with EVENT_ROUTES, and
 * asynchronous delivery to the target handler with retries and a dead-letter list, like EventBridge
 * invoking Lambda. `idle()` is how callers wait for a cascade of events to settle.
 *
 * Emits 'published' (envelope, bus) for every accepted event, 'delivered' (Delivery) and
 * 'dead-letter' (DeadLetter).
 */
export class LocalEventBus extends EventEmitter {
  /** Every event accepted by either bus, matched or not. */
  readonly published: { bus: BusName; event: BusEnvelope }[] = [];
  readonly delivered: Delivery[] = [];
  readonly deadLetters: DeadLetter[] = [];

  private readonly retry: RetryPolicy;
  private readonly region: string;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private server?: Server;
  private closed = false;
  /** Appends and rewrites of dead-letters.jsonl, one at a time. */
  private fileOps: Promise<unknown> = Promise.resolve();
  endpoint = '';
  /** The dead letters served as the functions' on-failure queues (SQS JSON protocol on this endpoint). */
  private readonly queues: LocalDeadLetterQueues;

  constructor(private readonly opts: LocalEventBusOptions) {
    super();
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.region = opts.region ?? process.env.AWS_REGION ?? 'ap-southeast-1';
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? ((line) => console.log(line));
    this.queues = new LocalDeadLetterQueues(
      { list: () => this.deadLetters, remove: (dl) => this.removeDeadLetter(dl) },
      (fn) => `arn:aws:lambda:${this.region}:${LOCAL_ACCOUNT}:function:baocao-${fn}`,
    );
  }

  /** Starts the PutEvents endpoint on loopback; returns its URL (also in `endpoint`). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.loadDeadLetters();
    const server = createServer((req, res) => void this.handleHttp(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  /**
   * Puts an event on a bus and returns at once; matching targets run later. 'default' is where
   * S3 "Object Created" arrives; the PutEvents endpoint calls this too.
   */
  deliver(event: BusEnvelope, bus: BusName): void {
    if (this.closed) return;
    keep(this.published, { bus, event });
    this.emit('published', event, bus);
    const bucketName = this.opts.bucketName;
    for (const route of this.opts.routes ?? EVENT_ROUTES) {
      if (route.bus !== bus || !matchesPattern(event as unknown as Record<string, unknown>, route.pattern({ bucketName }))) continue;
      this.pending++;
      this.schedule(0, { bus, routeId: route.id, target: route.target, event, attempts: 0 });
    }
  }

  /** Resolves once nothing is queued, waiting for a retry, or running — including events those runs put. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting events, drops scheduled retries, and waits for the targets already running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.server) await closeServer(this.server);
    await Promise.allSettled([...this.running]);
    await this.fileOps;
    this.pending = 0;
    this.settle();
  }

  private schedule(delayMs: number, d: Delivery): void {
    // Always a timer, never inline: the publisher gets its answer before any target runs.
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.attempt(d).finally(() => this.running.delete(run));
      this.running.add(run);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(d: Delivery): Promise<void> {
    const current = { ...d, attempts: d.attempts + 1 };
    try {
      const target = await this.opts.loadTarget(d.target);
      await target(d.event);
    } catch (err) {
      if (this.closed) return;
      const message = err instanceof Error ? err.message : String(err);
      if (current.attempts < this.retry.attempts) {
        const delay = Math.min(this.retry.baseDelayMs * 2 ** (current.attempts - 1), this.retry.maxDelayMs);
        this.log(
          `[bus] ${d.target} failed on "${d.event['detail-type']}" (attempt ${current.attempts}): ${message}; retrying in ${delay} ms`,
        );
        this.schedule(delay, current);
        return;
      }
      await this.deadLetter({ ...current, at: new Date().toISOString(), error: message });
      this.done();
      return;
    }
    keep(this.delivered, current);
    this.emit('delivered', current);
    this.done();
  }

  private async deadLetter(dl: DeadLetter): Promise<void> {
    keep(this.deadLetters, dl);
    this.log(
      `[bus] DEAD LETTER: ${dl.target} gave up on "${dl.event['detail-type']}" ${dl.event.id} after ${dl.attempts} attempts: ${dl.error}`,
    );
    const file = this.deadLetterFile();
    if (file) {
      await this.fileOp(async () => {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, JSON.stringify(dl) + '\n');
      });
    }
    this.emit('dead-letter', dl);
  }

  /**
   * Delivers dead letters again inside this process, each to the one target that gave up on it, with a
   * fresh set of attempts; they leave the list (a new failure dead-letters them again). The operator's
   * `dlq redrive` goes through the SQS queues instead (local/commands/dlq.ts), as on AWS.
   * `ids` (see deadLetterId) narrows it; unknown ids are ignored, so a second redrive does nothing.
   */
  async redrive(ids?: readonly string[]): Promise<DeadLetter[]> {
    const wanted = ids ? new Set(ids) : undefined;
    const chosen = this.deadLetters.filter((dl) => !wanted || wanted.has(deadLetterId(dl)));
    if (chosen.length === 0) return [];
    const left = this.deadLetters.filter((dl) => !chosen.includes(dl));
    this.deadLetters.splice(0, this.deadLetters.length, ...left);
    const file = this.deadLetterFile();
    if (file) await this.fileOp(() => writeFile(file, left.map((dl) => JSON.stringify(dl) + '\n').join('')));
    for (const dl of chosen) {
      this.log(`[bus] redrive: "${dl.event['detail-type']}" ${dl.event.id} to ${dl.target}`);
      this.pending++;
      this.schedule(0, { bus: dl.bus, routeId: dl.routeId, target: dl.target, event: dl.event, attempts: 0 });
    }
    return chosen;
  }

  /** Deletes one dead letter (an SQS DeleteMessage after a successful redrive); gone already: nothing to do. */
  async removeDeadLetter(dl: DeadLetter): Promise<void> {
    const at = this.deadLetters.indexOf(dl);
    if (at < 0) return;
    this.deadLetters.splice(at, 1);
    const file = this.deadLetterFile();
    const left = [...this.deadLetters];
    if (file) await this.fileOp(() => writeFile(file, left.map((d) => JSON.stringify(d) + '\n').join('')));
  }

  private deadLetterFile(): string | undefined {
    return this.opts.dataDir ? join(this.opts.dataDir, 'dead-letters.jsonl') : undefined;
  }

  private fileOp(op: () => Promise<unknown>): Promise<void> {
    const file = this.deadLetterFile();
    const next = this.fileOps.then(op).then(
      () => {},
      (e: unknown) => this.log(`[bus] could not write ${String(file)}: ${String(e)}`),
    );
    this.fileOps = next;
    return next;
  }

  /** Dead letters survive a restart: the file is what `dlq list` shows (through the SQS queues) and `dlq redrive` empties. */
  private async loadDeadLetters(): Promise<void> {
    const file = this.deadLetterFile();
    if (!file) return;
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        keep(this.deadLetters, JSON.parse(line) as DeadLetter);
      } catch {
        this.log(`[bus] skipped an unreadable line of ${file}`);
      }
    }
  }

  private done(): void {
    this.pending--;
    if (this.pending === 0) this.settle();
  }

  private settle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** AWS JSON 1.1, the protocol of @aws-sdk/client-eventbridge; only PutEvents. */
  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    };
    try {
      const operation = req.headers['x-amz-target'];
      // The dead letters as SQS queues, for `cli dlq` (local/sqs-dead-letters.ts).
      if (req.method === 'POST' && typeof operation === 'string' && operation.startsWith('AmazonSQS.')) {
        const input = JSON.parse((await readBody(req, MAX_PUT_EVENTS_BYTES)).toString('utf8') || '{}') as Record<string, unknown>;
        const reply = await this.queues.handle(operation, input);
        res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(reply.body));
        return;
      }
      if (req.method !== 'POST' || operation !== 'AWSEvents.PutEvents') {
        req.resume();
        return send(400, {
          __type: 'UnknownOperationException',
          message: `Local bus supports only AWSEvents.PutEvents, got ${String(operation)}`,
        });
      }
      const body = await readBody(req, MAX_PUT_EVENTS_BYTES);
      const input = JSON.parse(body.toString('utf8')) as { Entries?: PutEventsEntry[] };
      const entries = input.Entries ?? [];
      if (entries.length < 1 || entries.length > 10) {
        return send(400, { __type: 'ValidationException', message: 'Entries must hold 1 to 10 events' });
      }
      // EventBridge refuses the whole request past 256 KB of entries; so does this bus, so a
      // detail that grows with input fails here as it would on AWS.
      const size = entries.reduce((n, e) => n + Buffer.byteLength(`${e.Source ?? ''}${e.DetailType ?? ''}${e.Detail ?? ''}`, 'utf8'), 0);
      if (size > MAX_ENTRIES_BYTES) {
        return send(400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
      }
      const results = entries.map((e) => this.putEntry(e));
      send(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
    } catch (err) {
      send(400, { __type: 'ValidationException', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private putEntry(e: PutEventsEntry): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    if (!e.Source || !e.DetailType || !e.Detail) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object' };
    }
    // The bus is named or given as an ARN (arn:aws:events:region:account:event-bus/NAME).
    const busName = (e.EventBusName ?? 'default').split('/').pop();
    if (busName !== 'default' && busName !== BUS_NAME) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(busName)} does not exist` };
    }
    const event: BusEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': e.DetailType,
      source: e.Source,
      account: LOCAL_ACCOUNT,
      time: eventTime(e.Time === undefined ? this.clock.now() : new Date(e.Time * 1000)),
      region: this.region,
      resources: e.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    this.deliver(event, busName);
    return { EventId: event.id };
  }
}

/** One PutEvents entry as the SDK serialises it (Time in epoch seconds). */
interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number;
}

/** EventBridge writes `time` to the second: 2026-12-18T01:00:00Z. */
export function eventTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
}
