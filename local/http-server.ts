import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { systemClock } from '../shared/clock.js';
import type { FunctionName } from '../shared/definitions/events.js';
import { HTTP_ROUTES, matchRoute, type HttpRoute } from '../shared/definitions/http-routes.js';
import {
  BOARD_OIDC_FILE,
  SITE_CACHE_CONTROL,
  siteContentType,
  siteFileFor,
  siteHeaders,
  type BoardOidcConfig,
} from '../shared/definitions/site.js';
import type { Clock } from '../shared/ports.js';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface HttpServerOptions {
  /** Resolves a route target to its handler (the stack imports functions/<name>/handler.ts; tests pass fakes). */
  loadHandler: (name: FunctionName) => Promise<HttpHandler>;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  clock?: Clock;
  log?: (line: string) => void;
  /** The static site (web/dist) and the origin its pages may POST uploads to: what CloudFront serves on AWS. */
  site?: LocalSite;
  /**
   * The JWT authorizer in front of the `auth: 'staff'` routes (API Gateway's on AWS): resolves the
   * Authorization header to the verified claims or throws. Without it those routes answer 401.
   */
  authorizer?: (authorization: string | undefined) => Promise<Record<string, string>>;
  /** Other apps served under a path prefix (the local OpenID provider at /oidc); the prefix is stripped. */
  mounts?: { prefix: string; handle: (req: IncomingMessage, res: ServerResponse) => void }[];
}

export interface LocalSite {
  dir: string;
  uploadOrigin: string;
  /**
   * The board's sign-in settings, served as BOARD_OIDC_FILE (on AWS a file the deployment writes
   * into the site bucket). A function: the provider's issuer is known only once the server listens.
   */
  boardOidc?: () => BoardOidcConfig | undefined;
}

export interface LocalHttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
const LOCAL_ACCOUNT = '000000000000';

/**
 * The local stand-in for CloudFront in front of the HTTP API and the site bucket: API Gateway
 * (payload format 2.0) for HTTP_ROUTES — the handler gets the same event API Gateway would give
 * it and its result is written back — and, for any other GET, the static site with the headers
 * the CloudFront response headers policy adds.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<LocalHttpServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.log(line));
  const server = createServer((req, res) => {
    const started = Date.now();
    // Only method and path: the query may carry identifiers and the Authorization header never is logged.
    res.on('finish', () => log(`[http] ${req.method} ${(req.url ?? '/').split('?')[0]} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res, opts).catch((err: unknown) => {
      log(
        `[http] ${req.method} ${(req.url ?? '/').split('?')[0]} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal server error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${port}`, server, close: () => closeServer(server) };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): Promise<void> {
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  // A client never sends the fragment; strip one anyway so it can reach neither the handler nor a log.
  const rawPath = (q < 0 ? target : target.slice(0, q)).split('#')[0] || '/';
  const rawQueryString = q < 0 ? '' : (target.slice(q + 1).split('#')[0] ?? '');

  const mount = opts.mounts?.find((m) => rawPath === m.prefix || rawPath.startsWith(`${m.prefix}/`));
  if (mount) {
    // As Express/Koa mounting does: the app sees its own paths, and originalUrl tells it where it lives.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = target;
    req.url = target.slice(mount.prefix.length) || '/';
    mount.handle(req, res);
    return;
  }

  const match = matchRoute(method, rawPath);
  if (!match && opts.site && (method === 'GET' || method === 'HEAD') && (await serveSite(res, rawPath, method, opts.site))) {
    req.resume();
    return;
  }
  if (!match) {
    req.resume();
    const allowed = [...new Set(HTTP_ROUTES.map((r) => r.method))].filter((m) => matchRoute(m, rawPath));
    if (allowed.length) {
      res.setHeader('allow', allowed.join(', '));
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${rawPath}`);
    }
    return sendError(res, 404, 'NOT_FOUND', `No route for ${method} ${rawPath}`);
  }

  // API Gateway's JWT authorizer answers 401 before the function runs, with its own body.
  let claims: Record<string, string> | undefined;
  if (match.route.auth === 'staff') {
    claims = await opts.authorizer?.(req.headers.authorization).catch(() => undefined);
    if (!claims) {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(JSON.stringify({ message: 'Unauthorized' }));
      return;
    }
  }

  let body: Buffer;
  try {
    body = await readBody(req, opts.maxBodyBytes ?? MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    res.setHeader('connection', 'close');
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${err.limit} bytes`);
  }

  const event = toApiGatewayEvent(req, {
    route: match.route,
    pathParameters: match.pathParameters,
    rawPath,
    rawQueryString,
    body,
    now: (opts.clock ?? systemClock).now(),
    ...(claims ? { claims } : {}),
  });
  let result: APIGatewayProxyResultV2;
  try {
    const handler = await opts.loadHandler(match.route.target);
    result = await handler(event);
  } catch (err) {
    // Like API Gateway: the client learns nothing about the failure; the server log has the stack.
    (opts.log ?? console.log)(`[http] ${match.route.target} threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return sendError(res, 500, 'INTERNAL', 'Internal server error');
  }
  writeResult(res, result);
}

/** Answers a site path from the built directory; false when the site has no such file. */
async function serveSite(res: ServerResponse, path: string, method: string, site: LocalSite): Promise<boolean> {
  const oidc = path === `/${BOARD_OIDC_FILE}` ? site.boardOidc?.() : undefined;
  const file = oidc ? BOARD_OIDC_FILE : siteFileFor(path, new Set(await readdir(site.dir).catch(() => [])));
  if (!file) return false;
  const body = oidc ? Buffer.from(JSON.stringify(oidc)) : await readFile(join(site.dir, file));
  res.writeHead(200, {
    ...siteHeaders(site.uploadOrigin),
    'content-type': siteContentType(file),
    'cache-control': SITE_CACHE_CONTROL,
    'content-length': body.length,
  });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}

/** Builds the HTTP API payload format 2.0 event, field by field as API Gateway does. */
export function toApiGatewayEvent(
  req: IncomingMessage,
  r: {
    route: HttpRoute;
    pathParameters: Record<string, string>;
    rawPath: string;
    rawQueryString: string;
    body: Buffer;
    now: Date;
    claims?: Record<string, string>;
  },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === 'cookie')
      cookies = values
        .flatMap((v) => v.split(';'))
        .map((c) => c.trim())
        .filter(Boolean);
    else headers[name] = values.join(',');
  }

  let queryStringParameters: Record<string, string> | undefined;
  if (r.rawQueryString) {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(r.rawQueryString)) {
      const prev: string | undefined = queryStringParameters[k];
      queryStringParameters[k] = prev === undefined ? v : `${prev},${v}`;
    }
  }

  const routeKey = `${r.route.method} ${r.route.path}`;
  const domainName = headers.host ?? 'localhost';
  const text = isTextContentType(headers['content-type']);
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: r.rawPath,
    rawQueryString: r.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(Object.keys(r.pathParameters).length ? { pathParameters: r.pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: r.route.method,
        path: r.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: apiGatewayTime(r.now),
      timeEpoch: r.now.getTime(),
      // Payload 2.0 with a JWT authorizer: the verified claims (strings) and the route's scopes.
      ...(r.claims ? { authorizer: { jwt: { claims: r.claims, scopes: null } } } : {}),
    },
    isBase64Encoded: r.body.length > 0 && !text,
  };
  if (r.body.length > 0) event.body = text ? r.body.toString('utf8') : r.body.toString('base64');
  return event;
}

/** Content types API Gateway passes as text; everything else arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type.endsWith('+json') ||
    type.endsWith('+xml') ||
    ['application/json', 'application/xml', 'application/javascript', 'application/x-www-form-urlencoded'].includes(type)
  );
}

/** API Gateway's `requestContext.time`: 12/Mar/2026:19:03:58 +0000. */
function apiGatewayTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // Payload 2.0 also accepts a bare value: API Gateway then answers 200 with it as JSON.
  const structured: APIGatewayProxyStructuredResultV2 =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: typeof result === 'string' ? result : JSON.stringify(result),
        };
  for (const [name, value] of Object.entries(structured.headers ?? {})) res.setHeader(name, String(value));
  if (structured.cookies?.length) res.setHeader('set-cookie', structured.cookies);
  const body = structured.body === undefined ? '' : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(structured.statusCode ?? 200);
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code, message } }));
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body, rejecting with BodyTooLargeError as soon as it passes `limit` bytes. The rest
 * is drained, not kept, so the client can finish sending and read the error response.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    let size = 0;
    const chunks: Buffer[] = [];
    if (declared > limit) reject(new BodyTooLargeError(limit));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Closes a server now, including keep-alive sockets that SDK clients and browsers hold open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
