import { InvalidParameterError } from '../errors.js';
import { DEFAULT_REFRESH_JITTER_MS, DEFAULT_REFRESH_WINDOW_MS } from '../session/planRefresh.js';
import { isFresh } from '../session/sessionPolicy.js';
import type {
  CoordinatorMessage,
  CoordinatorPeer,
  SessionCoordinator,
} from '../session/SessionCoordinator.js';
import { isSameRecord, type SessionRecord } from '../session/SessionRecord.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { globalTimers, type TimerProvider } from '../time/TimerProvider.js';
import type { CrossTabChannel, CrossTabLocks, CrossTabOptions } from './CrossTabOptions.js';
import {
  CROSS_TAB_PROTOCOL,
  parseCrossTabMessage,
  toWireRecord,
  type CrossTabMessage,
} from './crossTabMessage.js';

export type { CrossTabChannel, CrossTabLocks, CrossTabOptions } from './CrossTabOptions.js';

/**
 * How long a tab about to call STS waits for the other tabs to say which credentials they hold,
 * in milliseconds. Tabs answer within a task or two; the timeout only matters for a tab that is
 * present but does not answer (its main thread busy), or where the lock manager cannot count the
 * tabs present (no `locks.query()`), when the asking tab waits for it in full before calling STS.
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 500;

/** Options of {@link createCrossTabCoordinator}. */
export interface CrossTabCoordinatorOptions extends CrossTabOptions {
  /**
   * Name of the Web Lock and of the BroadcastChannel. Required: tabs with the same name share
   * credentials, so two sessions of different roles must never share one (`createFederatedSession`
   * derives it from the role ARN).
   */
  name: string;
  /** The local clock. @default Date */
  clock?: Clock | undefined;
  /** Timer functions (for the answer timeout). @default globalThis's, looked up at each call */
  timers?: TimerProvider | undefined;
}

/** A {@link SessionCoordinator} that coordinates the tabs of one origin. */
export interface CrossTabCoordinator extends SessionCoordinator {
  /** The lock and channel name. */
  readonly name: string;
  /**
   * Whether this environment has both Web Locks and BroadcastChannel. When `false` the
   * coordinator does nothing and each tab refreshes on its own (old browsers, Node).
   */
  readonly active: boolean;
}

/**
 * Creates a coordinator that makes the tabs of one origin share one session's credentials: a
 * refresh runs while holding the Web Lock `name`, so only one tab calls STS at a time; the tab
 * that gets the lock first asks the other tabs (over the BroadcastChannel `name`) whether one of
 * them already holds newer credentials that are still fresh for this session, adopts those if so,
 * and otherwise calls STS and announces the result to every tab before releasing the lock. A tab
 * opened later therefore gets its credentials from the others without an STS call, N tabs cost
 * one STS call per refresh, and `signOut()` in any tab signs out all of them. Every tab keeps its
 * own refresh timer, so when the tab that last refreshed closes or stops, the next one due takes
 * over.
 *
 * Credentials cross tabs only over BroadcastChannel: same-origin, in memory, never `localStorage`
 * and never a log line. Where `navigator.locks` or `BroadcastChannel` is missing (old browsers,
 * Node) the coordinator is inactive (`active === false`) and each tab refreshes on its own.
 * Creating it has no side effect; the session's `start()` attaches it.
 *
 * Usually not called directly: `createFederatedSession({ …, crossTab: true })` builds one named
 * after the role ARN. One coordinator serves one session.
 *
 * @throws {@link InvalidParameterError} for an empty `name` or a bad `answerTimeoutMs`.
 *
 * @example
 * ```ts
 * const session = createFederatedSession({
 *   credentials: new WebIdentityCredentials({ RoleArn }, { region: 'eu-west-1' }),
 *   tokenSource: oidcTokenSource(userManager),
 *   coordinator: createCrossTabCoordinator({ name: `fedcreds:${RoleArn}` }),
 * });
 * ```
 */
export function createCrossTabCoordinator(
  options: CrossTabCoordinatorOptions,
): CrossTabCoordinator {
  return new BroadcastCoordinator(options);
}

interface Transport {
  locks: CrossTabLocks;
  openChannel: (name: string) => CrossTabChannel;
}

/** A tab's question to the others, waiting for their answers. */
interface Ask {
  readonly id: string;
  /** A record offered by another tab (`from`, or `null` for a broadcast), or its empty answer. */
  offer(from: string | null, record: SessionRecord | null): void;
  /** Gives up (the tab detached). */
  cancel(): void;
}

/** What one `attach()` opened; gone on detach. */
interface Attachment {
  readonly peer: CoordinatorPeer;
  readonly channel: CrossTabChannel;
  /** Settles once this tab's presence lock is held (or could not be). */
  readonly present: Promise<void>;
  readonly asks: Set<Ask>;
  /** The newest record this tab has seen or sent while attached. */
  latest: SessionRecord | null;
}

class BroadcastCoordinator implements CrossTabCoordinator {
  readonly name: string;
  readonly #presenceName: string;
  readonly #options: CrossTabCoordinatorOptions;
  readonly #answerTimeoutMs: number;
  readonly #clock: Clock;
  readonly #timers: TimerProvider;
  readonly #tabId = randomId();
  #transport: Transport | null | undefined;
  #attachment: Attachment | null = null;
  #seq = 0;
  /**
   * When this tab last signed out or heard of a sign-out. Messages from different tabs arrive in
   * no guaranteed order, so credentials obtained before it may still be on their way; they must
   * not sign a tab back in.
   */
  #signedOutAtMs = Number.NEGATIVE_INFINITY;

  constructor(options: CrossTabCoordinatorOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0) {
      throw new InvalidParameterError(
        'name',
        'must be a non-empty string naming the lock and channel, one per role (e.g. `fedcreds:${RoleArn}`)',
      );
    }
    const answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    if (!Number.isFinite(answerTimeoutMs) || answerTimeoutMs <= 0) {
      throw new InvalidParameterError(
        'answerTimeoutMs',
        'must be a finite number of milliseconds greater than zero',
      );
    }
    this.name = options.name;
    this.#presenceName = `${options.name}:tabs`;
    this.#options = options;
    this.#answerTimeoutMs = answerTimeoutMs;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? globalTimers;
  }

  get active(): boolean {
    return this.#resolveTransport() !== null;
  }

  /** Looked up on first use, never at construction: server rendering builds sessions too. */
  #resolveTransport(): Transport | null {
    if (this.#transport !== undefined) return this.#transport;
    const { locks = defaultLocks(), channel = defaultChannel() } = this.#options;
    this.#transport = locks && channel ? { locks, openChannel: channel } : null;
    return this.#transport;
  }

  attach(peer: CoordinatorPeer): () => void {
    const transport = this.#resolveTransport();
    if (!transport) return noop;
    if (this.#attachment) {
      throw new InvalidParameterError(
        'coordinator',
        'is already attached to a started session; give each session its own coordinator',
      );
    }
    const channel = transport.openChannel(this.name);
    let granted: () => void = noop;
    let release: () => void = noop;
    const present = new Promise<void>((resolve) => (granted = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const attachment: Attachment = { peer, channel, present, asks: new Set(), latest: null };
    this.#attachment = attachment;
    channel.addEventListener('message', (event) => {
      if (this.#attachment === attachment) this.#onMessage(attachment, event.data);
    });
    // A shared lock held for as long as this tab is attached: `locks.query()` then counts the
    // tabs present, and a tab that closes drops out without saying so.
    transport.locks
      .request(this.#presenceName, { mode: 'shared' }, () => {
        granted();
        return held;
      })
      .catch(noop)
      .finally(granted);
    return () => {
      if (this.#attachment !== attachment) return;
      this.#attachment = null;
      for (const ask of [...attachment.asks]) ask.cancel();
      release();
      channel.close();
    };
  }

  async runRefresh(
    refresh: () => Promise<SessionRecord>,
    signal: AbortSignal,
  ): Promise<SessionRecord> {
    const transport = this.#resolveTransport();
    const attachment = this.#attachment;
    if (!transport || !attachment) return refresh();
    const had = attachment.peer.current();
    try {
      return await transport.locks.request(this.name, { mode: 'exclusive', signal }, async () => {
        const adopted =
          this.#adoptable(attachment, had) ?? (await this.#ask(attachment, had, signal));
        if (adopted) return adopted;
        signal.throwIfAborted();
        const record = await refresh();
        // Announced while still holding the lock, so a tab waiting for it hears of these
        // credentials before it looks for them. Not after a stop or sign-out: a refresh that
        // raced one must not bring credentials back in the other tabs.
        if (!signal.aborted && this.#attachment === attachment) this.#announce(attachment, record);
        return record;
      });
    } catch (error) {
      // Web Locks reject an aborted wait with a DOMException; the session expects its reason.
      if (signal.aborted) throw signal.reason;
      throw error;
    }
  }

  publish(message: CoordinatorMessage): void {
    const attachment = this.#attachment;
    if (message.type === 'signed-out') {
      this.#signedOutAtMs = this.#clock.now();
      if (attachment) {
        attachment.latest = null;
        this.#post(attachment.channel, { type: 'signed-out' });
        return;
      }
      // A stopped session that signs out still signs out the other tabs.
      const transport = this.#resolveTransport();
      if (!transport) return;
      const channel = transport.openChannel(this.name);
      this.#post(channel, { type: 'signed-out' });
      channel.close();
      return;
    }
    if (!attachment) return;
    // Already announced inside the lock, or adopted from another tab: the others have it.
    if (isSameRecord(message.record, attachment.latest)) return;
    this.#announce(attachment, message.record);
  }

  // ------------------------------------------------------------------ internals

  #announce(attachment: Attachment, record: SessionRecord): void {
    this.#remember(attachment, record);
    this.#post(attachment.channel, { type: 'credentials', record: toWireRecord(record) });
  }

  #post(
    channel: CrossTabChannel,
    message: DistributiveOmit<CrossTabMessage, 'protocol' | 'from'>,
  ): void {
    channel.postMessage({ protocol: CROSS_TAB_PROTOCOL, from: this.#tabId, ...message });
  }

  #remember(attachment: Attachment, record: SessionRecord): void {
    if (!attachment.latest || record.expiresAtMs > attachment.latest.expiresAtMs) {
      attachment.latest = record;
    }
  }

  #onMessage(attachment: Attachment, data: unknown): void {
    const message = parseCrossTabMessage(data);
    if (!message || message.from === this.#tabId) return;
    switch (message.type) {
      case 'credentials': {
        const { record } = message;
        if (!this.#isCurrent(record)) return;
        this.#remember(attachment, record);
        for (const ask of [...attachment.asks]) ask.offer(null, record);
        attachment.peer.receive({ type: 'credentials', record });
        return;
      }
      case 'signed-out':
        this.#signedOutAtMs = this.#clock.now();
        attachment.latest = null;
        attachment.peer.receive({ type: 'signed-out' });
        return;
      case 'request': {
        const record = attachment.peer.current();
        const alive = record !== null && record.expiresAtMs > this.#clock.now();
        this.#post(attachment.channel, {
          type: 'answer',
          id: message.id,
          record: alive ? toWireRecord(record) : null,
        });
        return;
      }
      case 'answer': {
        const record = message.record && this.#isCurrent(message.record) ? message.record : null;
        for (const ask of [...attachment.asks]) {
          if (ask.id === message.id) ask.offer(message.from, record);
        }
        return;
      }
    }
  }

  /** Not expired, and obtained after the last sign-out this tab knows of. */
  #isCurrent(record: SessionRecord): boolean {
    return record.expiresAtMs > this.#clock.now() && record.issuedAtMs > this.#signedOutAtMs;
  }

  /**
   * Credentials this tab already knows of that make the refresh unnecessary: newer than the ones
   * the session had when it asked, and fresh enough that the session would not refresh at once.
   */
  #adoptable(attachment: Attachment, had: SessionRecord | null): SessionRecord | null {
    for (const record of [attachment.latest, attachment.peer.current()]) {
      if (record && this.#improves(attachment, had, record)) return record;
    }
    return null;
  }

  #improves(attachment: Attachment, had: SessionRecord | null, record: SessionRecord): boolean {
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
    const { peer } = attachment;
    if (peer.isFresh) return peer.isFresh(record);
    // A peer that cannot tell: judge with the session defaults.
    return isFresh(record, this.#clock.now(), DEFAULT_REFRESH_WINDOW_MS, DEFAULT_REFRESH_JITTER_MS);
  }

  /**
   * Asks the other tabs for their credentials and waits until one offers adoptable ones, every
   * tab present has answered, the answer timeout passes, or `signal` aborts.
   */
  async #ask(
    attachment: Attachment,
    had: SessionRecord | null,
    signal: AbortSignal,
  ): Promise<SessionRecord | null> {
    await attachment.present;
    const others = await this.#countOtherTabs();
    if (others === 0 || signal.aborted || this.#attachment !== attachment) return null;
    const id = `${this.#tabId}:${++this.#seq}`;
    return new Promise<SessionRecord | null>((resolve) => {
      const answered = new Set<string>();
      const finish = (record: SessionRecord | null) => {
        this.#timers.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        attachment.asks.delete(ask);
        resolve(record);
      };
      const onAbort = () => finish(null);
      const ask: Ask = {
        id,
        offer: (from, record) => {
          if (record && this.#improves(attachment, had, record)) {
            this.#remember(attachment, record);
            finish(record);
            return;
          }
          if (from !== null) answered.add(from);
          if (others !== null && answered.size >= others) finish(null);
        },
        cancel: () => finish(null),
      };
      const timer = this.#timers.setTimeout(() => finish(null), this.#answerTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      attachment.asks.add(ask);
      this.#post(attachment.channel, { type: 'request', id });
    });
  }

  /** Tabs other than this one holding the presence lock; `null` when the lock manager cannot say. */
  async #countOtherTabs(): Promise<number | null> {
    const locks = this.#resolveTransport()?.locks;
    if (!locks?.query) return null;
    try {
      const { held = [] } = await locks.query();
      const present = held.filter((lock) => lock.name === this.#presenceName).length;
      return Math.max(0, present - 1);
    } catch {
      return null;
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function defaultLocks(): CrossTabLocks | null {
  const locks = (globalThis as { navigator?: { locks?: CrossTabLocks } }).navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks : null;
}

function defaultChannel(): ((name: string) => CrossTabChannel) | null {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => CrossTabChannel })
    .BroadcastChannel;
  return typeof Channel === 'function' ? (name) => new Channel(name) : null;
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function noop(): void {}
