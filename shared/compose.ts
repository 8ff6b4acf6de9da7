import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { dynamoDocClient } from './adapters/clients/dynamodb.js';
import { tableAdapters } from './adapters/dynamodb.adapter.js';
import { systemClock } from './clock.js';
import { endpointsConfig, loadConfig, tableConfig } from './config/config.js';
import { ENV } from './definitions/env-keys.js';
import { httpHandler, type HttpEvent, type HttpResult } from './http/api.js';
import type { Counter, MetricName } from './metrics.js';
import { regimesLoader } from './runtime.js';
import * as z from './zod-mini.js';

/**
 * What every function's composition root builds at module scope (once per cold start): its
 * config (parsed with zod/mini, failing fast, naming the variable), the table adapters, the regime
 * loader, the Powertools logger, the clock, and — for a function that counts — its metrics
 * (shared/metrics.ts, passed in so only those functions bundle the metrics library). A function that also needs the bucket,
 * the bus or the mailer adds that config piece in `extra` and builds the adapter with
 * objectStoreFrom / busFrom / mailerFrom, so it bundles only the SDK clients it uses.
 */
export function composeFunction<S extends z.core.$ZodObject>(
  service: string,
  extra: S,
  opts: { metrics?: (service: string) => Counter } = {},
) {
  const schema = z.extend(endpointsConfig, { ...tableConfig.shape, ...extra._zod.def.shape });
  const config = loadConfig(schema) as z.infer<typeof endpointsConfig> & z.infer<typeof tableConfig> & z.infer<S>;
  const tables = tableAdapters(dynamoDocClient(config), config[ENV.tableName]);
  const logger = new Logger({ serviceName: `baocao-${service}` });
  const metrics = opts.metrics?.(service);
  const regimes = regimesLoader(tables.regimes);

  /**
   * One invocation: the Lambda context (cold start, request id, function name) and the event's
   * correlation id on every log line; metrics flushed; keys cleared after.
   */
  const invocation = async <T>(correlationId: string, work: () => Promise<T>, context?: Context): Promise<T> => {
    if (context) logger.addContext(context);
    logger.appendKeys({ correlation_id: correlationId });
    try {
      return await work();
    } finally {
      metrics?.flush();
      logger.resetKeys();
    }
  };

  return {
    config,
    tables,
    clock: systemClock,
    /** Every regime the deployment runs, the main one first (shared/domain/regimes.ts). */
    regimes,
    /** The main regime. */
    regime: () => regimes().then((r) => r.main),
    logger,
    /** Counts one occurrence (or `n`) of an application metric; only for a function composed with metrics. */
    count: (name: MetricName, n = 1) => {
      if (!metrics) throw new Error(`baocao-${service} counts ${name} but was composed without metrics`);
      metrics.count(name, n);
    },
    invocation,
    /** An HTTP API handler: 4xx/5xx JSON errors, correlation id = the API request id. */
    http: (work: (event: HttpEvent) => Promise<HttpResult>) => {
      const wrapped = httpHandler(work, logger, config[ENV.originVerify]);
      return (event: HttpEvent, context?: Context) => invocation(event.requestContext?.requestId ?? 'http', () => wrapped(event), context);
    },
    /**
     * An EventBridge handler: the detail parsed at the edge with its schema (shared/definitions/
     * event-details.ts), never cast; correlation id = the event id (the same across retries).
     */
    onEvent:
      <D, R>(detail: z.ZodMiniType<D>, work: (detail: D, event: EventBridgeEvent<string, unknown>) => Promise<R>) =>
      (event: EventBridgeEvent<string, unknown>, context?: Context) =>
        invocation(event.id, () => work(z.parse(detail, event.detail), event), context),
  };
}
