/**
 * Every failure fedcreds reports is a {@link FedcredsError}: a stable `code` to `switch` on, a
 * `retryable` flag the session's backoff obeys, and the original failure as `cause`. Messages say
 * what to do next and never carry a secret, token or assertion.
 */

/** Stable codes of every error fedcreds throws or reports. */
export type FedcredsErrorCode =
  /** A parameter or option is missing or malformed (see `parameter`). */
  | 'ERR_INVALID_PARAMETER'
  /** STS `ExpiredTokenException` (IdP token expired) or `ExpiredToken` (signing credentials expired). */
  | 'ERR_STS_EXPIRED_TOKEN'
  /** STS `InvalidIdentityToken`: the IdP token was rejected (signature, issuer, audience, format). */
  | 'ERR_STS_INVALID_IDENTITY_TOKEN'
  /** STS `IDPRejectedClaim`: the IdP token or SAML assertion carries a claim STS refuses. */
  | 'ERR_STS_IDP_REJECTED_CLAIM'
  /** STS `IDPCommunicationError`: STS could not reach the IdP. Retryable. */
  | 'ERR_STS_IDP_COMMUNICATION'
  /** STS `AccessDenied`: the role does not trust this caller or token. */
  | 'ERR_STS_ACCESS_DENIED'
  /** STS `MalformedPolicyDocument`. */
  | 'ERR_STS_MALFORMED_POLICY'
  /** STS `PackedPolicyTooLarge`. */
  | 'ERR_STS_PACKED_POLICY_TOO_LARGE'
  /** STS `RegionDisabledException`: STS is not activated in this region. */
  | 'ERR_STS_REGION_DISABLED'
  /** STS refused the signing credentials (`InvalidClientTokenId`, `SignatureDoesNotMatch`, …). */
  | 'ERR_STS_INVALID_CLIENT'
  /** STS `ValidationError` / `MissingParameter` / `InvalidParameterValue`: the server rejected input. */
  | 'ERR_STS_VALIDATION'
  /** STS throttled the call (`Throttling`, HTTP 429). Retryable. */
  | 'ERR_STS_THROTTLED'
  /** STS answered 5xx. Retryable. */
  | 'ERR_STS_UNAVAILABLE'
  /** Any other STS error. */
  | 'ERR_STS'
  /** The request never got an answer (DNS, connection refused, reset, CORS). Retryable. */
  | 'ERR_NETWORK'
  /** The request took longer than the configured timeout. Retryable. */
  | 'ERR_TIMEOUT'
  /** The caller aborted the operation. */
  | 'ERR_ABORTED'
  /** The token source could not produce an IdP token. */
  | 'ERR_TOKEN_UNAVAILABLE'
  /** The IdP needs the user to sign in again (`login_required`, no refresh token, subject changed). */
  | 'ERR_REAUTH_REQUIRED'
  /** The MFA token code could not be obtained. */
  | 'ERR_MFA'
  /** No credentials to sign with (no `masterCredentials`, or the session was signed out). */
  | 'ERR_MISSING_CREDENTIALS'
  /** The session was signed out while the operation was in flight. */
  | 'ERR_SIGNED_OUT';

/** Options common to every {@link FedcredsError}. */
export interface FedcredsErrorOptions {
  /** The underlying failure. Must not carry secrets. */
  cause?: unknown;
}

/** Base class of every error fedcreds throws or reports. */
export abstract class FedcredsError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: FedcredsErrorCode;
  /** Whether trying the same operation again later may succeed. */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options: FedcredsErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.retryable = retryable;
  }

  /** A plain, secret-free description for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** A parameter or option is missing or malformed; thrown before any network call. */
export class InvalidParameterError extends FedcredsError {
  readonly code = 'ERR_INVALID_PARAMETER';
  /** Name of the offending parameter, e.g. `params.RoleArn` or `DurationSeconds`. */
  readonly parameter: string;

  constructor(parameter: string, problem: string, options?: FedcredsErrorOptions) {
    super(`Invalid parameter ${parameter}: ${problem}`, false, options);
    this.parameter = parameter;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), parameter: this.parameter };
  }
}

/** Codes an {@link StsError} can carry. */
export type StsErrorCode = Extract<FedcredsErrorCode, `ERR_STS${string}`>;

/** Details of an error STS answered with. */
export interface StsErrorDetails extends FedcredsErrorOptions {
  /** Error code as sent on the wire, e.g. `InvalidIdentityToken`. */
  wireCode: string;
  /** STS request id, for support cases. */
  requestId?: string | undefined;
  /** HTTP status of the response. */
  statusCode?: number | undefined;
}

/** STS answered with an error. `code` classifies it; `wireCode` is what STS sent. */
export class StsError extends FedcredsError {
  /** Stable classification of the STS error; `ERR_STS` for codes fedcreds does not know. */
  readonly code: StsErrorCode;
  /** Error code as STS sent it, e.g. `InvalidIdentityToken`. */
  readonly wireCode: string;
  /** STS request id, for support cases; `undefined` when STS sent none. */
  readonly requestId: string | undefined;
  /** HTTP status of the response; `undefined` when it is not known. */
  readonly statusCode: number | undefined;

  constructor(code: StsErrorCode, message: string, retryable: boolean, details: StsErrorDetails) {
    super(message, retryable, details);
    this.code = code;
    this.wireCode = details.wireCode;
    this.requestId = details.requestId;
    this.statusCode = details.statusCode;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      wireCode: this.wireCode,
      requestId: this.requestId,
      statusCode: this.statusCode,
    };
  }
}

/** The request never got an answer (connection refused or reset, DNS, blocked by CORS). */
export class NetworkError extends FedcredsError {
  readonly code = 'ERR_NETWORK';
  constructor(message: string, options?: FedcredsErrorOptions) {
    super(message, true, options);
  }
}

/** The request took longer than its timeout. */
export class TimeoutError extends FedcredsError {
  readonly code = 'ERR_TIMEOUT';
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number | undefined;
  constructor(message: string, timeoutMs?: number, options?: FedcredsErrorOptions) {
    super(message, true, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The operation was aborted by its caller (an `AbortSignal`, or `stop()`). */
export class AbortedError extends FedcredsError {
  readonly code = 'ERR_ABORTED';
  constructor(message = 'The operation was aborted.', options?: FedcredsErrorOptions) {
    super(message, false, options);
  }
}

/** The token source could not produce an IdP token (IdP unreachable, renewal failed). */
export class TokenUnavailableError extends FedcredsError {
  readonly code = 'ERR_TOKEN_UNAVAILABLE';
  constructor(message: string, retryable: boolean, options?: FedcredsErrorOptions) {
    super(message, retryable, options);
  }
}

/**
 * Why the IdP needs the user. `signed_out` means nobody has signed in yet (or the user signed
 * out): a session settles in status `signed-out` for it rather than `reauth-required`.
 */
export type ReauthReason =
  | 'login_required'
  | 'interaction_required'
  | 'consent_required'
  | 'no_refresh_token'
  | 'invalid_grant'
  | 'subject_changed'
  | 'token_rejected'
  | 'signed_out';

/** The IdP cannot renew the token without the user; the app must sign in again. */
export class ReauthRequiredError extends FedcredsError {
  readonly code = 'ERR_REAUTH_REQUIRED';
  /** Why the IdP needs the user; `signed_out` when nobody is signed in. */
  readonly reason: ReauthReason;
  constructor(reason: ReauthReason, message?: string, options?: FedcredsErrorOptions) {
    super(
      message ?? `The identity provider needs the user to sign in again (${reason}).`,
      false,
      options,
    );
    this.reason = reason;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** Who an IdP token or a session's credentials name: the IdP and its subject. */
export interface IdentityRef {
  /** The IdP (`iss`, SAML issuer), when known. */
  readonly issuer?: string | undefined;
  /** The IdP's subject (`sub`, SAML `NameID`). */
  readonly subject?: string | undefined;
}

/**
 * The token source now holds another user than the one the session's credentials belong to (the
 * stored IdP user changed, e.g. another tab signed in as someone else in a shared store). The
 * session never uses that token silently: it drops its credentials and stops in
 * `reauth-required` with this error (`reason` `subject_changed`), and emits `identity-changed`.
 * `signIn()` or `refresh()` then goes on as the new user.
 */
export class IdentityChangedError extends ReauthRequiredError {
  /** Whom the session's credentials belonged to. */
  readonly previous: IdentityRef;
  /** Whom the token source's token names now. */
  readonly next: IdentityRef;
  constructor(previous: IdentityRef, next: IdentityRef) {
    super(
      'subject_changed',
      'The signed-in user changed since these credentials were issued; sign in again to go on as the new user.',
    );
    this.previous = previous;
    this.next = next;
  }
}

/** The MFA token code could not be obtained from `tokenCodeFn`. */
export class MfaError extends FedcredsError {
  readonly code = 'ERR_MFA';
  /** Serial number (or ARN) of the MFA device that was asked for. */
  readonly serialNumber: string;
  constructor(serialNumber: string, message: string, options?: FedcredsErrorOptions) {
    super(message, false, options);
    this.serialNumber = serialNumber;
  }
}

/** There are no credentials to sign with. */
export class MissingCredentialsError extends FedcredsError {
  readonly code = 'ERR_MISSING_CREDENTIALS';
  constructor(message: string, options?: FedcredsErrorOptions) {
    super(message, false, options);
  }
}

/** The session was signed out while the operation was in flight, or after it. */
export class SignedOutError extends FedcredsError {
  readonly code = 'ERR_SIGNED_OUT';
  constructor(
    message = 'The session is signed out; sign in again.',
    options?: FedcredsErrorOptions,
  ) {
    super(message, false, options);
  }
}
