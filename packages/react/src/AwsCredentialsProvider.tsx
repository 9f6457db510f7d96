'use client';
import type { FederatedSession } from '@fedcreds/core';
import { useEffect, useMemo } from 'react';
import type { ReactNode } from 'react';
import { AwsCredentialsContext } from './AwsCredentialsContext.js';
import { createCredentialsStore } from './credentialsStore.js';

/** {@link AwsCredentialsProvider} over a session the app built itself. */
export interface AwsCredentialsSessionProps {
  /** The session to expose. The provider starts it on mount and stops it on unmount. */
  session: FederatedSession;
  /** The tree whose hooks read this session. */
  children?: ReactNode;
}

/** Props of {@link AwsCredentialsProvider}: the session to expose. */
export type AwsCredentialsProviderProps = AwsCredentialsSessionProps;

/**
 * Makes a federated session available to {@link useAwsCredentials} and the other hooks below it.
 *
 * It starts `session` after mounting and stops it on unmount (the core reference-counts both, so
 * StrictMode's mount–unmount–mount costs one session and one STS call). The provider holds no
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

  return (
    <AwsCredentialsContext.Provider value={store}>{props.children}</AwsCredentialsContext.Provider>
  );
}
