import type { EventBridgeEvent } from 'aws-lambda';
import { bucketConfig, busConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { METRICS, powertoolsCounter } from '../../shared/metrics.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { objectStoreFrom } from '../../shared/adapters/s3.adapter.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import * as z from '../../shared/zod-mini.js';

/** S3 "Object Created" (EventBridge) under incoming/ → validate, store, emit. */
interface ObjectCreatedDetail {
  bucket: { name: string };
  object: { key: string; size: number; etag: string };
}

const fn = composeFunction('ingest', z.extend(bucketConfig, busConfig.shape), { metrics: powertoolsCounter });
const objects = objectStoreFrom(fn.config);
const bus = busFrom(fn.config);

export const handler = fn.onEvent(async (event: EventBridgeEvent<'Object Created', ObjectCreatedDetail>) => {
  fn.logger.appendKeys({ key: event.detail.object.key });
  const result = await ingestReport(
    { objects, bus, reports: fn.tables.reports, audit: fn.tables.audit, regime: await fn.regime() },
    {
      bucket: event.detail.bucket.name,
      key: event.detail.object.key,
      size: event.detail.object.size,
      etag: event.detail.object.etag,
      time: event.time,
    },
  );
  if (result.outcome !== 'ignored') fn.count(result.outcome === 'accepted' ? METRICS.reportsAccepted : METRICS.reportsRejected);
  fn.logger.info('ingested', { outcome: result.outcome, reasons: result.version?.reasons.length ?? 0 });
  return { outcome: result.outcome };
});
