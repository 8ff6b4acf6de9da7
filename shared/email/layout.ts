/**
 * Safe building blocks for every email: HTML escaping of every interpolated value, header values
 * stripped of CR/LF (no header injection), and one Vietnamese layout with an HTML and a text part.
 */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : value == null
        ? ''
        : (JSON.stringify(value) ?? '');
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A header value (subject, display name) on one line: CR, LF and other controls become spaces. */
export function headerValue(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Tagged template: every `${value}` is HTML-escaped; wrap trusted fragments with `raw()`. */
export class RawHtml {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new RawHtml(html);
export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const piece = Array.isArray(v)
      ? v.map((x) => (x instanceof RawHtml ? x.html : escapeHtml(x))).join('')
      : v instanceof RawHtml
        ? v.html
        : escapeHtml(v);
    out += piece + (strings[i + 1] ?? '');
  });
  return new RawHtml(out);
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Wraps a body in the common layout: title, body, footer naming the sender system. */
export function layout(input: { subject: string; title: string; body: RawHtml; text: string; footer?: string }): RenderedEmail {
  const footer =
    input.footer ??
    'Thư này được gửi tự động từ Hệ thống báo cáo công tác dân vận chính quyền. Vui lòng không trả lời thư này nếu không cần thiết.';
  const page = html`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${input.title}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1a1a1a;line-height:1.5">
<h2 style="color:#8b0000;font-size:18px">${input.title}</h2>
${input.body}
<hr style="border:none;border-top:1px solid #ccc;margin-top:24px">
<p style="font-size:12px;color:#666">${footer}</p>
</body></html>`;
  return {
    subject: headerValue(input.subject),
    html: page.html,
    text: `${input.title}\n\n${input.text.trim()}\n\n--\n${footer}\n`,
  };
}
