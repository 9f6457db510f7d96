'use client';
import type { FederatedSession } from '@fedcreds/core';
import { useEffect, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import { AwsCredentialsContext } from './AwsCredentialsContext.js';
import { createCredentialsStore } from './credentialsStore.js';

/** What the page the IdP redirected back to hands the app: what `signIn()` was given. */
export interface SignInCompletion {
  /** The `returnTo` path of `signIn({ returnTo })`, if any. */
  readonly returnTo: string | undefined;
  /** The `state` of `signIn({ state })`, if any. */
  readonly state: unknown;
}

/** {@link AwsCredentialsProvider} over a session the app built itself. */
export interface AwsCredentialsSessionProps {
  /** The session to expose. The provider starts it on mount and stops it on unmount. */
  session: FederatedSession;
  /** The tree whose hooks read this session. */
  children?: ReactNode;
  /**
   * Called once when the page the IdP redirected back to completed the sign-in, with the
   * `returnTo` and `state` that `signIn()` was given — for an app with a router, to navigate
   * there. Only for a session whose token source completes redirects (`completeSignIn`, as
   * `createOidcSession`'s does).
   * @default puts `returnTo` in the address bar with `history.replaceState` (when there is one)
   */
  onSignInComplete?: ((signIn: SignInCompletion) => void) | undefined;
}

/** Props of {@link AwsCredentialsProvider}: the session to expose. */
export type AwsCredentialsProviderProps = AwsCredentialsSessionProps;

/**
 * Makes a federated session available to {@link useAwsCredentials} and the other hooks below it.
 *
 * It starts `session` after mounting and stops it on unmount (the core reference-counts both, so
 * StrictMode's mount–unmount–mount costs one session and one STS call). After a redirect sign-in
 * it restores the `returnTo` path `signIn({ returnTo })` was given (see `onSignInComplete`). The
 * provider holds no
 * credential logic: sign-in, renewal, token re-acquisition and expiry are the core session's.
 * To build an OIDC session from `oidc` settings, use the provider of `@fedcreds/react/oidc`: this
 * one does not import oidc-client-ts, so a SAML-only app or one that builds its own session ships
 * none of it.
 *
 * Safe to render on a server: nothing touches `window` until effects run, and hooks read the
 * `idle` snapshot there.
 *
 * @example
 * ```tsx
 * const session = createFederatedSession({ credentials, tokenSource }); // once, outside render
 * <AwsCredentialsProvider session={session}>
 *   <App />
 * </AwsCredentialsProvider>
 * ```
 */
export function AwsCredentialsProvider(props: AwsCredentialsProviderProps): ReactNode {
  const { session } = props;
  if (!session) {
    // JavaScript callers get no type error for the OIDC props this entry no longer takes.
    throw new Error(
      'AwsCredentialsProvider needs a `session`. To build one from `oidc` settings, import AwsCredentialsProvider from @fedcreds/react/oidc.',
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
    const completion = tokenSourceOf(session)?.completeSignIn?.();
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

/** The token source of a session that exposes one (an `OidcSession` does). */
const tokenSourceOf = (session: FederatedSession) =>
  (
    session as {
      tokenSource?: { completeSignIn?: () => Promise<SignInCompletion | null> };
    }
  ).tokenSource;

/** Sign-ins whose return was handled: StrictMode's second effect and a re-mount skip them. */
const handled = new WeakSet<SignInCompletion>();

/** The default `onSignInComplete`: back to where `signIn({ returnTo })` was asked for. */
function restoreReturnTo({ returnTo }: SignInCompletion): void {
  if (returnTo !== undefined) window.history.replaceState(window.history.state, '', returnTo);
}
