import { FedcredsError, TokenUnavailableError } from '../errors.js';
import { singleFlight } from '../session/singleFlight.js';
import type { GetTokenOptions, SignInOptions, SignOutOptions, TokenSource } from './TokenSource.js';

/** Optional interactive hooks of {@link callbackTokenSource}. */
export interface CallbackTokenSourceHooks {
  /** Starts an interactive sign-in with `session.signIn()`'s options; becomes {@link TokenSource.signIn}. */
  signIn?: (options?: SignInOptions) => Promise<void>;
  /** Forgets the user's tokens (`{ idp }`, `{ local }` as given); becomes {@link TokenSource.signOut}. */
  signOut?: (options?: SignOutOptions) => Promise<void>;
}

/**
 * A {@link TokenSource} from a function — for SAML assertions (an app callback that posts to the
 * IdP and reads the SAMLResponse) and identity providers oidc-client-ts does not cover.
 *
 * Concurrent requests share one call of `getToken` (a `forceRefresh` request shares only another
 * forced one, since a cached token is exactly what it must not get). Errors other than fedcreds
 * errors become retryable {@link TokenUnavailableError}s; throw a `ReauthRequiredError` when the
 * user has to sign in again.
 *
 * @param getToken - fetches a token; honour `forceRefresh` (bypass caches) and `signal`.
 * @param hooks - interactive sign-in and sign-out, if the app has them.
 *
 * @example
 * ```ts
 * const saml = callbackTokenSource(async ({ signal }) => {
 *   const res = await fetch('/saml/assertion', { credentials: 'include', signal });
 *   if (res.status === 401) throw new ReauthRequiredError('login_required');
 *   return (await res.json()).SAMLResponse;
 * });
 * ```
 */
export function callbackTokenSource(
  getToken: TokenSource['getToken'],
  hooks: CallbackTokenSourceHooks = {},
): TokenSource {
  const fetchWith = (forceRefresh: boolean) =>
    singleFlight((signal) => call(getToken, { forceRefresh, signal }));
  const cached = fetchWith(false);
  const forced = fetchWith(true);
  let forcedActive = 0;
  const settleForced = () => {
    forcedActive -= 1;
  };

  const source: TokenSource = {
    getToken({ forceRefresh, signal }) {
      // A caller content with a cached token may share a forced fetch already under way.
      if (!forceRefresh) return forcedActive > 0 ? forced(signal) : cached(signal);
      forcedActive += 1;
      const result = forced(signal);
      result.then(settleForced, settleForced);
      return result;
    },
  };
  if (hooks.signIn) source.signIn = hooks.signIn;
  if (hooks.signOut) source.signOut = hooks.signOut;
  return source;
}

async function call(getToken: TokenSource['getToken'], options: GetTokenOptions): Promise<string> {
  let token: unknown;
  try {
    token = await getToken(options);
  } catch (error) {
    if (error instanceof FedcredsError) throw error;
    throw new TokenUnavailableError(
      'The token callback failed; the session will try again. Throw a ReauthRequiredError from it when the user must sign in.',
      true,
      { cause: error },
    );
  }
  if (typeof token !== 'string' || token.length === 0) {
    throw new TokenUnavailableError(
      'The token callback resolved without a token; it must resolve with the ID token or SAML response as a string.',
      false,
    );
  }
  return token;
}
