import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { dlqList, dlqRedrive } from '../../local/commands/dlq.js';
import { reconcileCommand } from '../../local/commands/reconcile.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { localTables } from '../../local/upload-client.js';
import { mailbox, to } from '../support/mailbox.js';
import { Outage } from '../support/outage.js';

/**
 * "Never lost" without relying on one event: the reconciliation sweep and the dead-letter redrive,
 * on the emulators, through the CLI commands an operator runs.
 */
const PERIOD = '2026';
const NOW = new Date('2026-11-28T03:00:00Z');
const email = (unitId: string) => DEFAULT_REGIME.units.find((u) => u.id === unitId)!.email;
let stack: LocalStack;
let dataDir: string;
let endpointsFile: string;
/** The ingest function, down while some uploads are made, so their events end as dead letters. */
const ingest = new Outage('ingest');

beforeAll(async () => {
  setVirtualNow(NOW);
  dataDir = await mkdtemp(join(tmpdir(), 'baocao-reconcile-'));
  endpointsFile = join(dataDir, 'endpoints.json');
  stack = await startLocalStack({
    dataDir,
    port: 0,
    quiet: true,
    scheduler: 'manual',
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    loadFunction: ingest.loader(),
  });
});
afterAll(async () => {
  resetClock();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const uploadWhileIngestIsDown = (unitId: string) => ingest.upload(stack, unitId, PERIOD);
const quietly = () => {
  const lines: string[] = [];
  return { lines, out: (l: string) => lines.push(l) };
};
const tables = () => localTables(stack.endpoints);
const mailsTo = async (unitId: string) => (await mailbox(stack.endpoints.ses)).filter(to(email(unitId)));

describe('reconciliation and dead letters', () => {
  it('an upload whose event was dead-lettered is ingested once by reconcile, and a second reconcile does nothing', async () => {
    await uploadWhileIngestIsDown('so-tu-phap');
    expect((await tables().reports.facts(PERIOD, 'so-tu-phap')).versions).toEqual([]);
    expect(stack.bus.deadLetters.map((d) => d.target)).toEqual(['ingest']);

    const dry = quietly();
    const planned = await reconcileCommand({ period: PERIOD, dryRun: true, endpointsFile }, dry.out);
    const done = quietly();
    const first = await reconcileCommand({ period: PERIOD, endpointsFile }, done.out);
    await stack.bus.idle();
    const again = quietly();
    const second = await reconcileCommand({ period: PERIOD, endpointsFile }, again.out);
    await stack.bus.idle();

    expect(planned.ingested).toEqual([expect.objectContaining({ unitId: 'so-tu-phap', outcome: 'would-ingest' })]);
    expect(dry.lines.join('\n')).toContain('Sẽ tiếp nhận 1 tệp');
    expect(first.ingested).toEqual([expect.objectContaining({ unitId: 'so-tu-phap', outcome: 'accepted' })]);
    expect(done.lines.join('\n')).toContain('Đã tiếp nhận 1 tệp');
    expect((await tables().reports.facts(PERIOD, 'so-tu-phap')).versions).toHaveLength(1);
    expect((await tables().statuses.get(PERIOD, 'so-tu-phap'))?.status).toBe('ON_TIME');
    expect(await mailsTo('so-tu-phap')).toHaveLength(1);
    expect(second).toMatchObject({ ingested: [], recomputed: [] });
    expect(again.lines.at(-1)).toBe('Không có gì cần đối soát.');
  });

  it('dlq redrive delivers a dead-lettered upload event to ingest, which ends in its verdict once', async () => {
    await uploadWhileIngestIsDown('so-y-te');
    const listed = await dlqList({ endpointsFile }, quietly().out);
    const forYte = listed.filter((d) => d.unitId === 'so-y-te');

    const first = await dlqRedrive({ endpointsFile, id: forYte[0]!.messageId }, quietly().out);
    await stack.bus.idle();
    const second = await dlqRedrive({ endpointsFile, id: forYte[0]!.messageId }, quietly().out);
    await stack.bus.idle();

    expect(forYte).toMatchObject([{ queue: 'OnFailureIngest', target: 'ingest', what: 'Object Created', period: '2026' }]);
    expect(first.redriven.map((d) => d.messageId)).toEqual([forYte[0]!.messageId]);
    expect(second).toEqual({ redriven: [], failed: [] });
    expect((await tables().reports.facts(PERIOD, 'so-y-te')).versions).toHaveLength(1);
    expect((await tables().statuses.get(PERIOD, 'so-y-te'))?.status).toBe('ON_TIME');
    expect(await mailsTo('so-y-te')).toHaveLength(1);
    expect((await dlqList({ endpointsFile }, quietly().out)).some((d) => d.unitId === 'so-y-te')).toBe(false);
  });

  it('redriving an event reconcile already recovered stores nothing new and sends nothing new', async () => {
    const [left] = await dlqList({ endpointsFile }, quietly().out);

    await dlqRedrive({ endpointsFile }, quietly().out);
    await stack.bus.idle();

    expect(left!.unitId).toBe('so-tu-phap');
    expect(await dlqList({ endpointsFile }, quietly().out)).toEqual([]);
    expect((await tables().reports.facts(PERIOD, 'so-tu-phap')).versions).toHaveLength(1);
    expect(await mailsTo('so-tu-phap')).toHaveLength(1);
  });

  it('a unit whose stored status disagrees with its versions is recomputed, once', async () => {
    const current = (await tables().statuses.get(PERIOD, 'so-y-te'))!;
    expect(await tables().statuses.put({ ...current, rev: current.rev + 1, status: 'REJECTED' }, current.rev)).toBe(true);

    const first = await reconcileCommand({ period: PERIOD, endpointsFile }, quietly().out);
    await stack.bus.idle();
    const second = await reconcileCommand({ period: PERIOD, endpointsFile }, quietly().out);

    expect(first.recomputed).toEqual([{ unitId: 'so-y-te', from: 'REJECTED', to: 'ON_TIME', outcome: 'changed' }]);
    expect(first.ingested).toEqual([]);
    expect((await tables().statuses.get(PERIOD, 'so-y-te'))?.status).toBe('ON_TIME');
    expect(second).toMatchObject({ ingested: [], recomputed: [] });
    expect(await mailsTo('so-y-te')).toHaveLength(1);
  });

  it('the DailyReconcile schedule runs the sweep of the current period at 02:00 local, which finds nothing left to do', async () => {
    const firings = await stack.scheduler.tick(new Date('2026-11-28T20:00:00Z')); // 03:00 on 29 November in Kon Tum
    await stack.bus.idle();

    expect(firings.map((f) => [f.scheduleId, f.ok])).toEqual([['DailyReconcile', true]]);
    expect(firings[0]!.result).toMatchObject([{ period: PERIOD, scanned: 2, ingested: [], recomputed: [] }]);
  });
});
