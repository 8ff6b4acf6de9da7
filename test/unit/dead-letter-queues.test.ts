import { describe, expect, it } from 'vitest';
import { ageText, deadLetterDefinitions, deadLetterQueuesFrom, describeParked, readParked } from '../../local/dead-letter-queues.js';
import type { DeadLetter } from '../../local/event-bus.js';
import { LocalDeadLetterQueues } from '../../local/sqs-dead-letters.js';
import { DETAIL_TYPES, EVENT_SOURCE } from '../../shared/definitions/events.js';

const NOW = new Date('2026-11-28T03:00:00Z');
const SENT = String(NOW.getTime() - (2 * 3600 + 5 * 60) * 1000);
const statusChanged = {
  version: '0',
  id: 'ev-1',
  'detail-type': DETAIL_TYPES.unitStatusChanged,
  source: EVENT_SOURCE,
  account: '000000000000',
  time: '2026-11-28T00:00:00Z',
  region: 'ap-southeast-1',
  resources: [],
  detail: { period: 2026, unitId: 'so-tu-phap', status: 'ON_TIME' },
};
const onFailure = { key: 'OnFailureReceipt', kind: 'on-failure', target: 'receipt' } as const;

describe('dead-letter queue definitions', () => {
  it('name a queue per route, per schedule and per asynchronously invoked function, each with the function a redrive runs', () => {
    const defs = deadLetterDefinitions();

    expect(defs.find((d) => d.key === 'DeadLettersUploadCreatedToIngest')).toMatchObject({ kind: 'rule', target: 'ingest' });
    expect(defs.find((d) => d.key === 'DeadLettersDailyNotices')).toMatchObject({ kind: 'schedule', target: 'notices' });
    expect(defs.find((d) => d.key === 'OnFailureReceipt')).toMatchObject({ kind: 'on-failure', target: 'receipt' });
    // Synchronous functions (API) have no on-failure queue.
    expect(defs.some((d) => d.key === 'OnFailurePresign')).toBe(false);
  });

  it('read from the outputs only the queues the deployment declares', () => {
    const queues = deadLetterQueuesFrom({ OnFailureReceipt: 'https://sqs.example/1/a', AppUrl: 'https://x.example', DeadLettersNope: 'u' });

    expect(queues).toEqual([
      { key: 'OnFailureReceipt', kind: 'on-failure', source: 'receipt', target: 'receipt', url: 'https://sqs.example/1/a' },
    ]);
  });
});

describe('readParked', () => {
  it('takes the event from an on-failure invocation record, with the error, attempts and age', () => {
    const body = JSON.stringify({
      requestContext: { approximateInvokeCount: 3, condition: 'RetriesExhausted' },
      requestPayload: statusChanged,
      responsePayload: { errorType: 'NoticeInFlightError', errorMessage: 'in flight' },
    });

    const p = readParked(onFailure, { MessageId: 'm1', Body: body, Attributes: { SentTimestamp: SENT } }, NOW);

    expect(p).toEqual({
      queue: 'OnFailureReceipt',
      target: 'receipt',
      messageId: 'm1',
      event: statusChanged,
      what: 'Unit Status Changed',
      unitId: 'so-tu-phap',
      period: '2026',
      error: 'NoticeInFlightError: in flight',
      attempts: 3,
      parkedAt: '2026-11-28T00:55:00.000Z',
      ageSeconds: 7500,
    });
    expect(describeParked(p)).toBe(
      'm1  OnFailureReceipt → receipt  "Unit Status Changed" so-tu-phap kỳ 2026, 3 lần thử, chờ 2 giờ 5 phút\n    lỗi: NoticeInFlightError: in flight',
    );
  });

  it("takes a rule DLQ's body as the event, the unit and period from an uploaded object's key, the error from the attributes", () => {
    const created = { 'detail-type': 'Object Created', source: 'aws.s3', detail: { object: { key: 'incoming/2026/so-y-te/u1.json' } } };
    const queue = { key: 'DeadLettersUploadCreatedToIngest', kind: 'rule', target: 'ingest' } as const;
    const attrs = { ERROR_CODE: { StringValue: 'ResourceNotFoundException' }, ERROR_MESSAGE: { StringValue: 'Function not found' } };

    const p = readParked(queue, { MessageId: 'm2', Body: JSON.stringify(created), MessageAttributes: attrs }, NOW);

    expect(p).toMatchObject({
      event: created,
      what: 'Object Created',
      unitId: 'so-y-te',
      period: '2026',
      error: 'ResourceNotFoundException: Function not found',
    });
    expect(p.attempts).toBeUndefined();
  });

  it('names a schedule payload by its job, and keeps an unreadable body out of a redrive', () => {
    const queue = { key: 'DeadLettersDailyNotices', kind: 'schedule', target: 'notices' } as const;

    const job = readParked(queue, { MessageId: 'm3', Body: '{"job":"daily-notices"}' }, NOW);
    const broken = readParked(onFailure, { MessageId: 'm4', Body: 'not json' }, NOW);

    expect(job).toMatchObject({ event: { job: 'daily-notices' }, what: 'job daily-notices', error: '(không rõ lỗi)' });
    expect(broken.event).toBeUndefined();
  });

  it('ageText reads as a person would say it', () => {
    expect([40, 300, 3600, 7500, 86_400, 3 * 86_400 + 7200].map(ageText)).toEqual([
      '40 giây',
      '5 phút',
      '1 giờ',
      '2 giờ 5 phút',
      '1 ngày',
      '3 ngày 2 giờ',
    ]);
  });
});

describe('the local dead-letter queues (SQS protocol over the bus dead letters)', () => {
  const deadLetter: DeadLetter = {
    bus: 'baocao',
    routeId: 'StatusChangedToReceipt',
    target: 'receipt',
    event: statusChanged as DeadLetter['event'],
    attempts: 2,
    at: '2026-11-28T02:00:00.000Z',
    error: 'down',
  };
  function queues() {
    const store = {
      letters: [deadLetter],
      list: () => store.letters,
      remove: async (dl: DeadLetter) => void (store.letters = store.letters.filter((d) => d !== dl)),
    };
    let now = NOW.getTime();
    const q = new LocalDeadLetterQueues(
      store,
      (fn) => `arn:aws:lambda:ap-southeast-1:000000000000:function:baocao-${fn}`,
      () => now,
    );
    return { q, store, advance: (s: number) => (now += s * 1000) };
  }
  const URL = 'http://127.0.0.1:1/000000000000/OnFailureReceipt';
  type Received = { body: { Messages?: { MessageId: string; ReceiptHandle: string; Body: string }[] } };

  it('hides a received message for its visibility timeout, then shows it again with a new receipt handle', async () => {
    const { q, advance } = queues();

    const first = (await q.handle('AmazonSQS.ReceiveMessage', {
      QueueUrl: URL,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 30,
    })) as Received;
    const hidden = (await q.handle('AmazonSQS.ReceiveMessage', { QueueUrl: URL, VisibilityTimeout: 30 })) as Received;
    advance(31);
    const again = (await q.handle('AmazonSQS.ReceiveMessage', { QueueUrl: URL, VisibilityTimeout: 30 })) as Received;

    expect(first.body.Messages).toHaveLength(1);
    expect(JSON.parse(first.body.Messages![0]!.Body)).toMatchObject({
      requestPayload: statusChanged,
      responsePayload: { errorMessage: 'down' },
    });
    expect(hidden.body.Messages).toBeUndefined();
    expect(again.body.Messages![0]!.MessageId).toBe(first.body.Messages![0]!.MessageId);
    expect(again.body.Messages![0]!.ReceiptHandle).not.toBe(first.body.Messages![0]!.ReceiptHandle);
  });

  it('deletes only with the current receipt handle; other queues are empty', async () => {
    const { q, store, advance } = queues();
    const first = (await q.handle('AmazonSQS.ReceiveMessage', { QueueUrl: URL, VisibilityTimeout: 1 })) as Received;
    advance(2);
    const second = (await q.handle('AmazonSQS.ReceiveMessage', { QueueUrl: URL, VisibilityTimeout: 1 })) as Received;

    const stale = await q.handle('AmazonSQS.DeleteMessage', { QueueUrl: URL, ReceiptHandle: first.body.Messages![0]!.ReceiptHandle });
    const kept = store.letters.length;
    const current = await q.handle('AmazonSQS.DeleteMessage', { QueueUrl: URL, ReceiptHandle: second.body.Messages![0]!.ReceiptHandle });
    const other = await q.handle('AmazonSQS.GetQueueAttributes', { QueueUrl: URL.replace('OnFailureReceipt', 'OnFailureIngest') });

    expect(stale).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.sqs#ReceiptHandleIsInvalid' } });
    expect(kept).toBe(1);
    expect(current).toEqual({ status: 200, body: {} });
    expect(store.letters).toEqual([]);
    expect(other.body).toEqual({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
  });

  it('ChangeMessageVisibility 0 hands a message back at once', async () => {
    const { q } = queues();
    const got = (await q.handle('AmazonSQS.ReceiveMessage', { QueueUrl: URL, VisibilityTimeout: 600 })) as Received;

    await q.handle('AmazonSQS.ChangeMessageVisibility', {
      QueueUrl: URL,
      ReceiptHandle: got.body.Messages![0]!.ReceiptHandle,
      VisibilityTimeout: 0,
    });
    const attrs = await q.handle('AmazonSQS.GetQueueAttributes', { QueueUrl: URL });

    expect(attrs.body).toEqual({ Attributes: { ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' } });
  });
});
