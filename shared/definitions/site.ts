/**
 * The static site (the unit's form and the Sở Nội vụ board), defined once. `npm run build:web`
 * writes it to web/dist; on AWS it is a private bucket behind CloudFront (origin access control),
 * locally the HTTP server serves the same directory with the same headers. The pages carry no data
 * and hold no secrets: tokens stay in the URL fragment or the tab's sessionStorage and go only to the
 * API, as Bearer headers.
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
  json: 'application/json; charset=utf-8',
};

/**
 * How the board signs staff in, served beside it as BOARD_OIDC_FILE: the provider's endpoints and
 * the board's public client id. Written at deploy time on AWS (the Cognito managed login, a
 * `Source.jsonData` of the site's BucketDeployment) and at start locally (the in-process provider),
 * so the board never knows which issuer it talks to. Nothing in it is secret.
 */
export interface BoardOidcConfig {
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Where sign-out goes; the board adds `client_id` and `logoutRedirectParam` = its own URL. */
  endSessionEndpoint: string;
  /** Cognito's /logout takes `logout_uri`; an OpenID provider's end_session `post_logout_redirect_uri`. */
  logoutRedirectParam: 'logout_uri' | 'post_logout_redirect_uri';
  scope: string;
}

export const BOARD_OIDC_FILE = 'board-config.json';
/** What the board asks for: its identity (openid) and the person's name (profile). */
export const BOARD_OIDC_SCOPE = 'openid profile';

/** The board's OIDC settings for a standard provider (the local one: oidc-provider's own paths). */
export function standardBoardOidc(issuer: string, clientId: string): BoardOidcConfig {
  return {
    issuer,
    clientId,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    endSessionEndpoint: `${issuer}/session/end`,
    logoutRedirectParam: 'post_logout_redirect_uri',
    scope: BOARD_OIDC_SCOPE,
  };
}

/** The board's OIDC settings for a Cognito user pool and its managed-login domain (https://…amazoncognito.com). */
export function cognitoBoardOidc(o: { region: string; userPoolId: string; domainUrl: string; clientId: string }): BoardOidcConfig {
  return {
    issuer: `https://cognito-idp.${o.region}.amazonaws.com/${o.userPoolId}`,
    clientId: o.clientId,
    authorizationEndpoint: `${o.domainUrl}/oauth2/authorize`,
    tokenEndpoint: `${o.domainUrl}/oauth2/token`,
    endSessionEndpoint: `${o.domainUrl}/logout`,
    logoutRedirectParam: 'logout_uri',
    scope: BOARD_OIDC_SCOPE,
  };
}

/** Every file is revalidated at each visit (a 304 when unchanged), so a deploy shows at once. */
export const SITE_CACHE_CONTROL = 'no-cache';

/**
 * Content-Security-Policy of every page: scripts and styles from the site itself only (no inline
 * code), fetches to the site's own API, to the upload bucket (the presigned POST) and to the sign-in
 * provider's token endpoint (`signInOrigin`: the Cognito domain on AWS; locally the same origin).
 */
export function siteCsp(uploadOrigin: string, signInOrigin?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${uploadOrigin}${signInOrigin ? ` ${signInOrigin}` : ''}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The security headers every site response carries (CloudFront response headers policy; local server). */
export function siteHeaders(uploadOrigin: string, signInOrigin?: string): Readonly<Record<string, string>> {
  return {
    'content-security-policy': siteCsp(uploadOrigin, signInOrigin),
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
