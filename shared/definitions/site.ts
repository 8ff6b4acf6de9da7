/**
 * The static site (the unit's form and the Sở Nội vụ board), defined once. `npm run build:web`
 * writes it to web/dist; on AWS it is a private bucket behind CloudFront (origin access control),
 * locally the HTTP server serves the same directory with the same headers. The pages carry no data
 * and hold no secrets: tokens stay in the URL fragment and go only to the API, as Bearer headers.
 * The API routes (HTTP_ROUTES) are on the same origin, so the pages' CSP allows `'self'` only.
 */

/** Directory of the built site, from the repository root. */
export const SITE_DIR = 'web/dist';

/** Pages: the path people open, and the file that answers it. */
export const SITE_PAGES = [
  { path: '/', file: 'index.html' },
  { path: '/board', file: 'board.html' },
] as const;

export type SitePage = (typeof SITE_PAGES)[number];

/** Content types of what the build writes (by extension). */
export const SITE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Every file is revalidated at each visit (a 304 when unchanged), so a deploy shows at once. */
export const SITE_CACHE_CONTROL = 'no-cache';

/**
 * Content-Security-Policy of every page: scripts and styles from the site itself only (no inline
 * code), fetches to the site's own API and to the upload bucket (the presigned POST).
 */
export function siteCsp(uploadOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${uploadOrigin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The security headers every site response carries (CloudFront response headers policy; local server). */
export function siteHeaders(uploadOrigin: string): Readonly<Record<string, string>> {
  return {
    'content-security-policy': siteCsp(uploadOrigin),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
}

/** The file that answers a request path, or null (pages by their path, assets by their name). */
export function siteFileFor(path: string, files: ReadonlySet<string>): string | null {
  const page = SITE_PAGES.find((p) => p.path === path);
  if (page) return page.file;
  const name = path.slice(1);
  // Flat directory of built assets: no subdirectories, no dot-files, never a page under another name.
  if (!/^[a-z0-9][a-z0-9.-]*\.(js|css)$/.test(name)) return null;
  return files.has(name) ? name : null;
}

/** Content type of a site file, by its extension. */
export function siteContentType(file: string): string {
  return SITE_CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}
