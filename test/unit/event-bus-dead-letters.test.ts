import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DETAIL_TYPES, EVENT_SOURCE } from '../../shared/definitions/events.js';
import { deadLetterId, LocalEventBus, type BusEnvelope } from '../../local/event-bus.js';

const event: BusEnvelope = {
  version: '0',
  id: 'ev-1',
  'detail-type': DETAIL_TYPES.reportAccepted,
  source: EVENT_SOURCE,
  account: '000000000000',
  time: '2026-11-28T03:00:00Z',
  region: 'ap-southeast-1',
  resources: [],
  detail: { period: 2026, unitId: 'so-tu-phap' },
};
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function bus(dataDir: string, target: () => Promise<unknown>, seen: string[]) {
  return new LocalEventBus({
    bucketName: 'b',
    dataDir,
    log: () => {},
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    loadTarget: async (name) => async (e) => {
      seen.push(`${name}:${e.id}`);
      return target();
    },
  });
}

describe('local bus dead letters', () => {
  it('keeps dead letters across a restart and redrives each to the target that gave up, once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'baocao-dlq-'));
    dirs.push(dataDir);
    const seen: string[] = [];
    const failing = bus(dataDir, () => Promise.reject(new Error('down')), seen);
    await failing.listen();
    failing.deliver(event, 'baocao');
    await failing.idle();
    await failing.close();

    const restarted = bus(dataDir, () => Promise.resolve('ok'), seen);
    await restarted.listen();
    const kept = [...restarted.deadLetters];
    const redriven = await restarted.redrive();
    await restarted.idle();
    const again = await restarted.redrive([deadLetterId(kept[0]!)]);
    await restarted.close();

    expect(kept).toMatchObject([{ target: 'compliance', attempts: 2, error: 'down', event: { id: 'ev-1' } }]);
    expect(redriven.map(deadLetterId)).toEqual(['ev-1/ReportOutcomeToCompliance']);
    expect(again).toEqual([]);
    expect(seen).toEqual(['compliance:ev-1', 'compliance:ev-1', 'compliance:ev-1']);
    expect(restarted.delivered).toMatchObject([{ target: 'compliance', attempts: 1 }]);
    expect(await readFile(join(dataDir, 'dead-letters.jsonl'), 'utf8')).toBe('');
  });
});
