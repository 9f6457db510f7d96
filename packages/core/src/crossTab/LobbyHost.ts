import type { TokenSourceUser } from '../tokenSources/TokenSource.js';
import type { CrossTabGroup, GroupMember } from './CrossTabGroup.js';
import { CROSS_TAB_PROTOCOL, toWireRecord } from './crossTabMessage.js';
import type { CrossTabChannel, CrossTabTransport } from './CrossTabTransport.js';
import { isUserOf } from './GroupIdentity.js';
import { parseLobbyMessage, type LobbyNames, type OutgoingLobbyMessage } from './lobbyMessage.js';
import { signedInSince, type SignOutMarker } from './signOutMarker.js';

/** A tab that asks again this soon after an answer is not answered: a loop, not a new tab. */
const REPEAT_AFTER_MS = 1_000;
/** Answers a host gives per second at most, whoever asks: a flood of requests is not served. */
const MAX_ANSWERS_PER_SECOND = 20;

/** What a {@link LobbyHost} works with. */
export interface LobbyHostInput {
  readonly group: CrossTabGroup;
  readonly member: GroupMember;
  readonly transport: CrossTabTransport;
  readonly names: LobbyNames;
  /** The group's sign-out marker: a host whose user is older than it offers nothing. */
  readonly marker: SignOutMarker;
}

/**
 * A member's readiness to answer, for its group, the tabs with no IdP user that ask the lobby
 * whether a group is live (see `joinWhenSignedOut`). Every member of a group queues for the
 * group's host lock; the one holding it listens on the lobby channel and answers each request
 * once, on that request's reply channel: so one answer per group, however many tabs it has, and
 * a closed or stopped tab hands the role to the next one in the queue. It offers its IdP user and
 * credentials only while it holds usable ones, has a user of the group's identity to hand over,
 * and the group has not signed out since that user's token was issued; otherwise it declines, so
 * the asking tab need not wait for its timeout.
 */
export class LobbyHost {
  readonly group: CrossTabGroup;
  readonly #input: LobbyHostInput;
  readonly #waiting = new AbortController();
  readonly #answeredAt = new Map<string, number>();
  #recent: number[] = [];
  #channel: CrossTabChannel | null = null;
  #release: () => void = noop;
  #open = true;

  constructor(input: LobbyHostInput) {
    this.#input = input;
    this.group = input.group;
    const { transport, names } = input;
    const held = new Promise<void>((resolve) => (this.#release = resolve));
    transport.locks
      .request(
        names.host(input.group.key),
        { mode: 'exclusive', signal: this.#waiting.signal },
        () => {
          if (!this.#open) return undefined;
          // Only the host listens: the group's other tabs hear nothing of the lobby.
          const channel = transport.openChannel(names.channel);
          channel.addEventListener('message', (event) => {
            if (this.#open) this.#onMessage(event.data);
          });
          this.#channel = channel;
          return held;
        },
      )
      .catch(noop);
  }

  /** Stops answering: leaves the host lock (or its queue) and the lobby channel. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#waiting.abort();
    this.#release();
    this.#channel?.close();
    this.#channel = null;
  }

  #onMessage(data: unknown): void {
    const { member } = this.#input;
    const now = member.clock.now();
    const message = parseLobbyMessage(data, now);
    if (message?.type !== 'join-request' || message.from === member.tabId) return;
    if (!this.#admit(message.from, now)) return;
    this.#answer(message.id).catch(noop);
  }

  /** Whether to answer `from` now: not a tab answered a moment ago, not beyond the rate. */
  #admit(from: string, now: number): boolean {
    const last = this.#answeredAt.get(from);
    if (last !== undefined && now - last < REPEAT_AFTER_MS) return false;
    this.#recent = this.#recent.filter((at) => now - at < 1_000);
    if (this.#recent.length >= MAX_ANSWERS_PER_SECOND) return false;
    this.#recent.push(now);
    for (const [tab, at] of this.#answeredAt) {
      if (now - at >= REPEAT_AFTER_MS) this.#answeredAt.delete(tab);
    }
    this.#answeredAt.set(from, now);
    return true;
  }

  async #answer(id: string): Promise<void> {
    const { member, transport, names, group } = this.#input;
    const offer = await this.#offer();
    if (!this.#open) return;
    const message: OutgoingLobbyMessage = offer
      ? { ...offer, from: member.tabId, id }
      : { type: 'join-decline', from: member.tabId, id, group: group.key };
    // On the asking tab's own channel: no other tab of the origin receives the IdP user.
    const reply = transport.openChannel(names.reply(id));
    reply.postMessage({ protocol: CROSS_TAB_PROTOCOL, ...message });
    reply.close();
  }

  /** What this tab may hand a tab that joins: `null` when it has nothing it may give. */
  async #offer() {
    const { member, group, marker } = this.#input;
    const source = member.tokenSource;
    let who: TokenSourceUser | null | undefined;
    let user: unknown;
    try {
      [who, user] = await Promise.all([source?.describeUser?.(), source?.exportHandoff?.()]);
    } catch {
      return null;
    }
    // Read after the awaits: the freshest credentials, and none once the tab stopped.
    const record = member.peer.current();
    if (!who || user == null || !record || !group.isUsable(record)) return null;
    if (!isUserOf(who, group.identity)) return null;
    const issuedAtMs = who.issuedAtMs ?? null;
    const signedOutAtMs = marker.read(member.clock.now());
    if (!signedInSince(issuedAtMs, signedOutAtMs)) return null;
    const { issuer, subject } = group.identity;
    return {
      type: 'join-offer' as const,
      group: group.key,
      issuer,
      subject,
      issuedAtMs,
      term: group.userTerm,
      record: toWireRecord(record),
      user,
    };
  }
}

function noop(): void {}
