import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ChainableTemporaryCredentials } from '../credentials/ChainableTemporaryCredentials.js';
import { resolveCrossTab } from '../crossTab/resolveCrossTab.js';
import { SAMLCredentials } from '../credentials/SAMLCredentials.js';
import { WebIdentityCredentials } from '../credentials/WebIdentityCredentials.js';
import {
  AbortedError,
  FedcredsError,
  InvalidParameterError,
  ReauthRequiredError,
  SignedOutError,
  TimeoutError,
  TokenUnavailableError,
  type StsError,
} from '../errors.js';
import { protectIdentity } from '../protectIdentity.js';
import { reportUncaught } from '../reportUncaught.js';
import { Subscribable } from '../Subscribable.js';
import { Alarm } from '../time/Alarm.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { raceSignal } from '../time/raceSignal.js';
import { timeoutSignal } from '../time/timeoutSignal.js';
import { globalTimers, type TimerProvider } from '../time/TimerProvider.js';
import { toFedcredsError } from '../toFedcredsError.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import {
  backoffDelayMs,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  type RetryOptions,
} from './backoffDelayMs.js';
import { describeToken, type TokenDescription } from './describeToken.js';
import type {
  FederatedSession,
  FederatedSessionOptions,
  SessionCredentials,
  SessionEventMap,
  SessionRefreshOptions,
  SessionSnapshot,
} from './FederatedSession.js';
import {
  DEFAULT_REFRESH_JITTER_MS,
  DEFAULT_REFRESH_WINDOW_MS,
  planRefresh,
} from './planRefresh.js';
import { recordServerDate } from './recordServerDate.js';
import { initialSessionState, reduceSession, type SessionAction } from './reduceSession.js';
import type {
  CoordinatorMessage,
  CoordinatorPeer,
  SessionCoordinator,
} from './SessionCoordinator.js';
import {
  browserEnvironment,
  type EnvironmentSignal,
  type SessionEnvironment,
} from './SessionEnvironment.js';
import {
  createSessionStore,
  type SessionPersistence,
  type SessionStore,
} from './sessionPersistence.js';
import { isSameRecord, type SessionRecord } from './SessionRecord.js';
import { toSessionRecord } from './toSessionRecord.js';

/** Default timeout of each STS request and each token acquisition, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/**
 * How much validity an IdP token must have left when the session sends it to STS, in
 * milliseconds; a token closer to its (skew-corrected) `exp` is re-acquired with `forceRefresh`.
 */
export const TOKEN_MIN_VALIDITY_MS = 30_000;
/** How long before the IdP token's expiry `token-expiring` is emitted, in milliseconds. */
export const TOKEN_EXPIRING_LEAD_MS = 60_000;
/**
 * Least time between two scheduled refreshes, in milliseconds: a last guard against a refresh
 * loop should every estimate of the credentials' lifetime be wrong.
 */
export const MIN_REFRESH_INTERVAL_MS = 1_000;

type TokenParam = 'WebIdentityToken' | 'SAMLAssertion';
type Handler = (event: never) => void;

/**
 * Creates a session that keeps `options.credentials` valid while it is started: before each STS
 * refresh it gets the IdP token from `options.tokenSource` and writes it into
 * `params.WebIdentityToken` / `params.SAMLAssertion`; it refreshes `refreshWindowMs` (plus jitter)
 * ahead of expiry, retries retryable failures with capped exponential backoff, reports everything
 * through `getSnapshot()`/`subscribe()` and typed events, and serves SDK v3 clients through
 * `credentialProvider`. Creating it has no side effect; `start()` begins the work.
 *
 * @throws {@link InvalidParameterError} for a missing or misplaced `tokenSource` or an option out of range.
 *
 * @example
 * ```ts
 * const session = createFederatedSession({
 *   credentials: new WebIdentityCredentials({ RoleArn }, { region: 'eu-west-1' }),
 *   tokenSource: oidcTokenSource(userManager),
 * });
 * session.on('reauth-required', () => showSignInButton());
 * session.start();
 * const s3 = new S3Client({ region: 'eu-west-1', credentials: session.credentialProvider });
 * ```
 */
export function createFederatedSession(options: FederatedSessionOptions): FederatedSession {
  return new SessionEngine(options);
}

class SessionEngine extends Subscribable implements FederatedSession {
  readonly credentials: SessionCredentials;
  readonly credentialProvider: AwsCredentialIdentityProvider;

  readonly #tokenSource: TokenSource | undefined;
  readonly #tokenParam: TokenParam | null;
  readonly #master: FederatedSession | undefined;
  readonly #refreshWindowMs: number;
  readonly #refreshJitterMs: number;
  readonly #requestTimeoutMs: number;
  readonly #retry: Required<RetryOptions>;
  readonly #persistence: SessionPersistence;
  readonly #storageKey: string;
  readonly #clock: Clock;
  readonly #timers: TimerProvider;
  readonly #random: () => number;
  readonly #environment: SessionEnvironment | null;
  readonly #coordinator: SessionCoordinator | undefined;
  readonly #alarm: Alarm;

  #state: SessionSnapshot = initialSessionState;
  readonly #handlers = new Map<keyof SessionEventMap, Set<Handler>>();

  #starts = 0;
  #lifetime: AbortController | null = null;
  readonly #detach: (() => void)[] = [];
  #store: SessionStore | null | undefined;

  /** The refresh in flight, shared by every caller. */
  #inFlight: Promise<AwsCredentialIdentity> | null = null;
  /** Bumped by `signOut()`: a refresh begun before it must not bring credentials back. */
  #epoch = 0;
  /** Consecutive failed attempts. */
  #attempt = 0;

  // Deadlines, local-clock milliseconds. One alarm wakes the session at the earliest.
  #record: SessionRecord | null = null;
  #usableUntilMs = Number.NEGATIVE_INFINITY;
  #refreshAtMs: number | null = null;
  #retryAtMs: number | null = null;
  #tokenWarnAtMs: number | null = null;

  constructor(options: FederatedSessionOptions) {
    super();
    const { credentials, tokenSource } = options;
    this.credentials = credentials;
    this.#tokenParam =
      credentials instanceof WebIdentityCredentials
        ? 'WebIdentityToken'
        : credentials instanceof SAMLCredentials
          ? 'SAMLAssertion'
          : null;
    if (this.#tokenParam === null && !(credentials instanceof ChainableTemporaryCredentials)) {
      throw new InvalidParameterError(
        'credentials',
        'must be a WebIdentityCredentials, SAMLCredentials or ChainableTemporaryCredentials object',
      );
    }
    if (this.#tokenParam !== null && !tokenSource) {
      throw new InvalidParameterError(
        'tokenSource',
        `is required for ${credentials.constructor.name}: the session gets a fresh ${this.#tokenParam} from it before every refresh (oidcTokenSource(userManager) or callbackTokenSource(fn))`,
      );
    }
    if (this.#tokenParam === null && tokenSource) {
      throw new InvalidParameterError(
        'tokenSource',
        'is not used by ChainableTemporaryCredentials, which sends no IdP token; give it to the master session and pass `master`',
      );
    }
    this.#tokenSource = tokenSource;
    this.#master = options.master;
    this.#refreshWindowMs = nonNegative(
      'refreshWindowMs',
      options.refreshWindowMs,
      DEFAULT_REFRESH_WINDOW_MS,
    );
    this.#refreshJitterMs = nonNegative(
      'refreshJitterMs',
      options.refreshJitterMs,
      DEFAULT_REFRESH_JITTER_MS,
    );
    this.#requestTimeoutMs = positive(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      DEFAULT_REQUEST_TIMEOUT_MS,
    );
    this.#retry = {
      baseDelayMs: positive(
        'retry.baseDelayMs',
        options.retry?.baseDelayMs,
        DEFAULT_RETRY_BASE_DELAY_MS,
      ),
      maxDelayMs: positive(
        'retry.maxDelayMs',
        options.retry?.maxDelayMs,
        DEFAULT_RETRY_MAX_DELAY_MS,
      ),
    };
    this.#persistence = options.persistence ?? 'memory';
    const roleArn = (credentials.params as { RoleArn?: string }).RoleArn;
    this.#storageKey = options.storageKey ?? `fedcreds:session:${roleArn ?? 'session-token'}`;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? globalTimers;
    this.#random = options.random ?? Math.random;
    this.#environment =
      options.environment === undefined ? browserEnvironment() : options.environment;
    if (options.coordinator && options.crossTab !== undefined && options.crossTab !== false) {
      throw new InvalidParameterError(
        'crossTab',
        'cannot be combined with `coordinator`, which replaces it; pass one or the other',
      );
    }
    this.#coordinator =
      options.coordinator ??
      resolveCrossTab(options.crossTab, {
        credentials,
        tokenSource,
        clock: this.#clock,
        timers: this.#timers,
      });
    this.#alarm = new Alarm(this.#clock, this.#timers, () => this.#tick());

    // Bound, so they can be passed around (`useSyncExternalStore(session.subscribe, …)`);
    // Subscribable binds `subscribe`.
    this.getSnapshot = this.getSnapshot.bind(this);
    this.on = this.on.bind(this);
    // The hot path SDK clients take when they ask: one clock read, one comparison. `Date.now` is
    // called directly for the default clock (it needs no receiver), sparing an indirection.
    const clock = this.#clock;
    const now = clock === systemClock ? Date.now : () => clock.now();
    this.credentialProvider = (properties) => {
      const credentials = this.#state.credentials;
      if (
        credentials !== null &&
        now() < this.#usableUntilMs &&
        properties?.['forceRefresh'] !== true
      ) {
        return Promise.resolve(credentials);
      }
      return this.#provideSlowly(properties?.['forceRefresh'] === true);
    };
  }

  // ---------------------------------------------------------------- observation

  getSnapshot(): SessionSnapshot {
    return this.#state;
  }

  on<K extends keyof SessionEventMap>(
    type: K,
    handler: (event: SessionEventMap[K]) => void,
  ): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const entry = handler as Handler;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  #dispatch(action: SessionAction): void {
    const next = reduceSession(this.#state, action);
    if (Object.is(next, this.#state)) return;
    this.#state = next;
    for (const listener of [...this.listeners]) guard(listener);
  }

  #emit<K extends keyof SessionEventMap>(type: K, event: SessionEventMap[K]): void {
    const set = this.#handlers.get(type);
    if (!set) return;
    for (const handler of [...set])
      guard(() => (handler as (event: SessionEventMap[K]) => void)(event));
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    this.#starts += 1;
    if (this.#starts > 1) return;
    // A refresh fetched on demand before start() already runs under this controller: adopting it
    // lets the last stop() abort that refresh too.
    this.#lifetime ??= new AbortController();
    const detach = this.#detach;
    try {
      if (this.#environment) {
        detach.push(this.#environment.subscribe((signal) => this.#onEnvironment(signal)));
      }
      const master = this.#master;
      if (master) {
        master.start();
        detach.push(
          () => master.stop(),
          master.on('reauth-required', ({ error }) => this.#onMasterReauth(error)),
          master.on('signed-out', () => this.#onMasterSignedOut()),
          master.on('refreshed', () => this.#onMasterRefreshed()),
        );
      }
      if (this.#coordinator) detach.push(this.#coordinator.attach(this.#peer()));
    } catch (error) {
      // Not started after all (a coordinator already in use): release what was attached, and
      // leave the count at zero so a later start() starts for real.
      this.#starts = 0;
      for (const undo of detach.splice(0).reverse()) guard(undo);
      throw error;
    }
    if (this.#state.credentials === null && this.#state.status !== 'signed-out') this.#restore();
    this.#tick();
  }

  stop(): void {
    if (this.#starts === 0) return;
    this.#starts -= 1;
    if (this.#starts > 0) return;
    this.#alarm.clear();
    this.#retryAtMs = null;
    for (const detach of this.#detach.splice(0).reverse()) guard(detach);
    const lifetime = this.#lifetime;
    this.#lifetime = null;
    lifetime?.abort(new AbortedError('The session was stopped.'));
  }

  // ---------------------------------------------------------------- commands

  refresh(options: SessionRefreshOptions = {}): Promise<AwsCredentialIdentity> {
    if (this.#state.status === 'signed-out') {
      return Promise.reject(
        new SignedOutError('The session is signed out; call signIn() to start again.'),
      );
    }
    const credentials = this.#state.credentials;
    // After a failure that stopped the session, refresh() is the app asking to try again.
    if (
      options.force !== true &&
      !isSettledByFailure(this.#state.status) &&
      credentials !== null &&
      this.#refreshAtMs !== null &&
      this.#clock.now() < this.#refreshAtMs
    ) {
      return Promise.resolve(credentials);
    }
    return this.#runRefresh();
  }

  async signIn(): Promise<void> {
    // Ends a group sign-out the tabs still remember (before a redirect leaves the page).
    this.#coordinator?.publish({ type: 'signed-in' });
    if (this.#master) await this.#master.signIn();
    else await this.#tokenSource?.signIn?.();
    // After a popup or a custom sign-in the token source has a user now; fetch at once.
    await this.#runRefresh();
  }

  async signOut(): Promise<void> {
    this.#clearLocally();
    this.#coordinator?.publish({ type: 'signed-out' });
    const failures: unknown[] = [];
    await this.#tokenSource?.signOut?.().catch((error: unknown) => failures.push(error));
    const master = this.#master;
    if (master && master.getSnapshot().status !== 'signed-out') {
      await master.signOut().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw toFedcredsError(failures[0]);
  }

  // ---------------------------------------------------------------- the refresh

  #provideSlowly(force: boolean): Promise<AwsCredentialIdentity> {
    if (force) return this.refresh({ force: true });
    if (this.#inFlight) return this.#inFlight;
    const state = this.#state;
    if (state.status === 'signed-out') {
      return Promise.reject(
        new SignedOutError(
          'The session is signed out; call signIn() before using its credentials.',
        ),
      );
    }
    const now = this.#clock.now();
    // Timers may have slept: look at the clock before anything else.
    if (this.#starts > 0) this.#tick();
    if (this.#inFlight) return this.#inFlight;
    const retryPending = this.#retryAtMs !== null && now < this.#retryAtMs;
    if (state.error && (isSettledByFailure(this.#state.status) || retryPending)) {
      // Do not hammer STS from every SDK call while backing off; report why there is nothing.
      return Promise.reject(state.error);
    }
    return this.#runRefresh();
  }

  #runRefresh(): Promise<AwsCredentialIdentity> {
    if (this.#inFlight) return this.#inFlight;
    // A refresh now supersedes the retry or refresh that was due later.
    this.#retryAtMs = null;
    const epoch = this.#epoch;
    // Created here when not started, so the next start() adopts it (see start()).
    this.#lifetime ??= new AbortController();
    const signal = this.#lifetime.signal;
    this.#dispatch({ type: 'refreshStarted' });
    const run = this.#obtain(signal).then(
      (record) => {
        if (epoch !== this.#epoch)
          throw new SignedOutError('The session was signed out during the refresh.');
        // The coordinator may resolve with credentials this session already adopted from another
        // tab while it waited; applying them again would announce a second `refreshed`.
        if (!isSameRecord(record, this.#record)) this.#apply(record, 'sts');
        return this.#state.credentials as AwsCredentialIdentity;
      },
      (error: unknown) => {
        throw this.#fail(toFedcredsError(error), epoch, signal);
      },
    );
    this.#inFlight = run;
    // Registered before any caller's handler: the slot is free when callers hear the outcome.
    run.then(
      () => this.#settle(run),
      () => this.#settle(run),
    );
    this.#alarm.set(this.#nextWakeUp());
    return run;
  }

  #settle(run: Promise<AwsCredentialIdentity>): void {
    if (this.#inFlight !== run) return;
    this.#inFlight = null;
    // Not just reschedule: the session may have been restarted while this run was being aborted.
    this.#tick();
  }

  /** One refresh through the coordinator, if any. */
  #obtain(signal: AbortSignal): Promise<SessionRecord> {
    // The coordinator passes a signal of its own: it also aborts when another tab takes over.
    const fetch = (coordinated: AbortSignal = signal) => this.#fetchFromSts(coordinated);
    return this.#coordinator ? this.#coordinator.runRefresh(fetch, signal) : fetch();
  }

  /**
   * Token, then STS. If STS rejects the token (or the master credentials), one forced
   * re-acquisition and one retry; if it rejects the signature time after the SDK corrected its
   * clock offset, one more signing. Never a loop.
   */
  async #fetchFromSts(signal: AbortSignal): Promise<SessionRecord> {
    let forced = false;
    let skewCorrected = false;
    let token: TokenDescription | null = null;
    if (this.#tokenParam !== null) {
      token = await this.#acquireToken(false, signal);
      if (this.#isStale(token)) {
        forced = true;
        token = await this.#acquireToken(true, signal);
      }
    }
    for (;;) {
      const requestStartMs = this.#clock.now();
      let identity: AwsCredentialIdentity;
      let serverDateMs: number | undefined;
      try {
        ({ identity, serverDateMs } = await this.#callSts(signal));
      } catch (error) {
        const failure = toFedcredsError(error);
        if (!forced && this.#tokenParam !== null && isTokenRejection(failure)) {
          forced = true;
          token = await this.#acquireToken(true, signal);
          continue;
        }
        if (!skewCorrected && isClockSkewCorrection(failure)) {
          // The SDK just learned the signing clock was off and corrected it: sign again.
          skewCorrected = true;
          continue;
        }
        if (!forced && this.#master && isSigningCredentialsExpiry(failure)) {
          forced = true;
          await raceSignal(this.#master.refresh({ force: true }), signal);
          continue;
        }
        throw failure;
      }
      return toSessionRecord({
        credentials: this.credentials,
        identity,
        token,
        requestStartMs,
        responseEndMs: this.#clock.now(),
        serverDateMs,
        master: this.#master?.getSnapshot(),
      });
    }
  }

  async #acquireToken(forceRefresh: boolean, signal: AbortSignal): Promise<TokenDescription> {
    const source = this.#tokenSource as TokenSource;
    const param = this.#tokenParam as TokenParam;
    const timeout = timeoutSignal(
      signal,
      this.#requestTimeoutMs,
      this.#timers,
      'token acquisition',
    );
    let token: unknown;
    try {
      token = await raceSignal(
        Promise.resolve().then(() => source.getToken({ forceRefresh, signal: timeout.signal })),
        timeout.signal,
      );
    } catch (error) {
      if (timeout.timedOut) throw this.#timeoutError('The token source did not answer');
      if (error instanceof FedcredsError) throw error;
      throw new TokenUnavailableError(
        'The token source failed; the session will try again.',
        true,
        {
          cause: error,
        },
      );
    } finally {
      timeout.dispose();
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenUnavailableError(
        'The token source resolved without a token; getToken must resolve with the token as a string.',
        false,
      );
    }
    (this.credentials.params as Record<TokenParam, string | undefined>)[param] = token;
    this.#coordinator?.publish({ type: 'token' });
    return describeToken(token, param === 'WebIdentityToken' ? 'jwt' : 'saml');
  }

  /** Whether the token is too close to its own expiry (as far as the skew-corrected clock can tell). */
  #isStale(token: TokenDescription): boolean {
    if (token.expiresAtMs === undefined) return false;
    return token.expiresAtMs - this.#state.clockSkewMs <= this.#clock.now() + TOKEN_MIN_VALIDITY_MS;
  }

  async #callSts(
    signal: AbortSignal,
  ): Promise<{ identity: AwsCredentialIdentity; serverDateMs: number | undefined }> {
    const dates = recordServerDate(this.credentials.service);
    dates.lastServerDateMs = undefined;
    const timeout = timeoutSignal(signal, this.#requestTimeoutMs, this.#timers, 'STS request');
    try {
      const identity = await raceSignal(
        this.credentials.refreshPromise({ signal: timeout.signal }),
        timeout.signal,
      );
      return { identity, serverDateMs: dates.lastServerDateMs };
    } catch (error) {
      if (timeout.timedOut) throw this.#timeoutError('STS did not answer');
      throw error;
    } finally {
      timeout.dispose();
    }
  }

  #timeoutError(what: string): TimeoutError {
    return new TimeoutError(
      `${what} within ${this.#requestTimeoutMs} ms (requestTimeoutMs); the session will try again.`,
      this.#requestTimeoutMs,
    );
  }

  /** Makes `record` the session's credentials and plans what comes next. */
  #apply(record: SessionRecord, origin: 'sts' | 'storage' | 'peer'): void {
    const now = this.#clock.now();
    const plan = planRefresh({
      issuedAtMs: record.issuedAtMs,
      expiresAtMs: record.expiresAtMs,
      refreshWindowMs: this.#refreshWindowMs,
      jitterMs: this.#random() * this.#refreshJitterMs,
    });
    const credentials = protectIdentity({
      accessKeyId: record.accessKeyId,
      secretAccessKey: record.secretAccessKey,
      ...(record.sessionToken !== undefined && { sessionToken: record.sessionToken }),
      ...(record.accountId !== undefined && { accountId: record.accountId }),
      // Local-clock expiry, so SDK clients (which compare with Date.now()) cache them right.
      expiration: new Date(record.expiresAtMs),
    });
    this.#record = record;
    this.#mirrorOnCredentials(record);
    this.#usableUntilMs = plan.usableUntilMs;
    this.#refreshAtMs = Math.max(
      plan.refreshAtMs,
      Math.min(now, record.issuedAtMs) + MIN_REFRESH_INTERVAL_MS,
    );
    this.#retryAtMs = null;
    this.#attempt = 0;
    this.#tokenWarnAtMs =
      record.tokenExpiresAtMs === null ? null : record.tokenExpiresAtMs - TOKEN_EXPIRING_LEAD_MS;
    const expiresAt = new Date(record.expiresAtMs);
    this.#dispatch({
      type: 'credentialsReceived',
      credentials,
      expiresAt,
      tokenExpiresAt: record.tokenExpiresAtMs === null ? null : new Date(record.tokenExpiresAtMs),
      identity: record.identity,
      refreshedAt: new Date(record.issuedAtMs),
      clockSkewMs: record.clockSkewMs,
    });
    if (origin !== 'storage') this.#storeOrNull()?.save(record);
    if (origin === 'sts') this.#coordinator?.publish({ type: 'credentials', record });
    this.#emit('refreshed', { credentials, expiresAt });
    this.#reschedule();
  }

  /** Records a failed refresh, plans the retry, reports; returns what callers reject with. */
  #fail(error: FedcredsError, epoch: number, signal: AbortSignal): FedcredsError {
    if (epoch !== this.#epoch) {
      return new SignedOutError('The session was signed out during the refresh.');
    }
    if (signal.aborted && this.#lifetime?.signal !== signal) {
      // Stopped while in flight: nothing failed, nobody needs telling.
      this.#dispatch({ type: 'refreshAborted' });
      return error instanceof AbortedError ? error : new AbortedError('The session was stopped.');
    }
    this.#attempt += 1;
    const attempt = this.#attempt;
    const fatal = !error.retryable;
    const willRetry = !fatal && this.#starts > 0;
    let retryInMs: number | undefined;
    if (willRetry) {
      retryInMs = backoffDelayMs(attempt, this.#retry, this.#random);
      this.#retryAtMs = this.#clock.now() + retryInMs;
    }
    this.#dispatch({ type: 'refreshFailed', error, fatal });
    this.#emit('error', {
      error,
      willRetry,
      attempt,
      ...(retryInMs !== undefined && { retryInMs }),
    });
    const { credentials, expiresAt } = this.#state;
    if (!fatal && credentials && expiresAt) {
      this.#emit('expiring', {
        expiresAt,
        msLeft: Math.max(0, expiresAt.getTime() - this.#clock.now()),
      });
    }
    // Nobody signed in is `signed-out`, not a demand to sign in *again*.
    if (error instanceof ReauthRequiredError && error.reason !== 'signed_out') {
      this.#emit('reauth-required', { error });
    }
    return error;
  }

  // ---------------------------------------------------------------- time

  /** Looks at the clock and does whatever is due: expire, warn, refresh, retry. */
  #tick(): void {
    const now = this.#clock.now();
    const { credentials, expiresAt } = this.#state;
    if (credentials && expiresAt && now >= expiresAt.getTime()) {
      this.#usableUntilMs = Number.NEGATIVE_INFINITY;
      this.#dispatch({ type: 'credentialsExpired' });
      this.#emit('expired', { expiredAt: expiresAt });
    }
    const tokenWarnAt = this.#tokenWarnAtMs;
    const tokenExpiresAt = this.#state.tokenExpiresAt;
    if (tokenWarnAt !== null && now >= tokenWarnAt && this.#starts > 0) {
      this.#tokenWarnAtMs = null;
      if (tokenExpiresAt) {
        this.#emit('token-expiring', {
          tokenExpiresAt,
          msLeft: Math.max(0, tokenExpiresAt.getTime() - now),
        });
      }
    }
    if (this.#starts > 0 && this.#inFlight === null && this.#isRefreshDue(now)) {
      this.#runRefresh().catch(noop);
      return;
    }
    this.#reschedule();
  }

  #isRefreshDue(now: number): boolean {
    if (isSettledByFailure(this.#state.status)) return false;
    if (this.#retryAtMs !== null) return now >= this.#retryAtMs;
    if (this.#state.credentials === null) return true;
    return this.#refreshAtMs !== null && now >= this.#refreshAtMs;
  }

  #reschedule(): void {
    this.#alarm.set(this.#nextWakeUp());
  }

  #nextWakeUp(): number | null {
    if (this.#starts === 0) return null;
    let next = Number.POSITIVE_INFINITY;
    const { credentials, expiresAt } = this.#state;
    if (credentials && expiresAt) next = Math.min(next, expiresAt.getTime());
    if (this.#tokenWarnAtMs !== null) next = Math.min(next, this.#tokenWarnAtMs);
    if (this.#inFlight === null && !isSettledByFailure(this.#state.status)) {
      const due = this.#retryAtMs ?? this.#refreshAtMs;
      if (due !== null) next = Math.min(next, due);
    }
    return Number.isFinite(next) ? next : null;
  }

  #onEnvironment(signal: EnvironmentSignal): void {
    // Back online: the retry that was backing off may go now.
    if (signal === 'online' && this.#retryAtMs !== null) this.#retryAtMs = this.#clock.now();
    this.#tick();
  }

  // ---------------------------------------------------------------- persistence, chains, peers

  #storeOrNull(): SessionStore | null {
    if (this.#store === undefined)
      this.#store = createSessionStore(this.#persistence, this.#storageKey);
    return this.#store;
  }

  #restore(): void {
    const record = this.#storeOrNull()?.load();
    if (!record) return;
    // An entry already inside its refresh window saves nothing: fetch fresh ones instead.
    if (!this.#isFresh(record)) {
      this.#store?.clear();
      return;
    }
    this.#apply(record, 'storage');
  }

  /**
   * Whether a stored `record` is worth restoring: outside the refresh window. Looser than the
   * peer's `isFresh` (no jitter): within the jitter they are served while the refresh runs.
   */
  #isFresh(record: SessionRecord): boolean {
    return this.#clock.now() < record.expiresAtMs - this.#refreshWindowMs;
  }

  /**
   * Makes the credential object's v2-style fields (`accessKeyId`, `expireTime`, …) say what the
   * snapshot says. STS wrote them itself, but with STS's own expiry and not for credentials
   * restored from storage or adopted from another tab; after sign-out they must not keep serving
   * the keys either.
   */
  #mirrorOnCredentials(record: SessionRecord | null): void {
    const credentials = this.credentials;
    credentials.accessKeyId = record?.accessKeyId ?? '';
    credentials.secretAccessKey = record?.secretAccessKey ?? '';
    credentials.sessionToken = record?.sessionToken;
    // Local clock, skew-corrected, like the snapshot: v2's needsRefresh() compares with Date.now().
    credentials.expireTime = record ? new Date(record.expiresAtMs) : null;
    credentials.expired = record === null;
  }

  #clearLocally(): void {
    this.#epoch += 1;
    this.#inFlight = null;
    if (this.#lifetime) {
      this.#lifetime.abort(new SignedOutError());
      this.#lifetime = new AbortController();
    }
    this.#alarm.clear();
    this.#record = null;
    this.#usableUntilMs = Number.NEGATIVE_INFINITY;
    this.#refreshAtMs = null;
    this.#retryAtMs = null;
    this.#tokenWarnAtMs = null;
    this.#attempt = 0;
    const params = this.credentials.params as Record<string, unknown>;
    if (this.#tokenParam !== null) delete params[this.#tokenParam];
    this.#mirrorOnCredentials(null);
    this.#storeOrNull()?.clear();
    const wasSignedOut = this.#state.status === 'signed-out';
    this.#dispatch({ type: 'signedOut' });
    if (!wasSignedOut) this.#emit('signed-out', {});
  }

  #onMasterReauth(error: ReauthRequiredError): void {
    if (this.#state.status === 'signed-out') return;
    this.#dispatch({ type: 'refreshFailed', error, fatal: true });
    this.#emit('reauth-required', { error });
    this.#reschedule();
  }

  #onMasterSignedOut(): void {
    if (this.#state.status !== 'signed-out') this.#clearLocally();
  }

  #onMasterRefreshed(): void {
    const status = this.#state.status;
    // The master recovered (the user signed in again): this session follows.
    if (this.#starts > 0 && (status === 'reauth-required' || status === 'signed-out')) {
      this.#runRefresh().catch(noop);
    }
  }

  #peer(): CoordinatorPeer {
    return {
      receive: (message: CoordinatorMessage) => {
        if (message.type === 'signed-out') {
          if (this.#state.status !== 'signed-out') this.#clearLocally();
          return;
        }
        const current = this.#record;
        if (!current || message.record.expiresAtMs > current.expiresAtMs)
          this.#apply(message.record, 'peer');
      },
      current: () => this.#record,
      isFresh: (record: SessionRecord) =>
        this.#clock.now() <
        planRefresh({
          issuedAtMs: record.issuedAtMs,
          expiresAtMs: record.expiresAtMs,
          refreshWindowMs: this.#refreshWindowMs,
          // The whole jitter: adopted credentials must not fall due at once with any draw.
          jitterMs: this.#refreshJitterMs,
        }).refreshAtMs,
    };
  }
}

function isSettledByFailure(status: SessionSnapshot['status']): boolean {
  return status === 'error' || status === 'reauth-required' || status === 'signed-out';
}

/** STS refused the IdP token itself: a new token may succeed. */
function isTokenRejection(error: FedcredsError): boolean {
  return (
    error.code === 'ERR_STS_INVALID_IDENTITY_TOKEN' ||
    (error.code === 'ERR_STS_EXPIRED_TOKEN' && (error as StsError).wireCode !== 'ExpiredToken')
  );
}

/**
 * STS refused a signature for its time (the local clock is off by more than 15 minutes) and the
 * SDK has corrected its clock offset from the response, so signing again will work.
 */
function isClockSkewCorrection(error: FedcredsError): boolean {
  const metadata = (error.cause as { $metadata?: { clockSkewCorrected?: unknown } } | undefined)
    ?.$metadata;
  return error.code === 'ERR_STS_INVALID_CLIENT' && metadata?.clockSkewCorrected === true;
}

/** STS refused the credentials that signed the request because they expired. */
function isSigningCredentialsExpiry(error: FedcredsError): boolean {
  return error.code === 'ERR_STS_EXPIRED_TOKEN';
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidParameterError(name, 'must be a finite number of milliseconds, zero or more');
  }
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidParameterError(
      name,
      'must be a finite number of milliseconds greater than zero',
    );
  }
  return value;
}

/** Runs a listener so that its exception surfaces (as an uncaught error) without breaking the session. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportUncaught(error);
  }
}

function noop(): void {}
