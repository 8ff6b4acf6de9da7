import * as z from 'zod';
import type { Service as WireService } from '../../local/proxied-functions.js';

/**
 * The cost model of `npm run bench` section 6 (docs/COSTS.md), pure: what one measured call
 * consumes as AWS bills it, usage → dollars with the dated price table (bench/aws-prices.json),
 * and the scaling from one measured period to a province's year. No I/O, no clock.
 */

// --- DynamoDB: item sizes and request units, as DynamoDB bills them ------------------------------

/** An attribute value as it travels on the wire (DynamoDB JSON). */
export interface WireValue {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  M?: Record<string, WireValue>;
  L?: WireValue[];
  SS?: string[];
  NS?: string[];
  BS?: string[];
}
export type WireItem = Record<string, WireValue>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
const base64Bytes = (b: string) => Buffer.from(b, 'base64').byteLength;

/** A number's size: one byte per two significant digits, plus one (leading and trailing zeros trimmed). */
export function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** The billed size of one value (its name not included). Lists and maps: 3 bytes, plus 1 per element, plus the elements. */
export function valueSize(v: WireValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return base64Bytes(v.B);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if (v.BS) return v.BS.reduce((s, x) => s + base64Bytes(x), 0);
  if (v.L) return 3 + v.L.reduce((s, x) => s + 1 + valueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
  return 0;
}

/** An item's billed size: attribute names (UTF-8) plus their values. */
export const itemSize = (item: WireItem): number => Object.entries(item).reduce((s, [k, v]) => s + utf8(k) + valueSize(v), 0);

/** Read request units: 4 KB steps (at least one), halved for an eventually consistent read. */
export const readUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
/** Write request units: 1 KB steps, at least one (a failed conditional write is billed too). */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

export interface Capacity {
  rru: number;
  wru: number;
}

/**
 * What one DynamoDB call consumed. `request` and `response` are the wire JSON bodies; `sizeAfter`
 * is the item's size after an UpdateItem (the caller reads it back, unbilled, since the response
 * holds it only with ReturnValues). A write to an item that carries one of `indexKeys` is billed
 * again for the index (projection ALL). Query and Scan: one rounding over the page's items.
 */
export function dynamoCapacity(
  operation: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
  opts: { sizeAfter?: number; indexKeys?: readonly string[]; itemAfter?: WireItem } = {},
): Capacity {
  const consistent = request.ConsistentRead === true;
  const indexed = (item: WireItem | undefined) => (item && (opts.indexKeys ?? []).some((k) => k in item) ? 2 : 1);
  switch (operation) {
    case 'GetItem': {
      const item = response.Item as WireItem | undefined;
      return { rru: readUnits(item ? itemSize(item) : 0, consistent), wru: 0 };
    }
    case 'Query':
    case 'Scan': {
      const items = (response.Items as WireItem[] | undefined) ?? [];
      return {
        rru: readUnits(
          items.reduce((s, i) => s + itemSize(i), 0),
          consistent,
        ),
        wru: 0,
      };
    }
    case 'BatchGetItem': {
      const byTable = (response.Responses as Record<string, WireItem[]> | undefined) ?? {};
      const rru = Object.values(byTable)
        .flat()
        .reduce((s, i) => s + readUnits(itemSize(i), false), 0);
      return { rru, wru: 0 };
    }
    case 'PutItem': {
      const item = request.Item as WireItem;
      return { rru: 0, wru: writeUnits(itemSize(item)) * indexed(item) };
    }
    case 'UpdateItem': {
      const after = opts.itemAfter ?? (response.Attributes as WireItem | undefined);
      const size = opts.sizeAfter ?? (after ? itemSize(after) : 0);
      return { rru: 0, wru: writeUnits(size) * indexed(after) };
    }
    case 'DeleteItem':
      return { rru: 0, wru: 1 };
    case 'BatchWriteItem': {
      const byTable = (request.RequestItems as Record<string, { PutRequest?: { Item: WireItem } }[]> | undefined) ?? {};
      const wru = Object.values(byTable)
        .flat()
        .reduce((s, r) => s + (r.PutRequest ? writeUnits(itemSize(r.PutRequest.Item)) * indexed(r.PutRequest.Item) : 1), 0);
      return { rru: 0, wru };
    }
    default:
      return { rru: 0, wru: 0 };
  }
}

/** S3 request classes: PUT, COPY, POST, LIST (and tagging writes) vs GET, HEAD and the rest; DELETE is free. */
export function s3RequestClass(operation: string): 'putPostList' | 'getHead' | 'free' {
  if (operation === 'DeleteObject') return 'free';
  if (/^(Put|Copy|Post|List|Create|Complete|Upload)/.test(operation)) return 'putPostList';
  return 'getHead';
}

/** EventBridge bills a custom event per 64 KB chunk of its entry. */
export const eventChunks = (entryBytes: number): number => Math.max(1, Math.ceil(entryBytes / (64 * 1024)));

/** Lambda GB-seconds of one invocation: duration rounded up to the millisecond, times the configured memory. */
export const lambdaGbSeconds = (ms: number, memoryMb: number): number => (Math.ceil(ms) / 1000) * (memoryMb / 1024);

// --- usage and prices -------------------------------------------------------------------------------

/** Everything billed per use, as counted (or, where noted in docs/COSTS.md, modelled). */
export interface Usage {
  lambdaRequests: number;
  lambdaGbSeconds: number;
  dynamodbRru: number;
  dynamodbWru: number;
  dynamodbStorageGbMonths: number;
  s3PutPostList: number;
  s3GetHead: number;
  s3StorageGbMonths: number;
  customEvents: number;
  schedulerInvocations: number;
  sesMessages: number;
  sesAttachmentGb: number;
  apiRequests: number;
  cloudfrontRequests: number;
  cloudfrontGbOut: number;
  wafRequests: number;
  logsGb: number;
  xrayTraces: number;
}

export const emptyUsage = (): Usage => ({
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  dynamodbRru: 0,
  dynamodbWru: 0,
  dynamodbStorageGbMonths: 0,
  s3PutPostList: 0,
  s3GetHead: 0,
  s3StorageGbMonths: 0,
  customEvents: 0,
  schedulerInvocations: 0,
  sesMessages: 0,
  sesAttachmentGb: 0,
  apiRequests: 0,
  cloudfrontRequests: 0,
  cloudfrontGbOut: 0,
  wafRequests: 0,
  logsGb: 0,
  xrayTraces: 0,
});

const usageKeys = Object.keys(emptyUsage()) as (keyof Usage)[];

export function addUsage(...all: Usage[]): Usage {
  const out = emptyUsage();
  for (const u of all) for (const k of usageKeys) out[k] += u[k];
  return out;
}

export function scaleUsage(u: Usage, factor: number): Usage {
  const out = emptyUsage();
  for (const k of usageKeys) out[k] = u[k] * factor;
  return out;
}

/** `a - b`, never below zero per line (a quiet day can be busier than the period average on one service). */
export function subtractUsage(a: Usage, b: Usage): Usage {
  const out = emptyUsage();
  for (const k of usageKeys) out[k] = Math.max(0, a[k] - b[k]);
  return out;
}

const price = z.number().min(0);
export const PriceTableSchema = z.object({
  region: z.string(),
  currency: z.literal('USD'),
  asOf: z.iso.date(),
  retrieved: z.string().check(z.minLength(1)),
  sources: z.record(z.string(), z.string()),
  perUse: z.strictObject({
    lambdaRequestPerMillion: price,
    lambdaArmGbSecond: price,
    dynamodbWriteRequestUnitPerMillion: price,
    dynamodbReadRequestUnitPerMillion: price,
    dynamodbStorageGbMonth: price,
    s3PutPostListPerThousand: price,
    s3GetHeadPerThousand: price,
    s3StorageGbMonth: price,
    eventbridgeCustomEventsPerMillion: price,
    schedulerInvocationsPerMillion: price,
    sesPerThousandMessages: price,
    sesAttachmentGb: price,
    httpApiRequestsPerMillion: price,
    cloudfrontHttpsRequestsPerTenThousand: price,
    cloudfrontDataOutGb: price,
    wafRequestsPerMillion: price,
    cloudwatchLogsIngestedGb: price,
    xrayTracesRecordedPerMillion: price,
  }),
  fixedMonthly: z.strictObject({
    wafWebAcl: price,
    wafRule: price,
    cognitoPlusMau: price,
    cognitoEssentialsMau: price,
    cognitoEssentialsFreeMau: price,
    kmsCustomerKey: price,
    cloudwatchStandardAlarm: price,
    cloudwatchCustomMetric: price,
    route53HostedZone: price,
  }),
});
export type PriceTable = z.infer<typeof PriceTableSchema>;

export const SERVICES = [
  'Lambda',
  'DynamoDB',
  'S3',
  'EventBridge',
  'SES',
  'API Gateway',
  'CloudFront',
  'WAF',
  'CloudWatch Logs',
  'X-Ray',
] as const;
export type Service = (typeof SERVICES)[number];
export type Dollars = Record<Service, number>;

/** Usage × the per-use prices, per service. */
export function priceUsage(u: Usage, prices: PriceTable): Dollars {
  const p = prices.perUse;
  const M = 1_000_000;
  return {
    Lambda: (u.lambdaRequests / M) * p.lambdaRequestPerMillion + u.lambdaGbSeconds * p.lambdaArmGbSecond,
    DynamoDB:
      (u.dynamodbWru / M) * p.dynamodbWriteRequestUnitPerMillion +
      (u.dynamodbRru / M) * p.dynamodbReadRequestUnitPerMillion +
      u.dynamodbStorageGbMonths * p.dynamodbStorageGbMonth,
    S3:
      (u.s3PutPostList / 1000) * p.s3PutPostListPerThousand +
      (u.s3GetHead / 1000) * p.s3GetHeadPerThousand +
      u.s3StorageGbMonths * p.s3StorageGbMonth,
    EventBridge:
      (u.customEvents / M) * p.eventbridgeCustomEventsPerMillion + (u.schedulerInvocations / M) * p.schedulerInvocationsPerMillion,
    SES: (u.sesMessages / 1000) * p.sesPerThousandMessages + u.sesAttachmentGb * p.sesAttachmentGb,
    'API Gateway': (u.apiRequests / M) * p.httpApiRequestsPerMillion,
    CloudFront: (u.cloudfrontRequests / 10_000) * p.cloudfrontHttpsRequestsPerTenThousand + u.cloudfrontGbOut * p.cloudfrontDataOutGb,
    WAF: (u.wafRequests / M) * p.wafRequestsPerMillion,
    'CloudWatch Logs': u.logsGb * p.cloudwatchLogsIngestedGb,
    'X-Ray': (u.xrayTraces / M) * p.xrayTracesRecordedPerMillion,
  };
}

export const total = (d: Dollars): number => SERVICES.reduce((s, k) => s + d[k], 0);

/** Services by share of the total, largest first (share 0..1). */
export function shares(d: Dollars): { service: Service; dollars: number; share: number }[] {
  const t = total(d);
  return SERVICES.map((service) => ({ service, dollars: d[service], share: t > 0 ? d[service] / t : 0 })).sort(
    (a, b) => b.dollars - a.dollars,
  );
}

// --- fixed monthly costs, per deployment --------------------------------------------------------------

/** What one deployment holds that is billed by the month whatever the traffic. */
export interface Deployment {
  wafRules: number;
  /** Staff who sign in in a month (Sở Nội vụ, leadership readers). */
  staffMau: number;
  cognitoPlan: 'plus' | 'essentials';
  kmsKeys: number;
  alarms: number;
  customMetrics: number;
  hostedZones: number;
}

export function fixedMonthly(d: Deployment, prices: PriceTable): { what: string; monthly: number }[] {
  const f = prices.fixedMonthly;
  const cognito =
    d.cognitoPlan === 'plus'
      ? d.staffMau * f.cognitoPlusMau
      : Math.max(0, d.staffMau - f.cognitoEssentialsFreeMau) * f.cognitoEssentialsMau;
  return [
    { what: `WAF web ACL + ${d.wafRules} rules`, monthly: f.wafWebAcl + d.wafRules * f.wafRule },
    { what: `Cognito ${d.cognitoPlan === 'plus' ? 'Plus' : 'Essentials'}, ${d.staffMau} staff MAU`, monthly: cognito },
    { what: `KMS, ${d.kmsKeys} customer key${d.kmsKeys === 1 ? '' : 's'}`, monthly: d.kmsKeys * f.kmsCustomerKey },
    { what: `CloudWatch, ${d.alarms} alarms`, monthly: d.alarms * f.cloudwatchStandardAlarm },
    { what: `CloudWatch, ${d.customMetrics} custom metrics (EMF)`, monthly: d.customMetrics * f.cloudwatchCustomMetric },
    { what: `Route 53, ${d.hostedZones} hosted zone${d.hostedZones === 1 ? '' : 's'}`, monthly: d.hostedZones * f.route53HostedZone },
  ];
}

// --- scaling: one measured period → a province's year -------------------------------------------------

export interface RegimeMixEntry {
  frequency: 'annual' | 'six-monthly' | 'quarterly' | 'monthly';
  regimes: number;
}
export const PERIODS_PER_YEAR: Record<RegimeMixEntry['frequency'], number> = { annual: 1, 'six-monthly': 2, quarterly: 4, monthly: 12 };

export const periodsPerYear = (mix: readonly RegimeMixEntry[]): number =>
  mix.reduce((s, m) => s + m.regimes * PERIODS_PER_YEAR[m.frequency], 0);
export const regimeCount = (mix: readonly RegimeMixEntry[]): number => mix.reduce((s, m) => s + m.regimes, 0);

/**
 * A province's year: each regime's periods cost what the measured period cost beyond its quiet
 * days (`perPeriod`), and every regime's daily schedules run on every day of the year (`quietDay`,
 * the quietest measured day: the jobs finding nothing to do).
 */
export function provinceYear(perPeriod: Usage, quietDay: Usage, mix: readonly RegimeMixEntry[]): Usage {
  return addUsage(scaleUsage(perPeriod, periodsPerYear(mix)), scaleUsage(quietDay, 365 * regimeCount(mix)));
}

// --- from what the run counted to usage -------------------------------------------------------------

/** One call a function made, as the meter recorded it (bench/lib/meter.ts). */
export interface CallRecord {
  fn: string;
  service: WireService;
  operation: string;
  ok: boolean;
  rru: number;
  wru: number;
  /** DynamoDB: size of an item put; S3: bytes put, or a whole object read; SES: the request's bytes. */
  bytes: number;
  events: number;
}

export interface InvocationRecord {
  fn: string;
  trigger: 'api' | 'schedule' | 'event';
  ms: number;
}

/** What the run cannot count, stated as numbers (docs/COSTS.md gives the reasons). */
export interface Assumptions {
  memoryMb: (fn: string) => number;
  /** Billed INIT per invocation: with a few reports a day nearly every invocation is a cold start. */
  initMsPerInvocation: number;
  /** CloudWatch Logs ingested per invocation (platform lines plus the functions' INFO lines). */
  logBytesPerInvocation: number;
  /** Site files fetched through CloudFront per page a person opens (form or board), and their bytes. */
  siteRequestsPerPage: number;
  siteBytesPerPage: number;
  /** The handlers whose API requests each stand for one page opened (the form's presign, the board's status). */
  pageFunctions: readonly string[];
  /** How long a period's objects and items are kept, billed per month (the first year of storage). */
  storageMonths: number;
}

const GB = 2 ** 30;

/**
 * Usage of a span of the run: invocations (requests and GB-seconds at each function's configured
 * memory, INIT included), the calls' request units, requests and bytes, the browsers' own requests
 * (S3 POSTs of the uploads; CloudFront for the site and, as the API sits behind it, for every API
 * request; WAF on all of CloudFront), logs and traces per invocation.
 */
export function usageFromRun(
  calls: readonly CallRecord[],
  invocations: readonly InvocationRecord[],
  browserUploads: number,
  a: Assumptions,
): Usage {
  const u = emptyUsage();
  for (const i of invocations) {
    u.lambdaRequests += 1;
    u.lambdaGbSeconds += lambdaGbSeconds(i.ms + a.initMsPerInvocation, a.memoryMb(i.fn));
    if (i.trigger === 'schedule') u.schedulerInvocations += 1;
    if (i.trigger === 'api') u.apiRequests += 1;
  }
  u.logsGb = (invocations.length * a.logBytesPerInvocation) / GB;
  u.xrayTraces = invocations.length;
  const pages = invocations.filter((i) => i.trigger === 'api' && a.pageFunctions.includes(i.fn)).length;
  u.cloudfrontRequests = pages * a.siteRequestsPerPage + u.apiRequests;
  u.cloudfrontGbOut = (pages * a.siteBytesPerPage) / GB;
  u.wafRequests = u.cloudfrontRequests;
  u.s3PutPostList += browserUploads;
  let dynamoBytes = 0;
  let s3Bytes = 0;
  for (const c of calls) {
    if (c.service === 'dynamodb') {
      u.dynamodbRru += c.rru;
      u.dynamodbWru += c.wru;
      if (c.operation === 'PutItem' && c.ok) dynamoBytes += c.bytes;
    } else if (c.service === 's3') {
      const cls = s3RequestClass(c.operation);
      if (cls === 'putPostList') u.s3PutPostList += 1;
      if (cls === 'getHead') u.s3GetHead += 1;
      // Stored: what functions put, and each upload once (ingest reads it whole).
      if (c.operation === 'PutObject' || (c.operation === 'GetObject' && c.fn === 'ingest')) s3Bytes += c.bytes;
    } else if (c.service === 'ses') {
      if (c.ok && c.operation === 'SendEmail') {
        u.sesMessages += 1;
        u.sesAttachmentGb += c.bytes / GB;
      }
    } else {
      u.customEvents += c.events;
    }
  }
  u.dynamodbStorageGbMonths = (dynamoBytes / GB) * a.storageMonths;
  u.s3StorageGbMonths = (s3Bytes / GB) * a.storageMonths;
  return u;
}
