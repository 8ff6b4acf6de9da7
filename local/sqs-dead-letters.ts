import { createHash, randomUUID } from 'node:crypto';
import { deadLetterOutputKey } from '../shared/definitions/stack-outputs.js';
import type { DeadLetter } from './event-bus.js';

/** What the queues read and delete: the local bus's dead letters (kept in $DATA_DIR/dead-letters.jsonl). */
export interface DeadLetterStore {
  list(): readonly DeadLetter[];
  remove(dl: DeadLetter): Promise<void>;
}

export interface SqsReply {
  status: number;
  body: unknown;
}

/** SQS's default visibility timeout and its bounds (seconds). */
const DEFAULT_VISIBILITY = 30;
const MAX_VISIBILITY = 12 * 60 * 60;

/**
 * A queue URL of the local stack: the bus's endpoint, the local account, and the output key as the
 * queue name (`…/000000000000/OnFailureReceipt`), so a local outputs file and endpoints.json name
 * the same queues.
 */
export const localQueueUrl = (endpoint: string, account: string, outputKey: string) =>
  `${endpoint.replace(/\/$/, '')}/${account}/${outputKey}`;

/** A stable SQS-looking message id for one dead letter (one event, one rule). */
function messageIdOf(dl: DeadLetter): string {
  const h = createHash('sha256').update(`${dl.event.id}/${dl.routeId}/${dl.at}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The local bus's dead letters as the SQS queues AWS parks them in: the failing function's
 * on-failure destination (`OnFailure<Function>`), whose message body is Lambda's invocation record.
 * It speaks the AWS JSON 1.0 protocol of @aws-sdk/client-sqs, only the operations `cli dlq` uses
 * (ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes), with receipt handles
 * and visibility timeouts in real time, so `dlq list|redrive` runs the same SQS code locally as on
 * AWS. Other queue names (a rule's or schedule's DLQ) exist and are empty: the local bus and
 * scheduler always reach the handler, so only the functions' failures park events here.
 */
export class LocalDeadLetterQueues {
  /** messageId → when it becomes visible again (epoch ms), the current receipt handle, receives so far. */
  private readonly inFlight = new Map<string, { visibleAt: number; handle: string; receives: number }>();

  constructor(
    private readonly store: DeadLetterStore,
    private readonly lambdaArn: (fn: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(operation: string, input: Record<string, unknown>): Promise<SqsReply> {
    const queue = queueName(input.QueueUrl);
    if (!queue) return sqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    switch (operation) {
      case 'AmazonSQS.GetQueueAttributes':
        return this.attributes(queue);
      case 'AmazonSQS.ReceiveMessage':
        return this.receive(queue, input);
      case 'AmazonSQS.DeleteMessage':
        return this.remove(queue, input);
      case 'AmazonSQS.ChangeMessageVisibility':
        return this.changeVisibility(queue, input);
      default:
        return sqsError('UnsupportedOperation', `The local dead-letter queues support only what cli dlq uses, not ${operation}`);
    }
  }

  /** The dead letters this queue holds: those of the function `OnFailure<Function>` names. */
  private messages(queue: string): { id: string; dl: DeadLetter }[] {
    return this.store
      .list()
      .filter((dl) => deadLetterOutputKey('on-failure', dl.target) === queue)
      .map((dl) => ({ id: messageIdOf(dl), dl }));
  }

  private visible(id: string): boolean {
    const f = this.inFlight.get(id);
    return !f || f.visibleAt <= this.now();
  }

  private attributes(queue: string): SqsReply {
    const all = this.messages(queue);
    const visible = all.filter((m) => this.visible(m.id)).length;
    return {
      status: 200,
      body: {
        Attributes: { ApproximateNumberOfMessages: String(visible), ApproximateNumberOfMessagesNotVisible: String(all.length - visible) },
      },
    };
  }

  private receive(queue: string, input: Record<string, unknown>): SqsReply {
    const max = typeof input.MaxNumberOfMessages === 'number' ? input.MaxNumberOfMessages : 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) return sqsError('InvalidParameterValue', 'MaxNumberOfMessages must be 1 to 10.');
    const timeout = typeof input.VisibilityTimeout === 'number' ? input.VisibilityTimeout : DEFAULT_VISIBILITY;
    if (!validVisibility(timeout)) return sqsError('InvalidParameterValue', `VisibilityTimeout must be 0 to ${MAX_VISIBILITY}.`);
    const now = this.now();
    const Messages = this.messages(queue)
      .filter((m) => this.visible(m.id))
      .slice(0, max)
      .map(({ id, dl }) => {
        const handle = Buffer.from(`${id} ${randomUUID()}`).toString('base64url');
        const receives = (this.inFlight.get(id)?.receives ?? 0) + 1;
        this.inFlight.set(id, { visibleAt: now + timeout * 1000, handle, receives });
        const Body = JSON.stringify(this.invocationRecord(dl));
        return {
          MessageId: id,
          ReceiptHandle: handle,
          MD5OfBody: createHash('md5').update(Body).digest('hex'),
          Body,
          Attributes: {
            SentTimestamp: String(Date.parse(dl.at)),
            ApproximateFirstReceiveTimestamp: String(now),
            ApproximateReceiveCount: String(receives),
          },
        };
      });
    return { status: 200, body: Messages.length ? { Messages } : {} };
  }

  /** The message a receipt handle was issued for, if it is still that message's current handle. */
  private byHandle(queue: string, input: Record<string, unknown>): { id: string; dl: DeadLetter } | SqsReply {
    const handle = typeof input.ReceiptHandle === 'string' ? input.ReceiptHandle : '';
    const id = Buffer.from(handle, 'base64url').toString('utf8').split(' ')[0] ?? '';
    const message = this.messages(queue).find((m) => m.id === id);
    if (!message || this.inFlight.get(id)?.handle !== handle) {
      return sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    }
    return message;
  }

  private async remove(queue: string, input: Record<string, unknown>): Promise<SqsReply> {
    const m = this.byHandle(queue, input);
    if ('status' in m) return m;
    await this.store.remove(m.dl);
    this.inFlight.delete(m.id);
    return { status: 200, body: {} };
  }

  private changeVisibility(queue: string, input: Record<string, unknown>): SqsReply {
    const m = this.byHandle(queue, input);
    if ('status' in m) return m;
    const timeout = input.VisibilityTimeout;
    if (typeof timeout !== 'number' || !validVisibility(timeout)) {
      return sqsError('InvalidParameterValue', `VisibilityTimeout must be 0 to ${MAX_VISIBILITY}.`);
    }
    const f = this.inFlight.get(m.id)!;
    f.visibleAt = this.now() + timeout * 1000;
    return { status: 200, body: {} };
  }

  /** What Lambda sends an on-failure destination after the last retry of an asynchronous invocation. */
  private invocationRecord(dl: DeadLetter) {
    return {
      version: '1.0',
      timestamp: dl.at,
      requestContext: {
        requestId: dl.event.id,
        functionArn: `${this.lambdaArn(dl.target)}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: dl.attempts,
      },
      requestPayload: dl.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: dl.error },
    };
  }
}

const validVisibility = (s: number) => Number.isInteger(s) && s >= 0 && s <= MAX_VISIBILITY;

function queueName(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).pathname.split('/').filter(Boolean).pop();
  } catch {
    return undefined;
  }
}

/** An SQS error in the JSON protocol (the query-compatible code is what the SDK names the error by). */
function sqsError(code: string, message: string): SqsReply {
  return { status: 400, body: { __type: `com.amazonaws.sqs#${code}`, message } };
}
