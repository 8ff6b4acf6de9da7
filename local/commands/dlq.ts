import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ENV } from '../../shared/definitions/env-keys.js';
import type { FunctionName } from '../../shared/definitions/events.js';
import { describeParked, readParked, type DeadLetterQueue, type ParkedMessage } from '../dead-letter-queues.js';
import { handlerEnvironment, loadTarget, targetRegime, type OperatorTarget, type TargetOptions } from '../target.js';

/** `dlq list` holds what it reads this long, then hands it back at once (a peek). */
const LIST_VISIBILITY_SECONDS = 60;
/**
 * `dlq redrive` hides a message while its target runs: longer than any function may run (Lambda's
 * 15 minutes), so no other reader redrives it meanwhile. A failure hands it back at once.
 */
const REDRIVE_VISIBILITY_SECONDS = 16 * 60;
export const DEFAULT_MAX_MESSAGES = 50;

export interface DlqArgs extends TargetOptions {
  json?: boolean;
  /** At most this many messages over all queues (default 50). */
  max?: number;
}

/**
 * SQS clients by endpoint: each queue URL names its endpoint (sqs.<region>.amazonaws.com on AWS,
 * the local bus's endpoint locally), so the client is pointed at it and never needs an override.
 * Credentials come from the standard chain (with --profile, AWS_PROFILE), as for every command.
 */
function sqsClients(target: OperatorTarget): (queue: DeadLetterQueue) => SQSClient {
  const clients = new Map<string, SQSClient>();
  return (queue) => {
    const origin = new URL(queue.url).origin;
    let client = clients.get(origin);
    if (!client) {
      client = new SQSClient({ region: target.env[ENV.region], endpoint: origin });
      clients.set(origin, client);
    }
    return client;
  };
}

interface Received {
  queue: DeadLetterQueue;
  receiptHandle: string;
  parked: ParkedMessage;
}

/**
 * Receives up to `max` messages of one queue, hidden for `visibility` seconds, each once: a message
 * seen before in this run stops the loop (it can only reappear if its visibility ran out).
 */
async function receiveAll(
  sqs: SQSClient,
  queue: DeadLetterQueue,
  max: number,
  visibility: number,
  hidden?: { count: number },
): Promise<Received[]> {
  if (max <= 0) return [];
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  if (hidden) hidden.count += Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
  if (Number(attrs.Attributes?.ApproximateNumberOfMessages ?? '0') === 0) return [];
  const got: Received[] = [];
  const seen = new Set<string>();
  while (got.length < max) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, max - got.length),
        VisibilityTimeout: visibility,
        // Long polling asks every SQS server, so an empty answer means the queue has nothing visible.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = (res.Messages ?? []).filter((m) => m.MessageId && m.ReceiptHandle && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) {
      seen.add(m.MessageId!);
      got.push({ queue, receiptHandle: m.ReceiptHandle!, parked: readParked(queue, m, new Date()) });
    }
  }
  return got;
}

/** Makes received messages visible again now: a peek, a skipped message or a failed redrive keeps its place. */
async function release(sqs: (q: DeadLetterQueue) => SQSClient, received: readonly Received[]): Promise<void> {
  await Promise.all(
    received.map((r) =>
      sqs(r.queue)
        .send(new ChangeMessageVisibilityCommand({ QueueUrl: r.queue.url, ReceiptHandle: r.receiptHandle, VisibilityTimeout: 0 }))
        // Not handed back early: it reappears when its visibility timeout ends; nothing is lost.
        .catch(() => undefined),
    ),
  );
}

/**
 * `dlq list [--json] [--max N]`: what every dead-letter queue holds, read without deleting (the
 * messages are received with a visibility timeout and handed back straight away).
 */
export async function dlqList(args: DlqArgs, out: (line: string) => void = console.log): Promise<ParkedMessage[]> {
  const target = await loadTarget(args);
  const sqs = sqsClients(target);
  const max = args.max ?? DEFAULT_MAX_MESSAGES;
  const received: Received[] = [];
  // Messages another reader holds (a redrive running, a list a moment ago) are not shown: count them.
  const hidden = { count: 0 };
  try {
    for (const queue of target.deadLetterQueues)
      received.push(...(await receiveAll(sqs(queue), queue, max - received.length, LIST_VISIBILITY_SECONDS, hidden)));
  } finally {
    await release(sqs, received);
  }
  const parked = received.map((r) => r.parked);
  if (args.json) out(JSON.stringify(parked, null, 2));
  else {
    for (const p of parked) out(describeParked(p));
    if (hidden.count) {
      out(`${hidden.count} thư khác đang tạm ẩn (một lệnh dlq khác đang đọc hoặc gửi lại); chúng hiện lại khi hết thời hạn ẩn.`);
    }
    out(
      parked.length
        ? `${parked.length} thư chết (dead letter) trong ${target.deadLetterQueues.length} hàng đợi${parked.length >= max ? ` (chỉ đọc ${max}; --max để đọc thêm)` : ''}.`
        : hidden.count
          ? 'Không có thư chết nào đang hiện.'
          : 'Các hàng đợi thư chết (dead letter) đều trống.',
    );
  }
  return parked;
}

export interface RedriveResult {
  redriven: ParkedMessage[];
  failed: { parked: ParkedMessage; error: string }[];
}

/**
 * `dlq redrive [--id MESSAGE_ID] [--dry-run] [--max N]`: hands each parked event back to the
 * function that could not handle it, and deletes the message only once that succeeded.
 *
 * How: this process becomes one more runtime of functions/<target>/handler, configured as the stack
 * configures its own (handlerEnvironment, as check-overdue and reconcile do), and calls it with the
 * original event, as `aws lambda invoke` does in the runbook. It answers synchronously, so success
 * is known before the delete, and the same code path runs against the local stack. Every queue
 * parks events for exactly one function: an on-failure queue for its own function, a rule's or
 * schedule's DLQ for the rule's or schedule's target. Re-publishing to the bus instead would reach
 * every rule that matches, and EventBridge refuses `aws.s3` events from PutEvents; SQS's
 * StartMessageMoveTask only moves messages back to a source queue, and these queues have none.
 * Every handler is idempotent (ledger, conditional writes), so a redrive that ran but whose delete
 * failed does no harm when repeated.
 *
 * A failure keeps the message: it is handed back (visible again) and the command exits non-zero.
 */
export async function dlqRedrive(
  args: DlqArgs & { id?: string; dryRun?: boolean },
  out: (line: string) => void = console.log,
): Promise<RedriveResult> {
  const target = await loadTarget(args);
  const sqs = sqsClients(target);
  const max = args.max ?? DEFAULT_MAX_MESSAGES;
  const result: RedriveResult = { redriven: [], failed: [] };
  const handBack: Received[] = [];
  const handlers = handlerLoader(target);
  try {
    for (const queue of target.deadLetterQueues) {
      const received = await receiveAll(sqs(queue), queue, max - result.redriven.length - result.failed.length, REDRIVE_VISIBILITY_SECONDS);
      for (const r of received) {
        const p = r.parked;
        if (args.id && p.messageId !== args.id) {
          handBack.push(r);
          continue;
        }
        if (args.dryRun) {
          out(`Sẽ gửi lại: ${describeParked(p)}`);
          result.redriven.push(p);
          handBack.push(r);
          continue;
        }
        if (p.event === undefined) {
          result.failed.push({ parked: p, error: 'nội dung không đọc được; giữ lại để xem bằng tay' });
          handBack.push(r);
          continue;
        }
        try {
          await (
            await handlers(p.target)
          )(p.event);
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          result.failed.push({ parked: p, error });
          out(`KHÔNG gửi lại được (vẫn giữ trong hàng đợi): ${describeParked(p)}\n    lần này: ${error}`);
          handBack.push(r);
          continue;
        }
        await sqs(queue).send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: r.receiptHandle }));
        result.redriven.push(p);
        out(`Đã gửi lại và xóa khỏi hàng đợi: ${describeParked(p)}`);
      }
    }
  } finally {
    await release(sqs, handBack);
  }
  if (args.dryRun)
    out(
      result.redriven.length
        ? `Chạy thử: sẽ gửi lại ${result.redriven.length} thư chết; không gửi, không xóa gì.`
        : 'Chạy thử: không có thư chết nào để gửi lại.',
    );
  else if (result.redriven.length + result.failed.length === 0)
    out(args.id ? `Không thấy thư chết ${args.id}.` : 'Không có thư chết nào để gửi lại.');
  else
    out(
      `Đã gửi lại ${result.redriven.length} thư chết${result.failed.length ? `; ${result.failed.length} thư không gửi lại được, vẫn giữ trong hàng đợi` : ''}.`,
    );
  return result;
}

type Handler = (event: unknown) => Promise<unknown>;

/** Imports functions/<name>/handler once the environment is the stack's (handlers read it when imported). */
function handlerLoader(target: OperatorTarget): (name: FunctionName) => Promise<Handler> {
  let configured: Promise<void> | undefined;
  const loaded = new Map<FunctionName, Promise<Handler>>();
  return async (name) => {
    configured ??= targetRegime(target).then((regime) => {
      process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
      Object.assign(process.env, handlerEnvironment(target, regime));
    });
    await configured;
    let handler = loaded.get(name);
    if (!handler) {
      // A variable specifier, so vite does not try to glob a template literal (as local/stack.ts does).
      const specifier = `../../functions/${name}/handler.js`;
      handler = import(/* @vite-ignore */ specifier).then((m: { handler: Handler }) => m.handler);
      loaded.set(name, handler);
    }
    return handler;
  };
}
