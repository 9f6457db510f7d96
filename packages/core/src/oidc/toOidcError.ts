import {
  AbortedError,
  FedcredsError,
  ReauthRequiredError,
  TokenUnavailableError,
  type ReauthReason,
} from '../errors.js';

/** OAuth errors meaning the IdP will not go on without the user. */
const REAUTH_ERRORS: Record<string, ReauthReason> = {
  login_required: 'login_required',
  interaction_required: 'interaction_required',
  account_selection_required: 'interaction_required',
  consent_required: 'consent_required',
  invalid_grant: 'invalid_grant',
};

/** OAuth errors a later attempt may get past. */
const TRANSIENT_ERRORS = new Set(['temporarily_unavailable', 'server_error', 'slow_down']);

/**
 * Maps what oidc-client-ts throws to fedcreds errors. `ErrorResponse` is recognised by its name
 * (oidc-client-ts marks its classes so), not `instanceof`, so two copies of the library still
 * work; it is not kept as `cause`, because it may hold the request's form (with a refresh token).
 */
export function toOidcError(error: unknown): FedcredsError {
  if (error instanceof FedcredsError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    error?: unknown;
    message?: unknown;
  };
  if (e.name === 'ErrorResponse' && typeof e.error === 'string') {
    const reason = REAUTH_ERRORS[e.error];
    if (reason) {
      return new ReauthRequiredError(
        reason,
        `The identity provider needs the user to sign in again (${e.error}).`,
      );
    }
    return new TokenUnavailableError(
      `The identity provider refused to issue a token (${e.error}).`,
      TRANSIENT_ERRORS.has(e.error),
    );
  }
  if (e.name === 'ErrorTimeout') {
    return new TokenUnavailableError(
      'The identity provider did not answer in time; the session will try again.',
      true,
    );
  }
  const message = typeof e.message === 'string' ? e.message : '';
  if (/sub in id_token does not match/.test(message)) return subjectChanged();
  // oidc-client-ts's popup window: closed by the user (popupAbortOnClose), or never opened.
  if (/^Popup closed/.test(message)) {
    return new AbortedError('The sign-in window was closed before the sign-in finished.');
  }
  if (/navigate on a disposed window|Popup blocked/.test(message)) {
    return new TokenUnavailableError(
      'The browser blocked the sign-in window; call signIn({ popup: true }) from a click handler, or sign in without popup.',
      false,
    );
  }
  if (
    typeof (globalThis as { document?: unknown }).document === 'undefined' &&
    e.name === 'ReferenceError'
  ) {
    return new ReauthRequiredError(
      'no_refresh_token',
      'There is no refresh token, and silent renewal through an iframe needs a browser; sign in again.',
    );
  }
  return new TokenUnavailableError(
    'Renewing the token at the identity provider failed; the session will try again.',
    true,
    { cause: error },
  );
}

/** A renewal came back for another user than the one it renewed. */
export function subjectChanged(): ReauthRequiredError {
  return new ReauthRequiredError(
    'subject_changed',
    'A different user is now signed in at the identity provider; sign in again.',
  );
}

/** Nobody has signed in here (first visit, or after sign-out): the session is `signed-out`. */
export function notSignedIn(): ReauthRequiredError {
  return new ReauthRequiredError(
    'signed_out',
    'No user is signed in with the identity provider; call signIn().',
  );
}

/** The IdP's silent renewal came back without a user: its own session is gone. */
export function noUser(): ReauthRequiredError {
  return new ReauthRequiredError(
    'login_required',
    'No user is signed in with the identity provider; call signIn().',
  );
}

/** The IdP's response lacks the token STS needs. */
export function missingToken(tokenType: string): TokenUnavailableError {
  return new TokenUnavailableError(
    `The identity provider's response has no ${tokenType}; request the openid scope (for an ID token) or pick tokenType: 'access_token'.`,
    false,
  );
}
