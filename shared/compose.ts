import { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod';
import { makeClients } from './adapters/clients.js';
import { tableAdapters } from './adapters/dynamodb.adapter.js';
import { EventBridgeBus } from './adapters/eventbridge.adapter.js';
import { S3ObjectStore } from './adapters/s3.adapter.js';
import { SesMailer } from './adapters/ses.adapter.js';
import { systemClock } from './clock.js';
import { bucketConfig, busConfig, endpointsConfig, loadConfig, mailConfig, tableConfig } from './config/config.js';
import { ENV } from './definitions/env-keys.js';
import { regimeLoader } from './runtime.js';

/**
 * What every function's composition root builds at module scope (once per cold start): its
 * config (parsed with zod, failing fast), the clients, the table adapters and the regime loader.
 * Resources a function does not use are built lazily, so it needs no config for them.
 */
export function composeFunction<S extends z.ZodObject>(service: string, extra: S) {
  const schema = endpointsConfig.extend(tableConfig.shape).extend(extra.shape);
  const config = loadConfig(schema) as z.infer<typeof endpointsConfig> & z.infer<typeof tableConfig> & z.infer<S>;
  const clients = makeClients(config);
  const tables = tableAdapters(clients.doc, config[ENV.tableName]);
  const env = process.env;
  return {
    config,
    clients,
    tables,
    clock: systemClock,
    regime: regimeLoader(tables.regimes),
    logger: new Logger({ serviceName: `baocao-${service}` }),
    objects: () => new S3ObjectStore(clients.s3, loadConfig(bucketConfig, env)[ENV.bucketName], clients.s3Public),
    bus: () => new EventBridgeBus(clients.events, loadConfig(busConfig, env)[ENV.busName]),
    mailer: () => {
      const mail = loadConfig(mailConfig, env);
      return new SesMailer(clients.ses, {
        from: mail[ENV.senderAddress],
        ...(mail[ENV.replyToAddress] ? { replyTo: mail[ENV.replyToAddress] } : {}),
        ...(mail[ENV.sesConfigurationSet] ? { configurationSet: mail[ENV.sesConfigurationSet] } : {}),
      });
    },
  };
}
