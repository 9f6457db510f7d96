import type { CoordinatorPeer } from '../session/SessionCoordinator.js';
import type { SessionRecord } from '../session/SessionRecord.js';
import type { Clock } from '../time/Clock.js';
import { answerTimeout } from '../time/answerTimeout.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import type { CrossTabChannel, CrossTabLocks, CrossTabTransport } from './CrossTabTransport.js';
import {
  CROSS_TAB_PROTOCOL,
  parseCrossTabMessage,
  toWireRecord,
  type CrossTabMessage,
} from './crossTabMessage.js';
import { belongsTo, type GroupIdentity } from './GroupIdentity.js';

/** What a {@link CrossTabGroup} needs from the tab it belongs to. */
export interface GroupMember {
  readonly tabId: string;
  readonly peer: CoordinatorPeer;
  readonly tokenSource: TokenSource | undefined;
  readonly clock: Clock;
  readonly timers: TimerProvider;
  readonly answerTimeoutMs: number;
  /** Whether `record`, held by the tab as `had`, is worth adopting instead of refreshing. */
  improves(had: SessionRecord | null, record: SessionRecord): boolean;
  /** Another tab of the group signed it out at `atMs`. */
  signedOut(atMs: number): void;
  /** When the tab last signed out or heard of a sign-out. */
  readonly signedOutAtMs: number;
}

/** A tab's question to the others, waiting for their answers. */
interface Ask {
  readonly id: string;
  offer(from: string | null, record: SessionRecord | null, term: number, user: unknown): void;
  cancel(): void;
}

/** Why a refresh need not run: credentials another tab announced. */
type NewsListener = (record: SessionRecord) => void;

type Outgoing = CrossTabMessage extends infer M
  ? M extends unknown
    ? Omit<M, 'protocol' | 'group' | 'from'>
    : never
  : never;

/**
 * One tab's membership of one identity's group while its session is started: the group's
 * BroadcastChannel, a shared presence lock (so `locks.query()` counts the tabs present, and a
 * closed tab drops out without a word), the newest record and leadership term it knows, and the
 * questions it has asked. Every message in and out names the group; records that do not belong
 * to the group's identity are neither taken nor given.
 */
export class CrossTabGroup {
  readonly key: string;
  readonly identity: GroupIdentity;
  /** The exclusive lock a refresh runs under; also the channel's name. */
  readonly lockName: string;
  readonly presenceName: string;
  /** The newest record seen or sent, and the term it came under. */
  latest: { record: SessionRecord; term: number } | null = null;
  /** The highest leadership term heard of or taken: a new term is later. */
  maxTerm = 0;
  /** Terms below this belong to leaders another tab took the lock from: ignored. */
  fencedBelow = 0;
  /** The term under which this tab's IdP user was last renewed (by it, or by who handed it). */
  userTerm = 0;
  /** Whether this tab is refreshing for the group now (it ignores hand-offs meanwhile). */
  leading = false;
  /** The term this tab leads under, while `leading`. */
  leadTerm = 0;

  readonly #member: GroupMember;
  readonly #locks: CrossTabLocks;
  readonly #channel: CrossTabChannel;
  readonly #release: () => void;
  readonly #present: Promise<void>;
  readonly #asks = new Set<Ask>();
  readonly #news = new Set<NewsListener>();
  #seq = 0;
  #open = true;

  constructor(
    member: GroupMember,
    transport: CrossTabTransport,
    names: { key: string; prefix: string },
    identity: GroupIdentity,
  ) {
    this.#member = member;
    this.#locks = transport.locks;
    this.key = names.key;
    this.identity = identity;
    this.lockName = names.prefix;
    this.presenceName = `${names.prefix}:tabs`;
    this.#channel = transport.openChannel(this.lockName);
    this.#channel.addEventListener('message', (event) => {
      if (this.#open) this.#onMessage(event.data);
    });
    let granted: () => void = noop;
    let release: () => void = noop;
    this.#present = new Promise<void>((resolve) => (granted = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    this.#release = release;
    transport.locks
      .request(this.presenceName, { mode: 'shared' }, () => {
        granted();
        return held;
      })
      .catch(noop)
      .finally(granted);
  }

  /** Settles once the tab's presence lock is held: from then on other tabs count it. */
  whenPresent(): Promise<void> {
    return this.#present;
  }

  /** Leaves the group: the channel closes, the presence lock goes, questions are dropped. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const ask of [...this.#asks]) ask.cancel();
    this.#news.clear();
    this.#release();
    this.#channel.close();
  }

  /** A term for a tab taking the lead now: later than any heard of. */
  takeTerm(): number {
    this.maxTerm = Math.max(this.#member.clock.now(), this.maxTerm + 1);
    return this.maxTerm;
  }

  /** Tells the group of new credentials obtained under `term`; not another identity's. */
  announce(record: SessionRecord, term: number): void {
    if (!belongsTo(record, this.identity)) return;
    this.#remember(record, term);
    this.post({ type: 'credentials', term, record: toWireRecord(record) });
  }

  /** Tells the group this tab took the lock from a leader that stopped answering. */
  fence(term: number): void {
    this.fencedBelow = Math.max(this.fencedBelow, term);
    this.post({ type: 'took-over', term });
  }

  /** Sends this tab's IdP user, renewed under `term`, to whichever tab leads next. */
  async handOff(term: number): Promise<void> {
    this.userTerm = Math.max(this.userTerm, term);
    const user = await this.#exportUser();
    if (user != null && this.#open) this.post({ type: 'user', term, user });
  }

  post(message: Outgoing): void {
    const { tabId } = this.#member;
    this.#channel.postMessage({
      protocol: CROSS_TAB_PROTOCOL,
      group: this.key,
      from: tabId,
      ...message,
    });
  }

  /** A record this tab already knows of that makes refreshing unnecessary. */
  adoptable(had: SessionRecord | null): SessionRecord | null {
    const own = this.#member.peer.current();
    for (const record of [this.latest?.record ?? null, own]) {
      if (record && this.isUsable(record) && this.#member.improves(had, record)) return record;
    }
    return null;
  }

  /** Calls `listener` with the first announced record that improves on `had`; returns the undo. */
  onNews(had: SessionRecord | null, listener: NewsListener): () => void {
    const entry: NewsListener = (record) => {
      if (this.#member.improves(had, record)) listener(record);
    };
    this.#news.add(entry);
    return () => this.#news.delete(entry);
  }

  /**
   * Asks the other tabs for their credentials and waits until one offers adoptable ones, every
   * tab present has answered, the answer timeout passes, or `signal` aborts. With no adoptable
   * record, takes the IdP user of the answer under the highest term, so this tab renews with the
   * refresh token the group last used.
   */
  async ask(had: SessionRecord | null, signal: AbortSignal): Promise<SessionRecord | null> {
    await this.#present;
    const others = await this.#countOtherTabs();
    if (others === 0 || signal.aborted || !this.#open) return null;
    const id = `${this.#member.tabId}:${++this.#seq}`;
    const { timers, clock, answerTimeoutMs } = this.#member;
    let best: { term: number; user: unknown } | null = null;
    const adopted = await new Promise<SessionRecord | null>((resolve) => {
      const answered = new Set<string>();
      const finish = (record: SessionRecord | null) => {
        cancelTimeout();
        signal.removeEventListener('abort', onAbort);
        this.#asks.delete(ask);
        resolve(record);
      };
      const onAbort = () => finish(null);
      const ask: Ask = {
        id,
        offer: (from, record, term, user) => {
          if (user != null && term > (best?.term ?? this.userTerm) && term >= this.fencedBelow) {
            best = { term, user };
          }
          if (record && this.#member.improves(had, record)) {
            this.#remember(record, term);
            finish(record);
            return;
          }
          if (from !== null) answered.add(from);
          if (others !== null && answered.size >= others) finish(null);
        },
        cancel: () => finish(null),
      };
      const cancelTimeout = answerTimeout(timers, clock, answerTimeoutMs, () => finish(null));
      signal.addEventListener('abort', onAbort, { once: true });
      this.#asks.add(ask);
      this.post({ type: 'request', id });
    });
    const handed = best as { term: number; user: unknown } | null;
    if (!adopted && handed && !signal.aborted) await this.#importUser(handed.user, handed.term);
    return adopted;
  }

  /**
   * Takes what the member that let this tab join offered (see `joinWhenSignedOut`): the term its
   * IdP user was renewed under, and its credentials, which the session adopts as another tab's
   * if they are this group's identity's and still usable.
   */
  welcome(record: SessionRecord, userTerm: number): void {
    this.userTerm = Math.max(this.userTerm, userTerm);
    if (!this.isUsable(record)) return;
    this.#remember(record, userTerm);
    this.#member.peer.receive({ type: 'credentials', record });
  }

  /** Of this group's identity, not expired, obtained after the last sign-out this tab knows. */
  isUsable(record: SessionRecord): boolean {
    return (
      belongsTo(record, this.identity) &&
      record.expiresAtMs > this.#member.clock.now() &&
      record.issuedAtMs > this.#member.signedOutAtMs
    );
  }

  // ------------------------------------------------------------------ internals

  #onMessage(data: unknown): void {
    const member = this.#member;
    const message = parseCrossTabMessage(data, member.clock.now());
    if (!message || message.group !== this.key || message.from === member.tabId) return;
    switch (message.type) {
      case 'credentials': {
        const { record, term } = message;
        // A deposed leader that woke up, or another identity's keys: not for this tab.
        if (term < this.fencedBelow || !this.isUsable(record)) return;
        this.maxTerm = Math.max(this.maxTerm, term);
        this.#remember(record, term);
        for (const ask of [...this.#asks]) ask.offer(null, record, term, undefined);
        for (const listener of [...this.#news]) listener(record);
        member.peer.receive({ type: 'credentials', record });
        return;
      }
      case 'user':
        if (message.term >= this.fencedBelow && message.term >= this.userTerm && !this.leading) {
          void this.#importUser(message.user, message.term);
        }
        return;
      case 'took-over':
        this.fencedBelow = Math.max(this.fencedBelow, message.term);
        this.maxTerm = Math.max(this.maxTerm, message.term);
        return;
      case 'signed-out':
        if (message.atMs > member.signedOutAtMs) {
          this.latest = null;
          member.signedOut(message.atMs);
        }
        return;
      case 'request':
        void this.#answer(message.id);
        return;
      case 'answer': {
        const record = message.record && this.isUsable(message.record) ? message.record : null;
        for (const ask of [...this.#asks]) {
          if (ask.id === message.id) ask.offer(message.from, record, message.term, message.user);
        }
        return;
      }
    }
  }

  async #answer(id: string): Promise<void> {
    const user = await this.#exportUser();
    if (!this.#open) return;
    const record = this.#newestUsable();
    this.post({
      type: 'answer',
      id,
      term: this.userTerm,
      record: record && toWireRecord(record),
      ...(user != null && { user }),
    });
  }

  /**
   * The tab's own credentials or the group's latest, whichever usable one lasts longer: the
   * latest may not be the session's yet (just obtained, not yet stored; or not adopted).
   */
  #newestUsable(): SessionRecord | null {
    let newest: SessionRecord | null = null;
    for (const record of [this.#member.peer.current(), this.latest?.record ?? null]) {
      if (record && this.isUsable(record) && record.expiresAtMs > (newest?.expiresAtMs ?? 0)) {
        newest = record;
      }
    }
    return newest;
  }

  #remember(record: SessionRecord, term: number): void {
    const latest = this.latest;
    if (!latest || term > latest.term || record.expiresAtMs > latest.record.expiresAtMs) {
      this.latest = { record, term };
    }
  }

  async #exportUser(): Promise<unknown> {
    try {
      return (await this.#member.tokenSource?.exportHandoff?.()) ?? null;
    } catch {
      return null;
    }
  }

  async #importUser(user: unknown, term: number): Promise<void> {
    try {
      await this.#member.tokenSource?.importHandoff?.(user);
      this.userTerm = Math.max(this.userTerm, term);
    } catch {
      // Malformed, or another user's: the source refused it and kept its own.
    }
  }

  /** Tabs other than this one present in the group; `null` when the lock manager cannot say. */
  async #countOtherTabs(): Promise<number | null> {
    const locks = this.#locks;
    if (!locks.query) return null;
    try {
      const { held = [] } = await locks.query();
      const present = held.filter((lock) => lock.name === this.presenceName).length;
      return Math.max(0, present - 1);
    } catch {
      return null;
    }
  }
}

function noop(): void {}
