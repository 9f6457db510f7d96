import type { IncomingMessage, ServerResponse } from 'node:http';

/** How one server answers cross-origin requests. */
export interface CorsPolicy {
  /** Origins that may call the server from a browser; any other gets no CORS headers. */
  allowedOrigins: readonly string[];
  /** `Access-Control-Allow-Methods` of a preflight answer. */
  allowedMethods: string;
  /** `Access-Control-Expose-Headers`: response headers the SDK in the page must read. */
  exposedHeaders: string;
}

/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS headers for an actual (non-preflight) response: the origin echoed back when it is allowed,
 * nothing otherwise. `Vary: Origin` either way, so caches never hand one origin's answer to another.
 */
export function corsHeaders(
  origin: string | undefined,
  policy: CorsPolicy,
): Record<string, string> {
  if (origin === undefined || !policy.allowedOrigins.includes(origin)) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': policy.exposedHeaders,
    vary: 'Origin',
  };
}

/** Whether `req` is a CORS preflight (an `OPTIONS` with `Access-Control-Request-Method`). */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * Answers a preflight: 204 with the CORS headers for an allowed origin, 403 with none for any
 * other, so a foreign page's browser never sends the request that needed the preflight (control
 * routes rely on this). Every requested header is allowed: SDK v3 signs and sends many `x-amz-*`
 * headers that vary by operation.
 *
 * @returns whether the origin was allowed.
 */
export function answerPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy,
): boolean {
  req.resume();
  const origin = req.headers.origin;
  if (origin === undefined || !policy.allowedOrigins.includes(origin)) {
    res
      .writeHead(403, { 'content-type': 'text/plain', vary: 'Origin' })
      .end('CORS origin not allowed');
    return false;
  }
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': policy.allowedMethods,
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'content-length': '0',
  };
  const requested = req.headers['access-control-request-headers'];
  if (requested) headers['access-control-allow-headers'] = requested;
  res.writeHead(204, headers).end();
  return true;
}
