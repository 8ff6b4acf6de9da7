import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { s3ErrorXml, verifyPostPolicy, type PostPolicyFailure } from './post-policy-verifier.js';
import { VersionStore, type CreatedObject } from './s3-versioning.js';

/**
 * The S3 endpoint browsers and presigned URLs see in the local stack: an HTTP server in front of
 * s3rver that verifies presigned-POST uploads exactly as S3 does (s3rver ignores POST policies,
 * see NOTES.md) and proxies everything else unchanged.
 *
 *  - A multipart/form-data POST to `/{bucket}` (path style) is read up to `maxBodyBytes`
 *    (beyond: 400 EntityTooLarge, the rest of the body is discarded, never buffered), parsed,
 *    checked with verifyPostPolicy (signature, expiry, every condition, unlisted fields, size) and
 *    either refused with S3's XML error (400/403) — nothing reaches s3rver — or forwarded
 *    byte-for-byte to s3rver, whose response (status, ETag, Location, body) is relayed.
 *  - Every other request (GET/PUT/HEAD/DELETE, SDK calls, presigned GET URLs) is streamed through.
 *  - Versioning, which s3rver lacks, is emulated here (s3-versioning.ts): every object write gets
 *    a version id (`x-amz-version-id`) and a kept copy, `?versionId=` requests address that copy,
 *    and `onObjectCreated` reports each new version, as S3 reports it to EventBridge. The handlers'
 *    own S3 endpoint is this front too, so they see the same versioned bucket as browsers.
 *  - CORS: preflight OPTIONS is answered here; responses to an allowed Origin carry
 *    Access-Control-Allow-Origin (kept as is when s3rver's bucket CORS already set it).
 */
export interface S3PostFrontOptions {
  /** s3rver base URL, e.g. http://127.0.0.1:4569 */
  target: string;
  secretAccessKey: string;
  region: string;
  /** Hard bound on a POST upload body held in memory (multipart overhead included). */
  maxBodyBytes: number;
  /** When given, presigned POSTs must be signed with this access key id (s3rver: 'S3RVER'). */
  accessKeyId?: string;
  /** Origins allowed by CORS; default any http(s) origin on localhost / 127.0.0.1 / [::1]. */
  allowedOrigins?: readonly string[] | '*';
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Listen port; default 0 (any free port). */
  port?: number;
  /** Clock for policy expiry; default the system clock. */
  now?: () => Date;
  /** How many bytes of a refused body are discarded before the connection is cut; default 256 MiB. */
  maxDiscardBytes?: number;
  /**
   * Called once per object version stored through the front, after its copy exists and before
   * the client gets its answer (so a bus that counts deliveries sees it by then).
   */
  onObjectCreated?: (created: CreatedObject) => void;
}

export interface S3PostFront {
  /** Base URL, e.g. http://127.0.0.1:40123 — use it as S3_PUBLIC_ENDPOINT. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
]);
const EXPOSE_HEADERS = 'ETag, Location, Content-Length, Content-Type, Last-Modified, x-amz-request-id, x-amz-id-2, x-amz-version-id';
const ALLOW_METHODS = 'GET, PUT, POST, DELETE, HEAD';

export async function startS3PostFront(opts: S3PostFrontOptions): Promise<S3PostFront> {
  if (!Number.isSafeInteger(opts.maxBodyBytes) || opts.maxBodyBytes <= 0) throw new RangeError('maxBodyBytes must be a positive integer');
  const target = new URL(opts.target);
  const transport = target.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true });
  const now = opts.now ?? (() => new Date());
  const maxDiscard = opts.maxDiscardBytes ?? 256 * 1024 * 1024;
  const versions = new VersionStore({
    target: opts.target,
    region: opts.region,
    accessKeyId: opts.accessKeyId ?? 'S3RVER',
    secretAccessKey: opts.secretAccessKey,
  });

  const originAllowed = (origin: string | undefined): origin is string => {
    if (!origin) return false;
    const allowed = opts.allowedOrigins;
    if (allowed === '*') return true;
    if (allowed) return allowed.includes(origin);
    return LOOPBACK_ORIGIN.test(origin);
  };

  /** CORS headers for an actual (non-preflight) response. */
  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = header(req.headers, 'origin');
    if (!originAllowed(origin)) return {};
    return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE_HEADERS, vary: 'Origin' };
  };

  const sendError = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    details?: Record<string, string>,
  ) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const body = s3ErrorXml(code, message, details, requestId);
    res.writeHead(status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': requestId,
      ...corsHeaders(req),
    });
    res.end(body);
  };

  /** Discards the rest of a refused request body (bounded), so the client can read our answer. */
  const discardRest = (req: IncomingMessage) => {
    let discarded = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > maxDiscard) req.socket.destroy();
    });
    req.resume();
  };

  const upstreamHeaders = (req: IncomingMessage): OutgoingHttpHeaders => {
    const out: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      out[name] = value;
    }
    // s3rver reads a non-IP, non-localhost Host as a virtual-hosted bucket; keep a loopback Host
    // (so Location headers name this front), otherwise address s3rver by its own host.
    const hostname = (header(req.headers, 'host') ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!hostname || !(isIP(hostname) || hostname === 'localhost')) out.host = target.host;
    return out;
  };

  const relay = (req: IncomingMessage, res: ServerResponse, upstream: IncomingMessage, extra: Record<string, string> = {}) => {
    const headers: OutgoingHttpHeaders = { ...extra };
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === 'transfer-encoding') continue;
      headers[name] = value;
    }
    if (headers['access-control-allow-origin'] === undefined) {
      const cors = corsHeaders(req);
      if (cors['access-control-allow-origin']) {
        headers['access-control-allow-origin'] = cors['access-control-allow-origin'];
        headers['access-control-expose-headers'] ??= EXPOSE_HEADERS;
        const vary = header(upstream.headers, 'vary');
        headers.vary = vary ? `${vary}, Origin` : 'Origin';
      }
    }
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, headers);
    upstream.pipe(res);
    upstream.on('error', () => res.destroy());
  };

  /**
   * Sends the request to s3rver (optionally to another path) and relays the answer; `after` runs
   * on a 2xx answer before it is relayed and adds response headers. Settles when the response ends.
   */
  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    o: { body?: Uint8Array; path?: string; after?: (upstream: IncomingMessage) => Promise<Record<string, string>> } = {},
  ): Promise<void> => {
    const done = new Promise<void>((resolve) => res.once('close', resolve));
    const headers = upstreamHeaders(req);
    if (o.body) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(o.body.byteLength);
    }
    const upstreamReq = transport.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: o.path ?? req.url,
        headers,
        agent,
      },
      (upstream) => {
        const ok = (upstream.statusCode ?? 500) >= 200 && (upstream.statusCode ?? 500) < 300;
        if (!o.after || !ok) {
          relay(req, res, upstream);
          return;
        }
        o.after(upstream).then(
          (extra) => relay(req, res, upstream, extra),
          (err: unknown) => {
            upstream.resume();
            sendError(
              req,
              res,
              500,
              'InternalError',
              `The local S3 could not keep the object version: ${err instanceof Error ? err.message : String(err)}`,
            );
          },
        );
      },
    );
    upstreamReq.on('error', (err) => sendError(req, res, 502, 'BadGateway', `The local S3 (s3rver) did not answer: ${err.message}`));
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    if (o.body) upstreamReq.end(o.body);
    else req.pipe(upstreamReq);
    return done;
  };

  /** A write to (bucket, key): one at a time per key, then a kept copy, the version header and the event. */
  const forwardWrite = (
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    key: string,
    reason: CreatedObject['reason'],
    body?: Uint8Array,
  ) =>
    versions.serialize(bucket, key, () =>
      forward(req, res, {
        ...(body ? { body } : {}),
        after: async (upstream) => {
          const v = await versions.snapshot(bucket, key);
          opts.onObjectCreated?.({
            bucket,
            key,
            versionId: v.versionId,
            size: v.size,
            etag: v.etag,
            reason,
            requestId: header(upstream.headers, 'x-amz-request-id') ?? '',
            sourceIp: req.socket.remoteAddress ?? '',
            sequencer: v.sequencer,
          });
          return { 'x-amz-version-id': v.versionId };
        },
      }),
    );

  /** Object requests (path style, a key): versioned writes, reads of a version, the current version's id. */
  const handleObject = async (req: IncomingMessage, res: ServerResponse, url: URL, bucket: string, key: string) => {
    const versionId = url.searchParams.get('versionId');
    if (versionId !== null) {
      const query = new URLSearchParams(url.search);
      query.delete('versionId');
      const rest = query.toString();
      await forward(req, res, {
        path: versions.pathOf(bucket, key, versionId) + (rest ? `?${rest}` : ''),
        after: async () => ({ 'x-amz-version-id': versionId }),
      });
      return;
    }
    const sub = (name: string) => url.searchParams.has(name);
    if (req.method === 'PUT' && !['tagging', 'acl', 'uploadId', 'partNumber', 'retention', 'legal-hold'].some(sub)) {
      await forwardWrite(req, res, bucket, key, header(req.headers, 'x-amz-copy-source') ? 'CopyObject' : 'PutObject');
      return;
    }
    if (req.method === 'POST' && sub('uploadId')) {
      await forwardWrite(req, res, bucket, key, 'CompleteMultipartUpload');
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const current = await versions.current(bucket, key);
      await forward(req, res, current ? { after: async () => ({ 'x-amz-version-id': current }) } : {});
      return;
    }
    await forward(req, res);
  };

  const preflight = (req: IncomingMessage, res: ServerResponse) => {
    const origin = header(req.headers, 'origin');
    const method = header(req.headers, 'access-control-request-method');
    if (!origin || !method) {
      sendError(req, res, 400, 'BadRequest', 'Insufficient information. Origin request header needed.');
      return;
    }
    if (!originAllowed(origin) || !ALLOW_METHODS.split(', ').includes(method.toUpperCase())) {
      sendError(
        req,
        res,
        403,
        'AccessForbidden',
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      );
      return;
    }
    const requested = header(req.headers, 'access-control-request-headers');
    res.writeHead(200, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': ALLOW_METHODS,
      ...(requested ? { 'access-control-allow-headers': requested } : {}),
      'access-control-expose-headers': EXPOSE_HEADERS,
      'access-control-max-age': '3000',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
      'content-length': '0',
    });
    res.end();
  };

  const handlePost = async (req: IncomingMessage, res: ServerResponse, bucket: string) => {
    const tooLarge = () =>
      sendError(req, res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        MaxSizeAllowed: String(opts.maxBodyBytes),
      });
    const declared = Number(header(req.headers, 'content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBodyBytes) {
      tooLarge();
      discardRest(req);
      return;
    }
    const body = await readBounded(req, opts.maxBodyBytes);
    if (body === null) {
      tooLarge();
      discardRest(req);
      return;
    }

    let form: FormData;
    try {
      form = await new Request('http://s3-post-front.local/', {
        method: 'POST',
        headers: { 'content-type': header(req.headers, 'content-type') ?? '' },
        body,
      }).formData();
    } catch {
      sendError(req, res, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
      return;
    }

    // S3 reads the fields up to the first `file`; anything after it is ignored.
    const fields: Array<[string, string]> = [];
    let file: { size: number; name?: string } | undefined;
    for (const [name, value] of form) {
      if (name.toLowerCase() === 'file') {
        file = typeof value === 'string' ? { size: Buffer.byteLength(value, 'utf8') } : { size: value.size, name: value.name };
        break;
      }
      fields.push([name, typeof value === 'string' ? value : await value.text()]);
    }
    if (!file) {
      sendError(req, res, 400, 'IncorrectNumberOfFilesInPostRequest', 'POST requires exactly one file upload per request.');
      return;
    }

    const verdict = verifyPostPolicy({
      fields,
      fileSize: file.size,
      ...(file.name !== undefined ? { fileName: file.name } : {}),
      bucket,
      secretAccessKey: opts.secretAccessKey,
      ...(opts.accessKeyId !== undefined ? { accessKeyId: opts.accessKeyId } : {}),
      region: opts.region,
      now: now(),
    });
    if (!verdict.ok) {
      const f: PostPolicyFailure = verdict;
      sendError(req, res, f.status, f.code, f.message, f.details);
      return;
    }
    // The policy held the key to one value (or a prefix); S3 substitutes ${filename} in it.
    const keyField = fields.find(([name]) => name.toLowerCase() === 'key')?.[1] ?? '';
    const key = keyField.replaceAll('${filename}', file.name ?? '');
    await forwardWrite(req, res, bucket, key, 'PostObject', body);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front.invalid');
    const segments = url.pathname.split('/').filter(Boolean);
    const contentType = (header(req.headers, 'content-type') ?? '').toLowerCase();

    if (req.method === 'OPTIONS' && header(req.headers, 'origin') !== undefined) {
      preflight(req, res);
      req.resume();
      return;
    }
    if (req.method === 'POST' && segments.length === 1 && contentType.startsWith('multipart/form-data')) {
      let bucket: string;
      try {
        bucket = decodeURIComponent(segments[0] ?? '');
      } catch {
        sendError(req, res, 400, 'InvalidURI', "Couldn't parse the specified URI.");
        discardRest(req);
        return;
      }
      handlePost(req, res, bucket).catch((err: unknown) => {
        sendError(req, res, 500, 'InternalError', `We encountered an internal error: ${err instanceof Error ? err.message : String(err)}`);
        discardRest(req);
      });
      return;
    }
    if (segments.length >= 2) {
      let bucket: string;
      let key: string;
      try {
        bucket = decodeURIComponent(segments[0] ?? '');
        key = decodeURIComponent(url.pathname.slice(url.pathname.indexOf('/', 1) + 1));
      } catch {
        sendError(req, res, 400, 'InvalidURI', "Couldn't parse the specified URI.");
        discardRest(req);
        return;
      }
      handleObject(req, res, url, bucket, key).catch((err: unknown) => {
        sendError(req, res, 500, 'InternalError', `We encountered an internal error: ${err instanceof Error ? err.message : String(err)}`);
        discardRest(req);
      });
      return;
    }
    void forward(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        agent.destroy();
        versions.destroy();
      }),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The whole body as one ArrayBuffer-backed array, or null once it exceeds max bytes (reading stops). */
function readBounded(req: IncomingMessage, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) {
        cleanup();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const out = new Uint8Array(new ArrayBuffer(total));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      resolve(out);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
