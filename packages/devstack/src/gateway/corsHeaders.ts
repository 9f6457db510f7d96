/** Response headers a browser may read from S3 / DynamoDB answers (SDK v3 reads these). */
export const EXPOSED_HEADERS = [
  'ETag',
  'x-amz-request-id',
  'x-amzn-RequestId',
  'x-amz-id-2',
  'x-amz-version-id',
  'Date',
].join(', ');

const ALLOWED_METHODS = 'GET, PUT, POST, DELETE, HEAD';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS headers for an actual (non-preflight) response: the origin echoed back when it is allowed,
 * nothing otherwise. `Vary: Origin` either way, so caches never hand one origin's answer to another.
 */
export function corsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  if (origin === undefined || !allowedOrigins.includes(origin)) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
}

/**
 * Headers answering a preflight, or `undefined` when the origin is not allowed. Every requested
 * header is allowed: SDK v3 signs and sends many `x-amz-*` headers that vary by operation.
 */
export function corsPreflightHeaders(
  origin: string | undefined,
  requestedHeaders: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> | undefined {
  if (origin === undefined || !allowedOrigins.includes(origin)) return undefined;
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
  if (requestedHeaders) headers['access-control-allow-headers'] = requestedHeaders;
  return headers;
}
