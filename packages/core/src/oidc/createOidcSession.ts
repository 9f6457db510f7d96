import type { STSClientConfig } from '@aws-sdk/client-sts';
import type { UserManager } from 'oidc-client-ts';
import { WebIdentityCredentials } from '../credentials/WebIdentityCredentials.js';
import { createFederatedSession } from '../session/createFederatedSession.js';
import type { FederatedSession, FederatedSessionOptions } from '../session/FederatedSession.js';
import {
  oidcTokenSource,
  type OidcTokenSource,
  type OidcTokenSourceOptions,
} from './oidcTokenSource.js';

/** Options of {@link createOidcSession}: what to assume with which IdP, plus any session option. */
export interface CreateOidcSessionOptions
  extends
    Omit<FederatedSessionOptions, 'credentials' | 'tokenSource'>,
    Omit<OidcTokenSourceOptions, 'clock' | 'timers'> {
  /**
   * The oidc-client-ts user manager of the app's IdP client. The session's first `start()` stops
   * its own silent-renew timer (`automaticSilentRenew`), since the session does the renewing.
   */
  userManager: UserManager;
  /** ARN of the role to assume with the user's token. */
  roleArn: string;
  /** STS region. @default clientConfig.region, else 'us-east-1' */
  region?: string | undefined;
  /** Session length to ask STS for, in seconds (900–43200, within the role's maximum). @default STS's 3600 */
  durationSeconds?: number | undefined;
  /** `RoleSessionName` of the assumed-role sessions. @default 'web-identity' */
  roleSessionName?: string | undefined;
  /**
   * STS client configuration (`endpoint`, `requestHandler`, …). `maxAttempts` defaults to 1: the
   * session retries with its own backoff, and SDK retries inside it would multiply the attempts.
   */
  clientConfig?: STSClientConfig | undefined;
}

/** A federated session over OpenID Connect, with the token source it built. */
export type OidcSession = FederatedSession & {
  /**
   * The session's token source. `completeSignIn()` resolves with the `returnTo` and `state` of
   * the sign-in the first `start()` completed (the same answer however often it is called).
   */
  readonly tokenSource: OidcTokenSource;
};

/**
 * Builds the whole OpenID Connect → STS session from configuration: an {@link oidcTokenSource}
 * over `userManager`, `WebIdentityCredentials` for `roleArn`, and the session over both. Its
 * first `start()` also completes a sign-in when the current address carries one for the user
 * manager's `redirect_uri` (or `popup_redirect_uri`: a popup's page hands it to the opener), so
 * the page the IdP returns to needs no code of its own; `tokenSource.completeSignIn()` then tells
 * the app where to return to.
 *
 * @example
 * ```ts
 * const session = createOidcSession({
 *   userManager: new UserManager({ authority, client_id, redirect_uri: location.origin + '/',
 *     scope: 'openid offline_access', automaticSilentRenew: false }),
 *   roleArn: 'arn:aws:iam::123456789012:role/web',
 *   region: 'eu-west-1',
 * });
 * session.start();
 * if (session.getSnapshot().status === 'reauth-required') await session.signIn();
 * ```
 */
export function createOidcSession(options: CreateOidcSessionOptions): OidcSession {
  const {
    userManager,
    roleArn,
    region,
    durationSeconds,
    roleSessionName,
    clientConfig = {},
    tokenType,
    minValidityMs,
    signOutRedirect,
    revokeOnSignOut,
    revokeTimeoutMs,
    ...sessionOptions
  } = options;
  const tokenSource = oidcTokenSource(userManager, {
    tokenType,
    minValidityMs,
    signOutRedirect,
    revokeOnSignOut,
    revokeTimeoutMs,
    clock: sessionOptions.clock,
    timers: sessionOptions.timers,
  });
  const credentials = new WebIdentityCredentials(
    {
      // No WebIdentityToken: the session writes it in from the token source before every STS call.
      RoleArn: roleArn,
      ...(roleSessionName !== undefined && { RoleSessionName: roleSessionName }),
      ...(durationSeconds !== undefined && { DurationSeconds: durationSeconds }),
    },
    {
      maxAttempts: 1,
      ...clientConfig,
      ...(region !== undefined && { region }),
    },
  );
  const session = createFederatedSession({ ...sessionOptions, credentials, tokenSource });
  let started = false;
  return {
    tokenSource,
    credentials: session.credentials,
    credentialProvider: session.credentialProvider,
    getSnapshot: session.getSnapshot,
    subscribe: session.subscribe,
    on: session.on,
    start() {
      if (!started) {
        started = true;
        // oidc-client-ts renews on its own timer unless told not to (automaticSilentRenew is on by
        // default): two renewers would spend one rotating refresh token, and one of them would
        // get invalid_grant. The session renews exactly when an STS call needs a token.
        if (userManager.settings.automaticSilentRenew) userManager.stopSilentRenew();
        const href = (globalThis as { location?: { href?: unknown } }).location?.href;
        const { redirect_uri, popup_redirect_uri } = userManager.settings;
        const targets = popup_redirect_uri ? [redirect_uri, popup_redirect_uri] : [redirect_uri];
        if (typeof href === 'string' && targets.some((uri) => isRedirectTarget(href, uri))) {
          // Failures surface through the session: with no user stored, it reports reauth-required.
          tokenSource.completeSignIn(href).catch(() => {});
        }
      }
      session.start();
    },
    stop: () => session.stop(),
    refresh: (refreshOptions) => session.refresh(refreshOptions),
    signIn: (signInOptions) => session.signIn(signInOptions),
    signOut: (signOutOptions) => session.signOut(signOutOptions),
  };
}

/** Whether `href` is the redirect_uri page (same origin and path). */
function isRedirectTarget(href: string, redirectUri: string): boolean {
  try {
    const here = new URL(href);
    const target = new URL(redirectUri, href);
    return here.origin === target.origin && here.pathname === target.pathname;
  } catch {
    return false;
  }
}
