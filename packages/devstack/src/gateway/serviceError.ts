import { escapeXml } from '../text/escapeXml.js';
import { randomBytes } from 'node:crypto';
import type { SigV4FailureReason } from '../sigv4/verifySigV4.js';

/** The services behind the gateway, as named in a SigV4 credential scope. */
export type GatewayService = 's3' | 'dynamodb';

/**
 * Why the gateway refused a request — a SigV4 failure or one of its own; each maps to the code
 * the real service would send.
 */
export type GatewayErrorKind =
  | SigV4FailureReason
  | 'wrong-service'
  | 'wrong-region'
  | 'invalid-uri'
  | 'invalid-copy-source'
  | 'access-denied'
  | 'too-large'
  | 'unavailable'
  | 'internal';

/** A complete error response in one service's wire format. */
export interface ServiceErrorResponse {
  status: number;
  /** Wire error code (`SignatureDoesNotMatch`, `ExpiredTokenException`, …), for stats and logs. */
  code: string;
  headers: Record<string, string>;
  body: string;
}

/** Details that make a message precise; none of them may be secret. */
export interface ServiceErrorDetail {
  /** Replaces the default message (used for malformed requests, where the reason helps). */
  message?: string;
  /** Caller ARN, for AccessDenied messages. */
  arn?: string;
  /** DynamoDB operation (`PutItem`) or S3 action (`s3:GetObject`), for AccessDenied messages. */
  action?: string;
  /** Resource ARN, for AccessDenied messages. */
  resource?: string;
  /** `time-skewed` (S3): the request's `X-Amz-Date`, echoed as `RequestTime`. */
  requestTime?: string;
  /** `time-skewed` (S3): the server's clock, as `ServerTime`; the SDK corrects its clock with it. */
  serverTime?: string;
  /** `unsigned-headers` (S3): the unsigned `x-amz-*` headers, as `HeadersNotSigned`. */
  headersNotSigned?: string[];
}

interface WireError {
  status: number;
  code: string;
  message: string;
}

const S3_ERRORS: Record<GatewayErrorKind, WireError> = {
  missing: { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  malformed: {
    status: 400,
    code: 'AuthorizationHeaderMalformed',
    message: 'The authorization header is malformed.',
  },
  'unknown-key': {
    status: 403,
    code: 'InvalidAccessKeyId',
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  'bad-signature': {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  expired: { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' },
  'token-mismatch': {
    status: 400,
    code: 'InvalidToken',
    message: 'The provided token is malformed or otherwise invalid.',
  },
  'malformed-query': {
    status: 400,
    code: 'AuthorizationQueryParametersError',
    message:
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  },
  'request-expired': { status: 403, code: 'AccessDenied', message: 'Request has expired' },
  'time-skewed': {
    status: 403,
    code: 'RequestTimeTooSkewed',
    message: 'The difference between the request time and the current time is too large.',
  },
  'unsigned-headers': {
    status: 403,
    code: 'AccessDenied',
    message: 'There were headers present in the request which were not signed',
  },
  'wrong-service': {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: "Credential should be scoped to correct service: 's3'.",
  },
  'wrong-region': {
    status: 400,
    code: 'AuthorizationHeaderMalformed',
    message: 'The authorization header is malformed; the region is wrong.',
  },
  'invalid-uri': { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." },
  'invalid-copy-source': {
    status: 400,
    code: 'InvalidArgument',
    message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
  },
  'access-denied': { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  'too-large': {
    status: 400,
    code: 'EntityTooLarge',
    message: 'Your proposed upload exceeds the maximum allowed size',
  },
  unavailable: {
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The devstack S3 backend did not answer. Restart the devstack.',
  },
  internal: {
    status: 500,
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again.',
  },
};

const COVAL = 'com.amazon.coral.service#';

const DYNAMO_ERRORS: Record<GatewayErrorKind, WireError> = {
  missing: {
    status: 400,
    code: `${COVAL}MissingAuthenticationTokenException`,
    message: 'Request is missing Authentication Token',
  },
  malformed: {
    status: 400,
    code: `${COVAL}IncompleteSignatureException`,
    message: 'The Authorization header or query-string signature is incomplete.',
  },
  'unknown-key': {
    status: 400,
    code: `${COVAL}UnrecognizedClientException`,
    message: 'The security token included in the request is invalid.',
  },
  'bad-signature': {
    status: 400,
    code: `${COVAL}InvalidSignatureException`,
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
  expired: {
    status: 400,
    code: `${COVAL}ExpiredTokenException`,
    message: 'The security token included in the request is expired',
  },
  'token-mismatch': {
    status: 400,
    code: `${COVAL}UnrecognizedClientException`,
    message: 'The security token included in the request is invalid.',
  },
  'malformed-query': {
    status: 400,
    code: `${COVAL}IncompleteSignatureException`,
    message: 'The Authorization header or query-string signature is incomplete.',
  },
  'request-expired': {
    status: 400,
    code: `${COVAL}InvalidSignatureException`,
    message: 'Signature expired: the request time is too far from the current time.',
  },
  // DynamoDB answers a stale X-Amz-Date with InvalidSignatureException "Signature expired: …".
  'time-skewed': {
    status: 400,
    code: `${COVAL}InvalidSignatureException`,
    message: 'Signature expired: the request time is too far from the current time.',
  },
  'unsigned-headers': {
    status: 400,
    code: `${COVAL}InvalidSignatureException`,
    message: 'There were headers present in the request which were not signed',
  },
  'wrong-service': {
    status: 400,
    code: `${COVAL}InvalidSignatureException`,
    message: "Credential should be scoped to correct service: 'dynamodb'.",
  },
  'wrong-region': {
    status: 400,
    code: `${COVAL}InvalidSignatureException`,
    message: 'Credential should be scoped to a valid region.',
  },
  // S3-only kinds; DynamoDB requests are never parsed for them.
  'invalid-uri': {
    status: 400,
    code: `${COVAL}ValidationException`,
    message: "Couldn't parse the specified URI.",
  },
  'invalid-copy-source': {
    status: 400,
    code: `${COVAL}ValidationException`,
    message: 'Invalid request.',
  },
  'access-denied': {
    status: 400,
    code: `${COVAL}AccessDeniedException`,
    message: 'Access denied',
  },
  'too-large': {
    status: 413,
    code: `${COVAL}RequestEntityTooLargeException`,
    message: 'Request must be smaller than 16 MiB.',
  },
  unavailable: {
    status: 503,
    code: `${COVAL}ServiceUnavailableException`,
    message: 'The devstack DynamoDB backend did not answer. Restart the devstack.',
  },
  internal: {
    status: 500,
    code: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error. Please try again.',
  },
};

/** Builds the error response `service` itself would send for `kind`. */
export function serviceError(
  service: GatewayService,
  kind: GatewayErrorKind,
  detail: ServiceErrorDetail = {},
): ServiceErrorResponse {
  return service === 's3' ? s3Error(kind, detail) : dynamoError(kind, detail);
}

function s3Error(kind: GatewayErrorKind, detail: ServiceErrorDetail): ServiceErrorResponse {
  const wire = S3_ERRORS[kind];
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  let message = detail.message ?? wire.message;
  if (kind === 'access-denied' && detail.message === undefined && detail.arn !== undefined) {
    message = `User: ${detail.arn} is not authorized to perform: ${detail.action ?? 's3:*'} on resource: "${detail.resource ?? '*'}"`;
  }
  const extra: [string, string | undefined][] = [
    ['RequestTime', detail.requestTime],
    ['ServerTime', detail.serverTime],
    ['MaxAllowedSkewMilliseconds', kind === 'time-skewed' ? '900000' : undefined],
    ['HeadersNotSigned', detail.headersNotSigned?.join(', ')],
  ];
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${wire.code}</Code><Message>${escapeXml(message)}</Message>` +
    extra
      .filter((pair): pair is [string, string] => pair[1] !== undefined)
      .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
      .join('') +
    `<RequestId>${requestId}</RequestId></Error>`;
  return {
    status: wire.status,
    code: wire.code,
    headers: {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      'x-amz-id-2': randomBytes(24).toString('base64'),
      // S3 itself only sends x-amz-request-id; the contract puts x-amzn-RequestId on every error.
      'x-amzn-requestid': requestId,
    },
    body,
  };
}

function dynamoError(kind: GatewayErrorKind, detail: ServiceErrorDetail): ServiceErrorResponse {
  const wire = DYNAMO_ERRORS[kind];
  let message = detail.message ?? wire.message;
  if (kind === 'access-denied' && detail.message === undefined) {
    message = `User: ${detail.arn ?? 'anonymous'} is not authorized to perform: ${detail.action ?? 'dynamodb:*'} on resource: ${detail.resource ?? '*'}`;
  }
  return {
    status: wire.status,
    code: wire.code,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0'),
    },
    body: JSON.stringify({ __type: wire.code, message }),
  };
}
