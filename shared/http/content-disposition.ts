/** "Biểu mẫu … Đắk Hà.xlsx" → "Bieu mau … Dak Ha.xlsx": for clients that ignore filename*. */
export function asciiFileName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9 ._()-]/g, '_');
}

/** RFC 6266 / 5987: an ASCII `filename` and the exact UTF-8 name in `filename*`. */
export function contentDisposition(name: string): string {
  const encoded = encodeURIComponent(name.normalize('NFC')).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFileName(name)}"; filename*=UTF-8''${encoded}`;
}
