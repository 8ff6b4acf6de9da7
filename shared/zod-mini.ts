import { config } from 'zod/mini';
import type { core } from 'zod/mini';

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
const TYPE_NAMES: Record<string, string> = {
  string: 'chuỗi ký tự',
  number: 'số',
  int: 'số nguyên',
  boolean: 'true hoặc false',
  array: 'danh sách',
  object: 'đối tượng',
  date: 'ngày',
  null: 'null',
  undefined: 'không có giá trị',
};
const typeName = (t: unknown) => TYPE_NAMES[String(t)] ?? String(t);
const quote = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));

export function vietnameseError(issue: core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'Thiếu trường bắt buộc' : `Phải là ${typeName(issue.expected)}`;
    case 'too_big':
      return `Không được lớn hơn ${String(issue.maximum)}${issue.origin === 'string' ? ' ký tự' : issue.origin === 'array' ? ' mục' : ''}`;
    case 'too_small':
      return `Không được nhỏ hơn ${String(issue.minimum)}${issue.origin === 'string' ? ' ký tự' : issue.origin === 'array' ? ' mục' : ''}`;
    case 'invalid_format':
      return `Sai định dạng (${issue.format})`;
    case 'not_multiple_of':
      return `Phải là bội số của ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `Trường không thuộc mẫu: ${issue.keys.slice(0, 10).join(', ')}${issue.keys.length > 10 ? ` … và ${issue.keys.length - 10} trường khác` : ''}`;
    case 'invalid_value':
      return `Giá trị không hợp lệ: phải là ${issue.values.slice(0, 10).map(quote).join(', ')}`;
    case 'invalid_union':
      return 'Giá trị không hợp lệ';
    case 'invalid_key':
      return 'Khóa không hợp lệ';
    case 'invalid_element':
      return 'Phần tử không hợp lệ';
    default:
      return 'Giá trị không hợp lệ';
  }
}

config({ localeError: vietnameseError });

export * from 'zod/mini';
