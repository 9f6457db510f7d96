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
  /** Starts an interactive sign-in (a redirect or popup); called by `session.signIn()`. */
  signIn?(): Promise<void>;
  /** Forgets the user's tokens (and optionally signs out at the IdP); called by `session.signOut()`. */
  signOut?(): Promise<void>;
}
