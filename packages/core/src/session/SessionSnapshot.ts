import type { AwsCredentialIdentity } from '@smithy/types';
import type { FedcredsError } from '../errors.js';
import type { SessionProfile } from '../jwt/profileClaims.js';

/**
 * Where a session stands.
 *
 * - `idle` — not started, nothing obtained yet.
 * - `loading` — getting the first credentials (possibly retrying after failures; see `error`).
 * - `ready` — valid credentials, nothing to do.
 * - `refreshing` — valid credentials while new ones are fetched (or retried after a failure).
 * - `expired` — the credentials expired before new ones came (e.g. the laptop slept, or STS is
 *   down); the session keeps trying and the provider waits instead of handing out dead ones.
 * - `reauth-required` — the IdP needs the user (`error.reason` says why); call `signIn()`.
 * - `error` — a failure retrying will not fix (`AccessDenied`, bad parameters, a token STS keeps
 *   rejecting). Credentials still valid keep being served; `refresh()` tries again.
 * - `signed-out` — after `signOut()`; `signIn()` starts over.
 */
export type SessionStatus =
  | 'idle'
  | 'loading'
  | 'ready'
  | 'refreshing'
  | 'expired'
  | 'reauth-required'
  | 'error'
  | 'signed-out';

/** Who the credentials belong to, from the IdP token and the STS response. Fields absent when unknown. */
export interface SessionIdentity {
  /** The IdP's subject (`sub`, SAML `NameID`). */
  readonly subject?: string;
  /** The IdP (`iss`, SAML issuer). */
  readonly issuer?: string;
  /** The client the token was issued to (`aud`, SAML audience). */
  readonly audience?: string;
  /** The role that was assumed. */
  readonly roleArn?: string;
  /** The assumed-role session ARN STS returned. */
  readonly assumedRoleArn?: string;
  /**
   * The user's profile claims from the OpenID Connect token (`name`, `email`,
   * `preferred_username`, …), for display: never a token. Absent when the token carries none.
   */
  readonly profile?: SessionProfile;
}

/** The fields every {@link SessionSnapshot} has, whatever its status. */
export interface SessionSnapshotFields {
  /** Where the session stands. */
  readonly status: SessionStatus;
  /**
   * The credentials to sign with, or `null`. Their `expiration` is `expiresAt` (local clock), so
   * SDK clients cache them correctly even when the local clock is wrong.
   */
  readonly credentials: AwsCredentialIdentity | null;
  /** When the credentials expire, on the local clock (corrected for its skew). Kept after expiry. */
  readonly expiresAt: Date | null;
  /** When the IdP token used last expires, on the local clock (JWT `exp`, SAML `NotOnOrAfter`). */
  readonly tokenExpiresAt: Date | null;
  /** Who the credentials belong to. */
  readonly identity: SessionIdentity | null;
  /** The last failure, until a refresh succeeds. */
  readonly error: FedcredsError | null;
  /** When credentials were last obtained, on the local clock. */
  readonly lastRefreshedAt: Date | null;
  /** Whether a refresh request is in flight. */
  readonly isRefreshing: boolean;
  /**
   * Credentials are held and still served, but the last refresh failed (`error` says why): the
   * session is retrying, or stopped on the failure, and the credentials run out at `expiresAt`.
   * A UI shows this as a non-blocking warning; AWS calls keep working until then.
   */
  readonly degraded: boolean;
  /** Server time minus local time, in milliseconds, as last estimated. */
  readonly clockSkewMs: number;
}

/** A snapshot with credentials to sign with: `ready`, or `refreshing` while they are still valid. */
export interface UsableSessionSnapshot extends SessionSnapshotFields {
  readonly status: 'ready' | 'refreshing';
  readonly credentials: AwsCredentialIdentity;
  readonly expiresAt: Date;
}

/** A snapshot that never holds credentials: not started, waiting for the first, expired, or signed out. */
export interface EmptySessionSnapshot extends SessionSnapshotFields {
  readonly status: 'idle' | 'loading' | 'expired' | 'signed-out';
  readonly credentials: null;
}

/**
 * A snapshot stopped on a failure only the user or `refresh()` moves past; credentials still valid
 * are kept (and served) until they expire.
 */
export interface StoppedSessionSnapshot extends SessionSnapshotFields {
  readonly status: 'reauth-required' | 'error';
  readonly error: FedcredsError;
}

/**
 * An immutable picture of a session, narrowing on `status`: `ready`/`refreshing` ⇒ `credentials`
 * and `expiresAt` are set; `idle`/`loading`/`expired`/`signed-out` ⇒ `credentials` is `null`;
 * `error`/`reauth-required` ⇒ `error` is set. `getSnapshot()` returns the same object until
 * something changes, so it can feed `useSyncExternalStore` directly. Nothing in it reveals a
 * secret: `JSON.stringify(snapshot)` shows the secret key and session token as `[redacted]`.
 *
 * @example
 * ```ts
 * const snapshot = session.getSnapshot();
 * if (snapshot.status === 'ready') sign(snapshot.credentials); // no `!` needed
 * ```
 */
export type SessionSnapshot = UsableSessionSnapshot | EmptySessionSnapshot | StoppedSessionSnapshot;
