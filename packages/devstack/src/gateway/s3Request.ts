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

/** Query parameters that select an S3 sub-resource, in the order their action is looked up. */
type SubResourceActions = readonly (readonly [string, string])[];

/** IAM actions of S3 operations, from the S3 API reference's "Permissions" sections. */
const BUCKET_ACTIONS: Record<string, SubResourceActions> = {
  GET: [
    ['uploads', 's3:ListBucketMultipartUploads'],
    ['versions', 's3:ListBucketVersions'],
    ['location', 's3:GetBucketLocation'],
    ['cors', 's3:GetBucketCORS'],
    ['policy', 's3:GetBucketPolicy'],
    ['tagging', 's3:GetBucketTagging'],
    ['website', 's3:GetBucketWebsite'],
    ['acl', 's3:GetBucketAcl'],
    ['versioning', 's3:GetBucketVersioning'],
    ['lifecycle', 's3:GetLifecycleConfiguration'],
    ['notification', 's3:GetBucketNotification'],
    ['encryption', 's3:GetEncryptionConfiguration'],
  ],
  PUT: [
    ['cors', 's3:PutBucketCORS'],
    ['policy', 's3:PutBucketPolicy'],
    ['tagging', 's3:PutBucketTagging'],
    ['website', 's3:PutBucketWebsite'],
    ['acl', 's3:PutBucketAcl'],
    ['versioning', 's3:PutBucketVersioning'],
    ['lifecycle', 's3:PutLifecycleConfiguration'],
  ],
  DELETE: [
    // S3 documents these deletes as requiring the matching Put permission.
    ['cors', 's3:PutBucketCORS'],
    ['policy', 's3:DeleteBucketPolicy'],
    ['tagging', 's3:PutBucketTagging'],
    ['website', 's3:DeleteBucketWebsite'],
    ['lifecycle', 's3:PutLifecycleConfiguration'],
  ],
  // DeleteObjects: s3:DeleteObject on each key in the body.
  POST: [['delete', 's3:DeleteObject']],
};
const BUCKET_DEFAULT: Record<string, string> = {
  GET: 's3:ListBucket',
  HEAD: 's3:ListBucket',
  PUT: 's3:CreateBucket',
  DELETE: 's3:DeleteBucket',
};

const OBJECT_ACTIONS: Record<string, SubResourceActions> = {
  GET: [
    ['tagging', 's3:GetObjectTagging'],
    ['acl', 's3:GetObjectAcl'],
    ['uploadId', 's3:ListMultipartUploadParts'],
    ['attributes', 's3:GetObjectAttributes'],
    ['retention', 's3:GetObjectRetention'],
    ['legal-hold', 's3:GetObjectLegalHold'],
    ['versionId', 's3:GetObjectVersion'],
  ],
  PUT: [
    ['tagging', 's3:PutObjectTagging'],
    ['acl', 's3:PutObjectAcl'],
    ['retention', 's3:PutObjectRetention'],
    ['legal-hold', 's3:PutObjectLegalHold'],
  ],
  DELETE: [
    ['uploadId', 's3:AbortMultipartUpload'],
    ['tagging', 's3:DeleteObjectTagging'],
    ['versionId', 's3:DeleteObjectVersion'],
  ],
  POST: [
    ['restore', 's3:RestoreObject'],
    ['select', 's3:GetObject'],
  ],
};
const OBJECT_DEFAULT: Record<string, string> = {
  GET: 's3:GetObject',
  HEAD: 's3:GetObject',
  // PutObject, CopyObject, UploadPart(Copy), Create/CompleteMultipartUpload.
  PUT: 's3:PutObject',
  POST: 's3:PutObject',
  DELETE: 's3:DeleteObject',
};

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

/** The IAM action an S3 request needs (`s3:GetObject`, `s3:ListBucket`, …). */
export function s3Action(method: string, location: S3Location, query: URLSearchParams): string {
  const verb = method.toUpperCase();
  if (location.bucket === '') return 's3:ListAllMyBuckets';
  const onObject = location.key !== '';
  const table = (onObject ? OBJECT_ACTIONS : BUCKET_ACTIONS)[verb] ?? [];
  for (const [param, action] of table) if (query.has(param)) return action;
  return (onObject ? OBJECT_DEFAULT : BUCKET_DEFAULT)[verb] ?? 's3:*';
}

/** The ARN of a bucket or object, as IAM policies and AccessDenied messages name it. */
export function s3ResourceArn(location: S3Location): string {
  if (location.bucket === '') return '*';
  return `arn:aws:s3:::${location.bucket}${location.key === '' ? '' : `/${location.key}`}`;
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
