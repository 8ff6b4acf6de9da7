import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { objectKeys } from '../../shared/definitions/table.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { ingestReport } from '../../shared/use-cases/ingest-report.js';
import { reconcile } from '../../shared/use-cases/reconcile.js';
import { updateCompliance } from '../../shared/use-cases/update-compliance.js';
import { memoryWorld } from '../support/memory-ports.js';

const regime = DEFAULT_REGIME;
const UNIT = 'so-tu-phap';
/** After the 2026 deadline (18 December). */
const AFTER_DEADLINE = '2026-12-20T03:00:00Z';

function worldWithObject(at: string, body: unknown, lastModified: string) {
  const w = { ...memoryWorld(at, regime), bucket: 'reports' };
  const key = objectKeys.incoming('2026', UNIT, '0123456789abcdefghij', 'json');
  w.objects.putVersion(key, JSON.stringify(body), 'application/json', lastModified);
  return { w, key };
}

describe('reconcile', () => {
  it('ingests an object that has no version record at the time S3 stored it, so a report sent on time stays on time', async () => {
    const { w, key } = worldWithObject(AFTER_DEADLINE, sampleReport(regime, UNIT, '2026'), '2026-12-10T02:00:00.000Z');

    const first = await reconcile(w, { period: '2026' });
    const published = w.bus.events.map((e) => e.detailType);
    await updateCompliance(w, { period: '2026', unitId: UNIT }); // what "Report Accepted" triggers
    const second = await reconcile(w, { period: '2026' });

    expect(first.ingested).toEqual([{ key, unitId: UNIT, outcome: 'accepted' }]);
    const { versions } = await w.reports.facts('2026', UNIT);
    expect(versions.map((v) => v.receivedAt)).toEqual(['2026-12-10T02:00:00Z']);
    expect(published).toEqual([DETAIL_TYPES.reportAccepted]);
    expect((await w.statuses.get('2026', UNIT))?.status).toBe('ON_TIME');
    expect(second).toMatchObject({ scanned: 1, ingested: [], recomputed: [] });
  });

  it('moves a rejected unit to OVERDUE once the deadline has passed, once; a dry run only says so', async () => {
    const { w, key } = worldWithObject('2026-11-28T03:00:00Z', { not: 'a report' }, '2026-11-28T02:00:00.000Z');
    const head = (await w.objects.head(key))!;
    await ingestReport(w, {
      bucket: 'reports',
      key,
      size: head.size,
      etag: head.etag,
      versionId: head.versionId!,
      time: '2026-11-28T02:00:00Z',
    });
    await updateCompliance(w, { period: '2026', unitId: UNIT });
    w.clock.set(AFTER_DEADLINE);

    const dry = await reconcile(w, { period: '2026', dryRun: true });
    const statusAfterDry = (await w.statuses.get('2026', UNIT))?.status;
    const first = await reconcile(w, { period: '2026' });
    const second = await reconcile(w, { period: '2026' });

    expect(dry.recomputed).toEqual([{ unitId: UNIT, from: 'REJECTED', to: 'OVERDUE', outcome: 'would-recompute' }]);
    expect(statusAfterDry).toBe('REJECTED');
    expect(first.recomputed).toEqual([{ unitId: UNIT, from: 'REJECTED', to: 'OVERDUE', outcome: 'changed' }]);
    expect((await w.statuses.get('2026', UNIT))?.status).toBe('OVERDUE');
    expect(second.recomputed).toEqual([]);
  });
});
