import type { SessionCredentials } from '../session/FederatedSession.js';
import type { SessionLog } from '../session/SessionLogger.js';
import type { CrossTabGroup, GroupMember } from './CrossTabGroup.js';
import type { CrossTabTransport } from './CrossTabTransport.js';
import { lobbyKeyOf, stsTargetOf } from './GroupIdentity.js';
import { roleOf } from './identifyTab.js';
import { joinAnotherTab } from './joinAnotherTab.js';
import { LobbyHost } from './LobbyHost.js';
import { lobbyNames, type LobbyNames } from './lobbyMessage.js';
import type { SignOutMarker } from './signOutMarker.js';

/** What a {@link TabLobby} works with: the coordinator's parts. */
export interface TabLobbyParts {
  /** The prefix of the names (`crossTab.name`). */
  readonly namespace: string;
  readonly credentials: SessionCredentials;
  readonly member: GroupMember;
  readonly transport: CrossTabTransport;
  /** The sign-out marker of the group whose key is given. */
  readonly marker: (key: string) => SignOutMarker;
  readonly log: SessionLog;
}

/**
 * One tab's part in its lobby (`joinWhenSignedOut`): the tabs of one origin, prefix, role and STS,
 * whoever their user. While the tab is in a group with a user it answers for that group (see
 * {@link LobbyHost}); when it starts with no IdP user and in no group, it may take the user of the
 * one live group instead (see `joinAnotherTab`), once per attachment.
 */
export class TabLobby {
  readonly #parts: TabLobbyParts;
  #names: Promise<LobbyNames> | null = null;
  #host: LobbyHost | null = null;
  /** This attachment's one attempt to join another tab's group. */
  #joining: { readonly done: Promise<void>; readonly abort: AbortController } | null = null;

  constructor(parts: TabLobbyParts) {
    this.#parts = parts;
  }

  /**
   * Tries once per attachment (callers after the first wait for its outcome) to take the user of
   * the one live group; then `enter()` — the coordinator joining whatever group its user is in
   * now — and, if that is the offering group, hands the group the offered credentials.
   */
  join(enter: () => Promise<CrossTabGroup | null>): Promise<void> {
    if (!this.#joining) {
      const abort = new AbortController();
      const done = this.#join(enter, abort.signal).catch(noop);
      this.#joining = { done, abort };
    }
    return this.#joining.done;
  }

  /** Answers the lobby for `group` (while `isCurrent()`), unless it already does. */
  host(group: CrossTabGroup, isCurrent: () => boolean): void {
    if (this.#host?.group === group || !this.#parts.member.tokenSource?.exportHandoff) return;
    this.#namesOf()
      .then((names) => {
        if (!isCurrent() || this.#host?.group === group) return;
        this.closeHost();
        this.#host = new LobbyHost({
          group,
          member: this.#parts.member,
          transport: this.#parts.transport,
          names,
          marker: this.#parts.marker(group.key),
        });
      })
      .catch(noop);
  }

  /** Stops answering for the tab's group (it left it, or signed out). */
  closeHost(): void {
    this.#host?.close();
    this.#host = null;
  }

  /** The session stopped: no more answers, and a join in progress gives up. */
  detach(): void {
    this.#joining?.abort.abort();
    this.#joining = null;
    this.closeHost();
  }

  async #join(enter: () => Promise<CrossTabGroup | null>, signal: AbortSignal): Promise<void> {
    const { member, credentials, transport, namespace, log } = this.#parts;
    const source = member.tokenSource;
    if (!source) return;
    const [names, sts] = await Promise.all([this.#namesOf(), stsTargetOf(credentials.service)]);
    const offer = await joinAnotherTab({
      namespace,
      names,
      roleArn: roleOf(credentials),
      sts,
      transport,
      tabId: member.tabId,
      clock: member.clock,
      timers: member.timers,
      answerTimeoutMs: member.answerTimeoutMs,
      signal,
      marker: this.#parts.marker,
      tokenSource: source,
      log,
    });
    if (!offer || signal.aborted) return;
    const group = await enter();
    if (group?.key !== offer.key || signal.aborted) return;
    log('debug', 'joined another tab’s group: took its IdP user and credentials');
    group.welcome(offer.record, offer.userTerm);
  }

  #namesOf(): Promise<LobbyNames> {
    const { credentials, namespace } = this.#parts;
    this.#names ??= stsTargetOf(credentials.service)
      .then((sts) => lobbyKeyOf(namespace, roleOf(credentials), sts))
      .then((key) => lobbyNames(namespace, key));
    return this.#names;
  }
}

function noop(): void {}
