import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import {
  AbortedError,
  ReauthRequiredError,
  SignedOutError,
  type FedcredsError,
} from '../errors.js';
import { protectIdentity } from '../protectIdentity.js';
import { Subscribable } from '../Subscribable.js';
import { Alarm } from '../time/Alarm.js';
import { systemClock } from '../time/Clock.js';
import { toFedcredsError } from '../toFedcredsError.js';
import { EventBus, guard } from './EventBus.js';
import type {
  FederatedSession,
  FederatedSessionOptions,
  SessionCredentials,
  SessionEventMap,
  SessionRefreshOptions,
  SessionSnapshot,
} from './FederatedSession.js';
import { fetchSessionRecord, type FetchedRecord } from './fetchSessionRecord.js';
import { linkMaster } from './linkMaster.js';
import { mirrorOnCredentials } from './mirrorOnCredentials.js';
import { initialSessionState, reduceSession, type SessionAction } from './reduceSession.js';
import { resolveSessionOptions, type ResolvedSessionOptions } from './resolveSessionOptions.js';
import {
  decideSchedule,
  scheduleRecord,
  scheduleRetry,
  type RecordDeadlines,
} from './scheduleSession.js';
import type { CoordinatorMessage, CoordinatorPeer } from './SessionCoordinator.js';
import type { EnvironmentSignal } from './SessionEnvironment.js';
import { createSessionStore, type SessionStore } from './sessionPersistence.js';
import { isFresh, isTerminalStatus } from './sessionPolicy.js';
import { isSameRecord, type SessionRecord } from './SessionRecord.js';

export { DEFAULT_REQUEST_TIMEOUT_MS } from './resolveSessionOptions.js';

/**
 * Creates a session that keeps `options.credentials` valid while it is started: before each STS
 * exchange it gets the IdP token from `options.tokenSource` and passes it to the exchange; it
 * refreshes `refreshWindowMs` (plus jitter) ahead of expiry, retries retryable failures with
 * capped exponential backoff, reports everything through `getSnapshot()`/`subscribe()` and typed
 * events, and serves SDK v3 clients through `credentialProvider`. Creating it has no side effect;
 * `start()` begins the work.
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
  return new SessionEngine(resolveSessionOptions(options));
}

/**
 * The engine: lifecycle, commands and the refresh state machine. What it decides is delegated —
 * options (`resolveSessionOptions`), the timetable (`scheduleSession`), the policy
 * (`sessionPolicy`), one refresh (`fetchSessionRecord`), the snapshot (`reduceSession`).
 */
class SessionEngine extends Subscribable implements FederatedSession {
  readonly credentials: SessionCredentials;
  readonly credentialProvider: AwsCredentialIdentityProvider;
  readonly on: FederatedSession['on'];

  readonly #o: ResolvedSessionOptions;
  readonly #events = new EventBus<SessionEventMap>();
  readonly #alarm: Alarm;
  #state: SessionSnapshot = initialSessionState;

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
  #deadlines: RecordDeadlines | null = null;
  #retryAtMs: number | null = null;

  constructor(options: ResolvedSessionOptions) {
    super();
    this.#o = options;
    this.credentials = options.credentials;
    this.on = this.#events.on;
    this.#alarm = new Alarm(options.clock, options.timers, () => this.#tick());
    // Bound, so it can be passed around (`useSyncExternalStore(session.subscribe, …)`);
    // Subscribable binds `subscribe`.
    this.getSnapshot = this.getSnapshot.bind(this);
    // The hot path SDK clients take when they ask: one clock read, one comparison. `Date.now` is
    // called directly for the default clock (it needs no receiver), sparing an indirection.
    const clock = options.clock;
    const now = clock === systemClock ? Date.now : () => clock.now();
    this.credentialProvider = (properties) => {
      const credentials = this.#state.credentials;
      const force = properties?.['forceRefresh'] === true;
      if (credentials !== null && !force && now() < (this.#deadlines?.usableUntilMs ?? 0)) {
        return Promise.resolve(credentials);
      }
      return this.#provideSlowly(force);
    };
  }

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
    const { environment, master, coordinator } = this.#o;
    const detach = this.#detach;
    try {
      if (environment) detach.push(environment.subscribe((s) => this.#onEnvironment(s)));
      if (master) {
        detach.push(
          linkMaster(master, {
            onReauthRequired: (error) => this.#onMasterReauth(error),
            onSignedOut: () => {
              if (this.#state.status !== 'signed-out') this.#clearLocally();
            },
            onRefreshed: () => this.#onMasterRefreshed(),
          }),
        );
      }
      if (coordinator) detach.push(coordinator.attach(this.#peer()));
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
      !isTerminalStatus(this.#state.status) &&
      credentials !== null &&
      this.#deadlines !== null &&
      this.#o.clock.now() < this.#deadlines.refreshAtMs
    ) {
      return Promise.resolve(credentials);
    }
    return this.#runRefresh();
  }

  async signIn(): Promise<void> {
    if (this.#o.master) await this.#o.master.signIn();
    else await this.#o.tokenSource?.signIn?.();
    // After a popup or a custom sign-in the token source has a user now; fetch at once.
    await this.#runRefresh();
  }

  async signOut(): Promise<void> {
    this.#clearLocally();
    this.#o.coordinator?.publish({ type: 'signed-out' });
    const failures: unknown[] = [];
    await this.#o.tokenSource?.signOut?.().catch((error: unknown) => failures.push(error));
    const master = this.#o.master;
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
    const now = this.#o.clock.now();
    // Timers may have slept: look at the clock before anything else.
    if (this.#starts > 0) this.#tick();
    if (this.#inFlight) return this.#inFlight;
    const retryPending = this.#retryAtMs !== null && now < this.#retryAtMs;
    if (state.error && (isTerminalStatus(this.#state.status) || retryPending)) {
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
    // What this run fetched from STS itself (the coordinator may hand back another tab's record).
    let fetched: FetchedRecord | null = null;
    const fetch = async () => {
      fetched = await fetchSessionRecord(
        { ...this.#o, clockSkewMs: this.#state.clockSkewMs },
        signal,
      );
      return fetched.record;
    };
    const coordinator = this.#o.coordinator;
    const run = (coordinator ? coordinator.runRefresh(fetch, signal) : fetch()).then(
      (record) => {
        if (epoch !== this.#epoch)
          throw new SignedOutError('The session was signed out during the refresh.');
        // The coordinator may resolve with credentials this session already adopted from another
        // tab while it waited; applying them again would announce a second `refreshed`.
        if (!isSameRecord(record, this.#record)) {
          const own = fetched as FetchedRecord | null;
          this.#apply(record, 'sts', own?.record === record ? own : null);
        }
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
    const o = this.#o;
    const credentials = protectIdentity({
      accessKeyId: record.accessKeyId,
      secretAccessKey: record.secretAccessKey,
      ...(record.sessionToken !== undefined && { sessionToken: record.sessionToken }),
      ...(record.accountId !== undefined && { accountId: record.accountId }),
      // Local-clock expiry, so SDK clients (which compare with Date.now()) cache them right.
      expiration: new Date(record.expiresAtMs),
    });
    this.#record = record;
    mirrorOnCredentials(this.credentials, o.tokenKind, record, fetched);
    this.#deadlines = scheduleRecord(
      record,
      o.clock.now(),
      o.refreshWindowMs,
      o.random() * o.refreshJitterMs,
    );
    this.#retryAtMs = null;
    this.#attempt = 0;
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
    if (origin === 'sts') o.coordinator?.publish({ type: 'credentials', record });
    this.#events.emit('refreshed', { credentials, expiresAt });
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
      const now = this.#o.clock.now();
      ({ retryAtMs: this.#retryAtMs, retryInMs } = scheduleRetry(
        attempt,
        now,
        this.#o.retry,
        this.#o.random,
      ));
    }
    this.#dispatch({ type: 'refreshFailed', error, fatal });
    this.#events.emit('error', {
      error,
      willRetry,
      attempt,
      ...(retryInMs !== undefined && { retryInMs }),
    });
    const { credentials, expiresAt } = this.#state;
    if (!fatal && credentials && expiresAt) {
      this.#events.emit('expiring', {
        expiresAt,
        msLeft: Math.max(0, expiresAt.getTime() - this.#o.clock.now()),
      });
    }
    // Nobody signed in is `signed-out`, not a demand to sign in *again*.
    if (error instanceof ReauthRequiredError && error.reason !== 'signed_out') {
      this.#events.emit('reauth-required', { error });
    }
    return error;
  }

  // ---------------------------------------------------------------- time

  /** Looks at the clock and does whatever is due: expire, warn, refresh, retry. */
  #tick(): void {
    const now = this.#o.clock.now();
    const decision = decideSchedule(this.#scheduleState(), now);
    if (decision.expire) {
      const expiredAt = this.#state.expiresAt as Date;
      this.#deadlines = this.#deadlines && { ...this.#deadlines, usableUntilMs: -Infinity };
      this.#dispatch({ type: 'credentialsExpired' });
      this.#events.emit('expired', { expiredAt });
    }
    if (decision.warnToken && this.#deadlines) {
      this.#deadlines = { ...this.#deadlines, tokenWarnAtMs: null };
      const tokenExpiresAt = this.#state.tokenExpiresAt;
      if (tokenExpiresAt) {
        this.#events.emit('token-expiring', {
          tokenExpiresAt,
          msLeft: Math.max(0, tokenExpiresAt.getTime() - now),
        });
      }
    }
    if (decideSchedule(this.#scheduleState(), now).refresh) {
      this.#runRefresh().catch(noop);
      return;
    }
    this.#reschedule();
  }

  #scheduleState() {
    const { credentials, expiresAt, status } = this.#state;
    return {
      started: this.#starts > 0,
      inFlight: this.#inFlight !== null,
      terminal: isTerminalStatus(status),
      expiresAtMs: credentials && expiresAt ? expiresAt.getTime() : null,
      deadlines: this.#deadlines,
      retryAtMs: this.#retryAtMs,
    };
  }

  #reschedule(): void {
    this.#alarm.set(decideSchedule(this.#scheduleState(), this.#o.clock.now()).wakeAtMs);
  }

  #onEnvironment(signal: EnvironmentSignal): void {
    // Back online: the retry that was backing off may go now.
    if (signal === 'online' && this.#retryAtMs !== null) this.#retryAtMs = this.#o.clock.now();
    this.#tick();
  }

  // ---------------------------------------------------------------- persistence, chains, peers

  #storeOrNull(): SessionStore | null {
    if (this.#store === undefined) {
      this.#store = createSessionStore(this.#o.persistence, this.#o.storageKey);
    }
    return this.#store;
  }

  #restore(): void {
    const record = this.#storeOrNull()?.load();
    if (!record) return;
    // An entry already inside its refresh window saves nothing: fetch fresh ones instead. No
    // jitter: within it, they are served while the refresh runs.
    if (!isFresh(record, this.#o.clock.now(), this.#o.refreshWindowMs, 0)) {
      this.#store?.clear();
      return;
    }
    this.#apply(record, 'storage');
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
    this.#deadlines = null;
    this.#retryAtMs = null;
    this.#attempt = 0;
    mirrorOnCredentials(this.credentials, this.#o.tokenKind, null, null);
    this.#storeOrNull()?.clear();
    const wasSignedOut = this.#state.status === 'signed-out';
    this.#dispatch({ type: 'signedOut' });
    if (!wasSignedOut) this.#events.emit('signed-out', {});
  }

  #onMasterReauth(error: ReauthRequiredError): void {
    if (this.#state.status === 'signed-out') return;
    this.#dispatch({ type: 'refreshFailed', error, fatal: true });
    this.#events.emit('reauth-required', { error });
    this.#reschedule();
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
      // The whole jitter: adopted credentials must not fall due at once with any draw.
      isFresh: (record: SessionRecord) =>
        isFresh(record, this.#o.clock.now(), this.#o.refreshWindowMs, this.#o.refreshJitterMs),
    };
  }
}

function noop(): void {}
