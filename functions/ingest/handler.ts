import { bucketConfig, busConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { METRICS, powertoolsCounter } from '../../shared/metrics.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { objectStoreFrom } from '../../shared/adapters/s3.adapter.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import * as z from '../../shared/zod-mini.js';
import { ObjectCreatedDetail } from '../../shared/definitions/event-details.js';
import { parseIncomingKey } from '../../shared/definitions/table.js';
import { regimeOfPeriod } from '../../shared/domain/regimes.js';

/**
 * S3 "Object Created" (EventBridge) under incoming/ → validate, store, emit. Parsed at the edge
 * (ObjectCreatedDetail): the bucket is versioned, so the event names the version created (`version-id`), and that
 * version — not whatever the key holds by the time the function runs — is what gets judged. An
 * event without it (an unversioned bucket) fails loudly rather than judging the wrong bytes.
 */
const fn = composeFunction('ingest', z.extend(bucketConfig, busConfig.shape), { metrics: powertoolsCounter });
const objects = objectStoreFrom(fn.config);
const bus = busFrom(fn.config);

export const handler = fn.onEvent(ObjectCreatedDetail, async (detail, event) => {
  fn.logger.appendKeys({ key: detail.object.key, versionId: detail.object['version-id'] });
  // The period's own regime (its form and dates); a key outside incoming/ or of a regime not run is
  // judged as before: ignored, or rejected against the main regime's periods.
  const ref = parseIncomingKey(detail.object.key);
  const regimes = await fn.regimes();
  const regime = (ref && regimeOfPeriod(regimes, ref.period)) ?? regimes.main;
  const result = await ingestReport(
    { objects, bus, reports: fn.tables.reports, audit: fn.tables.audit, regime },
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
