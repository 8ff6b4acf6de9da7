import { periodKeyOf } from '../domain/periodicity.js';
import { STATUSES } from '../domain/status.js';
import type { StatusChange } from '../ports.js';
import * as z from '../zod-mini.js';

/**
 * The details of the events the functions consume, parsed once at the edge (compose.onEvent) with
 * zod/mini instead of cast: a malformed event fails loudly (and lands in the dead letters) rather
 * than flowing into a use case as the wrong shape. An event about a period names it as DESIGN.md
 * section 3 says — `period` (a year as a number, any other period as its id) and, for a regime other
 * than the deployment's main one, `regime` (periodicity.ts periodFields) — and is handed to the use
 * case with the two turned into the period key.
 */
const periodId = z.union([
  z.number().check(z.int(), z.minimum(2000), z.maximum(2100)),
  z.string().check(z.regex(/^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/)),
]);
const regime = z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,64}$/)));
const unitId = z.string().check(z.minLength(1), z.maxLength(100));

/** The event's `regime` and `period` as one period key; the rest as it came. */
function keyed<T extends { period: number | string; regime?: string | undefined }>(
  d: T,
): Omit<T, 'period' | 'regime'> & { period: string } {
  const { regime: _, period: __, ...rest } = d;
  return { ...rest, period: periodKeyOf(d) };
}

/** Report Accepted / Rejected / Reviewed, Deadline Extended: the compliance function needs the unit and period only. */
export const UnitEventDetail = z.pipe(
  z.looseObject({ period: periodId, regime, unitId }),
  z.transform((d) => ({ unitId: d.unitId, period: periodKeyOf(d) })),
);

/** Unit Status Changed (the receipt function). */
export const StatusChangeDetail: z.ZodMiniType<StatusChange> = z.pipe(
  z.object({
    period: periodId,
    regime,
    unitId,
    previousStatus: z.nullable(z.enum(STATUSES)),
    status: z.enum(STATUSES),
    newUploads: z.array(z.object({ uploadId: z.string(), receivedAt: z.string(), valid: z.boolean() })),
    returnedReason: z.optional(z.string()),
    at: z.string(),
  }),
  z.transform(keyed),
);

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

/**
 * The `periods` an operator (or the CLI) may narrow a scheduled job to: period keys (periodicity.ts),
 * `2026` for the main regime and `{regime}/{period}` for another; a year as a number still works.
 */
export const periodKeysField = (max: number) =>
  z.optional(
    z.pipe(
      z
        .array(z.union([z.number().check(z.int(), z.minimum(2000), z.maximum(2100)), z.string().check(z.minLength(4), z.maxLength(90))]))
        .check(z.minLength(1), z.maxLength(max)),
      z.transform((ps) => ps.map(String)),
    ),
  );
