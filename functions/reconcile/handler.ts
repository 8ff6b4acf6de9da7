import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { bucketConfig, busConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { currentPeriod } from '../../shared/domain/calendar.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { reconcile, type ReconcileResult } from '../../shared/use-cases/reconcile.js';
import { objectStoreFrom } from '../../shared/adapters/s3.adapter.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import { periodKeysField } from '../../shared/definitions/event-details.js';
import { regimeFor } from '../../shared/domain/regimes.js';
import * as z from '../../shared/zod-mini.js';

/**
 * EventBridge Scheduler "DailyReconcile" (locally the stack's scheduler and `cli reconcile`) → the
 * reconciliation sweep of every regime's current period, or of the periods given. Its own function rather
 * than a job of ingest: it needs to list incoming/, which ingest does not, and its failures get
 * their own alarm and dead-letter queue.
 */
const fn = composeFunction('reconcile', z.extend(bucketConfig, busConfig.shape));
const objects = objectStoreFrom(fn.config);
const bus = busFrom(fn.config);

export const ReconcileEventSchema = z.strictObject({
  job: z.literal('reconcile'),
  periods: periodKeysField(10),
  dryRun: z.optional(z.boolean()),
});

export const handler = async (event: unknown, context?: Context): Promise<ReconcileResult[]> =>
  fn.invocation(context?.awsRequestId ?? randomUUID(), async () => {
    if (context) fn.logger.addContext(context);
    const input = ReconcileEventSchema.parse(event);
    const regimes = await fn.regimes();
    const periods = input.periods?.map(String) ?? regimes.all.map((r) => currentPeriod(r, fn.clock.now()));
    const results: ReconcileResult[] = [];
    for (const period of periods) {
      const r = await reconcile(
        {
          objects,
          bus,
          reports: fn.tables.reports,
          statuses: fn.tables.statuses,
          audit: fn.tables.audit,
          clock: fn.clock,
          regime: regimeFor(regimes, period),
          bucket: fn.config[ENV.bucketName],
        },
        { period, ...(input.dryRun ? { dryRun: true } : {}) },
      );
      fn.logger.info('reconciled', { period, dryRun: r.dryRun, scanned: r.scanned, ingested: r.ingested, recomputed: r.recomputed });
      results.push(r);
    }
    return results;
  });
