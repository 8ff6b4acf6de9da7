/** HTML text and attribute values, escaped. */
export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * A page of the static site: Vietnamese, no referrer, its stylesheet and script as files beside
 * it (`/{asset}.css`, `/{asset}.js`, allowed by the site CSP's 'self'), the script last so it
 * finds the whole document.
 */
export function sitePage(p: { title: string; asset: string; body: string }): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${esc(p.title)}</title>
<link rel="stylesheet" href="/${p.asset}.css">
</head>
<body>
${p.body}
<script src="/${p.asset}.js"></script>
</body>
</html>`;
}
