import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import {
  AbortedError,
  IdentityChangedError,
  SignedOutError,
  type FedcredsError,
  type IdentityRef,
} from '../errors.js';
import { Subscribable } from '../Subscribable.js';
import { Alarm } from '../time/Alarm.js';
import { toFedcredsError } from '../toFedcredsError.js';
import type { SignInOptions } from '../tokenSources/TokenSource.js';
import { attachSession } from './attachSession.js';
import { EventBus, guard } from './EventBus.js';
import type {
  FederatedSession,
  SessionCredentials,
  SessionEventMap,
  SessionRefreshOptions,
  SessionSignOutOptions,
  SessionSnapshot,
} from './FederatedSession.js';
import { fetchSessionRecord, type FetchedRecord } from './fetchSessionRecord.js';
import { identityRefOf, isAnotherUser } from './sessionIdentity.js';
import { mirrorOnCredentials } from './mirrorOnCredentials.js';
import {
  credentialsReceived,
  initialSessionState,
  reduceSession,
  type SessionAction,
} from './reduceSession.js';
import { reportRefreshFailure } from './reportRefreshFailure.js';
import type { ResolvedSessionOptions } from './resolveSessionOptions.js';
import { lazySessionStore, type SessionStore } from './sessionPersistence.js';
import { isFresh, isTerminalStatus } from './sessionPolicy.js';
import { credentialsOfRecord, isSameRecord, type SessionRecord } from './SessionRecord.js';
import { credentialProviderOf, settleWithSession, type ReadHost } from './sessionReads.js';
import { sessionHooks, type HookHost } from './sessionHooks.js';
import { SessionTimetable } from './SessionTimetable.js';

/**
 * The engine behind `createFederatedSession`: lifecycle, commands and the refresh state machine. What it decides is delegated —
 * options (`resolveSessionOptions`), the timetable (`scheduleSession`), the policy
 * (`sessionPolicy`), one refresh (`fetchSessionRecord`), the snapshot (`reduceSession`).
 */
export class SessionEngine extends Subscribable implements FederatedSession {
  readonly credentials: SessionCredentials;
  readonly credentialProvider: AwsCredentialIdentityProvider;
  readonly on: FederatedSession['on'];

  readonly #o: ResolvedSessionOptions;
  readonly #events = new EventBus<SessionEventMap>();
  readonly #alarm: Alarm;
  #state: SessionSnapshot = initialSessionState;

  #starts = 0;
  #lifetime: AbortController | null = null;
  #detach: (() => void) | null = null;
  readonly #store: SessionStore;

  /** The refresh in flight, shared by every caller. */
  #inFlight: Promise<AwsCredentialIdentity> | null = null;
  /** Bumped by `signOut()`: a refresh begun before it must not bring credentials back. */
  #epoch = 0;
  /** The credentials held, their deadlines and the retry state; one alarm wakes at the earliest. */
  readonly #time: SessionTimetable;
  /**
   * Whom the credentials belong to, from the first record held until sign-out, `signIn()` or an
   * identity change: a token or an adopted record naming anyone else stops the session instead.
   */
  #identity: IdentityRef | null = null;

  constructor(options: ResolvedSessionOptions) {
    super();
    this.#o = options;
    this.credentials = options.credentials;
    this.on = this.#events.on;
    this.#time = new SessionTimetable(options);
    this.#store = lazySessionStore(options.persistence, options.storageKey);
    this.#alarm = new Alarm(options.clock, options.timers, () => this.#tick());
    // Bound, so it can be passed around (`useSyncExternalStore(session.subscribe, …)`);
    // Subscribable binds `subscribe`.
    this.getSnapshot = this.getSnapshot.bind(this);
    this.credentialProvider = credentialProviderOf(this.#view);
  }

  /** The engine as the read path and the outside signals see it (`sessionReads`, `sessionHooks`). */
  readonly #view: ReadHost & HookHost = ((engine: SessionEngine): ReadHost & HookHost => ({
    get clock() {
      return engine.#o.clock;
    },
    get options() {
      return engine.#o;
    },
    dispatch: (action) => engine.#dispatch(action),
    emit: (type, event) => engine.#events.emit(type, event),
    reschedule: () => engine.#reschedule(),
    retryNow: () => engine.#time.retryNow(),
    clearLocally: () => engine.#clearLocally(),
    adopt: (record) => engine.#apply(record, 'peer'),
    current: () => engine.#time.record,
    snapshot: () => engine.#state,
    started: () => engine.#starts > 0,
    inFlight: () => engine.#inFlight,
    usableUntilMs: () => engine.#time.usableUntilMs,
    isBackingOff: (nowMs) => engine.#time.isBackingOff(nowMs),
    tick: () => engine.#tick(),
    runRefresh: (reason) => engine.#runRefresh(reason),
    forceRefresh: () => engine.refresh({ force: true }),
    recovery: () => ({
      events: engine.#events,
      timers: engine.#o.timers,
      timeoutMs: engine.#o.recoveryTimeoutMs,
      // Asked only while started, when the lifetime exists.
      signal: (engine.#lifetime as AbortController).signal,
    }),
  }))(this);

  getSnapshot(): SessionSnapshot {
    return this.#state;
  }

  #dispatch(action: SessionAction): void {
    const next = reduceSession(this.#state, action);
    if (Object.is(next, this.#state)) return;
    this.#state = next;
    for (const listener of [...this.listeners]) guard(listener);
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    this.#starts += 1;
    if (this.#starts > 1) return;
    // A refresh fetched on demand before start() already runs under this controller: adopting it
    // lets the last stop() abort that refresh too.
    this.#lifetime ??= new AbortController();
    try {
      this.#detach = attachSession(this.#o, sessionHooks(this.#view));
    } catch (error) {
      // Not started after all: leave the count at zero so a later start() starts for real.
      this.#starts = 0;
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
    this.#time.cancelRetry();
    this.#detach?.();
    this.#detach = null;
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
      !isTerminalStatus(this.#state.status) &&
      credentials !== null &&
      this.#o.clock.now() < (this.#time.refreshAtMs ?? Number.NEGATIVE_INFINITY)
    ) {
      return Promise.resolve(credentials);
    }
    return settleWithSession(
      this.#view,
      this.#runRefresh(options.force === true ? 'forced' : 'requested'),
    );
  }

  async signIn(options?: SignInOptions): Promise<void> {
    // Ends a group sign-out the tabs still remember (before a redirect leaves the page).
    this.#o.coordinator?.publish({ type: 'signed-in' });
    if (this.#o.master) await this.#o.master.signIn(options);
    else await this.#o.tokenSource?.signIn?.(options);
    // After a popup or a custom sign-in the token source has a user now — whoever it is: the user
    // chose it. Fetch at once.
    this.#identity = null;
    await this.#runRefresh('signed in');
  }

  async signOut(options?: SessionSignOutOptions): Promise<void> {
    this.#clearLocally();
    this.#o.coordinator?.publish({ type: 'signed-out' });
    const failures: unknown[] = [];
    await this.#o.tokenSource?.signOut?.(options).catch((error: unknown) => failures.push(error));
    const master = this.#o.master;
    if (master && master.getSnapshot().status !== 'signed-out') {
      await master.signOut(options).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw toFedcredsError(failures[0]);
  }

  // ---------------------------------------------------------------- the refresh

  #runRefresh(reason: string): Promise<AwsCredentialIdentity> {
    if (this.#inFlight) return this.#inFlight;
    this.#o.log('debug', `refreshing: ${reason}`);
    // A refresh now supersedes the retry or refresh that was due later.
    this.#time.cancelRetry();
    const epoch = this.#epoch;
    // Created here when not started, so the next start() adopts it (see start()).
    this.#lifetime ??= new AbortController();
    const signal = this.#lifetime.signal;
    this.#dispatch({ type: 'refreshStarted' });
    // What this run fetched from STS itself (the coordinator may hand back another tab's record).
    let fetched: FetchedRecord | null = null;
    const coordinator = this.#o.coordinator;
    // The coordinator passes a signal of its own: it also aborts when another tab takes over.
    const fetch = async (coordinated: AbortSignal = signal) => {
      fetched = await fetchSessionRecord(
        {
          ...this.#o,
          clockSkewMs: this.#state.clockSkewMs,
          onToken: () => coordinator?.publish({ type: 'token' }),
          identity: this.#identity,
          log: (message, details) => this.#o.log('debug', message, details),
        },
        coordinated,
      );
      return fetched.record;
    };
    const run = (coordinator ? coordinator.runRefresh(fetch, signal) : fetch()).then(
      (record) => {
        if (epoch !== this.#epoch)
          throw new SignedOutError('The session was signed out during the refresh.');
        // The coordinator may resolve with credentials this session already adopted from another
        // tab while it waited; applying them again would announce a second `refreshed`.
        if (!isSameRecord(record, this.#time.record)) {
          const own = fetched as FetchedRecord | null;
          // Not fetched here: the coordinator handed back another tab's (a first refresh joined).
          if (own?.record === record) this.#apply(record, 'sts', own);
          else this.#apply(record, coordinator ? 'peer' : 'sts');
        }
        // Null only when the record named another user and the session stopped on it.
        if (!this.#state.credentials) throw this.#state.error ?? new SignedOutError();
        return this.#state.credentials;
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
    this.#reschedule();
    return run;
  }

  #settle(run: Promise<AwsCredentialIdentity>): void {
    if (this.#inFlight !== run) return;
    this.#inFlight = null;
    // Not just reschedule: the session may have been restarted while this run was being aborted.
    this.#tick();
  }

  /** Makes `record` the session's credentials and plans what comes next. */
  #apply(
    record: SessionRecord,
    origin: 'sts' | 'storage' | 'peer',
    fetched: FetchedRecord | null = null,
  ): void {
    const identity = identityRefOf(record.identity);
    if (this.#identity && identity && isAnotherUser(this.#identity, identity)) {
      // Another tab's or the storage's record for another user: never held silently.
      this.#stopOnIdentityChange(new IdentityChangedError(this.#identity, identity));
      return;
    }
    const credentials = credentialsOfRecord(record);
    this.#identity = identity ?? this.#identity;
    this.#o.log('debug', `credentials from ${origin}`, { expiresAtMs: record.expiresAtMs });
    this.#time.hold(record);
    mirrorOnCredentials(this.credentials, this.#o.tokenKind, record, fetched);
    this.#dispatch(credentialsReceived(record, credentials));
    if (origin !== 'storage') this.#store.save(record);
    if (origin === 'sts') this.#o.coordinator?.publish({ type: 'credentials', record });
    this.#events.emit('refreshed', {
      credentials,
      expiresAt: new Date(record.expiresAtMs),
      source: origin,
    });
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
    if (error instanceof IdentityChangedError) {
      this.#stopOnIdentityChange(error);
      return error;
    }
    const willRetry = error.retryable && this.#starts > 0;
    // Backoff is planned even before start(): reads then wait for it instead of calling STS each.
    const planned = this.#time.failed(error.retryable);
    this.#dispatch({ type: 'refreshFailed', error, fatal: !error.retryable });
    const retryInMs = willRetry ? planned.retryInMs : undefined;
    const failure = { error, willRetry, attempt: planned.attempt, retryInMs };
    this.#o.log('warn', `refresh failed: ${error.code}`, { willRetry, retryInMs });
    reportRefreshFailure(this.#events, this.#state, failure, this.#o.clock.now());
    return error;
  }

  /** Drops another user's credentials and stops (see `IdentityChangedError`); the IdP user stays. */
  #stopOnIdentityChange(error: IdentityChangedError): void {
    this.#o.log('warn', 'the IdP user changed: dropping the credentials and stopping');
    this.#forget();
    this.#dispatch({ type: 'identityChanged', error });
    this.#events.emit('identity-changed', { previous: error.previous, next: error.next });
    const failure = { error, willRetry: false, attempt: 1 };
    reportRefreshFailure(this.#events, this.#state, failure, this.#o.clock.now());
    this.#reschedule();
  }

  // ---------------------------------------------------------------- time

  /** Looks at the clock and does whatever is due: expire, warn, refresh, retry. */
  #tick(): void {
    const now = this.#o.clock.now();
    const decision = this.#time.decide(this.#scheduleState(), now);
    if (decision.expire) {
      const expiredAt = this.#state.expiresAt as Date;
      this.#time.expired();
      this.#dispatch({ type: 'credentialsExpired' });
      this.#events.emit('expired', { expiredAt });
    }
    if (decision.warnToken) {
      this.#time.tokenWarned();
      const tokenExpiresAt = this.#state.tokenExpiresAt;
      if (tokenExpiresAt) {
        this.#events.emit('token-expiring', {
          tokenExpiresAt,
          msLeft: Math.max(0, tokenExpiresAt.getTime() - now),
        });
      }
    }
    if (this.#time.decide(this.#scheduleState(), now).refresh) {
      this.#runRefresh(this.#state.error ? 'retry due' : 'renewal due').catch(noop);
      return;
    }
    this.#reschedule();
  }

  #scheduleState() {
    const { credentials, expiresAt, status } = this.#state;
    const expiresAtMs = credentials && expiresAt ? expiresAt.getTime() : null;
    const terminal = isTerminalStatus(status);
    return { started: this.#starts > 0, inFlight: this.#inFlight !== null, terminal, expiresAtMs };
  }

  #reschedule(): void {
    this.#alarm.set(this.#time.decide(this.#scheduleState(), this.#o.clock.now()).wakeAtMs);
  }

  // ---------------------------------------------------------------- persistence, chains, peers

  #restore(): void {
    const record = this.#store.load();
    if (!record) return;
    // An entry already inside its refresh window saves nothing: fetch fresh ones instead. No
    // jitter: within it, they are served while the refresh runs.
    if (!isFresh(record, this.#o.clock.now(), this.#o.refreshWindowMs, 0)) {
      this.#o.log('debug', 'stored credentials due for renewal: fetching new ones instead');
      this.#store.clear();
      return;
    }
    this.#apply(record, 'storage');
  }

  #clearLocally(): void {
    this.#o.log('debug', 'signed out: credentials dropped');
    this.#epoch += 1;
    this.#inFlight = null;
    if (this.#lifetime) {
      this.#lifetime.abort(new SignedOutError());
      this.#lifetime = new AbortController();
    }
    this.#alarm.clear();
    this.#forget();
    const wasSignedOut = this.#state.status === 'signed-out';
    this.#dispatch({ type: 'signedOut' });
    if (!wasSignedOut) this.#events.emit('signed-out', {});
  }

  /** Forgets the credentials held (memory, the v2-style fields, storage) and whose they were. */
  #forget(): void {
    this.#identity = null;
    this.#time.clear();
    mirrorOnCredentials(this.credentials, this.#o.tokenKind, null, null);
    this.#store.clear();
  }
}

function noop(): void {}
