import { encodeRfc3986 } from '../sigv4/canonicalRequest.js';

/** An S3 object or bucket as S3 itself reads it from a request: decoded once, never normalised. */
export interface S3Location {
  /** Bucket name; `''` for service-level requests (ListBuckets). */
  bucket: string;
  /**
   * Object key exactly as S3 stores it: the path after the bucket, percent-decoded once. Dot
   * segments (`..`, `./`) are literal key characters. `''` for bucket-level requests.
   */
  key: string;
}

/** The source of a CopyObject or UploadPartCopy (`x-amz-copy-source`). */
export interface S3CopySource extends S3Location {
  versionId?: string;
}

/**
 * Reads bucket and key from a path-style request path as received on the wire, the way S3 does:
 * the first segment is the bucket, everything after the next `/` is the key, each percent-decoded
 * exactly once. Nothing is normalised: `/b/../x`, `/b/%2E%2E/x`, `/b/..%2Fx` and `/b/./../x` all
 * name keys in bucket `b` that begin with dots.
 *
 * @returns `undefined` when the path is not origin-form (`/…`) or its percent-encoding is broken
 * (S3: `InvalidURI`).
 */
export function parseS3Path(rawPath: string): S3Location | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  const slash = rawPath.indexOf('/', 1);
  const rawBucket = slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const rawKey = slash < 0 ? '' : rawPath.slice(slash + 1);
  const bucket = decodeOnce(rawBucket);
  const key = decodeOnce(rawKey);
  if (bucket === undefined || key === undefined) return undefined;
  if (bucket === '' && key !== '') return undefined;
  return { bucket, key };
}

/**
 * Reads `x-amz-copy-source` (`[/]bucket/key[?versionId=…]`, URL-encoded) as S3 does.
 *
 * @returns `undefined` when it names no bucket and key or its encoding is broken (S3:
 * `InvalidArgument`).
 */
export function parseCopySource(header: string): S3CopySource | undefined {
  const question = header.indexOf('?');
  const path = question < 0 ? header : header.slice(0, question);
  const location = parseS3Path(path.startsWith('/') ? path : `/${path}`);
  if (location === undefined || location.bucket === '' || location.key === '') return undefined;
  if (question < 0) return location;
  const params = new URLSearchParams(header.slice(question + 1));
  const versionId = params.get('versionId');
  if (versionId === null || [...params.keys()].length !== 1) return undefined;
  return { ...location, versionId };
}

/**
 * The path to send the backend for `location`, built from the authorized bucket and key (never
 * from the client's path): the key is one percent-encoded segment (its `/`, `.` and everything but
 * RFC 3986 unreserved characters encoded), so the path holds no dot segment or empty segment any
 * URL parser or router on the way could resolve or refuse; s3rver's router decodes it back to
 * exactly this key.
 */
export function backendS3Path(location: S3Location): string {
  if (location.bucket === '') return '/';
  const bucket = `/${encodeRfc3986(location.bucket)}`;
  if (location.key === '') return bucket;
  return `${bucket}/${encodeRfc3986(location.key).replace(/\./g, '%2E')}`;
}

/**
 * `x-amz-copy-source` for s3rver, which reads it with `decodeURI`: `encodeURI` is its exact inverse,
 * so s3rver sees the bucket and key that were authorized. The version id is dropped (s3rver keeps
 * no versions).
 */
export function backendCopySource(source: S3CopySource): string {
  return encodeURI(`/${source.bucket}/${source.key}`);
}

function decodeOnce(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
