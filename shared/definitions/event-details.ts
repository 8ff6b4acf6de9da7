import { periodParam } from '../domain/period-param.js';
import { periodKeyOf } from '../domain/periodicity.js';
import { STATUSES } from '../domain/status.js';
import type { StatusChange } from '../ports.js';
import * as z from '../zod-mini.js';

/**
 * The details of the events the functions consume, parsed once at the edge (compose.onEvent) with
 * zod/mini instead of cast: a malformed event fails loudly (and lands in the dead letters) rather
 * than flowing into a use case as the wrong shape. An event about a period names it as DESIGN.md
 * section 3 says — `period` (a year as a number, any other period as its id) and, for a regime other
 * than the deployment's main one, `regime` (periodicity.ts periodFields) — and the handler turns the
 * two into the period key (periodKeyOf) for the use case.
 */
const periodId = periodParam();
const regime = z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,64}$/)));
const unitId = z.string().check(z.minLength(1), z.maxLength(100));

/** Report Accepted / Rejected / Reviewed, Deadline Extended: the compliance function needs the unit and period only. */
export const UnitEventDetail = z.looseObject({ period: periodId, regime, unitId });

/** Unit Status Changed (the receipt function): the wire form; `statusChangeOf` gives the use case its StatusChange. */
export const StatusChangeDetail = z.object({
  period: periodId,
  regime,
  unitId,
  previousStatus: z.nullable(z.enum(STATUSES)),
  status: z.enum(STATUSES),
  newUploads: z.array(z.object({ uploadId: z.string(), receivedAt: z.string(), valid: z.boolean() })),
  returnedReason: z.optional(z.string()),
  at: z.string(),
});

/** A parsed "Unit Status Changed" detail with its `regime` and `period` as one period key. */
export function statusChangeOf(detail: z.infer<typeof StatusChangeDetail>): StatusChange {
  const { regime: _, period: __, returnedReason, ...rest } = detail;
  return { ...rest, period: periodKeyOf(detail), ...(returnedReason !== undefined ? { returnedReason } : {}) };
}

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
    z
      .array(z.custom<number | string>((v) => typeof v === 'number' || (typeof v === 'string' && v.length <= 90)))
      .check(z.minLength(1), z.maxLength(max)),
  );
