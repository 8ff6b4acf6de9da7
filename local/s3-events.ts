import { randomUUID } from 'node:crypto';
import type S3rver from 's3rver';
import { systemClock } from '../shared/clock.js';
import type { Clock } from '../shared/ports.js';
import { eventTime, LOCAL_ACCOUNT, type BusEnvelope, type LocalEventBus } from './event-bus.js';
import type { CreatedObject } from './s3-versioning.js';

/** One record of an S3 notification as s3rver emits it (key not URL-encoded, no versionId). */
export interface S3NotificationRecord {
  eventName: string;
  eventTime?: string;
  requestParameters?: { sourceIPAddress?: string };
  responseElements?: { 'x-amz-request-id'?: string };
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string; sequencer?: string };
  };
}
export interface S3Notification {
  Records: S3NotificationRecord[];
}

/** The S3 API call behind each ObjectCreated event name, as EventBridge reports it in `detail.reason`. */
const REASONS: Record<string, CreatedObject['reason']> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'PostObject',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

/**
 * The event S3 sends to EventBridge ("Object Created" on the default bus) for one object version
 * stored through the S3 front (local/s3-post-front.ts), which knows its version id. This is what the
 * local stack delivers: on a versioned bucket `detail.object["version-id"]` is always there.
 */
export function objectCreatedEvent(o: CreatedObject, opts: { now: Date; region: string }): BusEnvelope {
  return envelope(o, opts);
}

/** The EventBridge envelope of one created object; `versionId` is absent only for s3rver's own (unversioned) notifications. */
function envelope(o: Omit<CreatedObject, 'versionId'> & { versionId?: string }, opts: { now: Date; region: string }): BusEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: eventTime(opts.now),
    region: opts.region,
    resources: [`arn:aws:s3:::${o.bucket}`],
    detail: {
      version: '0',
      bucket: { name: o.bucket },
      object: { key: o.key, size: o.size, etag: o.etag, ...(o.versionId ? { 'version-id': o.versionId } : {}), sequencer: o.sequencer },
      'request-id': o.requestId,
      requester: LOCAL_ACCOUNT,
      'source-ip-address': o.sourceIp,
      reason: o.reason,
    },
  };
}

/**
 * Translates s3rver's own notification (s3rver used directly, without the front) into the events
 * S3 sends to EventBridge. s3rver has no versioning, so these carry no version id: the local stack
 * takes its events from the front instead (objectCreatedEvent). Deletions are dropped.
 */
export function toObjectCreatedEvents(n: S3Notification, opts: { now: Date; region: string }): BusEnvelope[] {
  return n.Records.flatMap((r) => {
    const reason = REASONS[r.eventName];
    if (!reason) return [];
    const { bucket, object } = r.s3;
    return [
      envelope(
        {
          bucket: bucket.name,
          key: object.key,
          size: object.size ?? 0,
          // S3 notifications may quote the ETag; EventBridge never does.
          etag: (object.eTag ?? '').replace(/"/g, ''),
          sequencer: object.sequencer ?? '',
          requestId: r.responseElements?.['x-amz-request-id'] ?? '',
          sourceIp: r.requestParameters?.sourceIPAddress ?? '',
          reason,
        },
        opts,
      ),
    ];
  });
}

/** Forwards every object s3rver stores to the bus's default bus (without versions, see above); returns the unsubscribe. */
export function forwardS3Events(s3rver: S3rver, bus: LocalEventBus, opts: { region: string; clock?: Clock }): () => void {
  const clock = opts.clock ?? systemClock;
  const listener = (n: S3Notification) => {
    // Synchronous on purpose: s3rver emits before it answers the upload, so once the client has its
    // response the delivery is already counted by bus.idle().
    for (const event of toObjectCreatedEvents(n, { now: clock.now(), region: opts.region })) bus.deliver(event, 'default');
  };
  s3rver.on('event', listener);
  return () => s3rver.off('event', listener);
}
