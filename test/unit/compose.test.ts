import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { composeFunction } from '../../shared/compose.js';
import * as zm from '../../shared/zod-mini.js';
import { METRICS, powertoolsCounter } from '../../shared/metrics.js';
import { ConfigError } from '../../shared/config/config.js';

/** The composition root's cross-cutting parts: config that fails fast, correlation ids, metrics. */
const ENV_OK = {
  TABLE_NAME: 'baocao',
  AWS_REGION: 'ap-southeast-1',
  POWERTOOLS_METRICS_DISABLED: 'false',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_DEV: 'false',
};
let lines: string[];

beforeEach(() => {
  for (const [k, v] of Object.entries(ENV_OK)) vi.stubEnv(k, v);
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('composeFunction', () => {
  it('fails at cold start naming the missing variable', () => {
    vi.stubEnv('TABLE_NAME', '');

    expect(() => composeFunction('x', z.object({}))).toThrow(ConfigError);
    expect(() => composeFunction('x', z.object({}))).toThrow(/TABLE_NAME/);
  });

  it('refuses to count in a function composed without metrics (it does not bundle the library)', async () => {
    const fn = composeFunction('status', z.object({}));
    expect(() => fn.count(METRICS.reportsAccepted)).toThrow(/composed without metrics/);
  });

  const event = (detail: unknown) => ({
    id: 'evt-123',
    version: '0',
    account: '1',
    time: '2026-12-01T00:00:00Z',
    region: 'ap-southeast-1',
    resources: [] as string[],
    source: 'baocao',
    'detail-type': 'X',
    detail,
  });
  const context = {
    functionName: 'baocao-ingest',
    awsRequestId: 'aws-req-7',
    memoryLimitInMB: '1024',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn',
  } as never;

  it('puts the Lambda context and the event id on every log line of the invocation, clears the id after, and flushes metrics as EMF', async () => {
    const fn = composeFunction('ingest', z.object({}), { metrics: powertoolsCounter });
    const handler = fn.onEvent(zm.object({ n: zm.number() }), async (detail, e) => {
      fn.count(METRICS.reportsAccepted);
      fn.logger.info('ingested', { n: detail.n });
      return e.id;
    });

    await handler(event({ n: 1 }), context);
    fn.logger.info('after');

    const json = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.find((j) => j.message === 'ingested')).toMatchObject({
      correlation_id: 'evt-123',
      function_request_id: 'aws-req-7',
      function_name: 'baocao-ingest',
      n: 1,
    });
    expect(json.find((j) => j.message === 'ingested')?.cold_start).toEqual(expect.any(Boolean));
    expect(json.find((j) => j.message === 'after')?.correlation_id).toBeUndefined();
    const emf = json.find((j) => '_aws' in j)!;
    expect(emf.ReportsAccepted).toBe(1);
    expect(JSON.stringify(emf._aws)).toContain('"Namespace":"baocao"');
  });

  it('refuses an event whose detail does not match its schema, before any work', async () => {
    const fn = composeFunction('compliance', z.object({}));
    let worked = false;
    const handler = fn.onEvent(zm.object({ period: zm.number() }), async () => {
      worked = true;
    });

    await expect(handler(event({ period: '2026' }))).rejects.toThrow();

    expect(worked).toBe(false);
  });

  it('answers an HTTP error as the contract JSON with the request id as correlation id', async () => {
    const fn = composeFunction('presign', z.object({}));
    const handler = fn.http(async () => {
      throw new Error('boom');
    });

    const res = await handler({ requestContext: { requestId: 'req-9' } } as never);

    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body as string)).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(lines.join('')).toContain('req-9');
    expect(lines.join('')).not.toContain('"_aws"');
  });
});
