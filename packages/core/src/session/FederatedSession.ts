import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ChainableTemporaryCredentials } from '../credentials/ChainableTemporaryCredentials.js';
import type { SAMLCredentials } from '../credentials/SAMLCredentials.js';
import type { WebIdentityCredentials } from '../credentials/WebIdentityCredentials.js';
import type { CrossTab } from '../crossTab/crossTab.js';
import type { FedcredsError, IdentityRef, ReauthRequiredError } from '../errors.js';
import type { Clock } from '../time/Clock.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import type { SignInOptions, SignOutOptions, TokenSource } from '../tokenSources/TokenSource.js';
import type { RetryOptions } from './backoffDelayMs.js';
import type { SessionCoordinator } from './SessionCoordinator.js';
import type { SessionEnvironment } from './SessionEnvironment.js';
import type { SessionLogger } from './SessionLogger.js';
import type { SessionPersistence } from './sessionPersistence.js';
import type { SessionSnapshot } from './SessionSnapshot.js';

export type { SessionIdentity, SessionSnapshot, SessionStatus } from './SessionSnapshot.js';

/** The credential objects a {@link FederatedSession} can own. */
export type SessionCredentials =
  WebIdentityCredentials | SAMLCredentials | ChainableTemporaryCredentials;

/** Options of `createFederatedSession`. */
export interface FederatedSessionOptions {
  /** The credential object the session keeps valid. It is refreshed only by the session from now on. */
  credentials: SessionCredentials;
  /**
   * Where the IdP token comes from before each refresh. Required for `WebIdentityCredentials` and
   * `SAMLCredentials`; not accepted for `ChainableTemporaryCredentials` (give it to the master).
   */
  tokenSource?: TokenSource | undefined;
  /**
   * The session whose credentials sign this chained session's AssumeRole (pass
   * `master.credentialProvider` as the `masterCredentials`). Started and stopped with this one;
   * its `reauth-required` and `signed-out` propagate here, and `signIn`/`signOut` go through it.
   */
  master?: FederatedSession | undefined;
  /** How long before expiry credentials are renewed, in milliseconds. @default 300000 (5 minutes) */
  refreshWindowMs?: number | undefined;
  /** Upper bound of a random extra lead added to `refreshWindowMs`, in milliseconds. @default 30000 */
  refreshJitterMs?: number | undefined;
  /**
   * How close to their expiry the credential provider still hands out the credentials it holds,
   * in milliseconds — while a refresh is due, and while STS fails (the snapshot is then
   * `degraded`). Closer than this a read waits for fresh credentials (`recoveryTimeoutMs`), as a
   * request signed now must still reach AWS before they expire. Capped at a quarter of the
   * credentials' lifetime. @default 15000 (SDK v2's `expiryWindow`)
   */
  expiryMarginMs?: number | undefined;
  /** Timeout of each STS request and each token acquisition, in milliseconds. @default 15000 */
  requestTimeoutMs?: number | undefined;
  /** Backoff of retryable failures: full jitter, doubling from `baseDelayMs` up to `maxDelayMs`. */
  retry?: RetryOptions | undefined;
  /**
   * How long `refresh()`, and a credential read that finds no usable credentials, keep waiting
   * while the session retries a transient failure (throttling, a 5xx, the network), in
   * milliseconds: they settle with the session's recovery, or reject with the last error after
   * this long. `0` rejects on the first failure. @default 30000
   */
  recoveryTimeoutMs?: number | undefined;
  /**
   * Receives the engine's decisions (why a refresh ran, a token re-acquired, credentials adopted
   * or restored, a retry planned, why it stopped), never a secret. @default none
   */
  logger?: SessionLogger | undefined;
  /**
   * Where credentials live between page loads. `'memory'` keeps them in this page only.
   * `'sessionStorage'` lets a reload in the same tab reuse still-fresh credentials without an STS
   * call — at the price of the secret key being readable by any script of the origin for the
   * tab's life (it is cleared by `signOut()` and when the tab closes). `localStorage` is never
   * used. Or pass any `{ storage }` with the Web Storage methods.
   * @default 'memory'
   */
  persistence?: SessionPersistence | undefined;
  /** Storage key of the persisted credentials. @default `fedcreds:session:<RoleArn>` */
  storageKey?: string | undefined;
  /** The local clock. @default Date */
  clock?: Clock | undefined;
  /** Timer functions, looked up on `globalThis` at each call by default (so fake timers apply). */
  timers?: TimerProvider | undefined;
  /** Random numbers in [0, 1) for jitter. @default Math.random */
  random?: (() => number) | undefined;
  /**
   * Visibility and network signals that make the session look at the clock again; `null` for
   * none. @default `document` `visibilitychange` and `window` `online`, when present
   */
  environment?: SessionEnvironment | null | undefined;
  /**
   * Cross-tab coordination (one refresher per origin). Without it each tab refreshes on its own.
   * Not together with `crossTab`, which builds one.
   * @experimental
   */
  coordinator?: SessionCoordinator | undefined;
  /**
   * Share credentials with this session's twins in the other tabs of the origin that hold the
   * same identity (IdP user, role, STS): one tab calls STS and renews the IdP token per refresh
   * (elected with Web Locks) and the others adopt the result (BroadcastChannel, in memory, never
   * `localStorage`); a tab opened later gets credentials without an STS call; `signOut()` in one
   * tab signs out all. `crossTab()`, or `crossTab({ … })` with options such as the name prefix
   * (a function, so an app without it ships no cross-tab code). Where Web Locks or
   * BroadcastChannel is missing each tab refreshes on its own. See `createCrossTabCoordinator`.
   * @default false (each tab on its own); with `crossTab()` groups are named `fedcreds:<hash of the identity>`
   */
  crossTab?: CrossTab | false | undefined;
}

/** Payloads of the events `session.on(type, handler)` delivers. */
export interface SessionEventMap {
  /** New credentials arrived. */
  refreshed: {
    /** The new credentials. */
    credentials: AwsCredentialIdentity;
    /** When they expire, on the local clock (skew-corrected). */
    expiresAt: Date;
    /**
     * Where they came from: this tab's own STS call, the session's storage on start, or another
     * tab of the group (cross-tab adoption).
     */
    source: 'sts' | 'storage' | 'peer';
  };
  /** A refresh failed inside the refresh window: the current credentials are running out. */
  expiring: {
    /** When the current credentials expire, on the local clock. */
    expiresAt: Date;
    /** Milliseconds until then. */
    msLeft: number;
  };
  /** The credentials expired before new ones arrived. */
  expired: {
    /** When the credentials expired, on the local clock. */
    expiredAt: Date;
  };
  /** The IdP token is about to expire (a minute ahead; it is renewed before the next STS call). */
  'token-expiring': {
    /** When the IdP token expires, on the local clock. */
    tokenExpiresAt: Date;
    /** Milliseconds until then. */
    msLeft: number;
  };
  /** The IdP needs the user to sign in again. */
  'reauth-required': {
    /** Why the IdP needs the user (`reason`: `login_required`, no refresh token, …). */
    error: ReauthRequiredError;
  };
  /** A refresh attempt failed; `willRetry` says whether the session retries, in `retryInMs`. */
  error: {
    /** What failed (secret-free). */
    error: FedcredsError;
    /** Whether the session tries again by itself. */
    willRetry: boolean;
    /** Consecutive failed attempts, this one included (1 for the first). */
    attempt: number;
    /** When it retries, in milliseconds from now; absent when `willRetry` is false. */
    retryInMs?: number;
  };
  /** The session was signed out (here, through the master, or from another tab). */
  'signed-out': Record<string, never>;
  /**
   * The token source's user is not the one the credentials belonged to: the session dropped them
   * and stopped in `reauth-required` (with an `IdentityChangedError`) instead of using the new
   * user's token silently. `signIn()` or `refresh()` goes on as the new user.
   */
  'identity-changed': {
    /** Whom the dropped credentials belonged to. */
    previous: IdentityRef;
    /** Whom the token source's token names now. */
    next: IdentityRef;
  };
}

/** Options of {@link FederatedSession.refresh}. */
export interface SessionRefreshOptions {
  /** Fetch new credentials even if the current ones are fresh. @default false */
  force?: boolean | undefined;
}

/**
 * Keeps one credential object valid for as long as it is started: gets the IdP token before each
 * refresh, refreshes ahead of expiry, retries what can be retried, reports the rest. Create it
 * with `createFederatedSession`.
 */
export interface FederatedSession {
  /**
   * The credential object the session owns. Its v2-style fields (`accessKeyId`, `expireTime`, …)
   * follow the snapshot, whether the credentials came from STS, storage or another tab;
   * `expireTime` is the snapshot's skew-corrected `expiresAt`.
   */
  readonly credentials: SessionCredentials;
  /**
   * An SDK v3 credential provider any number of clients can share. Hands out the current
   * credentials while more than a minute (at most a quarter of their lifetime) is left; otherwise
   * waits for the refresh — concurrent calls share one — and rejects rather than return expired
   * credentials. Works before `start()` too (fetching on demand, without scheduling); a later
   * `start()` adopts such a fetch, so its last `stop()` aborts it.
   */
  readonly credentialProvider: AwsCredentialIdentityProvider;
  /** The current snapshot; the same object while nothing changed. Never reads the clock. Bound. */
  getSnapshot(): SessionSnapshot;
  /** Calls `listener` after every snapshot change; returns the unsubscribe function. Bound. */
  subscribe(listener: () => void): () => void;
  /** Calls `handler` on each event of `type`; returns a function that removes it. Bound. */
  on<K extends keyof SessionEventMap>(
    type: K,
    handler: (event: SessionEventMap[K]) => void,
  ): () => void;
  /**
   * Starts keeping the credentials fresh (restoring persisted ones, or fetching). Reference
   * counted: each `start()` needs its `stop()`. Idempotent for each owner; the constructor does
   * nothing until then.
   */
  start(): void;
  /**
   * Undoes one `start()`; the last one clears every timer and listener and aborts in-flight work
   * (including a refresh fetched on demand before `start()`).
   */
  stop(): void;
  /**
   * Resolves with fresh credentials: the current ones if they are outside the refresh window,
   * else (or with `force`, or after a failure left the session in `error` or `reauth-required`)
   * new ones from STS — joining a refresh in flight.
   */
  refresh(options?: SessionRefreshOptions): Promise<AwsCredentialIdentity>;
  /**
   * Starts the token source's interactive sign-in (`tokenSource.signIn(options)`: `returnTo`,
   * `state`, `loginHint`, `extraQueryParams`, `popup`), then fetches credentials. A redirect
   * sign-in navigates away, so this never resolves then; a popup one resolves when signed in.
   */
  signIn(options?: SignInOptions): Promise<void>;
  /**
   * Signs out: clears the credentials, the IdP token and any persisted copy, stops every timer,
   * sets status `signed-out` and emits `signed-out`, then calls `tokenSource.signOut(options)` —
   * with `{ idp: true }` the token source also ends the IdP session.
   */
  signOut(options?: SessionSignOutOptions): Promise<void>;
}

/** Options of {@link FederatedSession.signOut}. */
export type SessionSignOutOptions = Pick<SignOutOptions, 'idp'>;
