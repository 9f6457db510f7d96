import { createHash, createHmac } from 'node:crypto';

/** Percent-encoding of RFC 3986 unreserved-only, as SigV4 requires (stricter than encodeURIComponent). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Canonical URI of a request path as received on the wire (still percent-encoded). S3 signs the
 * path as sent; every other service normalises dot segments and encodes the path a second time.
 */
export function canonicalUri(rawPath: string, service: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  if (service === 's3') return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const normalised = `/${segments.join('/')}${trailing}`;
  return encodeRfc3986(normalised).replace(/%2F/g, '/');
}

/** Canonical query string: every pair encoded, sorted by key then value; `omit` keys left out. */
export function canonicalQuery(
  query: URLSearchParams,
  omit: ReadonlySet<string> = new Set(),
): string {
  const pairs: [string, string][] = [];
  for (const [key, value] of query) {
    if (omit.has(key)) continue;
    pairs.push([encodeRfc3986(key), encodeRfc3986(value)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** One header's value as SigV4 canonicalises it, or `undefined` when the request lacks it. */
export function canonicalHeaderValue(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const joined = Array.isArray(value) ? value.map((v) => v.trim()).join(',') : value;
  return joined.trim().replace(/\s+/g, ' ');
}

/** Derives the SigV4 signing key for one day, region and service. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** Hex HMAC-SHA256 of `data` under `key`. */
export function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}
