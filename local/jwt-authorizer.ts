import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/**
 * The local stand-in for API Gateway's JWT authorizer (HTTP API): the token comes from the
 * Authorization header, its signature is checked against the issuer's JWKS (RS256 only, so
 * `alg: none` and HMAC tricks are refused), and `iss`, `exp`, `nbf` and `iat` as API Gateway does;
 * then `aud` OR `client_id` must be one of the configured audience. Anything else is refused.
 * jose does the cryptography; the audience rule is API Gateway's, written here.
 */
export interface JwtAuthorizerOptions {
  issuer: string;
  audience: readonly string[];
  /** The issuer's JWKS URL (as API Gateway fetches it), or the key set itself (tests). */
  jwks: string | JSONWebKeySet;
  /** Verification time; default: now (API Gateway uses real time, never the virtual clock). */
  currentDate?: () => Date;
}

/** The claims as API Gateway hands them to the function: every value a string, arrays as "[a b]". */
export type AuthorizerClaims = Record<string, string>;

export class JwtRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`JWT refused: ${reason}`);
    this.name = 'JwtRefusedError';
  }
}

export function flattenClaims(payload: JWTPayload): AuthorizerClaims {
  // API Gateway hands claims over as strings; arrays as "[a b]", objects as JSON.
  const claimText = (x: unknown): string => (typeof x === 'string' ? x : (JSON.stringify(x) ?? ''));
  const out: AuthorizerClaims = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? `[${v.map(claimText).join(' ')}]` : claimText(v);
  }
  return out;
}

export function jwtAuthorizer(opts: JwtAuthorizerOptions): (authorization: string | undefined) => Promise<AuthorizerClaims> {
  const keys = typeof opts.jwks === 'string' ? createRemoteJWKSet(new URL(opts.jwks)) : createLocalJWKSet(opts.jwks);
  return async (authorization) => {
    const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!m) throw new JwtRefusedError('no bearer token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1]!, keys, {
        issuer: opts.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
        ...(opts.currentDate ? { currentDate: opts.currentDate() } : {}),
      }));
    } catch (e) {
      throw new JwtRefusedError((e as { code?: string }).code ?? (e as Error).message);
    }
    const aud = payload.aud === undefined ? [] : [payload.aud].flat();
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    if (!opts.audience.some((a) => aud.includes(a) || clientId === a)) throw new JwtRefusedError('audience');
    return flattenClaims(payload);
  };
}
