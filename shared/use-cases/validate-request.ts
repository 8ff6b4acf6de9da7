import { boundReasons, clip, listNames, moreReasonsLine } from '../domain/bounded-reasons.js';
import { RequestError } from '../errors.js';
import * as z from '../zod-mini.js';

/** Problems named in an error's one-line message; every one (bounded) is in its details. */
const MAX_IN_MESSAGE = 5;

/**
 * Vietnamese messages for zod's built-in issues in request bodies (zod itself speaks English:
 * "Invalid input: expected number, received undefined"). A schema's own messages, as the admin
 * API's, take precedence over these.
 */
export function requestIssueMessage(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'Thiếu trường bắt buộc';
      if (iss.expected === 'number' || iss.expected === 'int') return 'Phải là số';
      if (iss.expected === 'string') return 'Phải là văn bản';
      if (iss.expected === 'boolean') return 'Phải là true hoặc false';
      if (iss.expected === 'object' || iss.expected === 'record') return 'Phải là một đối tượng JSON';
      return 'Sai kiểu dữ liệu';
    case 'too_small':
      if (iss.origin === 'number') return `Không được nhỏ hơn ${iss.minimum}`;
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'Không được để trống' : `Tối thiểu ${iss.minimum} ký tự`;
      return `Tối thiểu ${iss.minimum} mục`;
    case 'too_big':
      if (iss.origin === 'number') return `Không được lớn hơn ${iss.maximum}`;
      if (iss.origin === 'string') return `Tối đa ${iss.maximum} ký tự`;
      return `Tối đa ${iss.maximum} mục`;
    case 'unrecognized_keys':
      return `Trường không thuộc yêu cầu: ${listNames(iss.keys)}`;
    case 'invalid_value':
      return `Giá trị phải là một trong: ${listNames(iss.values.map(String), 'giá trị')}`;
    case 'invalid_format':
      return 'Sai định dạng';
    default:
      return 'Giá trị không hợp lệ';
  }
}

/**
 * Validates a request body against a schema: 400 INVALID_REQUEST, in Vietnamese, short. The
 * message names the wrong fields (a few, then how many more) and never echoes the schema or the
 * input; the details list each problem, bounded as upload reasons are.
 */
export function validateRequest<S extends z.core.$ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = z.safeParse(schema, input, { error: requestIssueMessage });
  if (r.success) return r.data;
  const details = boundReasons(r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  const named = details.filter((d) => d.omitted === undefined);
  const shown = named.slice(0, MAX_IN_MESSAGE).map((d) => `${clip(d.path, 60) || '(nội dung)'}: ${clip(d.message, 200)}`);
  const omitted = r.error.issues.length - shown.length;
  const message = `Yêu cầu không hợp lệ: ${shown.join('; ')}${omitted > 0 ? `; ${moreReasonsLine(omitted)}` : ''}`;
  throw new RequestError(400, 'INVALID_REQUEST', message, details);
}
