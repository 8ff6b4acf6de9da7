import { boundReasons, clip, moreReasonsLine } from '../domain/bounded-reasons.js';
import { RequestError } from '../errors.js';
import * as z from '../zod-mini.js';

/** Problems named in an error's one-line message; every one (bounded) is in its details. */
const MAX_IN_MESSAGE = 5;

/**
 * Validates a request body against a schema: 400 INVALID_REQUEST, in Vietnamese, short. The
 * message names the wrong fields (a few, then how many more) and never echoes the schema or the
 * input; the details list each problem, bounded as upload reasons are.
 */
export function validateRequest<S extends z.core.$ZodType>(schema: S, input: unknown): z.infer<S> {
  // The one Vietnamese error map, passed explicitly: a process that also loads classic zod (its
  // English locale is global) still answers a person in Vietnamese.
  const r = z.safeParse(schema, input, { error: z.vietnameseError });
  if (r.success) return r.data;
  const details = boundReasons(r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  const named = details.filter((d) => d.omitted === undefined);
  const shown = named.slice(0, MAX_IN_MESSAGE).map((d) => `${clip(d.path, 60) || '(nội dung)'}: ${clip(d.message, 200)}`);
  const omitted = r.error.issues.length - shown.length;
  const message = `Yêu cầu không hợp lệ: ${shown.join('; ')}${omitted > 0 ? `; ${moreReasonsLine(omitted)}` : ''}`;
  throw new RequestError(400, 'INVALID_REQUEST', message, details);
}
