/** Options of {@link TokenSource.getToken}. */
export interface GetTokenOptions {
  /**
   * `true` when a token the source would return from its cache is not good enough: STS rejected
   * it, or it is about to expire. The source must then ask the IdP for a new one.
   */
  forceRefresh: boolean;
  /** Aborts the acquisition (the session's `requestTimeoutMs`, or `stop()`). */
  signal: AbortSignal;
}

/** Who a token source's current user is: the claims that name them at the IdP. */
export interface TokenSourceUser {
  /** The IdP's issuer (an OIDC ID token's `iss`; a SAML assertion's `Issuer`). */
  readonly issuer: string;
  /** The user at that issuer (an ID token's `sub`; a SAML assertion's `NameID`). */
  readonly subject: string;
  /**
   * When the user's current token was issued (an ID token's `iat`), epoch milliseconds, if
   * known. A tab that starts after its group signed out compares it with the sign-out's time:
   * a user issued before it is a leftover and is signed out, one issued after it signed in again.
   */
  readonly issuedAtMs?: number | undefined;
  /**
   * When this page completed an interactive sign-in of this user (a redirect's callback, a
   * popup), on the local clock in epoch milliseconds; absent for a user this page did not sign in.
   * A group sign-out recorded before it is over: the user signed in again. Unlike `issuedAtMs`
   * (the IdP's clock, whole seconds) it compares with a sign-out's local time exactly.
   */
  readonly signedInAtMs?: number | undefined;
}

/** Options of {@link TokenSource.signOut}. */
export interface SignOutOptions {
  /**
   * `true` when another tab of the cross-tab group signed out and this tab follows it: forget
   * the user here only, and leave the IdP-side steps (`signoutRedirect`, token revocation) to the
   * tab that started the sign-out, so they happen once and no follower tab navigates away.
   * @default false
   */
  readonly local?: boolean | undefined;
  /**
   * Also end the user's session at the IdP (OpenID Connect RP-initiated logout: oidc-client-ts's
   * `signoutRedirect`), so the next sign-in asks for the password again. The page navigates to
   * the IdP and back to `post_logout_redirect_uri`. Ignored with `local`.
   * @default false (the source's own default, e.g. oidcTokenSource's `signOutRedirect`)
   */
  readonly idp?: boolean | undefined;
}

/**
 * Options of {@link TokenSource.signIn} (and `session.signIn()`, which passes them on). Checked
 * before anything navigates: a bad one is an `InvalidParameterError` naming it.
 */
export interface SignInOptions {
  /**
   * Where the app wants to be after a redirect sign-in: a path on this origin, such as
   * `'/files?tab=2#top'` (one leading `/`; another origin is refused, so it cannot become an open
   * redirect). Kept in this browser's sign-in state, not sent to the IdP; handed back by the token
   * source when the redirect completes (oidcTokenSource's `completeSignIn()`). Unused with
   * `popup`, where the page never leaves.
   */
  readonly returnTo?: string | undefined;
  /**
   * App data carried through the sign-in round trip — kept in this browser's sign-in state, not
   * sent to the IdP — and handed back with `returnTo`. Must survive `JSON.stringify`.
   */
  readonly state?: unknown;
  /** `login_hint`: the user name or e-mail address the IdP pre-fills. */
  readonly loginHint?: string | undefined;
  /**
   * More query parameters of the authorization request, e.g. `{ prompt: 'login', ui_locales:
   * 'de' }`. The protocol's own (`client_id`, `redirect_uri`, `state`, `nonce`, `scope`,
   * `response_type`, `code_challenge`, …) cannot be overridden.
   */
  readonly extraQueryParams?: Readonly<Record<string, string | number | boolean>> | undefined;
  /**
   * Sign in in a popup window instead of navigating away (oidc-client-ts's `signinPopup`); the
   * promise resolves once the user is signed in. Call it from a click handler, or the browser
   * blocks the window; closing the window rejects with an `AbortedError`.
   * @default false
   */
  readonly popup?: boolean | undefined;
}

/**
 * Where a federated session gets the IdP token it exchanges with STS: an OpenID Connect ID token
 * (or OAuth access token) for `WebIdentityCredentials`, a base64 SAML response for
 * `SAMLCredentials`. The session asks before every STS call.
 *
 * Failures tell the session what to do: throw a `ReauthRequiredError` when only the user can fix
 * it (status `reauth-required`, no retry); a `TokenUnavailableError` with `retryable: true` when
 * trying later may work (backoff), `retryable: false` to stop with status `error`. Anything else
 * thrown counts as a retryable `TokenUnavailableError`.
 *
 * @example
 * ```ts
 * const source: TokenSource = {
 *   async getToken({ forceRefresh, signal }) {
 *     const res = await fetch('/my-idp/token', { method: 'POST', signal });
 *     return (await res.json()).id_token;
 *   },
 * };
 * ```
 */
export interface TokenSource {
  /** Resolves with a token STS will accept — fresh from the IdP when `forceRefresh` is set. */
  getToken(options: GetTokenOptions): Promise<string>;
  /**
   * Starts an interactive sign-in (a redirect, or a popup with `{ popup: true }`); called by
   * `session.signIn(options)` with the options it was given.
   */
  signIn?(options?: SignInOptions): Promise<void>;
  /**
   * Forgets the user's tokens (and optionally signs out at the IdP); called by `session.signOut()`,
   * and with `{ local: true }` in every tab of a cross-tab group when one of them signed out.
   */
  signOut?(options?: SignOutOptions): Promise<void>;
  /**
   * Who the current user is, read without a network call (e.g. from the stored user's ID token
   * claims); `null` when no user is signed in. The cross-tab group reads it on `start()` to know
   * the tab's identity before any token is needed, and whether the tab has a user of its own.
   */
  describeUser?(): Promise<TokenSourceUser | null>;
  /**
   * The IdP user this source holds — refresh token included — as a structured-cloneable value the
   * same kind of source in another tab can {@link TokenSource.importHandoff | import}; `null` when
   * it holds none. The cross-tab group sends it to the other tabs of the same identity after each
   * renewal, in memory over BroadcastChannel (never storage), so whichever tab leads next renews
   * with the current refresh token and a rotating refresh token is spent once per renewal.
   *
   * Secret: callers never log, persist or `JSON.stringify` it.
   */
  exportHandoff?(): Promise<unknown>;
  /**
   * Takes over a user {@link TokenSource.exportHandoff | exported} by another tab's source,
   * replacing the one held: the next `getToken()` uses its tokens (without calling the IdP while
   * they are valid) and its refresh token. Rejects, changing nothing, for a malformed value or one
   * for another user than the one this source holds (issuer + subject). A source with no user
   * takes any well-formed value (a new tab joining its group).
   */
  importHandoff?(state: unknown): Promise<void>;
}
