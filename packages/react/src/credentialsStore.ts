import { initialSessionState } from '@fedcreds/core';
import type {
  FederatedSession,
  SessionSnapshot,
  SignInOptions,
  SessionSignOutOptions,
} from '@fedcreds/core';

/** The session's actions and SDK provider, bound once per session. */
export interface AwsCredentialsActions {
  /**
   * Renews the credentials now (single-flight in the core). `force` renews even if the current
   * ones are still fresh.
   */
  refresh: FederatedSession['refresh'];
  /**
   * Starts the identity provider's sign-in, passing `options` to the session: for an OIDC
   * session a redirect, or a popup with `{ popup: true }`; `returnTo` (a path on this origin, put
   * back in the address bar after the redirect), `state`, `loginHint`, `extraQueryParams`.
   */
  signIn: (options?: SignInOptions) => Promise<void>;
  /**
   * Signs out: forgets the credentials and the user's tokens; with `{ idp: true }` also ends the
   * session at the identity provider, so the next sign-in asks for the password again.
   */
  signOut: (options?: SessionSignOutOptions) => Promise<void>;
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
    // The session hands the options to its token source (oidcTokenSource's sign-in and sign-out).
    signIn: (options) => session.signIn(options),
    signOut: (options) => session.signOut(options),
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
