import type { EventBridgeEvent } from 'aws-lambda';
import { bucketConfig, busConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { METRICS, powertoolsCounter } from '../../shared/metrics.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { objectStoreFrom } from '../../shared/adapters/s3.adapter.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import * as z from '../../shared/zod-mini.js';

/**
 * S3 "Object Created" (EventBridge) under incoming/ → validate, store, emit. Parsed here, at the
 * edge: the bucket is versioned, so the event names the version created (`version-id`), and that
 * version — not whatever the key holds by the time the function runs — is what gets judged. An
 * event without it (an unversioned bucket) fails loudly rather than judging the wrong bytes.
 */
const ObjectCreatedDetail = z.object({
  bucket: z.object({ name: z.string() }),
  object: z.object({
    key: z.string(),
    size: z.number(),
    etag: z.string(),
    'version-id': z.string().check(z.minLength(1)),
  }),
});

const fn = composeFunction('ingest', z.extend(bucketConfig, busConfig.shape), { metrics: powertoolsCounter });
const objects = objectStoreFrom(fn.config);
const bus = busFrom(fn.config);

export const handler = fn.onEvent(async (event: EventBridgeEvent<'Object Created', unknown>) => {
  const detail = z.parse(ObjectCreatedDetail, event.detail);
  fn.logger.appendKeys({ key: detail.object.key, versionId: detail.object['version-id'] });
  const result = await ingestReport(
    { objects, bus, reports: fn.tables.reports, audit: fn.tables.audit, regime: await fn.regime() },
    {
      bucket: detail.bucket.name,
      key: detail.object.key,
      size: detail.object.size,
      etag: detail.object.etag,
      versionId: detail.object['version-id'],
      time: event.time,
    },
  );
  if (result.outcome !== 'ignored') fn.count(result.outcome === 'accepted' ? METRICS.reportsAccepted : METRICS.reportsRejected);
  fn.logger.info('ingested', { outcome: result.outcome, uploadId: result.version?.uploadId, reasons: result.version?.reasons.length ?? 0 });
  return { outcome: result.outcome };
});
