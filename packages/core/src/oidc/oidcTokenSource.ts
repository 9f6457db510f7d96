import type { User, UserManager } from 'oidc-client-ts';
import {
  FedcredsError,
  ReauthRequiredError,
  TokenUnavailableError,
  type ReauthReason,
} from '../errors.js';
import { decodeJwt } from '../jwt/decodeJwt.js';
import { singleFlight } from '../session/singleFlight.js';
import { systemClock, type Clock } from '../time/Clock.js';
import type { GetTokenOptions, TokenSource } from '../tokenSources/TokenSource.js';

/** Default {@link OidcTokenSourceOptions.minValidityMs}: renew a token with less than a minute left. */
export const DEFAULT_MIN_VALIDITY_MS = 60_000;

/** Query (or fragment) parameters of an authorization response, removed from the address bar. */
const CALLBACK_PARAMS = [
  'code',
  'state',
  'session_state',
  'iss',
  'error',
  'error_description',
  'error_uri',
];

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

/** Options of {@link oidcTokenSource}. */
export interface OidcTokenSourceOptions {
  /**
   * Which token STS gets: the ID token (AssumeRoleWithWebIdentity's usual input) or the access
   * token (for providers whose access tokens are JWTs STS accepts).
   * @default 'id_token'
   */
  tokenType?: 'id_token' | 'access_token' | undefined;
  /**
   * Renew a stored token whose own `exp` is closer than this, in milliseconds — read from the
   * JWT itself, since `user.expires_at` describes the access token only.
   * @default 60000
   */
  minValidityMs?: number | undefined;
  /** Make `signOut()` also end the session at the IdP with `signoutRedirect()`. @default false */
  signOutRedirect?: boolean | undefined;
  /** The clock token expiry is judged by. @default Date */
  clock?: Clock | undefined;
}

/** A {@link TokenSource} over an oidc-client-ts `UserManager` (see {@link oidcTokenSource}). */
export interface OidcTokenSource extends TokenSource {
  /** The user manager tokens come from. */
  readonly userManager: UserManager;
  /**
   * If `url` (default: the current address) carries an authorization response (`code`/`state`,
   * or `error`), processes it with `signinRedirectCallback` — once per response, however many
   * times it is called (React StrictMode runs effects twice) — and removes `code`, `state`,
   * `session_state`, `iss` and any error from the address bar with `history.replaceState`, so a
   * reload does not replay it. Resolves with whether there was a response to process; rejects with
   * a `ReauthRequiredError` or `TokenUnavailableError` if the IdP refused the sign-in.
   */
  completeSignIn(url?: string): Promise<boolean>;
  /** Starts an interactive sign-in with `userManager.signinRedirect()` (the page navigates away). */
  signIn(): Promise<void>;
  /**
   * Forgets the user (`userManager.removeUser()`); with `signOutRedirect`, also signs out at the
   * IdP with `signoutRedirect()`.
   */
  signOut(): Promise<void>;
}

/**
 * A token source over oidc-client-ts: the stored user's token while its own `exp` leaves more
 * than `minValidityMs`, otherwise `userManager.signinSilent()` — a refresh-token grant, or a
 * `prompt=none` iframe where the browser allows it. Concurrent renewals share one call.
 *
 * When the IdP needs the user it rejects with a `ReauthRequiredError` whose `reason` says why:
 * `login_required`, `interaction_required`, `consent_required`, `invalid_grant` (refresh token
 * refused), `no_refresh_token` (none, and no iframe possible), `subject_changed` (another user
 * came back). Transient IdP failures reject with a retryable `TokenUnavailableError`.
 *
 * Turn `automaticSilentRenew` off in the `UserManager` settings: the session renews exactly when
 * it needs to, and two renewers would spend refresh tokens twice.
 *
 * @example
 * ```ts
 * import { UserManager } from 'oidc-client-ts';
 * import { oidcTokenSource } from '@fedcreds/core/oidc';
 *
 * const userManager = new UserManager({ authority, client_id, redirect_uri, scope: 'openid offline_access',
 *   automaticSilentRenew: false });
 * const tokenSource = oidcTokenSource(userManager);
 * await tokenSource.completeSignIn(); // on the redirect_uri page
 * ```
 */
export function oidcTokenSource(
  userManager: UserManager,
  options: OidcTokenSourceOptions = {},
): OidcTokenSource {
  const tokenType = options.tokenType ?? 'id_token';
  const minValidityMs = options.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
  const clock = options.clock ?? systemClock;
  const callbacks = new Map<string, Promise<boolean>>();
  let pendingCallback: Promise<boolean> | null = null;

  const tokenOf = (user: User): string | undefined =>
    (tokenType === 'id_token' ? user.id_token : user.access_token) || undefined;

  const remainingMs = (token: string, user: User): number => {
    let exp: number | undefined;
    try {
      exp = decodeJwt(token).payload.exp;
    } catch {
      // An opaque access token: only the token response's expires_in is known.
      exp = tokenType === 'access_token' ? user.expires_at : undefined;
    }
    return exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000 - clock.now();
  };

  const renew = singleFlight(async () => {
    const before = await userManager.getUser();
    if (!before) throw notSignedIn();
    if (!before.refresh_token && !userManager.settings.silent_redirect_uri) {
      throw new ReauthRequiredError(
        'no_refresh_token',
        'The identity provider gave no refresh token and no silent_redirect_uri is configured, so the token cannot be renewed without the user; sign in again (ask for the offline_access scope to get refresh tokens).',
      );
    }
    let user: User | null;
    try {
      user = await userManager.signinSilent();
    } catch (error) {
      throw oidcError(error);
    }
    if (!user) throw noUser();
    if (before.profile.sub !== user.profile.sub) {
      throw new ReauthRequiredError(
        'subject_changed',
        'A different user is now signed in at the identity provider; sign in again.',
      );
    }
    const token = tokenOf(user);
    if (!token) throw missingToken(tokenType);
    return token;
  });

  async function getToken({ forceRefresh, signal }: GetTokenOptions): Promise<string> {
    // A redirect callback being processed is about to store the user this needs.
    if (pendingCallback) await pendingCallback.catch(() => false);
    const user = await userManager.getUser();
    if (!user) throw notSignedIn();
    const token = tokenOf(user);
    if (!forceRefresh && token && remainingMs(token, user) > minValidityMs) return token;
    return renew(signal);
  }

  function completeSignIn(url?: string): Promise<boolean> {
    const href = url ?? currentHref();
    const response = href === undefined ? null : authorizationResponse(href);
    if (href === undefined || response === null) return Promise.resolve(false);
    const known = callbacks.get(response.state);
    if (known) return known;
    // Cleaned first, so a reload (or a second effect) during processing cannot replay it.
    cleanAddressBar(href);
    const processing = userManager.signinRedirectCallback(href).then(
      () => true,
      (error: unknown) => {
        throw oidcError(error);
      },
    );
    callbacks.set(response.state, processing);
    pendingCallback = processing;
    processing
      .finally(() => {
        if (pendingCallback === processing) pendingCallback = null;
      })
      .catch(() => {});
    return processing;
  }

  return {
    userManager,
    getToken,
    completeSignIn,
    async signIn() {
      await userManager.signinRedirect();
    },
    async signOut() {
      if (options.signOutRedirect) await userManager.signoutRedirect();
      else await userManager.removeUser();
    },
  };
}

/** Nobody has signed in here (first visit, or after sign-out): the session is `signed-out`. */
function notSignedIn(): ReauthRequiredError {
  return new ReauthRequiredError(
    'signed_out',
    'No user is signed in with the identity provider; call signIn().',
  );
}

/** The IdP's silent renewal came back without a user: its own session is gone. */
function noUser(): ReauthRequiredError {
  return new ReauthRequiredError(
    'login_required',
    'No user is signed in with the identity provider; call signIn().',
  );
}

function missingToken(tokenType: string): TokenUnavailableError {
  return new TokenUnavailableError(
    `The identity provider's response has no ${tokenType}; request the openid scope (for an ID token) or pick tokenType: 'access_token'.`,
    false,
  );
}

/**
 * Maps what oidc-client-ts throws to fedcreds errors. `ErrorResponse` is recognised by its name
 * (oidc-client-ts marks its classes so), not `instanceof`, so two copies of the library still
 * work; it is not kept as `cause`, because it may hold the request's form (with a refresh token).
 */
function oidcError(error: unknown): FedcredsError {
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
      'Silent renewal at the identity provider timed out; the session will try again.',
      true,
    );
  }
  const message = typeof e.message === 'string' ? e.message : '';
  if (/sub in id_token does not match/.test(message)) {
    return new ReauthRequiredError(
      'subject_changed',
      'A different user is now signed in at the identity provider; sign in again.',
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
    {
      cause: error,
    },
  );
}

function currentHref(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}

/** The `state` of the authorization response `href` carries (query or fragment), or `null`. */
function authorizationResponse(href: string): { state: string } | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  for (const params of [url.searchParams, new URLSearchParams(url.hash.slice(1))]) {
    const state = params.get('state');
    if (state && (params.has('code') || params.has('error'))) return { state };
  }
  return null;
}

function cleanAddressBar(href: string): void {
  const g = globalThis as {
    location?: { href?: string };
    history?: { state: unknown; replaceState(data: unknown, unused: string, url: string): void };
  };
  if (!g.history || g.location?.href !== href) return;
  const url = new URL(href);
  for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
  if (url.hash.length > 1) {
    const fragment = new URLSearchParams(url.hash.slice(1));
    if (fragment.has('state')) {
      for (const name of CALLBACK_PARAMS) fragment.delete(name);
      url.hash = fragment.toString();
    }
  }
  g.history.replaceState(g.history.state, '', url.toString());
}
