import { InvalidParameterError, SignedOutError } from '../errors.js';
import type { SessionCredentials } from '../session/FederatedSession.js';
import { DEFAULT_REFRESH_JITTER_MS, DEFAULT_REFRESH_WINDOW_MS } from '../session/planRefresh.js';
import { isFresh } from '../session/sessionPolicy.js';
import type {
  CoordinatorMessage,
  CoordinatorPeer,
  SessionCoordinator,
} from '../session/SessionCoordinator.js';
import type { SessionRecord } from '../session/SessionRecord.js';
import { sessionLog, type SessionLog, type SessionLogger } from '../session/SessionLogger.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { raceSignal } from '../time/raceSignal.js';
import { globalTimers, type TimerProvider } from '../time/TimerProvider.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import { CrossTabGroup, type GroupMember } from './CrossTabGroup.js';
import { defaultChannel, defaultLocks, type CrossTabTransport } from './CrossTabTransport.js';
import { identifyTab, type TabUser } from './identifyTab.js';
import { leadRefresh } from './leadRefresh.js';
import { randomId } from './randomId.js';
import type { CrossTabOptions } from './CrossTabOptions.js';
import { signedInSince, signOutMarker } from './signOutMarker.js';
import { TabLobby } from './TabLobby.js';
import { positiveMs } from '../validation/durationOption.js';

export type { CrossTabOptions } from './CrossTabOptions.js';

/**
 * How long a tab about to call STS waits for the other tabs to say which credentials they hold,
 * in milliseconds. Tabs answer within a task or two; the timeout only matters for a tab that is
 * present but does not answer (its main thread busy, or the tab frozen), or where the lock manager
 * cannot count the tabs present (no `locks.query()`), when the asking tab waits for it in full
 * before calling STS. Time the asking tab itself was too busy to read answers does not count (see
 * `answerTimeout`).
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 1_000;
/**
 * How long a tab with no usable credentials waits for the refresh lock before it takes the lock
 * from its holder (a tab that hung, or was frozen, while refreshing), in milliseconds. A tab that
 * holds credentials waits up to half of their remaining life instead (see `leadRefresh`).
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** Options of {@link createCrossTabCoordinator}. */
export interface CrossTabCoordinatorOptions extends CrossTabOptions {
  /** The session's credential object: its role ARN and STS client name the group. */
  credentials: SessionCredentials;
  /**
   * The session's token source: its user names the group (`describeUser()`, else the claims of
   * its token), its IdP user moves between tabs (`exportHandoff`/`importHandoff`), and a group
   * sign-out forgets it (`signOut({ local: true })`). None for a chained session.
   */
  tokenSource?: TokenSource | undefined;
  /** The local clock. @default Date */
  clock?: Clock | undefined;
  /** Timer functions (answer and lock timeouts). @default globalThis's, looked up at each call */
  timers?: TimerProvider | undefined;
  /** Hears the coordinator's decisions (whether a tab joined another's group, and why not). */
  logger?: SessionLogger | undefined;
}

/** A {@link SessionCoordinator} that coordinates the tabs of one origin and one identity. */
export interface CrossTabCoordinator extends SessionCoordinator {
  /** The prefix of the lock, channel and marker names. */
  readonly name: string;
  /**
   * Whether this environment has both Web Locks and BroadcastChannel. When `false` the
   * coordinator does nothing and each tab refreshes on its own (old browsers, Node).
   */
  readonly active: boolean;
}

/**
 * Creates a coordinator that makes the tabs of one origin whose sessions hold the same identity
 * — IdP issuer and subject, role ARN (and so account), STS endpoint — a group that shares one
 * refresh: a refresh runs while holding the group's Web Lock, so one tab (the leader) renews the
 * IdP token and calls STS; the others adopt what it announces over the group's BroadcastChannel.
 * After each renewal the leader hands its IdP user (refresh token included) to the group in
 * memory, so whichever tab leads next renews with the current refresh token — a rotating refresh
 * token is spent once per renewal, and a tab opened later can lead. A tab never adopts, answers
 * with or hands out credentials of another identity. A tab waits for the lock only so long: near
 * the point of no return it takes the lock from a leader that stopped answering (Web Locks
 * `steal`), and a deposed leader that wakes up is ignored (its leadership term is older).
 *
 * `signOut()` in any tab ends the group: every tab drops its credentials and its IdP user
 * (`tokenSource.signOut({ local: true })`), and a marker in `localStorage` (a time, no secret)
 * makes tabs that were stopped or closed, and reloads, stay signed out until the user signs in
 * again. Credentials and IdP users cross tabs only over BroadcastChannel, never storage or logs.
 * With `joinWhenSignedOut`, a tab starting with no IdP user takes the user and credentials of the
 * one live group of its origin, if there is exactly one (see {@link CrossTabOptions}).
 * Where `navigator.locks` or `BroadcastChannel` is missing the coordinator is inactive and each
 * tab refreshes on its own. Creating it has no side effect; the session's `start()` attaches it.
 *
 * Usually not called directly: `createFederatedSession` builds one (`crossTab`). One coordinator
 * serves one session.
 *
 * @throws {@link InvalidParameterError} for an empty `name`, bad timeouts, or no `credentials`.
 */
export function createCrossTabCoordinator(
  options: CrossTabCoordinatorOptions,
): CrossTabCoordinator {
  return new BroadcastCoordinator(options);
}

class BroadcastCoordinator implements CrossTabCoordinator, GroupMember {
  readonly name: string;
  readonly tabId = randomId();
  readonly tokenSource: TokenSource | undefined;
  readonly clock: Clock;
  readonly timers: TimerProvider;
  readonly answerTimeoutMs: number;
  readonly #lockTimeoutMs: number;
  readonly #options: CrossTabCoordinatorOptions;
  #transport: CrossTabTransport | null | undefined;
  #peer: CoordinatorPeer | null = null;
  #group: CrossTabGroup | null = null;
  /** Bumped by attach and detach: what an older attachment resolved is dropped. */
  #generation = 0;
  /** Who this tab's user was, last time it looked: a stopped session can still sign out. */
  #user: TabUser | null = null;
  signedOutAtMs = Number.NEGATIVE_INFINITY;
  readonly #joinWhenSignedOut: boolean;
  readonly #log: SessionLog;
  /** This tab's part in its lobby, with `joinWhenSignedOut`: built on first use. */
  #lobby: TabLobby | null = null;

  constructor(options: CrossTabCoordinatorOptions) {
    const name = options.name ?? 'fedcreds';
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidParameterError('name', 'must be a non-empty string (the names’ prefix)');
    }
    if (typeof options.credentials?.params !== 'object') {
      throw new InvalidParameterError('credentials', 'must be the session’s credential object');
    }
    this.name = name;
    this.#options = options;
    this.answerTimeoutMs = positiveMs(
      'answerTimeoutMs',
      options.answerTimeoutMs,
      DEFAULT_ANSWER_TIMEOUT_MS,
    );
    this.#lockTimeoutMs = positiveMs(
      'lockTimeoutMs',
      options.lockTimeoutMs,
      DEFAULT_LOCK_TIMEOUT_MS,
    );
    const join = options.joinWhenSignedOut ?? false;
    if (typeof join !== 'boolean') {
      throw new InvalidParameterError('joinWhenSignedOut', 'must be true or false');
    }
    this.#joinWhenSignedOut = join;
    this.#log = sessionLog(options.logger);
    this.tokenSource = options.tokenSource;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? globalTimers;
  }

  get active(): boolean {
    return this.#resolveTransport() !== null;
  }

  get peer(): CoordinatorPeer {
    return this.#peer ?? detachedPeer;
  }

  /** Looked up on first use, never at construction: server rendering builds sessions too. */
  #resolveTransport(): CrossTabTransport | null {
    if (this.#transport !== undefined) return this.#transport;
    const { locks = defaultLocks(), channel = defaultChannel() } = this.#options;
    this.#transport = locks && channel ? { locks, openChannel: channel } : null;
    return this.#transport;
  }

  attach(peer: CoordinatorPeer): () => void {
    if (!this.#resolveTransport()) return noop;
    if (this.#peer) {
      throw new InvalidParameterError(
        'coordinator',
        'is already attached to a started session; give each session its own coordinator',
      );
    }
    this.#peer = peer;
    const generation = ++this.#generation;
    // At once, not at the first refresh: a tab restarted with fresh credentials must still learn
    // of a sign-out it missed, and hear the group's news.
    this.#join(generation, null).catch(noop);
    return () => {
      if (this.#generation !== generation) return;
      this.#generation += 1;
      this.#peer = null;
      this.#lobby?.detach();
      this.#group?.close();
      this.#group = null;
    };
  }

  async runRefresh(
    refresh: (signal: AbortSignal) => Promise<SessionRecord>,
    signal: AbortSignal,
  ): Promise<SessionRecord> {
    const transport = this.#resolveTransport();
    if (!transport || !this.#peer) return refresh(signal);
    // Who the user is now: a changed user moves the tab to that user's group.
    const generation = this.#generation;
    // What the tab held when the refresh fell due: credentials adopted while it looks for its
    // group count as news.
    const had = this.peer.current();
    const group = await raceSignal(this.#join(generation, null), signal);
    if (!group) {
      const record = await refresh(signal);
      // Who the credentials name: a chained session, or a source that could not tell before (a
      // sign-in completed by this refresh). Joined before the session says it is ready, so a tab
      // opened at that moment finds this one and its credentials instead of calling STS.
      // A SignedOutError here (the group signed out since this user signed in) has signed the
      // tab out already, and the session drops this refresh's result.
      const joined = await raceSignal(this.#join(generation, record), signal).catch(() => null);
      if (joined && joined.latest?.record !== record) joined.announce(record, joined.takeTerm());
      return record;
    }
    const record = await leadRefresh({
      group,
      locks: transport.locks,
      member: this,
      had,
      lockTimeoutMs: this.#lockTimeoutMs,
      refresh,
      signal,
      checkSignedOut: () => this.#checkMarker(group),
    });
    // Another user's credentials (the user changed under the tab): move to that user's group.
    if (record !== group.latest?.record) this.#join(generation, record).catch(noop);
    return record;
  }

  publish(
    message: CoordinatorMessage | { readonly type: 'signed-in' } | { readonly type: 'token' },
  ): void {
    if (message.type === 'signed-out') {
      const atMs = this.clock.now();
      this.signedOutAtMs = atMs;
      this.#lobby?.closeHost();
      this.#signOutGroup(atMs).catch(noop);
      return;
    }
    if (message.type === 'token') {
      // Hand the (perhaps renewed) IdP user over before the STS call: should this tab close
      // during it, the next leader renews with the refresh token the IdP issued last.
      const group = this.#group;
      if (group?.leading) group.handOff(group.leadTerm).catch(noop);
      return;
    }
    if (message.type === 'signed-in') {
      if (this.#user) this.#marker(this.#user.key).clear();
      return;
    }
    // Credentials from a refresh that did not go through runRefresh (begun before start()).
    const group = this.#group;
    if (group && group.latest?.record.accessKeyId !== message.record.accessKeyId) {
      group.announce(message.record, group.takeTerm());
    }
  }

  improves(had: SessionRecord | null, record: SessionRecord): boolean {
    // Other credentials, obtained no earlier and lasting no shorter. Not strictly later expiry:
    // STS gives it to the second, so two refreshes within a second expire together.
    if (
      had &&
      (record.accessKeyId === had.accessKeyId ||
        record.expiresAtMs < had.expiresAtMs ||
        record.issuedAtMs < had.issuedAtMs)
    ) {
      return false;
    }
    const { peer } = this;
    if (peer.isFresh) return peer.isFresh(record);
    // A peer that cannot tell: judge with the session defaults.
    return isFresh(record, this.clock.now(), DEFAULT_REFRESH_WINDOW_MS, DEFAULT_REFRESH_JITTER_MS);
  }

  signedOut(atMs: number): void {
    this.signedOutAtMs = Math.max(this.signedOutAtMs, atMs);
    // Nothing to offer a tab that would join: it stops answering until a user signs in again.
    this.#lobby?.closeHost();
    if (this.#group) this.#group.latest = null;
    this.#peer?.receive({ type: 'signed-out' });
    // Forgets the IdP user here only: the tab that signed out does the IdP-side steps, once.
    Promise.resolve()
      .then(() => this.tokenSource?.signOut?.({ local: true }))
      .catch(noop);
  }

  // ------------------------------------------------------------------ internals

  /**
   * Finds the tab's identity and joins its group (leaving another's). Throws a `SignedOutError`
   * when the group signed out since this tab's user signed in (the durable marker). Resolves with
   * `null` when nobody is signed in here: the session then learns that from its token source —
   * unless, with `joinWhenSignedOut`, the tab takes the user of another tab's group first (once
   * per attachment, whoever asks first; the others wait for that attempt).
   */
  async #join(generation: number, fresh: SessionRecord | null): Promise<CrossTabGroup | null> {
    const group = await this.#enter(generation, fresh);
    if (group || fresh || generation !== this.#generation) return group;
    await this.#lobbyOf()?.join(() => this.#enter(generation, null));
    return generation === this.#generation ? this.#group : null;
  }

  async #enter(generation: number, fresh: SessionRecord | null): Promise<CrossTabGroup | null> {
    const { credentials } = this.#options;
    const user = await identifyTab({
      namespace: this.name,
      credentials,
      tokenKind: credentials.idpToken,
      tokenSource: this.tokenSource,
      fresh,
      record: this.peer.current(),
      known: this.#user,
      timers: this.timers,
    });
    const transport = this.#resolveTransport();
    if (generation !== this.#generation || !transport) return null;
    // Nobody signed in (any more): stay in the group the tab was in, to hear it sign in again.
    if (!user) return this.#group;
    this.#user = user;
    if (this.#group?.key !== user.key) {
      this.#lobby?.closeHost();
      this.#group?.close();
      this.#group = new CrossTabGroup(
        this,
        transport,
        { key: user.key, prefix: `${this.name}:${user.key}` },
        user.identity,
      );
    }
    const group = this.#group;
    // Counted by the other tabs before the session goes on (and, say, reports ready).
    await group.whenPresent();
    if (generation !== this.#generation) return null;
    // A later look at the user moved the tab to another group meanwhile: that one is current.
    if (this.#group !== group) return this.#group;
    this.#checkMarker(group);
    this.#lobbyOf()?.host(group, () => generation === this.#generation && this.#group === group);
    return this.#group;
  }

  /** Signs this tab out if its group signed out after its user signed in. */
  #checkMarker(group: CrossTabGroup): void {
    const marker = this.#marker(group.key);
    const atMs = marker.read(this.clock.now());
    if (atMs === null) return;
    const mine = this.#user?.key === group.key ? this.#user : undefined;
    // This page's own sign-in (local clock) or a token issued since (the IdP's clock).
    if (signedInSince(mine?.signedInAtMs, atMs) || signedInSince(mine?.issuedAtMs, atMs)) {
      // The user signed in again since (a redirect sign-in, in this tab or another).
      marker.clear();
      return;
    }
    if (atMs > this.signedOutAtMs) this.signedOut(atMs);
    throw new SignedOutError('The session was signed out in another tab; sign in again.');
  }

  async #signOutGroup(atMs: number): Promise<void> {
    const user = this.#user;
    const transport = this.#resolveTransport();
    if (!user || !transport) return;
    this.#marker(user.key).write(atMs);
    const message = { type: 'signed-out', atMs } as const;
    if (this.#group?.key === user.key) {
      this.#group.latest = null;
      this.#group.post(message);
      return;
    }
    // A stopped session that signs out still signs out the other tabs.
    const group = new CrossTabGroup(
      this,
      transport,
      { key: user.key, prefix: `${this.name}:${user.key}` },
      user.identity,
    );
    group.post(message);
    group.close();
  }

  /** The tab's lobby, if it allows joins and the transport exists. */
  #lobbyOf(): TabLobby | null {
    const transport = this.#resolveTransport();
    if (!this.#joinWhenSignedOut || !transport) return null;
    this.#lobby ??= new TabLobby({
      namespace: this.name,
      credentials: this.#options.credentials,
      member: this,
      transport,
      marker: (key) => this.#marker(key),
      log: this.#log,
    });
    return this.#lobby;
  }

  #marker(key: string) {
    return signOutMarker(this.#options.storage, `${this.name}:${key}:signed-out`);
  }
}

/** The peer of a coordinator no session is attached to. */
const detachedPeer: CoordinatorPeer = { receive: noop, current: () => null };

function noop(): void {}
