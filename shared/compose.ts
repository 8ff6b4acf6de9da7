import { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod';
import { dynamoDocClient } from './adapters/clients/dynamodb.js';
import { tableAdapters } from './adapters/dynamodb.adapter.js';
import { systemClock } from './clock.js';
import { endpointsConfig, loadConfig, tableConfig } from './config/config.js';
import { ENV } from './definitions/env-keys.js';
import { regimeLoader } from './runtime.js';

/**
 * What every function's composition root builds at module scope (once per cold start): its
 * config (parsed with zod, failing fast, naming the variable), the table adapters, the regime
 * loader, the logger and the clock. A function that also needs the bucket, the bus or the mailer
 * adds that config piece in `extra` and builds the adapter with objectStoreFrom / busFrom /
 * mailerFrom, so it bundles only the SDK clients it uses.
 */
export function composeFunction<S extends z.ZodObject>(service: string, extra: S) {
  const schema = endpointsConfig.extend(tableConfig.shape).extend(extra.shape);
  const config = loadConfig(schema) as z.infer<typeof endpointsConfig> & z.infer<typeof tableConfig> & z.infer<S>;
  const tables = tableAdapters(dynamoDocClient(config), config[ENV.tableName]);
  return {
    config,
    tables,
    clock: systemClock,
    regime: regimeLoader(tables.regimes),
    logger: new Logger({ serviceName: `baocao-${service}` }),
  };
}
