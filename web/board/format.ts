import { wallClockAsUtc } from '../../shared/domain/calendar.js';

/**
 * How the board prints times, dates, numbers and sizes. Times are shown in the regime's time zone
 * (it comes with GET /status), with the domain's own zone arithmetic.
 */
const numbers = new Intl.NumberFormat('vi-VN');
const ratios = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** 'YYYY-MM-DD' → 'DD/MM/YYYY'. */
export const date = (ymd: string | null | undefined): string => (ymd ? ymd.split('-').reverse().join('/') : '—');

/** An instant as 'HH:MM DD/MM/YYYY' on the wall clock of `tz`. */
export function dateTime(iso: string | null | undefined, tz: string): string {
  if (!iso) return '—';
  const wall = wallClockAsUtc(new Date(iso), tz).toISOString();
  return `${wall.slice(11, 16)} ${date(wall.slice(0, 10))}`;
}

export const count = (n: number): string => numbers.format(n);
export const percent = (ratio: number): string => `${ratios.format(ratio * 100)}%`;
export const bytes = (n: number): string =>
  n >= 1_048_576 ? `${ratios.format(n / 1_048_576)} MB` : n >= 1024 ? `${ratios.format(n / 1024)} KB` : `${n} byte`;

/** Folds case, diacritics and đ, so 'dak' finds 'Đắk Hà'. */
export const searchable = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();
