import type { GatewayService } from './serviceError.js';

/**
 * Which service a request is meant for, read from its credential scope (`Authorization` header or
 * presigned `X-Amz-Credential`) before the signature is checked, so that even a rejected request
 * gets its error in the format its SDK parses. Unsigned requests count as DynamoDB when they carry
 * DynamoDB's `X-Amz-Target`, else as S3.
 */
export function requestService(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
): GatewayService {
  const authorization = firstHeader(headers.authorization);
  const credential =
    /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? query.get('X-Amz-Credential') ?? '';
  const scopedService = credential.split('/')[3];
  if (scopedService === 's3' || scopedService === 'dynamodb') return scopedService;
  return /^DynamoDB_/.test(firstHeader(headers['x-amz-target']) ?? '') ? 'dynamodb' : 's3';
}

/** First value of a header that Node may have given as an array. */
export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
