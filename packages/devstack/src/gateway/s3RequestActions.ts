import type { ContextValue } from '../iam/requestContext.js';

/** An S3 request as the gateway parsed it: the bucket and key are literal (decoded) strings. */
export interface S3AuthorizationRequest {
  service: 's3';
  method: string;
  /** Bucket name; `undefined` (or `''`) for service-level requests (ListBuckets). */
  bucket: string | undefined;
  /** Object key exactly as S3 stores it (no dot-segment resolution); `undefined` for bucket requests. */
  key: string | undefined;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed `x-amz-copy-source` of CopyObject / UploadPartCopy: read as a GetObject. */
  copySource?: { bucket: string; key: string; versionId?: string | undefined } | undefined;
  /** Request body (DeleteObjects lists its keys there). */
  body?: Uint8Array | undefined;
  /** Whether the signature came in the query string (presigned URL): `s3:authType`. */
  presigned?: boolean | undefined;
}

/** One IAM check a request needs: an action on a resource with request-specific condition keys. */
export interface RequiredPermission {
  action: string;
  resource: string;
  context: Record<string, ContextValue>;
}

const header = (request: S3AuthorizationRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const BUCKET_GET: readonly [string, string][] = [
  ['versions', 's3:ListBucketVersions'],
  ['uploads', 's3:ListBucketMultipartUploads'],
  ['location', 's3:GetBucketLocation'],
  ['acl', 's3:GetBucketAcl'],
  ['cors', 's3:GetBucketCORS'],
  ['policy', 's3:GetBucketPolicy'],
  ['tagging', 's3:GetBucketTagging'],
  ['versioning', 's3:GetBucketVersioning'],
  ['lifecycle', 's3:GetLifecycleConfiguration'],
  ['website', 's3:GetBucketWebsite'],
  ['encryption', 's3:GetEncryptionConfiguration'],
  ['notification', 's3:GetBucketNotification'],
  ['logging', 's3:GetBucketLogging'],
  ['object-lock', 's3:GetBucketObjectLockConfiguration'],
  ['ownershipControls', 's3:GetBucketOwnershipControls'],
  ['publicAccessBlock', 's3:GetBucketPublicAccessBlock'],
  ['requestPayment', 's3:GetBucketRequestPayment'],
  ['accelerate', 's3:GetAccelerateConfiguration'],
  ['replication', 's3:GetReplicationConfiguration'],
];
const BUCKET_PUT: readonly [string, string][] = [
  ['acl', 's3:PutBucketAcl'],
  ['cors', 's3:PutBucketCORS'],
  ['policy', 's3:PutBucketPolicy'],
  ['tagging', 's3:PutBucketTagging'],
  ['versioning', 's3:PutBucketVersioning'],
  ['lifecycle', 's3:PutLifecycleConfiguration'],
  ['website', 's3:PutBucketWebsite'],
  ['encryption', 's3:PutEncryptionConfiguration'],
  ['notification', 's3:PutBucketNotification'],
  ['logging', 's3:PutBucketLogging'],
  ['object-lock', 's3:PutBucketObjectLockConfiguration'],
  ['ownershipControls', 's3:PutBucketOwnershipControls'],
  ['publicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  ['requestPayment', 's3:PutBucketRequestPayment'],
  ['accelerate', 's3:PutAccelerateConfiguration'],
  ['replication', 's3:PutReplicationConfiguration'],
];
// AWS documents these Delete* bucket operations as needing the Put* permission.
const BUCKET_DELETE: readonly [string, string][] = [
  ['cors', 's3:PutBucketCORS'],
  ['policy', 's3:DeleteBucketPolicy'],
  ['tagging', 's3:PutBucketTagging'],
  ['lifecycle', 's3:PutLifecycleConfiguration'],
  ['website', 's3:DeleteBucketWebsite'],
  ['encryption', 's3:PutEncryptionConfiguration'],
  ['ownershipControls', 's3:PutBucketOwnershipControls'],
  ['publicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  ['replication', 's3:PutReplicationConfiguration'],
];

function subresource(query: URLSearchParams, table: readonly [string, string][]) {
  return table.find(([name]) => query.has(name))?.[1];
}

/** The action of a bucket-level request (`s3:ListBucket`, `s3:CreateBucket`, …). */
function bucketAction(method: string, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
      return subresource(query, BUCKET_GET) ?? 's3:ListBucket';
    case 'HEAD':
      return 's3:ListBucket';
    case 'PUT':
      return subresource(query, BUCKET_PUT) ?? 's3:CreateBucket';
    case 'DELETE':
      return subresource(query, BUCKET_DELETE) ?? 's3:DeleteBucket';
    case 'POST':
      return query.has('delete') ? 's3:DeleteObject' : 's3:PutObject';
    default:
      return 's3:*';
  }
}

/** The action of an object-level request (`s3:GetObject`, `s3:PutObjectTagging`, …). */
function objectAction(method: string, query: URLSearchParams): string {
  const version = query.has('versionId');
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (query.has('acl')) return version ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl';
      if (query.has('tagging'))
        return version ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging';
      if (query.has('uploadId')) return 's3:ListMultipartUploadParts';
      if (query.has('attributes'))
        return version ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes';
      if (query.has('retention')) return 's3:GetObjectRetention';
      if (query.has('legal-hold')) return 's3:GetObjectLegalHold';
      return version ? 's3:GetObjectVersion' : 's3:GetObject';
    case 'PUT':
      if (query.has('acl')) return version ? 's3:PutObjectVersionAcl' : 's3:PutObjectAcl';
      if (query.has('tagging'))
        return version ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging';
      if (query.has('retention')) return 's3:PutObjectRetention';
      if (query.has('legal-hold')) return 's3:PutObjectLegalHold';
      return 's3:PutObject';
    case 'POST':
      if (query.has('restore')) return 's3:RestoreObject';
      if (query.has('select')) return 's3:GetObject';
      return 's3:PutObject';
    case 'DELETE':
      if (query.has('uploadId')) return 's3:AbortMultipartUpload';
      if (query.has('tagging'))
        return version ? 's3:DeleteObjectVersionTagging' : 's3:DeleteObjectTagging';
      return version ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
    default:
      return 's3:*';
  }
}

/** The main IAM action an S3 request performs, for denials and the request log. */
export function s3Action(request: S3AuthorizationRequest): string {
  const method = request.method.toUpperCase();
  if (!request.bucket) return 's3:ListAllMyBuckets';
  return request.key ? objectAction(method, request.query) : bucketAction(method, request.query);
}

/** Keys a DeleteObjects body names (`<Object><Key>…</Key></Object>`). */
function deleteObjectsKeys(body: Uint8Array | undefined): string[] {
  if (body === undefined) return [];
  const xml = Buffer.from(body).toString('utf8');
  return [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) =>
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
      .replace(/&amp;/g, '&'),
  );
}

/**
 * Every permission an S3 request needs, in the order AWS checks them: the operation itself, then
 * what its headers add (`x-amz-tagging` → `s3:PutObjectTagging`, `x-amz-acl` → `s3:PutObjectAcl`),
 * then the copy source read (`s3:GetObject` on `x-amz-copy-source`), and for DeleteObjects one
 * `s3:DeleteObject` per listed key.
 */
export function s3Permissions(request: S3AuthorizationRequest): RequiredPermission[] {
  const method = request.method.toUpperCase();
  const action = s3Action(request);
  const q = request.query;
  const common: Record<string, ContextValue> = {
    's3:authType': request.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  if (!request.bucket) return [{ action, resource: '*', context: common }];
  const bucketArn = `arn:aws:s3:::${request.bucket}`;
  if (!request.key) {
    if (method === 'POST' && q.has('delete')) {
      const keys = deleteObjectsKeys(request.body);
      // A body whose keys cannot be read must not pass unchecked: ask for every key instead.
      if (keys.length === 0)
        return [{ action: 's3:DeleteObject', resource: `${bucketArn}/*`, context: common }];
      return keys.map((key) => ({
        action: 's3:DeleteObject',
        resource: `${bucketArn}/${key}`,
        context: common,
      }));
    }
    const list =
      action === 's3:ListBucket' || action === 's3:ListBucketVersions'
        ? {
            's3:prefix': q.get('prefix') ?? undefined,
            's3:delimiter': q.get('delimiter') ?? undefined,
            's3:max-keys': q.get('max-keys') ?? undefined,
          }
        : {};
    return [{ action, resource: bucketArn, context: { ...common, ...list } }];
  }
  const objectArn = `${bucketArn}/${request.key}`;
  const context: Record<string, ContextValue> = {
    ...common,
    's3:versionid': q.get('versionId') ?? undefined,
    's3:x-amz-acl': header(request, 'x-amz-acl'),
    's3:x-amz-server-side-encryption': header(request, 'x-amz-server-side-encryption'),
    's3:x-amz-storage-class': header(request, 'x-amz-storage-class'),
    's3:x-amz-copy-source': header(request, 'x-amz-copy-source'),
    's3:x-amz-metadata-directive': header(request, 'x-amz-metadata-directive'),
  };
  const permissions: RequiredPermission[] = [{ action, resource: objectArn, context }];
  const writes = method === 'PUT' && action === 's3:PutObject';
  if (writes && header(request, 'x-amz-tagging') !== undefined)
    permissions.push({ action: 's3:PutObjectTagging', resource: objectArn, context });
  if (writes && header(request, 'x-amz-acl') !== undefined)
    permissions.push({ action: 's3:PutObjectAcl', resource: objectArn, context });
  const source = request.copySource;
  if (source !== undefined) {
    permissions.push({
      action: source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
      resource: `arn:aws:s3:::${source.bucket}/${source.key}`,
      context: { ...common, 's3:versionid': source.versionId },
    });
  }
  return permissions;
}
