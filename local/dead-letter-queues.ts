import { EVENT_ROUTES, FUNCTION_NAMES, type FunctionName } from '../shared/definitions/events.js';
import { schedules } from '../shared/definitions/schedules.js';
import { deadLetterOutputKey, type DeadLetterKind } from '../shared/definitions/stack-outputs.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';

/** One dead-letter queue of a deployment: what it parks and the function a redrive hands it to. */
export interface DeadLetterQueue {
  /** The stack output key, also the queue's label in the CLI's output. */
  readonly key: string;
  readonly kind: DeadLetterKind;
  /** The route id, schedule id or function name. */
  readonly source: string;
  readonly target: FunctionName;
  readonly url: string;
}

/**
 * Every dead-letter queue the stacks declare, from the same definitions CDK builds them from: each
 * route's and each schedule's DLQ, and the on-failure queue of every function they invoke
 * asynchronously (infra/constructs/event-routes.ts, schedules.ts). Schedule ids and targets do not
 * depend on the regime (only their dates do).
 */
export function deadLetterDefinitions(): Omit<DeadLetterQueue, 'url'>[] {
  const rules = EVENT_ROUTES.map((r) => ({ kind: 'rule' as const, source: r.id, target: r.target }));
  const scheduled = schedules(DEFAULT_REGIME).map((s) => ({ kind: 'schedule' as const, source: s.id, target: s.target }));
  const asyncTargets = new Set<FunctionName>([...rules, ...scheduled].map((d) => d.target));
  const onFailure = FUNCTION_NAMES.filter((fn) => asyncTargets.has(fn)).map((fn) => ({
    kind: 'on-failure' as const,
    source: fn,
    target: fn,
  }));
  return [...onFailure, ...rules, ...scheduled].map((d) => ({ ...d, key: deadLetterOutputKey(d.kind, d.source) }));
}

/** The queues a deployment declares, from its stack's outputs ({ OutputKey: value }); other keys are ignored. */
export function deadLetterQueuesFrom(outputs: Readonly<Record<string, string>>): DeadLetterQueue[] {
  return deadLetterDefinitions().flatMap((d) => (outputs[d.key] ? [{ ...d, url: outputs[d.key]! }] : []));
}

/** An SQS message as ReceiveMessage returns it (the fields read here). */
export interface SqsMessage {
  MessageId?: string | undefined;
  ReceiptHandle?: string | undefined;
  Body?: string | undefined;
  Attributes?: Partial<Record<string, string>> | undefined;
  MessageAttributes?: Partial<Record<string, { StringValue?: string | undefined }>> | undefined;
}

/** A parked message, read: the event to hand back to `target`, and what an operator needs to judge it. */
export interface ParkedMessage {
  readonly queue: string;
  readonly target: FunctionName;
  readonly messageId: string;
  /** What the target receives on redrive; undefined when the body is unreadable (never redriven). */
  readonly event: unknown;
  /** The event's detail-type, or a schedule payload's job. */
  readonly what: string;
  readonly unitId?: string;
  readonly period?: string;
  readonly error: string;
  /** Attempts Lambda made (on-failure queues). */
  readonly attempts?: number;
  /** When the message was parked (SQS SentTimestamp). */
  readonly parkedAt?: string;
  readonly ageSeconds?: number;
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Reads one message of `queue`. An on-failure queue's body is Lambda's invocation record (the
 * event is `requestPayload`, the error `responsePayload`); a rule's or schedule's DLQ body is the
 * event or payload itself, with the error in the ERROR_CODE / ERROR_MESSAGE attributes.
 */
export function readParked(queue: Pick<DeadLetterQueue, 'key' | 'kind' | 'target'>, m: SqsMessage, now: Date): ParkedMessage {
  let body: unknown;
  try {
    body = JSON.parse(m.Body ?? '');
  } catch {
    body = undefined;
  }
  const sent = Number(m.Attributes?.SentTimestamp);
  const timing =
    Number.isFinite(sent) && sent > 0
      ? { parkedAt: new Date(sent).toISOString(), ageSeconds: Math.max(0, Math.round((now.getTime() - sent) / 1000)) }
      : {};
  const base = { queue: queue.key, target: queue.target, messageId: m.MessageId ?? '', ...timing };
  const invocation = queue.kind === 'on-failure' ? record(body) : undefined;
  const event = queue.kind === 'on-failure' ? invocation?.requestPayload : body;
  if (event === undefined) return { ...base, event: undefined, what: '(nội dung không đọc được)', error: 'không đọc được nội dung thư' };

  const e = record(event) ?? {};
  const detail = record(e.detail) ?? {};
  // Object Created names the key incoming/{period}/{unitId}/…; the pipeline's own events carry both.
  const key = text(record(detail.object)?.key)?.split('/');
  const unitId = text(detail.unitId) ?? (key?.[0] === 'incoming' ? key[2] : undefined);
  const period = text(detail.period) ?? (key?.[0] === 'incoming' ? key[1] : undefined);
  const what = text(e['detail-type']) ?? (text(e.job) ? `job ${text(e.job)}` : '(sự kiện)');

  let error: string;
  let attempts: number | undefined;
  if (invocation) {
    const response = record(invocation.responsePayload);
    const context = record(invocation.requestContext);
    error =
      [text(response?.errorType), text(response?.errorMessage)].filter(Boolean).join(': ') ||
      text(record(invocation.responseContext)?.functionError) ||
      text(context?.condition) ||
      '(không rõ lỗi)';
    attempts = typeof context?.approximateInvokeCount === 'number' ? context.approximateInvokeCount : undefined;
  } else {
    const attr = (name: string) => m.MessageAttributes?.[name]?.StringValue;
    error = [attr('ERROR_CODE'), attr('ERROR_MESSAGE')].filter(Boolean).join(': ') || '(không rõ lỗi)';
  }
  return {
    ...base,
    event,
    what,
    ...(unitId ? { unitId } : {}),
    ...(period ? { period } : {}),
    error,
    ...(attempts !== undefined ? { attempts } : {}),
  };
}

/** "3 ngày 2 giờ", "5 phút", "40 giây". */
export function ageText(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  if (d) return h ? `${d} ngày ${h} giờ` : `${d} ngày`;
  if (h) return m ? `${h} giờ ${m} phút` : `${h} giờ`;
  if (m) return `${m} phút`;
  return `${seconds} giây`;
}

/** Two lines per message: what, for whom, how old; then the error. */
export function describeParked(p: ParkedMessage): string {
  const unit = [p.unitId, p.period].filter(Boolean).join(' kỳ ');
  const age = p.ageSeconds !== undefined ? `, chờ ${ageText(p.ageSeconds)}` : '';
  const attempts = p.attempts !== undefined ? `, ${p.attempts} lần thử` : '';
  return `${p.messageId}  ${p.queue} → ${p.target}  "${p.what}"${unit ? ` ${unit}` : ''}${attempts}${age}\n    lỗi: ${p.error}`;
}
