import { InvalidParameterError } from '../errors.js';
import { base64UrlToBytes, utf8 } from '../validation/base64.js';

/** Registered claims of a JWT payload fedcreds reads; any other claim is kept as `unknown`. */
export interface JwtPayload {
  /** Issuer. */
  iss?: string;
  /** Subject. */
  sub?: string;
  /** Audience: one client id or several. */
  aud?: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  /** Issued-at time, in seconds since the epoch. */
  iat?: number;
  /** Not-before time, in seconds since the epoch. */
  nbf?: number;
  [claim: string]: unknown;
}

/** Header and payload of a decoded JWT. */
export interface DecodedJwt {
  /** JOSE header (`alg`, `kid`, `typ`, …). */
  header: Record<string, unknown>;
  /** Claims. */
  payload: JwtPayload;
}

/**
 * Decodes a JWT's header and payload WITHOUT verifying its signature — STS verifies it; fedcreds
 * only reads claims such as `exp` to know when to renew the token.
 *
 * @throws {@link InvalidParameterError} naming `WebIdentityToken` if `token` is not a JWT (three
 * base64url parts whose first two are JSON objects).
 *
 * @example
 * ```ts
 * const { payload } = decodeJwt(idToken);
 * const expiresAt = payload.exp === undefined ? undefined : new Date(payload.exp * 1000);
 * ```
 */
export function decodeJwt(token: string): DecodedJwt {
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidParameterError(
      'WebIdentityToken',
      'is empty; pass the ID token the identity provider issued',
    );
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw notJwt(`has ${parts.length} dot-separated parts, a JWT has 3`);
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  if (base64UrlToBytes(signaturePart) === undefined) throw notJwt('its signature is not base64url');
  const header = decodeJsonPart(headerPart, 'header');
  const payload = decodeJsonPart(payloadPart, 'payload');
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    if (claim in payload && typeof payload[claim] !== 'number')
      throw notJwt(`its "${claim}" claim is not a number`);
  }
  return { header, payload: payload as JwtPayload };
}

function decodeJsonPart(part: string, name: string): Record<string, unknown> {
  const bytes = part.length === 0 ? undefined : base64UrlToBytes(part);
  const text = bytes && utf8(bytes);
  if (text === undefined) throw notJwt(`its ${name} is not base64url-encoded UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message may quote the token's text, so it is not kept as the cause.
    throw notJwt(`its ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw notJwt(`its ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

function notJwt(problem: string): InvalidParameterError {
  return new InvalidParameterError(
    'WebIdentityToken',
    `is not a JWT (${problem}); pass the OpenID Connect ID token, not the access token or an authorization code`,
  );
}
