import {
  FedcredsError,
  IdentityChangedError,
  ReauthRequiredError,
  StsError,
  type FedcredsErrorCode,
} from './errors.js';

/** What {@link describeError} says about a failure: one line for the user, one for the developer. */
export interface ErrorDescription {
  /**
   * A short sentence an end user can read: what happened and, where there is one, what to do.
   * Never a code, a class name or an API call.
   */
  readonly sentence: string;
  /**
   * For logs and a "details" disclosure: the error's name, code, STS wire code, message and
   * request id. Secret-free, as every fedcreds error message is.
   */
  readonly detail: string;
  /** The fedcreds code, when the failure is a {@link FedcredsError}; else `undefined`. */
  readonly code: FedcredsErrorCode | undefined;
  /** Whether trying again later may succeed (the error's `retryable`; `false` when unknown). */
  readonly retryable: boolean;
  /** Whether signing in again is what fixes it (the IdP needs the user, or nobody is signed in). */
  readonly needsSignIn: boolean;
}

/**
 * The end-user sentence of every {@link FedcredsErrorCode}. A `Record` over the union, so adding a
 * code without a sentence does not compile (and the core's tests list the union's members).
 */
export const ERROR_SENTENCES: Readonly<Record<FedcredsErrorCode, string>> = Object.freeze({
  ERR_INVALID_PARAMETER: 'This app is not set up correctly for AWS. Please contact its support.',
  ERR_STS_EXPIRED_TOKEN: 'Your sign-in expired before AWS could use it. Please sign in again.',
  ERR_STS_INVALID_IDENTITY_TOKEN: 'AWS did not accept your sign-in. Please sign in again.',
  ERR_STS_IDP_REJECTED_CLAIM: 'AWS does not accept your account for this app.',
  ERR_STS_IDP_COMMUNICATION: 'AWS could not reach your identity provider. Retrying shortly.',
  ERR_STS_ACCESS_DENIED: 'Your account is not allowed to use this AWS role.',
  ERR_STS_MALFORMED_POLICY: 'This app asked AWS for permissions in a way AWS rejects.',
  ERR_STS_PACKED_POLICY_TOO_LARGE: 'This app asked AWS for more permissions than fit in a session.',
  ERR_STS_REGION_DISABLED: 'AWS sign-in is not enabled in this app’s region.',
  ERR_STS_INVALID_CLIENT: 'AWS did not accept the credentials used to switch roles.',
  ERR_STS_VALIDATION: 'AWS rejected the request this app sent.',
  ERR_STS_THROTTLED: 'AWS is busy right now. Retrying shortly.',
  ERR_STS_UNAVAILABLE: 'AWS is not answering right now. Retrying shortly.',
  ERR_STS: 'AWS could not give you access right now.',
  ERR_NETWORK: 'Could not reach AWS. Check your connection.',
  ERR_TIMEOUT: 'AWS took too long to answer. Retrying shortly.',
  ERR_ABORTED: 'The request was cancelled.',
  ERR_TOKEN_UNAVAILABLE: 'Your sign-in could not be renewed right now.',
  ERR_REAUTH_REQUIRED: 'Your sign-in has ended. Please sign in again.',
  ERR_MFA: 'The multi-factor code was not provided.',
  ERR_MISSING_CREDENTIALS: 'You are not signed in to AWS.',
  ERR_SIGNED_OUT: 'You are signed out.',
});

/**
 * Sentences for the errors AWS services themselves answer with (an SDK client's `error.name`), so
 * an app's own S3 or DynamoDB calls read as well as the session's failures.
 */
const SERVICE_SENTENCES: Readonly<Record<string, string>> = {
  AccessDenied: 'You are not allowed to do that.',
  AccessDeniedException: 'You are not allowed to do that.',
  ExpiredToken: 'Your AWS access expired. It renews itself; try again in a moment.',
  ExpiredTokenException: 'Your AWS access expired. It renews itself; try again in a moment.',
  NoSuchKey: 'That file no longer exists.',
  NoSuchBucket: 'The storage bucket does not exist.',
  ResourceNotFoundException: 'The table does not exist.',
  ConditionalCheckFailedException: 'Someone changed this item first. Reload and try again.',
  SlowDown: 'AWS is busy right now. Try again in a moment.',
  ThrottlingException: 'AWS is busy right now. Try again in a moment.',
  ProvisionedThroughputExceededException: 'AWS is busy right now. Try again in a moment.',
  EntityTooLarge: 'That file is too large.',
};

const FALLBACK_SENTENCE = 'Something went wrong. Please try again.';
/** `fetch` failures (offline, CORS, refused) surface as a `TypeError` from the SDK's handler. */
const NETWORK_SENTENCE = ERROR_SENTENCES.ERR_NETWORK;

/** The sentence for an {@link IdentityChangedError}: another account signed in meanwhile. */
const IDENTITY_CHANGED_SENTENCE =
  'A different account signed in meanwhile (perhaps in another tab). Please sign in again to continue.';

/**
 * Turns any failure — a {@link FedcredsError}, an AWS SDK service error, a `fetch` failure — into a
 * sentence for end users and a separate detail for developers, so a UI never shows a code or an
 * internal message as the explanation.
 *
 * @example
 * ```tsx
 * const { sentence, detail } = describeError(snapshot.lastError);
 * return <p role="alert" title={detail}>{sentence}</p>;
 * ```
 */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof FedcredsError) {
    const signedOut = error instanceof ReauthRequiredError && error.reason === 'signed_out';
    return {
      sentence: signedOut
        ? ERROR_SENTENCES.ERR_SIGNED_OUT
        : error instanceof IdentityChangedError
          ? IDENTITY_CHANGED_SENTENCE
          : ERROR_SENTENCES[error.code],
      detail: fedcredsDetail(error),
      code: error.code,
      retryable: error.retryable,
      needsSignIn:
        error.code === 'ERR_REAUTH_REQUIRED' ||
        error.code === 'ERR_SIGNED_OUT' ||
        error.code === 'ERR_STS_EXPIRED_TOKEN' ||
        error.code === 'ERR_STS_INVALID_IDENTITY_TOKEN',
    };
  }
  const { name, message } = readError(error);
  const sentence =
    (name !== undefined && Object.hasOwn(SERVICE_SENTENCES, name)
      ? SERVICE_SENTENCES[name]
      : undefined) ?? (name === 'TypeError' ? NETWORK_SENTENCE : FALLBACK_SENTENCE);
  return {
    sentence,
    detail: [name, message].filter((part) => part !== undefined && part !== '').join(': ') || '',
    code: undefined,
    retryable: false,
    needsSignIn: false,
  };
}

function fedcredsDetail(error: FedcredsError): string {
  const wire = error instanceof StsError ? ` (${error.wireCode})` : '';
  const request =
    error instanceof StsError && error.requestId ? ` [request ${error.requestId}]` : '';
  return `${error.name} ${error.code}${wire}: ${error.message}${request}`;
}

function readError(error: unknown): { name: string | undefined; message: string | undefined } {
  if (typeof error !== 'object' || error === null) {
    return { name: undefined, message: error === undefined ? undefined : String(error) };
  }
  const { name, message } = error as { name?: unknown; message?: unknown };
  return {
    name: typeof name === 'string' ? name : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}
