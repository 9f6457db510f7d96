/** Wire error codes the local STS answers with (the ones AWS STS uses for the same situations). */
export type StsErrorCode =
  | 'AccessDenied'
  | 'ExpiredToken'
  | 'ExpiredTokenException'
  | 'IDPCommunicationError'
  | 'IDPRejectedClaim'
  | 'IncompleteSignature'
  | 'InternalFailure'
  | 'InvalidAction'
  | 'InvalidAuthorizationMessageException'
  | 'InvalidClientTokenId'
  | 'InvalidIdentityToken'
  | 'InvalidParameterValue'
  | 'MalformedPolicyDocument'
  | 'MissingAuthenticationToken'
  | 'MissingParameter'
  | 'PackedPolicyTooLarge'
  | 'RequestEntityTooLarge'
  | 'ServiceUnavailable'
  | 'SignatureDoesNotMatch'
  | 'Throttling'
  | 'ValidationError';

const DEFAULT_STATUS: Record<StsErrorCode, number> = {
  AccessDenied: 403,
  // AWS's common errors: an expired security token (signing credentials) is 403; an expired web
  // identity token (ExpiredTokenException of AssumeRoleWithWebIdentity) is 400.
  ExpiredToken: 403,
  ExpiredTokenException: 400,
  IDPCommunicationError: 400,
  IDPRejectedClaim: 403,
  IncompleteSignature: 400,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidAuthorizationMessageException: 400,
  InvalidClientTokenId: 403,
  InvalidIdentityToken: 400,
  InvalidParameterValue: 400,
  MalformedPolicyDocument: 400,
  MissingAuthenticationToken: 403,
  MissingParameter: 400,
  PackedPolicyTooLarge: 400,
  RequestEntityTooLarge: 413,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  Throttling: 400,
  ValidationError: 400,
};

/** HTTP status AWS STS uses for a code (400 for codes it does not know). */
export function statusForCode(code: string): number {
  return (DEFAULT_STATUS as Record<string, number | undefined>)[code] ?? 400;
}

/** An error STS answers with as an `<ErrorResponse>`; `message` is shown to the client. */
export class StsError extends Error {
  override readonly name = 'StsError';
  readonly code: string;
  readonly status: number;

  constructor(code: StsErrorCode | (string & {}), message: string, status = statusForCode(code)) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** `ValidationError` listing constraint violations the way AWS's request validation does. */
export function validationError(violations: string[]): StsError {
  const n = violations.length;
  return new StsError(
    'ValidationError',
    `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
  );
}
