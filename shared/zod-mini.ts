import { config } from 'zod/mini';
import type { core } from 'zod/mini';
import { listNames } from './domain/bounded-reasons.js';

/**
 * zod/mini (tree-shakable, a fraction of classic zod in a bundle) for every runtime schema: the
 * functions' config, the regime, the request bodies and ReportSchema (whose labels are
 * `z.describe()` descriptions, read from zod's global registry). No function bundles classic zod.
 * Reach `z.core` for types only: a value read through it (`z.core.$ZodString`) brings all of zod's
 * core, every locale included, into the bundle.
 * zod/mini loads no locale, so its issues would read "Invalid input". Every message a person may
 * read is Vietnamese, so the default messages are too: a small Vietnamese error map, written here
 * rather than zod's English locale (2.7 KB in every function, against the bundle budget). Schemas
 * with their own messages (the report, the request bodies, the regime's checks) keep them.
 * Import it as `import * as z from '../zod-mini.js'`.
 */
/**
 * The one Vietnamese error map: zod's built-in issues as a person reads them (request bodies, the
 * regime file, configuration). Names and values are listed bounded (listNames), never the input.
 */
export function vietnameseError(iss: core.$ZodRawIssue): string {
  // A missing field of a union (a period: a year or a period id) is missing, not a value none of its types takes.
  if (iss.code === 'invalid_union' && iss.input === undefined) return 'Thiếu trường bắt buộc';
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'Thiếu trường bắt buộc';
      if (iss.expected === 'number' || iss.expected === 'int') return 'Phải là số';
      if (iss.expected === 'string') return 'Phải là văn bản';
      if (iss.expected === 'boolean') return 'Phải là true hoặc false';
      if (iss.expected === 'object' || iss.expected === 'record') return 'Phải là một đối tượng JSON';
      if (iss.expected === 'array') return 'Phải là một danh sách';
      return 'Sai kiểu dữ liệu';
    case 'too_small':
      if (iss.origin === 'number') return `Không được nhỏ hơn ${String(iss.minimum)}`;
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'Không được để trống' : `Tối thiểu ${String(iss.minimum)} ký tự`;
      return `Tối thiểu ${String(iss.minimum)} mục`;
    case 'too_big':
      if (iss.origin === 'number') return `Không được lớn hơn ${String(iss.maximum)}`;
      if (iss.origin === 'string') return `Tối đa ${String(iss.maximum)} ký tự`;
      return `Tối đa ${String(iss.maximum)} mục`;
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

config({ localeError: vietnameseError });

export * from 'zod/mini';
