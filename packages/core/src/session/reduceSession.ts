import type { AwsCredentialIdentity } from '@smithy/types';
import { ReauthRequiredError, type FedcredsError } from '../errors.js';
import { isTerminalStatus } from './sessionPolicy.js';
import type { SessionRecord } from './SessionRecord.js';
import type { SessionIdentity, SessionSnapshot, SessionSnapshotFields } from './SessionSnapshot.js';

/** Everything that can happen to a session's state. Times come in the action: the reducer never reads a clock. */
export type SessionAction =
  /** A refresh request started. */
  | { type: 'refreshStarted' }
  /** Credentials arrived (from STS, storage, or another tab). */
  | {
      type: 'credentialsReceived';
      credentials: AwsCredentialIdentity;
      expiresAt: Date;
      tokenExpiresAt: Date | null;
      identity: SessionIdentity | null;
      refreshedAt: Date;
      clockSkewMs: number;
    }
  /** A refresh failed; `fatal` when trying again cannot help (the error is not retryable). */
  | { type: 'refreshFailed'; error: FedcredsError; fatal: boolean }
  /** The refresh in flight was abandoned (`stop()`), not failed. */
  | { type: 'refreshAborted' }
  /** The clock passed `expiresAt` before new credentials arrived. */
  | { type: 'credentialsExpired' }
  /** `signOut()`, here or elsewhere. */
  | { type: 'signedOut' }
  /**
   * The IdP's user is no longer the one the credentials belong to: they are dropped and the
   * session stops on `error` (an `IdentityChangedError`) until the app or the user moves on.
   */
  | { type: 'identityChanged'; error: FedcredsError };

/**
 * The snapshot of a session that has not started: what a server renders, and what hydration
 * expects before the session's first update.
 */
export const initialSessionState: SessionSnapshot = Object.freeze({
  status: 'idle',
  credentials: null,
  expiresAt: null,
  tokenExpiresAt: null,
  identity: null,
  error: null,
  lastRefreshedAt: null,
  isRefreshing: false,
  degraded: false,
  clockSkewMs: 0,
});

/** The `credentialsReceived` action for `record`, whose credentials are `credentials`. */
export function credentialsReceived(
  record: SessionRecord,
  credentials: AwsCredentialIdentity,
): SessionAction {
  return {
    type: 'credentialsReceived',
    credentials,
    expiresAt: new Date(record.expiresAtMs),
    tokenExpiresAt: record.tokenExpiresAtMs === null ? null : new Date(record.tokenExpiresAtMs),
    identity: record.identity,
    refreshedAt: new Date(record.issuedAtMs),
    clockSkewMs: record.clockSkewMs,
  };
}

/**
 * The session's state machine: a pure function of the previous snapshot and an action. Returns
 * the previous object itself when nothing changed, so listeners are not woken for nothing.
 *
 * @example
 * ```ts
 * let state = initialSessionState;
 * state = reduceSession(state, { type: 'refreshStarted' }); // status 'loading'
 * ```
 */
export function reduceSession(state: SessionSnapshot, action: SessionAction): SessionSnapshot {
  switch (action.type) {
    case 'refreshStarted':
      return update(state, {
        status:
          state.status === 'expired' ? 'expired' : state.credentials ? 'refreshing' : 'loading',
        isRefreshing: true,
      });
    case 'credentialsReceived':
      return update(state, {
        status: 'ready',
        credentials: action.credentials,
        expiresAt: action.expiresAt,
        tokenExpiresAt: action.tokenExpiresAt,
        identity: action.identity,
        error: null,
        lastRefreshedAt: action.refreshedAt,
        isRefreshing: false,
        clockSkewMs: action.clockSkewMs,
      });
    case 'refreshFailed':
      return update(state, {
        status: action.fatal
          ? action.error instanceof ReauthRequiredError
            ? action.error.reason === 'signed_out'
              ? 'signed-out'
              : 'reauth-required'
            : 'error'
          : state.status === 'expired'
            ? 'expired'
            : state.credentials
              ? 'refreshing'
              : 'loading',
        error: action.error,
        isRefreshing: false,
      });
    case 'refreshAborted':
      return update(state, {
        status:
          state.status === 'loading' || state.status === 'refreshing'
            ? state.credentials
              ? 'ready'
              : 'idle'
            : state.status,
        isRefreshing: false,
      });
    case 'credentialsExpired':
      if (state.credentials === null) return state;
      return update(state, {
        status: isTerminalStatus(state.status) ? state.status : 'expired',
        credentials: null,
      });
    case 'signedOut':
      return update(state, {
        ...initialSessionState,
        status: 'signed-out',
        clockSkewMs: state.clockSkewMs,
      });
    case 'identityChanged':
      return update(state, {
        ...initialSessionState,
        status: 'reauth-required',
        error: action.error,
        clockSkewMs: state.clockSkewMs,
      });
    default:
      return assertNever(action);
  }
}

/**
 * `state` with `changes` applied, frozen — or `state` itself if no value actually changes. The
 * transitions above keep the union's promises (`ready`/`refreshing` only with credentials, …);
 * the tests of every transition check them.
 */
function update(state: SessionSnapshot, changes: Partial<SessionSnapshotFields>): SessionSnapshot {
  const next = { ...state, ...changes };
  // Decided here, once, for every UI: credentials served while the last refresh failed.
  next.degraded = next.credentials !== null && next.error !== null;
  for (const key of Object.keys(next) as (keyof SessionSnapshotFields)[]) {
    if (!Object.is(state[key], next[key])) return Object.freeze(next) as SessionSnapshot;
  }
  return state;
}

function assertNever(action: never): never {
  throw new Error(`Unknown session action: ${JSON.stringify(action)}`);
}
