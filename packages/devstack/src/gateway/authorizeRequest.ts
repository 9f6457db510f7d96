import type { DevstackConfig } from '../config.js';
import { firstHeader } from './requestService.js';
import { s3ResourceArn } from './s3Request.js';

/** Who signed a request, as far as the allow-lists care. */
export interface GatewayCaller {
  arn: string;
  /** Set for role sessions; their role's `allow` lists apply. Absent for IAM users (allowed all). */
  roleName?: string | undefined;
}

/**
 * What a verified request asks to do, as the gateway parsed it once: the IAM action and, for S3,
 * the bucket and key exactly as S3 reads them from the path (decoded once, dot segments literal).
 * A CopyObject/UploadPartCopy source is described as its own read request.
 */
export type AuthorizableRequest =
  | {
      service: 's3';
      /** `s3:GetObject`, `s3:ListBucket`, … (see `s3Action`). */
      action: string;
      /** `''` for ListBuckets. */
      bucket: string;
      /** `''` for bucket-level requests. */
      key: string;
      query: URLSearchParams;
      headers: Record<string, string | string[] | undefined>;
    }
  | {
      service: 'dynamodb';
      /** `dynamodb:PutItem`, … (see `dynamoAction`). */
      action: string;
      /** The JSON request body (table names, keys). */
      body: Uint8Array;
      headers: Record<string, string | string[] | undefined>;
    };

/** Outcome of the allow-list check; a denial names the action and resource as AWS would. */
export type AuthorizationResult =
  { ok: true; action: string } | { ok: false; action: string; resource: string };

/**
 * Checks a verified request against the caller's role `allow.buckets` / `allow.tables`. IAM users
 * (long-term keys and their session tokens) may use everything, like an administrator.
 */
export function authorizeRequest(
  config: DevstackConfig,
  caller: GatewayCaller,
  request: AuthorizableRequest,
): AuthorizationResult {
  const allow = allowLists(config, caller);
  return request.service === 's3'
    ? authorizeS3(allow?.buckets, request)
    : authorizeDynamo(config, allow?.tables, request);
}

/** `undefined` = unrestricted. */
function allowLists(config: DevstackConfig, caller: GatewayCaller) {
  if (caller.roleName === undefined) return undefined;
  const role = config.roles.find((r) => r.name === caller.roleName);
  return { buckets: role?.allow?.buckets ?? [], tables: role?.allow?.tables ?? [] };
}

function authorizeS3(
  buckets: string[] | undefined,
  request: Extract<AuthorizableRequest, { service: 's3' }>,
): AuthorizationResult {
  const { action, bucket } = request;
  if (buckets === undefined) return { ok: true, action };
  if (bucket === '') {
    // ListBuckets has no bucket to check; a role that may use some bucket may also list them.
    return buckets.length > 0 ? { ok: true, action } : { ok: false, action, resource: '*' };
  }
  if (buckets.includes(bucket)) return { ok: true, action };
  return { ok: false, action, resource: s3ResourceArn(request) };
}

/** The IAM action of a DynamoDB request (`dynamodb:PutItem`), from its `X-Amz-Target`. */
export function dynamoAction(headers: Record<string, string | string[] | undefined>): string {
  const operation = (firstHeader(headers['x-amz-target']) ?? '').split('.')[1];
  return `dynamodb:${operation || '*'}`;
}

function authorizeDynamo(
  config: DevstackConfig,
  tables: string[] | undefined,
  request: Extract<AuthorizableRequest, { service: 'dynamodb' }>,
): AuthorizationResult {
  const operation = request.action;
  const tableArn = (name: string) =>
    `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${name}`;
  if (tables === undefined) return { ok: true, action: operation };
  const named = tableNames(request.body);
  if (named === undefined) {
    // Unparseable JSON never reaches a table: dynalite answers it with SerializationException.
    return { ok: true, action: operation };
  }
  if (named.length === 0) {
    // ListTables and friends have no table; allow them to roles that may use some table.
    return tables.length > 0
      ? { ok: true, action: operation }
      : { ok: false, action: operation, resource: tableArn('*') };
  }
  const denied = named.find((name) => !tables.includes(name));
  return denied === undefined
    ? { ok: true, action: operation }
    : { ok: false, action: operation, resource: tableArn(denied) };
}

/** Table names a DynamoDB request touches; `undefined` when the body is not a JSON object. */
function tableNames(body: Uint8Array): string[] | undefined {
  let input: unknown;
  try {
    input = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof input !== 'object' || input === null) return undefined;
  const record = input as Record<string, unknown>;
  const names: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string')
      names.push(value.replace(/^arn:aws:dynamodb:[^:]*:[^:]*:table\//, ''));
  };
  add(record.TableName);
  // TagResource, UntagResource and ListTagsOfResource name their table by ARN.
  add(record.ResourceArn);
  if (typeof record.RequestItems === 'object' && record.RequestItems !== null) {
    Object.keys(record.RequestItems).forEach(add);
  }
  if (Array.isArray(record.TransactItems)) {
    for (const item of record.TransactItems as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      for (const inner of Object.values(item as Record<string, unknown>)) {
        if (typeof inner === 'object' && inner !== null)
          add((inner as Record<string, unknown>).TableName);
      }
    }
  }
  return names;
}
