import { initialSessionState, type FederatedSession, type SessionSnapshot } from '@fedcreds/core';

/** The session's actions and SDK provider, bound once per session. */
export interface AwsCredentialsActions {
  /**
   * Renews the credentials now (single-flight in the core). `force` renews even if the current
   * ones are still fresh.
   */
  refresh: FederatedSession['refresh'];
  /** Starts the identity provider's sign-in (for an OIDC session, a redirect). */
  signIn: FederatedSession['signIn'];
  /** Signs out: forgets the credentials and the IdP session. */
  signOut: FederatedSession['signOut'];
  /** SDK v3 credential provider to pass as `credentials` to any client. */
  credentialProvider: FederatedSession['credentialProvider'];
}

/** What {@link useAwsCredentials} returns: the session's snapshot plus its actions. */
export type AwsCredentialsState = SessionSnapshot & AwsCredentialsActions;

/**
 * The provider's context value: a session seen as a `useSyncExternalStore` store whose state is
 * the snapshot merged with stable actions, rebuilt only when the snapshot object changes. On the
 * server and while hydrating it is the session's initial (`idle`) state.
 * @internal
 */
export interface CredentialsStore {
  readonly session: FederatedSession;
  readonly subscribe: (listener: () => void) => () => void;
  readonly getState: () => AwsCredentialsState;
  readonly getServerState: () => AwsCredentialsState;
}

/** @internal */
export function createCredentialsStore(session: FederatedSession): CredentialsStore {
  const actions: AwsCredentialsActions = {
    refresh: (options) => session.refresh(options),
    signIn: () => session.signIn(),
    signOut: () => session.signOut(),
    credentialProvider: session.credentialProvider,
  };
  const serverState: AwsCredentialsState = { ...initialSessionState, ...actions };
  let lastSnapshot: SessionSnapshot | undefined;
  let lastState = serverState;
  return {
    session,
    subscribe: session.subscribe,
    getState() {
      const snapshot = session.getSnapshot();
      if (snapshot !== lastSnapshot) {
        lastSnapshot = snapshot;
        lastState = { ...snapshot, ...actions };
      }
      return lastState;
    },
    getServerState: () => serverState,
  };
}
