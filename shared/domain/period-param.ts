import * as z from '../zod-mini.js';

/** A period id of any periodicity: 2026, 2026-H1, 2026-Q3, 2026-11 (periodicity.ts parses it for a regime). */
export const PERIOD_ID = /^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/;

/**
 * A period as requests, events and reports write it (DESIGN.md section 3): a year from 2000 to 2100
 * as a number (`2026`, the annual contract) or any period id as text (`"2026-Q3"`); resolvePeriod
 * then checks it against the regime. One schema for all of them, a custom check rather than a union
 * of two schemas: the functions' bundles carry no union for it.
 */
export const periodParam = (message = 'Kỳ báo cáo (period) phải là năm dạng YYYY hoặc mã kỳ như 2026-Q3') =>
  z.custom<number | string>(
    (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 2000 && v <= 2100) || (typeof v === 'string' && PERIOD_ID.test(v)),
    // A missing period says so, as every missing field does (zod-mini's Vietnamese map).
    { error: (iss) => (iss.input === undefined ? 'Thiếu trường bắt buộc' : message) },
  );
