import { createHash, timingSafeEqual } from 'node:crypto';
import { ORIGIN_VERIFY_HEADER } from '../definitions/http-routes.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { staffFromClaims, type JwtClaims, type StaffIdentity } from '../domain/staff.js';
import type { Regimes } from '../domain/regimes.js';
import { resolvePeriod } from '../use-cases/periods.js';
import { RequestError } from '../errors.js';
import { validateRequest } from '../use-cases/validate-request.js';
import type * as z from '../zod-mini.js';

/** HTTP API adapter helpers: JSON bodies, the contract's error shape, bearer tokens. */
export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function json(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

export function errorResult(statusCode: number, code: string, message: string, details?: unknown): HttpResult {
  return json(statusCode, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}

export function bearerToken(event: HttpEvent): string | null {
  const h = event.headers?.authorization ?? event.headers?.Authorization;
  const m = h ? /^Bearer\s+([A-Za-z0-9_\-.~+/=]{16,200})\s*$/.exec(h) : null;
  return m ? m[1]! : null;
}

/**
 * The staff member behind a request on an admin route: the claims API Gateway's JWT authorizer
 * verified (issuer, audience, signature, expiry) and put on the event; the local server does the
 * same. The handler never sees the token itself.
 */
export function staffIdentity(event: HttpEvent): StaffIdentity {
  const ctx = event.requestContext as HttpEvent['requestContext'] & { authorizer?: { jwt?: { claims?: JwtClaims } } };
  return staffFromClaims(ctx.authorizer?.jwt?.claims);
}

/** Reads a JSON request body (400 INVALID_JSON). Authenticated routes call it only after the token is checked. */
export function readJsonBody(event: HttpEvent): unknown {
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    return JSON.parse(text);
  } catch {
    throw new RequestError(400, 'INVALID_JSON', 'Nội dung yêu cầu không phải JSON hợp lệ');
  }
}

/** Parses a JSON request body with a schema (zod/mini or classic); a bad body is a 400 in Vietnamese naming the fields. */
export function parseBody<S extends z.core.$ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  return validateRequest(schema, readJsonBody(event));
}

/**
 * `?regime=ID&period=ID` (DESIGN.md section 3), resolved against the deployment's regimes: no regime,
 * the main one; no period, the regime's current one (unless `required`). 404 UNKNOWN_REGIME,
 * 400 INVALID_PERIOD naming the problem in Vietnamese.
 */
export function queryRegimePeriod(event: HttpEvent, set: Regimes, now: Date, opts: { required?: boolean } = {}) {
  const q = event.queryStringParameters ?? {};
  if (opts.required && q.period === undefined)
    throw new RequestError(400, 'INVALID_PERIOD', 'Thiếu tham số period (kỳ báo cáo, ví dụ 2026 hoặc 2026-Q3)');
  return resolvePeriod(set, regimePeriodQuery(event), now);
}

/** The raw `?regime=` and `?period=` of a request, when given (the use case resolves them). */
export function regimePeriodQuery(event: HttpEvent): { regime?: string; period?: string } {
  const q = event.queryStringParameters ?? {};
  return { ...(q.regime !== undefined ? { regime: q.regime } : {}), ...(q.period !== undefined ? { period: q.period } : {}) };
}

export interface LoggerLike {
  error(message: string, ...extra: unknown[]): void;
}

/** Wraps an HTTP use case: RequestError → its 4xx JSON; anything else → 500 without internals. */
export function httpHandler(fn: (event: HttpEvent) => Promise<HttpResult>, logger: LoggerLike = console, originSecret?: string) {
  const expected = originSecret ? createHash('sha256').update(originSecret).digest() : null;
  return async (event: HttpEvent): Promise<HttpResult> => {
    if (expected) {
      // Compared as digests in constant time: the secret leaks nothing through timing.
      const got = createHash('sha256')
        .update(event.headers?.[ORIGIN_VERIFY_HEADER] ?? '')
        .digest();
      if (!timingSafeEqual(got, expected))
        return errorResult(403, 'DIRECT_ACCESS', 'Chỉ truy cập hệ thống qua địa chỉ chính thức của trang báo cáo');
    }
    try {
      return await fn(event);
    } catch (e) {
      if (e instanceof RequestError) return errorResult(e.status, e.code, e.message, e.details);
      logger.error('Unhandled error', e);
      return errorResult(500, 'INTERNAL', 'Lỗi hệ thống; vui lòng thử lại sau');
    }
  };
}
