import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dynamoCapacity,
  emptyUsage,
  fixedMonthly,
  itemSize,
  lambdaGbSeconds,
  periodsPerYear,
  priceUsage,
  PriceTableSchema,
  provinceYear,
  readUnits,
  s3RequestClass,
  shares,
  total,
  usageFromRun,
  writeUnits,
  type CallRecord,
  type PriceTable,
  type Usage,
  type WireItem,
} from '../../bench/lib/cost-model.js';

/** Round prices, so every expectation below is worked out by hand. */
const PRICES: PriceTable = {
  region: 'ap-southeast-1',
  currency: 'USD',
  asOf: '2025-06-01',
  retrieved: 'test',
  sources: {},
  perUse: {
    lambdaRequestPerMillion: 0.2,
    lambdaArmGbSecond: 0.00001,
    dynamodbWriteRequestUnitPerMillion: 0.7,
    dynamodbReadRequestUnitPerMillion: 0.15,
    dynamodbStorageGbMonth: 0.25,
    s3PutPostListPerThousand: 0.005,
    s3GetHeadPerThousand: 0.0004,
    s3StorageGbMonth: 0.025,
    eventbridgeCustomEventsPerMillion: 1,
    schedulerInvocationsPerMillion: 1,
    sesPerThousandMessages: 0.1,
    sesAttachmentGb: 0.12,
    httpApiRequestsPerMillion: 1.27,
    cloudfrontHttpsRequestsPerTenThousand: 0.012,
    cloudfrontDataOutGb: 0.14,
    wafRequestsPerMillion: 0.6,
    cloudwatchLogsIngestedGb: 0.7,
    xrayTracesRecordedPerMillion: 5,
  },
  fixedMonthly: {
    wafWebAcl: 5,
    wafRule: 1,
    cognitoPlusMau: 0.02,
    cognitoEssentialsMau: 0.015,
    cognitoEssentialsFreeMau: 10000,
    kmsCustomerKey: 1,
    cloudwatchStandardAlarm: 0.1,
    cloudwatchCustomMetric: 0.3,
    route53HostedZone: 0.5,
  },
};

const GB = 2 ** 30;
/** An item of exactly `bytes` billed bytes: the name "PK" (2) and a string of bytes − 2 ASCII characters. */
const itemOf = (bytes: number, extra: WireItem = {}): WireItem => ({ PK: { S: 'x'.repeat(bytes - 2) }, ...extra });

describe('DynamoDB item sizes, as DynamoDB bills them', () => {
  it('adds attribute names and values: strings in UTF-8, numbers by significant digits, maps and lists with their overhead', () => {
    // Prepare: one attribute of each kind, sizes worked out by hand.
    const item: WireItem = {
      PK: { S: 'PERIOD#2026' }, // 2 + 11 = 13
      n: { N: '123.40' }, // 1 + (4 significant digits → 2 bytes + 1) = 4
      ok: { BOOL: true }, // 2 + 1 = 3
      m: { M: { a: { S: 'xy' } } }, // 1 + (3 + 1 per element + "a" 1 + 2) = 8
      l: { L: [{ N: '5' }, { NULL: true }] }, // 1 + (3 + (1 + 2) + (1 + 1)) = 9
    };
    // Act + assess.
    expect(itemSize(item)).toBe(37);
  });

  it('counts Vietnamese letters in UTF-8 bytes, not characters', () => {
    expect(itemSize({ t: { S: 'Sở' } })).toBe(1 + 1 + 3);
  });
});

describe('request units', () => {
  it('reads in 4 KB steps, at least one, half for eventually consistent reads', () => {
    expect(readUnits(0, false)).toBe(0.5);
    expect(readUnits(4096, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(8193, false)).toBe(1.5);
  });

  it('writes in 1 KB steps, at least one', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
  });

  it('bills a Query page on the total size of its items, rounded once', () => {
    // Prepare: three items of 1,666 bytes: 4,998 bytes → two 4 KB steps.
    const response = { Items: [itemOf(1666), itemOf(1666), itemOf(1666)] };
    // Act + assess: eventually consistent halves it; a strongly consistent read does not.
    expect(dynamoCapacity('Query', {}, response)).toEqual({ rru: 1, wru: 0 });
    expect(dynamoCapacity('Query', { ConsistentRead: true }, response)).toEqual({ rru: 2, wru: 0 });
  });

  it('bills a GetItem that finds nothing as the smallest read', () => {
    expect(dynamoCapacity('GetItem', {}, {})).toEqual({ rru: 0.5, wru: 0 });
  });

  it('bills a put twice when the item carries an index key (the index is written too)', () => {
    // 2 + 1,100 + "GSI1PK" 6 + "u" 1 = 1,109 bytes → 2 WRU, twice.
    const item = itemOf(1102, { GSI1PK: { S: 'u' } });
    expect(dynamoCapacity('PutItem', { Item: item }, {}, { indexKeys: ['GSI1PK'] })).toEqual({ rru: 0, wru: 4 });
    expect(dynamoCapacity('PutItem', { Item: itemOf(1102) }, {}, { indexKeys: ['GSI1PK'] })).toEqual({ rru: 0, wru: 2 });
  });

  it('bills an update on the item as it is after the update', () => {
    expect(dynamoCapacity('UpdateItem', {}, {}, { itemAfter: itemOf(3002) })).toEqual({ rru: 0, wru: 3 });
  });

  it('bills a batch write per item: two puts of 500 and 2,000 bytes and a delete', () => {
    const request = {
      RequestItems: { t: [{ PutRequest: { Item: itemOf(500) } }, { PutRequest: { Item: itemOf(2000) } }, { DeleteRequest: {} }] },
    };
    expect(dynamoCapacity('BatchWriteItem', request, {})).toEqual({ rru: 0, wru: 1 + 2 + 1 });
  });
});

describe('other units', () => {
  it('sorts S3 requests into the two billed classes; deletes are free', () => {
    expect(['PutObject', 'PostObject', 'ListObjects', 'PutObjectTagging', 'CopyObject'].map(s3RequestClass)).toEqual(
      Array(5).fill('putPostList'),
    );
    expect(['GetObject', 'HeadObject', 'GetObjectTagging'].map(s3RequestClass)).toEqual(Array(3).fill('getHead'));
    expect(s3RequestClass('DeleteObject')).toBe('free');
  });

  it('rounds a Lambda duration up to the millisecond and scales by the configured memory', () => {
    expect(lambdaGbSeconds(100.2, 512)).toBeCloseTo(0.101 * 0.5, 12);
    expect(lambdaGbSeconds(1000, 1024)).toBe(1);
  });
});

describe('usage → dollars', () => {
  const usage: Usage = {
    lambdaRequests: 1_000_000,
    lambdaGbSeconds: 1000,
    dynamodbRru: 4_000_000,
    dynamodbWru: 2_000_000,
    dynamodbStorageGbMonths: 2,
    s3PutPostList: 3000,
    s3GetHead: 10_000,
    s3StorageGbMonths: 4,
    customEvents: 500_000,
    schedulerInvocations: 1000,
    sesMessages: 2000,
    sesAttachmentGb: 0.5,
    apiRequests: 1_000_000,
    cloudfrontRequests: 20_000,
    cloudfrontGbOut: 1,
    wafRequests: 1_000_000,
    logsGb: 2,
    xrayTraces: 200_000,
  };

  it('prices each service from its counts', () => {
    const d = priceUsage(usage, PRICES);
    expect(d.Lambda).toBeCloseTo(0.2 + 0.01, 10);
    expect(d.DynamoDB).toBeCloseTo(1.4 + 0.6 + 0.5, 10);
    expect(d.S3).toBeCloseTo(0.015 + 0.004 + 0.1, 10);
    expect(d.EventBridge).toBeCloseTo(0.5 + 0.001, 10);
    expect(d.SES).toBeCloseTo(0.2 + 0.06, 10);
    expect(d['API Gateway']).toBeCloseTo(1.27, 10);
    expect(d.CloudFront).toBeCloseTo(0.024 + 0.14, 10);
    expect(d.WAF).toBeCloseTo(0.6, 10);
    expect(d['CloudWatch Logs']).toBeCloseTo(1.4, 10);
    expect(d['X-Ray']).toBeCloseTo(1, 10);
    expect(total(d)).toBeCloseTo(8.024, 10);
  });

  it('gives the shares largest first, adding up to the whole', () => {
    const s = shares(priceUsage(usage, PRICES));
    expect(s[0]).toMatchObject({ service: 'DynamoDB' });
    expect(s[0]!.share).toBeCloseTo(2.5 / 8.024, 10);
    expect(s.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 10);
    expect(shares(priceUsage(emptyUsage(), PRICES)).every((x) => x.share === 0)).toBe(true);
  });

  it('lists the fixed monthly costs of a deployment apart', () => {
    const deployment = {
      wafRules: 4,
      staffMau: 10,
      cognitoPlan: 'plus' as const,
      kmsKeys: 1,
      alarms: 38,
      customMetrics: 4,
      hostedZones: 1,
    };
    const lines = fixedMonthly(deployment, PRICES).map((l) => l.monthly);
    expect(lines).toEqual([9, 0.2, 1, expect.closeTo(3.8, 10), expect.closeTo(1.2, 10), 0.5]);
    // Essentials: 10 staff are inside the free monthly active users.
    expect(fixedMonthly({ ...deployment, cognitoPlan: 'essentials' }, PRICES)[1]!.monthly).toBe(0);
  });
});

describe('scaling to a province', () => {
  it("adds every regime's periods and every regime's quiet days of the year", () => {
    const mix = [
      { frequency: 'annual' as const, regimes: 4 },
      { frequency: 'six-monthly' as const, regimes: 2 },
      { frequency: 'quarterly' as const, regimes: 2 },
      { frequency: 'monthly' as const, regimes: 2 },
    ];
    expect(periodsPerYear(mix)).toBe(4 + 4 + 8 + 24);
    const year = provinceYear({ ...emptyUsage(), lambdaRequests: 100 }, { ...emptyUsage(), lambdaRequests: 3 }, mix);
    expect(year.lambdaRequests).toBe(100 * 40 + 3 * 365 * 10);
  });
});

describe('what the run counted → usage', () => {
  it('turns invocations, calls and uploads into billed quantities', () => {
    // Prepare: three invocations (one of each trigger), one call of each kind, one browser upload.
    const invocations = [
      { fn: 'ingest', trigger: 'event' as const, ms: 99.5 },
      { fn: 'presign', trigger: 'api' as const, ms: 20 },
      { fn: 'notices', trigger: 'schedule' as const, ms: 10 },
    ];
    const call = (c: Partial<CallRecord> & Pick<CallRecord, 'service' | 'operation'>): CallRecord => ({
      fn: 'ingest',
      ok: true,
      rru: 0,
      wru: 0,
      bytes: 0,
      events: 0,
      ...c,
    });
    const calls = [
      call({ service: 'dynamodb', operation: 'PutItem', wru: 2, bytes: 1500 }),
      call({ service: 'dynamodb', operation: 'Query', rru: 1.5 }),
      call({ service: 's3', operation: 'GetObject', bytes: 1000 }),
      call({ service: 's3', operation: 'HeadObject' }),
      call({ service: 's3', operation: 'PutObjectTagging' }),
      call({ fn: 'receipt', service: 'ses', operation: 'SendEmail', bytes: 2048 }),
      call({ fn: 'compliance', service: 'events', operation: 'PutEvents', events: 3 }),
    ];
    // Act.
    const u = usageFromRun(calls, invocations, 1, {
      memoryMb: (fn) => (fn === 'ingest' ? 1024 : 512),
      initMsPerInvocation: 100,
      logBytesPerInvocation: 2048,
      siteRequestsPerPage: 3,
      siteBytesPerPage: 85_000,
      pageFunctions: ['presign', 'status'],
      storageMonths: 12,
    });
    // Assess: 0.2 GB-s (200 ms at 1 GB) + 0.06 (120 ms at 0.5 GB) + 0.055 (110 ms at 0.5 GB).
    expect(u.lambdaRequests).toBe(3);
    expect(u.lambdaGbSeconds).toBeCloseTo(0.315, 10);
    expect(u.schedulerInvocations).toBe(1);
    expect(u.apiRequests).toBe(1);
    expect(u.dynamodbWru).toBe(2);
    expect(u.dynamodbRru).toBe(1.5);
    expect(u.dynamodbStorageGbMonths).toBeCloseTo((1500 / GB) * 12, 15);
    expect(u.s3PutPostList).toBe(2); // the browser's POST and the tagging
    expect(u.s3GetHead).toBe(2);
    expect(u.s3StorageGbMonths).toBeCloseTo((1000 / GB) * 12, 15);
    expect(u.sesMessages).toBe(1);
    expect(u.sesAttachmentGb).toBeCloseTo(2048 / GB, 15);
    expect(u.customEvents).toBe(3);
    // One page (the form) of three files, and the API request behind CloudFront too; WAF sees them all.
    expect(u.cloudfrontRequests).toBe(4);
    expect(u.cloudfrontGbOut).toBeCloseTo(85_000 / GB, 15);
    expect(u.wafRequests).toBe(4);
    expect(u.logsGb).toBeCloseTo((3 * 2048) / GB, 15);
    expect(u.xrayTraces).toBe(3);
  });
});

describe('the price table in the repository', () => {
  it('is dated, names its region and sources, and parses', () => {
    const table = PriceTableSchema.parse(JSON.parse(readFileSync(new URL('../../bench/aws-prices.json', import.meta.url), 'utf8')));
    expect(table.region).toBe('ap-southeast-1');
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(table.sources)).toEqual(expect.arrayContaining(['lambda', 'dynamodb', 's3', 'ses', 'waf', 'cognito']));
  });
});
