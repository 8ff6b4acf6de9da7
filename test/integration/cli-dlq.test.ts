import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParkedMessage } from '../../local/dead-letter-queues.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { resetClock, setVirtualNow } from '../../shared/clock.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { mailbox, to } from '../support/mailbox.js';
import { Outage } from '../support/outage.js';
import { operatorEnvironment, runCli, writeLocalOutputsFile } from '../support/operator-cli.js';

/**
 * `dlq list|redrive` on a deployment, through its outputs file: the dead-letter queues' URLs come
 * from the stack outputs, and the CLI reads, redrives and deletes with the real SQS client — here
 * against the local bus, which serves its dead letters as the functions' on-failure queues.
 * Each command is its own process with only an operator's environment (test/support/operator-cli.ts).
 */
const PERIOD = '2026';
const NOW = new Date('2026-11-28T03:00:00Z');
const UNIT = 'so-xay-dung';
const unitEmail = DEFAULT_REGIME.units.find((u) => u.id === UNIT)!.email;
let stack: LocalStack;
let dir: string;
let outputsFile: string;
let operatorEnv: Record<string, string>;
/** The receipt function, down while the upload is made, so its event ends as a dead letter. */
const receipt = new Outage('receipt');

const onAws = (args: string[], env: Record<string, string> = operatorEnv) => runCli([...args, '--outputs', outputsFile], env);
const listed = async () => {
  const r = await onAws(['dlq', 'list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ParkedMessage[];
};
const receipts = async () => (await mailbox(stack.endpoints.ses)).filter(to(unitEmail));

beforeAll(async () => {
  setVirtualNow(NOW);
  dir = await mkdtemp(join(tmpdir(), 'baocao-cli-dlq-'));
  stack = await startLocalStack({
    dataDir: join(dir, 'data'),
    port: 0,
    quiet: true,
    scheduler: 'manual',
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    loadFunction: receipt.loader(),
  });
  outputsFile = await writeLocalOutputsFile(stack, dir);
  operatorEnv = operatorEnvironment(stack, dir);

  // A valid upload whose receipt could not be sent: "Unit Status Changed" parks in OnFailureReceipt.
  await receipt.upload(stack, UNIT, PERIOD);
});
afterAll(async () => {
  resetClock();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dlq list and redrive on a deployment, through its outputs file', () => {
  it('dlq list shows the parked event, its unit, period, error and age, and leaves it in the queue', async () => {
    const plain = await onAws(['dlq', 'list']);
    const first = await listed();
    const second = await listed();

    expect(stack.bus.deadLetters.map((d) => d.target)).toEqual(['receipt']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('OnFailureReceipt → receipt  "Unit Status Changed" so-xay-dung kỳ 2026, 2 lần thử, chờ ');
    expect(plain.stdout).toContain('lỗi: Error: receipt is down (test)');
    expect(plain.stdout.trim().split('\n').at(-1)).toMatch(/^1 thư chết \(dead letter\) trong 13 hàng đợi\.$/);
    expect(first).toMatchObject([
      { queue: 'OnFailureReceipt', target: 'receipt', what: 'Unit Status Changed', unitId: UNIT, period: '2026', attempts: 2 },
    ]);
    // A peek: the same message, visible again at once.
    expect(second.map((p) => p.messageId)).toEqual(first.map((p) => p.messageId));
  });

  it('dlq redrive --dry-run says what it would redrive and sends nothing', async () => {
    const r = await onAws(['dlq', 'redrive', '--dry-run']);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Sẽ gửi lại: ');
    expect(r.stdout).toContain('Chạy thử: sẽ gửi lại 1 thư chết; không gửi, không xóa gì.');
    expect(await receipts()).toEqual([]);
    expect(await listed()).toHaveLength(1);
  });

  it('a redrive whose re-delivery fails keeps the message and exits non-zero', async () => {
    const [before] = await listed();
    // SES unreachable from the operator's process: the receipt function fails again.
    const r = await onAws(['dlq', 'redrive'], { ...operatorEnv, [ENV.sesEndpoint]: 'http://127.0.0.1:9' });

    expect(r.code).toBe(1);
    expect(r.stdout).toContain('KHÔNG gửi lại được (vẫn giữ trong hàng đợi)');
    expect(r.stdout).toContain('1 thư không gửi lại được, vẫn giữ trong hàng đợi');
    expect(await receipts()).toEqual([]);
    expect((await listed()).map((p) => p.messageId)).toEqual([before!.messageId]);
  });

  it('dlq redrive re-delivers it to the receipt function exactly once and empties the queue', async () => {
    const [parked] = await listed();

    const r = await onAws(['dlq', 'redrive', '--id', parked!.messageId]);
    const again = await onAws(['dlq', 'redrive']);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Đã gửi lại và xóa khỏi hàng đợi: ${parked!.messageId}`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('Đã gửi lại 1 thư chết.');
    expect(again.stdout.trim()).toBe('Không có thư chết nào để gửi lại.');
    const mails = await receipts();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toContain('no-reply@snv.example');
    expect(await listed()).toEqual([]);
    expect(stack.bus.deadLetters).toEqual([]);
  });
});
