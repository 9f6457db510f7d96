import { OidcClient, type User, type UserManager } from 'oidc-client-ts';
import { InvalidParameterError, TokenUnavailableError } from '../errors.js';
import { decodeJwt } from '../jwt/decodeJwt.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { raceSignal } from '../time/raceSignal.js';
import { globalTimers, type TimerProvider } from '../time/TimerProvider.js';
import type {
  GetTokenOptions,
  SignInOptions,
  SignOutOptions,
  TokenSource,
  TokenSourceUser,
} from '../tokenSources/TokenSource.js';
import { authorizationResponse, cleanAddressBar, currentHref } from './authorizationResponse.js';
import { describeOidcUser, exportUser, userFromHandoff, type OidcHandoff } from './oidcHandoff.js';
import { revokeUserTokens } from './revokeUserTokens.js';
import { completedSignIn, toSigninArgs, type CompletedSignIn } from './signInRequest.js';
import { renewOidcUser } from './renewOidcUser.js';
import { missingToken, notSignedIn, toOidcError } from './toOidcError.js';

/** Default {@link OidcTokenSourceOptions.minValidityMs}: renew a token with less than a minute left. */
export const DEFAULT_MIN_VALIDITY_MS = 60_000;
/** Default {@link OidcTokenSourceOptions.revokeTimeoutMs}. */
export const DEFAULT_REVOKE_TIMEOUT_MS = 5_000;

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
  /**
   * Make every `signOut()` also end the session at the IdP (`signoutRedirect()`), as
   * `signOut({ idp: true })` does for one call.
   * @default false
   */
  signOutRedirect?: boolean | undefined;
  /**
   * On `signOut()`, revoke the user's tokens at the IdP (RFC 7009; the types in the UserManager's
   * `revokeTokenTypes`, refresh token first) when its discovery document lists a
   * `revocation_endpoint` — so a refresh token copied before sign-out is worthless. Best effort:
   * the user is signed out here whatever the IdP answers.
   * @default true
   */
  revokeOnSignOut?: boolean | undefined;
  /** How long `signOut()` waits for each revocation, in milliseconds. @default 5000 */
  revokeTimeoutMs?: number | undefined;
  /** The clock token expiry is judged by. @default Date */
  clock?: Clock | undefined;
  /** Timer functions (the revocation timeout). @default globalThis's, looked up at each call */
  timers?: TimerProvider | undefined;
}

/** A {@link TokenSource} over an oidc-client-ts `UserManager` (see {@link oidcTokenSource}). */
export interface OidcTokenSource extends TokenSource {
  /** The user manager tokens come from. */
  readonly userManager: UserManager;
  /**
   * If `url` (default: the current address) carries an authorization response (`code`/`state`,
   * or `error`), processes it — once per response, however many times it is called (React
   * StrictMode runs effects twice) — and removes `code`, `state`, `session_state`, `iss` and any
   * error from the address bar with `history.replaceState`, so a reload does not replay it.
   *
   * Resolves with the `returnTo` and `state` the sign-in was started with; when the address
   * carries no response, with the last one this source processed in this page (so a second
   * caller, e.g. `createOidcSession`'s `start()` and then the app, gets the same answer), or
   * `null` when there is none. A popup's callback page (`popup_redirect_uri`) hands the response
   * to the opener and resolves with `null`. Rejects with a `ReauthRequiredError` or
   * `TokenUnavailableError` if the IdP refused the sign-in.
   */
  completeSignIn(url?: string): Promise<CompletedSignIn | null>;
  /**
   * Starts an interactive sign-in: `userManager.signinRedirect()` (the page navigates away), or
   * with `{ popup: true }` `signinPopup()`, resolving once the user is signed in. `returnTo`,
   * `state`, `loginHint` and `extraQueryParams` as in {@link SignInOptions}.
   * @throws `InvalidParameterError` (from `@fedcreds/core`) for a bad option (before anything navigates).
   */
  signIn(options?: SignInOptions): Promise<void>;
  /**
   * Forgets the user (`userManager.removeUser()`) — a renewal in flight cannot store it back —
   * then, unless `local`, revokes its tokens at the IdP (`revokeOnSignOut`) and, with `idp`
   * (or `signOutRedirect`), ends the IdP session with `signoutRedirect()`.
   */
  signOut(options?: SignOutOptions): Promise<void>;
  /** The stored user's issuer and subject, or `null`; no network call. */
  describeUser(): Promise<TokenSourceUser | null>;
  /** The stored IdP user (refresh token included) for another tab's source; secret. */
  exportHandoff(): Promise<OidcHandoff | null>;
  /**
   * Stores a user another tab's source exported, after checking it: rejects with an
   * `InvalidParameterError` (changing nothing) for a malformed value, one issued to another
   * client, or one for another user than the one stored here — after a sign-in this source is
   * completing (`completeSignIn`) has stored its user, so a hand-off never overwrites it.
   */
  importHandoff(state: unknown): Promise<void>;
}

/**
 * A token source over oidc-client-ts: the stored user's token while its own `exp` leaves more
 * than `minValidityMs`, otherwise a renewal — the refresh-token grant, or a `prompt=none` iframe
 * (`signinSilent()`) where there is no refresh token and the browser allows it. Concurrent
 * renewals share one IdP call.
 *
 * A renewal stores its result only if nothing replaced the user meanwhile: after `signOut()` the
 * new tokens are dropped (and revoked), so a sign-out during a renewal sticks across reloads; if
 * another tab or a hand-off stored a user meanwhile, that one is kept. A caller whose `signal`
 * aborts stops waiting at once, but the renewal itself runs to its end (bounded by the
 * UserManager's `silentRequestTimeoutInSeconds`) and is stored: the IdP may have rotated the
 * refresh token, and dropping the new one would sign the user out.
 *
 * When the IdP needs the user it rejects with a `ReauthRequiredError` whose `reason` says why:
 * `login_required`, `interaction_required`, `consent_required`, `invalid_grant` (refresh token
 * refused), `no_refresh_token` (none, and no iframe possible), `subject_changed` (another user
 * came back), `signed_out` (nobody signed in). Transient IdP failures reject with a retryable
 * `TokenUnavailableError`.
 *
 * Turn `automaticSilentRenew` off in the `UserManager` settings (`createOidcSession` does): the
 * session renews exactly when it needs to, and two renewers would spend refresh tokens twice.
 *
 * @example
 * ```ts
 * import { UserManager } from 'oidc-client-ts';
 * import { oidcTokenSource } from '@fedcreds/core/oidc';
 *
 * const userManager = new UserManager({ authority, client_id, redirect_uri, scope: 'openid offline_access',
 *   automaticSilentRenew: false });
 * const tokenSource = oidcTokenSource(userManager);
 * const done = await tokenSource.completeSignIn(); // on the redirect_uri page
 * if (done?.returnTo) history.replaceState(null, '', done.returnTo);
 * ```
 */
export function oidcTokenSource(
  userManager: UserManager,
  options: OidcTokenSourceOptions = {},
): OidcTokenSource {
  const tokenType = options.tokenType ?? 'id_token';
  const minValidityMs = options.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
  const revokeOnSignOut = options.revokeOnSignOut ?? true;
  const revokeTimeoutMs = options.revokeTimeoutMs ?? DEFAULT_REVOKE_TIMEOUT_MS;
  if (!(revokeTimeoutMs > 0)) {
    throw new InvalidParameterError('revokeTimeoutMs', 'must be a positive number of milliseconds');
  }
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? globalTimers;
  const callbacks = new Map<string, Promise<CompletedSignIn | null>>();
  let pendingCallback: Promise<unknown> | null = null;
  let lastSignIn: Promise<CompletedSignIn | null> | null = null;
  /** Bumped by `signOut()`: a renewal begun before it must not store a user. */
  let epoch = 0;
  /** Whom this page signed in interactively, and when (local clock): see `signedInAtMs`. */
  let signedInHere: { subject: string; atMs: number } | null = null;
  const noteSignIn = (user: User | null) => {
    if (user) signedInHere = { subject: user.profile.sub, atMs: clock.now() };
  };
  /** The renewal in flight, shared by every caller and never abandoned (see above). */
  let renewal: Promise<string> | null = null;
  // Built on first use: the same settings and metadata as the UserManager, whose own
  // refresh-token renewal stores the user before anyone can check it is still wanted.
  let oidcClient: OidcClient | null = null;
  const client = () =>
    (oidcClient ??= new OidcClient(userManager.settings, userManager.metadataService));

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

  /** The token of `user` if it is still good for more than `minValidityMs`. */
  const freshToken = (user: User): string | undefined => {
    const token = tokenOf(user);
    return token && remainingMs(token, user) > minValidityMs ? token : undefined;
  };

  const revoke = (user: Pick<User, 'access_token' | 'refresh_token'>) =>
    revokeUserTokens(
      client(),
      user,
      userManager.settings.revokeTokenTypes,
      revokeTimeoutMs,
      timers,
    );

  async function renew(): Promise<string> {
    const startEpoch = epoch;
    const renewed = await renewOidcUser({
      userManager,
      client,
      signedOutSince: () => epoch !== startEpoch,
      isFresh: (user) => freshToken(user) !== undefined,
      // Nobody may use these tokens: the user signed out while they were on their way.
      drop: (user) => void (revokeOnSignOut && revoke(user)),
    });
    const token = tokenOf(renewed);
    if (!token) throw missingToken(tokenType);
    return token;
  }

  async function getToken({ forceRefresh, signal }: GetTokenOptions): Promise<string> {
    // A redirect callback being processed is about to store the user this needs.
    if (pendingCallback)
      await raceSignal(
        pendingCallback.catch(() => null),
        signal,
      );
    const user = await raceSignal(userManager.getUser(), signal);
    if (!user) throw notSignedIn();
    const token = forceRefresh ? undefined : freshToken(user);
    if (token) return token;
    if (!renewal) {
      const started = renew();
      renewal = started;
      const release = () => {
        if (renewal === started) renewal = null;
      };
      started.then(release, release);
    }
    return raceSignal(renewal, signal);
  }

  function completeSignIn(url?: string): Promise<CompletedSignIn | null> {
    const href = url ?? currentHref();
    const response = href === undefined ? null : authorizationResponse(href);
    if (href === undefined || response === null) return lastSignIn ?? Promise.resolve(null);
    const known = callbacks.get(response.state);
    if (known) return known;
    // Cleaned first, so a reload (or a second effect) during processing cannot replay it.
    cleanAddressBar(href);
    // signinCallback: a redirect's response signs in here; a popup's goes to its opener.
    const processing = userManager.signinCallback(href).then(
      (user) => {
        noteSignIn(user ?? null);
        return user ? completedSignIn(user) : null;
      },
      (error: unknown) => {
        throw toOidcError(error);
      },
    );
    callbacks.set(response.state, processing);
    pendingCallback = processing;
    lastSignIn = processing;
    processing
      .finally(() => {
        if (pendingCallback === processing) pendingCallback = null;
      })
      .catch(() => {});
    return processing;
  }

  async function signIn(signInOptions?: SignInOptions): Promise<void> {
    // Checked and started without an await first: a popup must open within the click's task.
    const { popup, ...args } = toSigninArgs(signInOptions);
    if (popup && !userManager.settings.popup_redirect_uri) {
      throw new InvalidParameterError(
        'popup',
        'needs popup_redirect_uri in the UserManager settings: the page the popup returns to, which calls completeSignIn()',
      );
    }
    lastSignIn = null;
    try {
      if (popup) noteSignIn(await userManager.signinPopup(args));
      else await userManager.signinRedirect(args);
    } catch (error) {
      throw toOidcError(error);
    }
  }

  async function signOut(signOutOptions: SignOutOptions = {}): Promise<void> {
    epoch += 1;
    lastSignIn = null;
    signedInHere = null;
    // Its answer will be dropped: a sign-in after this one must not wait for it.
    renewal = null;
    const user = await userManager.getUser();
    await userManager.removeUser();
    if (signOutOptions.local) return;
    if (user && revokeOnSignOut) await revoke(user);
    if (signOutOptions.idp ?? options.signOutRedirect) {
      try {
        await userManager.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
      } catch (error) {
        throw new TokenUnavailableError(
          'Signed out here, but not at the identity provider: it could not be reached or has no end_session_endpoint.',
          false,
          { cause: toOidcError(error) },
        );
      }
    }
  }

  return {
    userManager,
    getToken,
    completeSignIn,
    signIn,
    signOut,
    async describeUser() {
      const user = await userManager.getUser();
      if (!user) return null;
      const described = describeOidcUser(user, userManager.settings.authority);
      return signedInHere?.subject === user.profile.sub
        ? { ...described, signedInAtMs: signedInHere.atMs }
        : described;
    },
    exportHandoff: () => exportUser(userManager),
    async importHandoff(state: unknown) {
      // A sign-in being completed here stores this tab's own user: the check must see it.
      if (pendingCallback) await pendingCallback.catch(() => null);
      const user = userFromHandoff(state, userManager, await userManager.getUser());
      await userManager.storeUser(user);
      await userManager.events.load(user);
    },
  };
}
