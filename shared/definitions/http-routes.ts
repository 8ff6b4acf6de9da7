import type { FunctionName } from './events.js';

/**
 * HTTP API routes (contract, DESIGN.md section 3): API Gateway routes in CDK and the local server's
 * router. The pages (GET / and GET /board) are the static site (site.ts), on the same origin.
 */
export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly target: FunctionName;
  /**
   * staff: behind the JWT authorizer (Cognito on AWS, the local provider on a laptop); the handler
   * then checks the role its action needs. unit: the handler checks the unit link token itself.
   */
  readonly auth: 'staff' | 'unit';
}

export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'POST', path: '/uploads', target: 'presign', auth: 'unit' },
  { method: 'GET', path: '/status', target: 'status', auth: 'staff' },
  { method: 'GET', path: '/units/{id}/reports', target: 'admin', auth: 'staff' },
  { method: 'POST', path: '/units/{id}/review', target: 'admin', auth: 'staff' },
  { method: 'POST', path: '/units/{id}/extension', target: 'admin', auth: 'staff' },
  { method: 'GET', path: '/units/{id}/audit', target: 'admin', auth: 'staff' },
  { method: 'GET', path: '/units/{id}/links', target: 'admin', auth: 'staff' },
  { method: 'POST', path: '/units/{id}/links', target: 'admin', auth: 'staff' },
  { method: 'POST', path: '/units/{id}/links/{linkId}/revoke', target: 'admin', auth: 'staff' },
  { method: 'POST', path: '/summaries', target: 'summary', auth: 'staff' },
  { method: 'GET', path: '/me', target: 'unit', auth: 'unit' },
  { method: 'GET', path: '/template.xlsx', target: 'template', auth: 'unit' },
];

/**
 * The header CloudFront adds to every request it forwards to the API, carrying a generated secret
 * (infra/constructs/upload-api.ts); the functions refuse a request without it (403 DIRECT_ACCESS
 * before any work): a caller going around CloudFront also goes around its WAF web ACL. Without a
 * custom domain the API's default execute-api endpoint is CloudFront's origin and stays enabled;
 * with one (config `domain`) that endpoint is disabled, but the API's custom domain, CloudFront's
 * origin then, is public too (a web ACL cannot be put on an HTTP API), so the header stays.
 */
export const ORIGIN_VERIFY_HEADER = 'x-baocao-origin';

/** Finds the route for a request; path parameters as `{name}` segments. */
export function matchRoute(method: string, path: string): { route: HttpRoute; pathParameters: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of HTTP_ROUTES) {
    if (route.method !== method) continue;
    const want = route.path.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = want.every((seg, i) => {
      const got = parts[i]!;
      if (seg.startsWith('{') && seg.endsWith('}')) {
        params[seg.slice(1, -1)] = decodeURIComponent(got);
        return true;
      }
      return seg === got;
    });
    if (ok) return { route, pathParameters: params };
  }
  return null;
}
