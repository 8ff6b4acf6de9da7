import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ENV } from '../shared/definitions/env-keys.js';
import { FUNCTION_NAMES, type FunctionName } from '../shared/definitions/events.js';
import { objectKeys } from '../shared/definitions/table.js';
import type { BaocaoConfig } from './config.js';
import type { AlarmSink } from './constructs/alarms.js';
import { BaocaoFunction, type Sender } from './constructs/baocao-function.js';

/** What a function may be bound to. */
export interface FunctionDeps {
  readonly config: BaocaoConfig;
  readonly table: ITable;
  readonly bucket: IBucket;
  readonly bus: IEventBus;
  readonly sender: Sender;
  /** Public URL of the form, for links in emails (the API endpoint unless appOrigin is set). */
  readonly appUrl: string;
  readonly alarms: AlarmSink;
}

export interface FunctionSpec {
  readonly description: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /**
   * A cap on the function's concurrent runs (reserved concurrency), for the functions fed by events
   * or schedules: a burst of uploads (S3 events) or a redelivery storm must not take the account's
   * concurrency from the HTTP functions the clerks and staff are waiting on. The caps add up to 38,
   * so the account needs its default limit (1000); a new account's 10 must be raised first.
   */
  readonly reservedConcurrency?: number;
  /** Environment and grants, through the binders only. */
  readonly bind: (fn: BaocaoFunction, deps: FunctionDeps) => void;
}

/** `summaries/` — the top folder of objectKeys.summaries(…). */
const SUMMARIES_PREFIX = objectKeys.summaries('2000', 1).split('/')[0] + '/';

/**
 * One entry per function in FUNCTION_NAMES (the mapped type makes a missing one a compile
 * error). This is the only place that says what each function may touch.
 */
export const FUNCTION_SPECS: { readonly [K in FunctionName]: FunctionSpec } = {
  presign: {
    description: 'unit token to presigned POST (POST /uploads)',
    // Touches its token, appends to the audit trail; reads the extension past a period's close.
    bind: (fn, d) =>
      fn
        .bindTable(d.table, { read: ['regime', 'report'], write: ['token', 'audit'] })
        .bindBucket(d.bucket, { write: [objectKeys.incomingPrefix, objectKeys.signedPrefix] }),
  },
  status: {
    description: 'compliance board data for signed-in staff (GET /status)',
    bind: (fn, d) => fn.bindTable(d.table, { read: ['regime', 'status'] }),
  },
  ingest: {
    description: 'validates an uploaded report and stores the version',
    memorySize: 1024,
    timeout: Duration.seconds(60),
    reservedConcurrency: 20,
    bind: (fn, d) =>
      fn
        .bindBucket(d.bucket, {
          read: [objectKeys.incomingPrefix, objectKeys.signedPrefix],
          tag: [objectKeys.incomingPrefix],
          byVersion: true,
        })
        .bindTable(d.table, { read: ['regime'], write: ['report', 'audit'] })
        .bindBus(d.bus),
  },
  compliance: {
    description: "recomputes a unit's compliance status",
    reservedConcurrency: 10,
    bind: (fn, d) => fn.bindTable(d.table, { read: ['regime', 'report'], write: ['status', 'audit'] }).bindBus(d.bus),
  },
  receipt: {
    description: 'emails the unit a receipt or the rejection reasons',
    // Also keeps the sending rate under the SES quota.
    reservedConcurrency: 5,
    timeout: Duration.seconds(30),
    bind: (fn, d) =>
      fn
        .bindTable(d.table, { read: ['regime', 'report'], write: ['notice', 'audit'] })
        .bindSender(d.sender)
        .setEnv(ENV.appUrl, d.appUrl),
  },
  admin: {
    description: "Sở Nội vụ actions on a unit's report: versions, review, extension, audit",
    // Reads report objects for download links; review and extension are recorded and announced.
    bind: (fn, d) =>
      fn
        // Links: lists, revokes and re-issues the units' tokens.
        .bindTable(d.table, { read: ['regime'], write: ['report', 'audit', 'token'] })
        .bindBus(d.bus)
        .bindBucket(d.bucket, { read: [objectKeys.incomingPrefix, objectKeys.signedPrefix], byVersion: true }),
  },
  unit: {
    description: "the clerk's view of their unit: dates, status, versions (GET /me)",
    // Reading with a unit token touches the token and appends to the audit trail.
    bind: (fn, d) => fn.bindTable(d.table, { read: ['regime', 'report', 'status'], write: ['token', 'audit'] }),
  },
  template: {
    description: 'the Excel report template, prefilled for a unit token (GET /template.xlsx)',
    memorySize: 1024,
    bind: (fn, d) => fn.bindTable(d.table, { read: ['regime'], write: ['token', 'audit'] }),
  },
  notices: {
    description: 'daily reminders, overdue notices and escalation',
    reservedConcurrency: 1,
    timeout: Duration.minutes(5),
    bind: (fn, d) =>
      fn
        .bindTable(d.table, { read: ['regime', 'status'], write: ['notice', 'audit'] })
        .bindSender(d.sender)
        .bindBus(d.bus)
        .setEnv(ENV.appUrl, d.appUrl),
  },
  reconcile: {
    description: 'daily sweep: ingests uploads whose event was lost, recomputes stale statuses',
    memorySize: 1024,
    timeout: Duration.minutes(5),
    // What ingest and compliance may do, plus listing incoming/ (the read grant's ListBucket is limited to it).
    bind: (fn, d) =>
      fn
        .bindBucket(d.bucket, {
          read: [objectKeys.incomingPrefix, objectKeys.signedPrefix],
          tag: [objectKeys.incomingPrefix],
          byVersion: true,
        })
        .bindTable(d.table, { read: ['regime'], write: ['report', 'status', 'audit'] })
        .bindBus(d.bus),
  },
  summary: {
    description: 'consolidates a period into XLSX and DOCX and emails leadership',
    reservedConcurrency: 2,
    memorySize: 1024,
    // Reachable through the HTTP API too (POST /summaries), whose integration times out at 30 s.
    timeout: Duration.seconds(29),
    bind: (fn, d) =>
      fn
        .bindTable(d.table, { read: ['regime', 'report', 'status'], write: ['summary', 'notice', 'audit'] })
        .bindBucket(d.bucket, { read: [SUMMARIES_PREFIX], write: [SUMMARIES_PREFIX] })
        .bindBus(d.bus)
        .bindSender(d.sender)
        .setEnv(ENV.appUrl, d.appUrl),
  },
  pretoken: {
    description: "adds the person's name to staff access tokens (Cognito pre token generation, V2_0 event)",
    // Reads only the event Cognito sends: no environment, no grant. Cognito allows a trigger 5 s.
    memorySize: 128,
    timeout: Duration.seconds(5),
    bind: () => undefined,
  },
};

/**
 * Builds each function once, in the capability construct that first asks for it, and can tell
 * at the end of synth whether one was never wired to anything.
 */
export class FunctionCatalog {
  private readonly built = new Map<FunctionName, BaocaoFunction>();

  constructor(
    private readonly deps: FunctionDeps,
    private readonly entryOf?: (name: FunctionName) => string,
  ) {}

  obtain(scope: Construct, name: FunctionName): BaocaoFunction {
    const existing = this.built.get(name);
    if (existing) return existing;
    const spec = FUNCTION_SPECS[name] as FunctionSpec | undefined;
    if (!spec) throw new Error(`baocao wiring: function ${name} has no entry in FUNCTION_SPECS (infra/functions.ts)`);
    const id = `${name.charAt(0).toUpperCase()}${name.slice(1)}Function`;
    const fn = new BaocaoFunction(scope, id, {
      name,
      description: spec.description,
      logRetention: this.deps.config.logRetentionDays,
      alarms: this.deps.alarms,
      ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
      ...(spec.timeout ? { timeout: spec.timeout } : {}),
      ...(spec.reservedConcurrency ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
      ...(this.entryOf ? { entry: this.entryOf(name) } : {}),
    });
    spec.bind(fn, this.deps);
    this.built.set(name, fn);
    return fn;
  }

  get(name: FunctionName): BaocaoFunction | undefined {
    return this.built.get(name);
  }

  all(): ReadonlyMap<FunctionName, BaocaoFunction> {
    return this.built;
  }

  /** Names in FUNCTION_NAMES that no route, API or schedule made. */
  unwired(): FunctionName[] {
    return FUNCTION_NAMES.filter((n) => !this.built.has(n));
  }
}
