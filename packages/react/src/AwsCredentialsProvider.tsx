'use client';
import type { FederatedSession } from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import type { CompletedSignIn, CreateOidcSessionOptions, OidcSession } from '@fedcreds/core/oidc';
import { UserManager } from 'oidc-client-ts';
import type { UserManagerSettings } from 'oidc-client-ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { AwsCredentialsContext } from './AwsCredentialsContext.js';
import { createCredentialsStore } from './credentialsStore.js';

/** Props every {@link AwsCredentialsProvider} takes. */
interface AwsCredentialsCommonProps {
  /** The tree whose hooks read this session. */
  children?: ReactNode;
  /**
   * Called once when the page the IdP redirected back to completed the sign-in, with the
   * `returnTo` and `state` that `signIn()` was given — for an app with a router, to navigate
   * there. Only for an OIDC session (one with `tokenSource.completeSignIn`).
   * @default puts `returnTo` in the address bar with `history.replaceState` (when there is one)
   */
  onSignInComplete?: ((signIn: CompletedSignIn) => void) | undefined;
}

/** {@link AwsCredentialsProvider} over a session the app built itself. */
export interface AwsCredentialsSessionProps extends AwsCredentialsCommonProps {
  /** The session to expose. The provider starts it on mount and stops it on unmount. */
  session: FederatedSession;
}

/**
 * {@link AwsCredentialsProvider} that builds an OIDC session from configuration, once (later
 * changes to these props are ignored; give the provider a new `key` to rebuild). Every option of
 * `createOidcSession` except `userManager` is accepted: `roleArn`, `region`, `durationSeconds`,
 * `roleSessionName`, `refreshWindowMs`, `clientConfig` (the STS client's), …
 */
export type AwsCredentialsOidcProps = Omit<CreateOidcSessionOptions, 'userManager'> &
  AwsCredentialsCommonProps & {
    /**
     * An oidc-client-ts `UserManager`, or the settings to build one from (once; with
     * `automaticSilentRenew: false` unless set, as the session does the renewing).
     */
    oidc: UserManager | UserManagerSettings;
    /** Not with `oidc`: the provider builds the session itself. */
    session?: never;
  };

/** Props of {@link AwsCredentialsProvider}: a `session`, or the configuration to build one. */
export type AwsCredentialsProviderProps = AwsCredentialsSessionProps | AwsCredentialsOidcProps;

/**
 * Makes a federated session available to {@link useAwsCredentials} and the other hooks below it.
 *
 * Given `session`, it exposes that session; given `oidc` settings (or a `UserManager`) and a
 * `roleArn`, it builds an OIDC session exactly once. It starts the session after mounting and
 * stops it on unmount (the core reference-counts both, so StrictMode's mount–unmount–mount costs
 * one session and one STS call). An OIDC session completes the redirect sign-in when the address
 * carries `code`/`state` on its first start — once, removing them from the address bar — and the
 * provider then restores the `returnTo` path `signIn({ returnTo })` was given (see
 * `onSignInComplete`). The
 * provider holds no credential logic: sign-in, renewal, token re-acquisition and expiry are the
 * core session's.
 *
 * Safe to render on a server: nothing touches `window` until effects run, and hooks read the
 * `idle` snapshot there.
 *
 * @example
 * ```tsx
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
  const store = useMemo(() => createCredentialsStore(session), [session]);

  useEffect(() => {
    session.start();
    // One microtask later: StrictMode's unmount–remount runs synchronously, so its start() comes
    // first and the count never drops to zero — no aborted first fetch, no flash back to `idle`.
    return () => queueMicrotask(() => session.stop());
  }, [session]);

  const onSignInComplete = props.onSignInComplete ?? restoreReturnTo;
  const latestOnSignInComplete = useRef(onSignInComplete);
  useEffect(() => {
    latestOnSignInComplete.current = onSignInComplete;
  });
  useEffect(() => {
    // After start(): an OIDC session's first start() has begun completing the redirect, and
    // completeSignIn() hands back that same completion (or null on any other page).
    const completion = (session as Partial<OidcSession>).tokenSource?.completeSignIn?.();
    if (completion === undefined) return undefined;
    let mounted = true;
    completion.then(
      (completed) => {
        if (!mounted || completed === null || handled.has(completed)) return;
        handled.add(completed);
        latestOnSignInComplete.current(completed);
      },
      // A refused sign-in surfaces through the session's snapshot (reauth-required).
      () => undefined,
    );
    return () => {
      mounted = false;
    };
  }, [session]);

  return (
    <AwsCredentialsContext.Provider value={store}>{props.children}</AwsCredentialsContext.Provider>
  );
}

/** Sign-ins whose return was handled: StrictMode's second effect and a re-mount skip them. */
const handled = new WeakSet<CompletedSignIn>();

/** The default `onSignInComplete`: back to where `signIn({ returnTo })` was asked for. */
function restoreReturnTo({ returnTo }: CompletedSignIn): void {
  if (returnTo !== undefined) window.history.replaceState(window.history.state, '', returnTo);
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
  return createOidcSession({ ...options, userManager });
}

function isUserManager(oidc: UserManager | UserManagerSettings): oidc is UserManager {
  return typeof (oidc as Partial<UserManager>).signinRedirect === 'function';
}
