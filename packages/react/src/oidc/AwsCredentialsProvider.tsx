'use client';
import { crossTab, type CrossTabOptions } from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import type { CreateOidcSessionOptions, OidcSession } from '@fedcreds/core/oidc';
import { UserManager } from 'oidc-client-ts';
import type { UserManagerSettings } from 'oidc-client-ts';
import { useState } from 'react';
import type { ReactNode } from 'react';
import {
  AwsCredentialsProvider as SessionProvider,
  type AwsCredentialsSessionProps,
} from '../AwsCredentialsProvider.js';

/**
 * {@link AwsCredentialsProvider} that builds an OIDC session from configuration, once (later
 * changes to these props are ignored; give the provider a new `key` to rebuild). Every option of
 * `createOidcSession` except `userManager` is accepted: `roleArn`, `region`, `durationSeconds`,
 * `roleSessionName`, `refreshWindowMs`, `clientConfig` (the STS client's), `crossTab`, …
 */
export type AwsCredentialsOidcProps = Omit<CreateOidcSessionOptions, 'userManager' | 'crossTab'> &
  Pick<AwsCredentialsSessionProps, 'onSignInComplete'> & {
    /**
     * The tabs of one user share one refresh, one IdP renewal and one sign-out (see the core's
     * "Across tabs"); `false` for each tab on its own, or options such as `name`. Since
     * oidc-client-ts keeps the user per tab, a tab the user opens by typing the address has no
     * user of its own: `{ joinWhenSignedOut: true }` lets it join the one live group of the origin
     * (as that group's user, visibly) instead of asking for a sign-in — the app's choice.
     * @default true
     */
    crossTab?: boolean | CrossTabOptions | undefined;
    /**
     * An oidc-client-ts `UserManager`, or the settings to build one from (once; with
     * `automaticSilentRenew: false` unless set, as the session does the renewing).
     */
    oidc: UserManager | UserManagerSettings;
    /** Not with `oidc`: the provider builds the session itself. */
    session?: never;
    /** The tree whose hooks read this session. */
    children?: ReactNode;
  };

/** Props of {@link AwsCredentialsProvider}: a `session`, or the configuration to build one. */
export type AwsCredentialsProviderProps = AwsCredentialsSessionProps | AwsCredentialsOidcProps;

/**
 * The provider of `@fedcreds/react` that can also build an OIDC session: given `oidc` settings
 * (or a `UserManager`) and a `roleArn`, it builds the session exactly once and exposes it like
 * `<AwsCredentialsProvider session>` does (started after mounting, stopped on unmount). The
 * session completes the redirect sign-in when the address carries `code`/`state` on its first
 * start — once, removing them from the address bar. Given `session`, it exposes that session.
 *
 * This entry imports oidc-client-ts; the main entry does not.
 *
 * @example
 * ```tsx
 * import { AwsCredentialsProvider } from '@fedcreds/react/oidc';
 *
 * <AwsCredentialsProvider
 *   oidc={{ authority: 'https://idp.example.com', client_id: 'spa', redirect_uri: location.origin }}
 *   roleArn="arn:aws:iam::123456789012:role/web"
 *   region="eu-west-1"
 * >
 *   <App />
 * </AwsCredentialsProvider>
 * ```
 */
export function AwsCredentialsProvider(props: AwsCredentialsProviderProps): ReactNode {
  const [ownSession] = useState(() =>
    props.session === undefined ? buildOidcSession(props as AwsCredentialsOidcProps) : null,
  );
  const session = props.session ?? ownSession;
  if (!session) {
    // The session is built once, from the first render's props; a provider that started with
    // `session` cannot grow its own later without silently dropping the one it had.
    throw new Error(
      'AwsCredentialsProvider: the `session` prop was removed after the first render. Give the provider a new `key` when switching between `session` and `oidc` configuration.',
    );
  }
  return (
    <SessionProvider session={session} onSignInComplete={props.onSignInComplete}>
      {props.children}
    </SessionProvider>
  );
}

function buildOidcSession({
  oidc,
  children: _children,
  session: _session,
  onSignInComplete: _onSignInComplete,
  ...options
}: AwsCredentialsOidcProps): OidcSession {
  // Duck-typed rather than `instanceof`, which fails when an app bundles two copies of oidc-client-ts.
  // The session renews tokens exactly when it needs them; a second renewer would spend refresh
  // tokens twice (see oidcTokenSource).
  const userManager = isUserManager(oidc)
    ? oidc
    : new UserManager({ automaticSilentRenew: false, ...oidc });
  // Cross-tab by default: N tabs of one user cost one STS call and one IdP renewal per refresh.
  return createOidcSession({
    ...options,
    crossTab: crossTab(options.crossTab ?? true),
    userManager,
  });
}

function isUserManager(oidc: UserManager | UserManagerSettings): oidc is UserManager {
  return typeof (oidc as Partial<UserManager>).signinRedirect === 'function';
}
