import type { FederatedSession, FederatedSessionOptions } from './FederatedSession.js';
import { resolveSessionOptions } from './resolveSessionOptions.js';
import { SessionEngine } from './SessionEngine.js';

export { DEFAULT_REQUEST_TIMEOUT_MS } from './resolveSessionOptions.js';

/**
 * Creates a session that keeps `options.credentials` valid while it is started: before each STS
 * exchange it gets the IdP token from `options.tokenSource` and passes it to the exchange; it
 * refreshes `refreshWindowMs` (plus jitter) ahead of expiry, retries retryable failures with
 * capped exponential backoff, reports everything through `getSnapshot()`/`subscribe()` and typed
 * events, and serves SDK v3 clients through `credentialProvider`. Creating it has no side effect;
 * `start()` begins the work.
 *
 * @throws {@link InvalidParameterError} for a missing or misplaced `tokenSource` or an option out of range.
 *
 * @example
 * ```ts
 * const session = createFederatedSession({
 *   credentials: new WebIdentityCredentials({ RoleArn }, { region: 'eu-west-1' }),
 *   tokenSource: oidcTokenSource(userManager),
 * });
 * session.on('reauth-required', () => showSignInButton());
 * session.start();
 * const s3 = new S3Client({ region: 'eu-west-1', credentials: session.credentialProvider });
 * ```
 */
export function createFederatedSession(options: FederatedSessionOptions): FederatedSession {
  return new SessionEngine(resolveSessionOptions(options));
}
