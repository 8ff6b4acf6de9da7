import { STATUSES } from '../domain/status.js';
import type { StatusChange } from '../ports.js';
import * as z from '../zod-mini.js';

/**
 * The details of the events the functions consume, parsed once at the edge (compose.onEvent) with
 * zod/mini instead of cast: a malformed event fails loudly (and lands in the dead letters) rather
 * than flowing into a use case as the wrong shape.
 */
const period = z.number().check(z.int(), z.minimum(2000), z.maximum(2100));
const unitId = z.string().check(z.minLength(1), z.maxLength(100));

/** Report Accepted / Rejected / Reviewed, Deadline Extended: the compliance function needs the unit and period only. */
export const UnitEventDetail = z.looseObject({ period, unitId });

/** Unit Status Changed (the receipt function). */
export const StatusChangeDetail: z.ZodMiniType<StatusChange> = z.object({
  period,
  unitId,
  previousStatus: z.nullable(z.enum(STATUSES)),
  status: z.enum(STATUSES),
  newUploads: z.array(z.object({ uploadId: z.string(), receivedAt: z.string(), valid: z.boolean() })),
  returnedReason: z.optional(z.string()),
  at: z.string(),
});

/** S3 Object Created (the ingest function): the bucket is versioned, so the event names the version created. */
export const ObjectCreatedDetail = z.object({
  bucket: z.object({ name: z.string() }),
  object: z.object({
    key: z.string(),
    size: z.number(),
    etag: z.string(),
    'version-id': z.string().check(z.minLength(1)),
  }),
});
