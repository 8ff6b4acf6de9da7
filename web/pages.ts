/** Placeholder form page; the full form (issue 3) replaces it. */
export function formPage(): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Nộp báo cáo công tác dân vận chính quyền</title></head>
<body><main><h1>Nộp báo cáo công tác dân vận chính quyền</h1>
<p>Mở đường dẫn riêng của đơn vị (dạng <code>/#t=…</code>) để nộp báo cáo.</p></main></body></html>`;
}
