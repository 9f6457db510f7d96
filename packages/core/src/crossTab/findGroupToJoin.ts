import type { SessionRecord } from '../session/SessionRecord.js';
import { answerTimeout } from '../time/answerTimeout.js';
import type { Clock } from '../time/Clock.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import { CROSS_TAB_PROTOCOL } from './crossTabMessage.js';
import type { CrossTabLocks, CrossTabTransport } from './CrossTabTransport.js';
import { belongsTo, groupKeyOf, type GroupIdentity } from './GroupIdentity.js';
import { parseLobbyMessage, type LobbyMessage, type LobbyNames } from './lobbyMessage.js';
import { randomId } from './randomId.js';
import { signedInSince, type SignOutMarker } from './signOutMarker.js';

/** What {@link findGroupToJoin} works with. */
export interface FindGroupInput {
  /** The prefix of the names (`crossTab.name`): group keys are hashed under it. */
  readonly namespace: string;
  readonly names: LobbyNames;
  /** The asking tab's role and STS: a group's key is recomputed with them. */
  readonly roleArn: string;
  readonly sts: string;
  readonly transport: CrossTabTransport;
  readonly tabId: string;
  readonly clock: Clock;
  readonly timers: TimerProvider;
  readonly answerTimeoutMs: number;
  /** Aborts the wait (the session stopped). */
  readonly signal: AbortSignal;
  /** The sign-out marker of the group whose key is given. */
  readonly marker: (key: string) => SignOutMarker;
}

/** The group a tab with no IdP user may join, as its host offered it, checked. */
export interface GroupOffer {
  readonly key: string;
  /** The group's identity: the offered user, with the asking tab's own role and STS. */
  readonly identity: GroupIdentity;
  /** The term the offered IdP user was renewed under. */
  readonly userTerm: number;
  readonly record: SessionRecord;
  /** The host's IdP user hand-off: secret, for `tokenSource.importHandoff` only. */
  readonly user: unknown;
}

/** An offer to join, or why there is none (secret-free, for the session's logger). */
export type FindGroupOutcome =
  | { readonly offer: GroupOffer; readonly refused?: undefined }
  | { readonly offer?: undefined; readonly refused: string };

type Answer = Extract<LobbyMessage, { type: 'join-offer' | 'join-decline' }>;

/**
 * Asks the lobby whether exactly one group is live, and checks what it offers. The lock manager
 * shows the groups whose host is present (`locks.query()`): with none, no question is asked;
 * with two or more, the tab would not know whose group to join, and none is joined. Otherwise a
 * `join-request` goes out and the answers — from that group only — are collected on a reply
 * channel only this tab opened, until the host answered, a second group did, `answerTimeoutMs`
 * passed, or `signal` aborted (without `query()`, from any group, for the whole timeout). An offer is taken only if it is the one
 * group that answered, its key is the hash of the user it names under this tab's prefix, role and
 * STS, the group's sign-out marker is older than the user's token, and its credentials are that
 * identity's, unexpired and issued after the marker.
 */
export async function findGroupToJoin(input: FindGroupInput): Promise<FindGroupOutcome> {
  const hosts = await hostedGroups(input.transport.locks, input.names);
  if (hosts?.size === 0) return refuse('no group of this origin is live');
  if (hosts && hosts.size > 1) return refuse('more than one group is live: whose to join?');
  const answers = await ask(input, hosts);
  if (answers.length === 0) return refuse('no group answered');
  if (answers.length > 1) return refuse('more than one group answered: whose to join?');
  const answer = answers[0] as Answer;
  if (answer.type === 'join-decline') return refuse('the live group has nothing to offer');
  const identity: GroupIdentity = {
    issuer: answer.issuer,
    subject: answer.subject,
    roleArn: input.roleArn,
    sts: input.sts,
  };
  if ((await groupKeyOf(input.namespace, identity)) !== answer.group) {
    return refuse('an offer whose key is not its user’s');
  }
  const now = input.clock.now();
  const signedOutAtMs = input.marker(answer.group).read(now);
  if (!signedInSince(answer.issuedAtMs, signedOutAtMs)) return refuse('the group signed out');
  const { record } = answer;
  const usable = record.expiresAtMs > now && signedInSince(record.issuedAtMs, signedOutAtMs);
  if (!belongsTo(record, identity) || !usable) {
    return refuse('an offer of credentials that are not the group’s, or no longer usable');
  }
  return {
    offer: { key: answer.group, identity, userTerm: answer.term, record, user: answer.user },
  };
}

function refuse(reason: string): FindGroupOutcome {
  return { refused: reason };
}

/** The keys of the groups whose host holds its lock now; `null` when the lock manager cannot say. */
async function hostedGroups(locks: CrossTabLocks, names: LobbyNames): Promise<Set<string> | null> {
  if (!locks.query) return null;
  try {
    const { held = [] } = await locks.query();
    const prefix = names.host('');
    const keys = new Set<string>();
    for (const { name } of held) {
      if (typeof name === 'string' && name.startsWith(prefix)) keys.add(name.slice(prefix.length));
    }
    return keys;
  } catch {
    return null;
  }
}

/**
 * Posts a request and collects one answer per group (an offer over a decline, the later term),
 * only from the groups whose host the lock manager showed, when it could.
 */
function ask(input: FindGroupInput, hosts: Set<string> | null): Promise<Answer[]> {
  const { transport, names, clock, timers, signal } = input;
  if (signal.aborted) return Promise.resolve([]);
  const id = randomId();
  const reply = transport.openChannel(names.reply(id));
  return new Promise<Answer[]>((resolve) => {
    const byGroup = new Map<string, Answer>();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      cancelTimeout();
      signal.removeEventListener('abort', finish);
      reply.close();
      resolve([...byGroup.values()]);
    };
    reply.addEventListener('message', ({ data }) => {
      const message = parseLobbyMessage(data, clock.now());
      if (!message || message.id !== id || message.type === 'join-request') return;

      if (hosts && !hosts.has(message.group)) return;
      const known = byGroup.get(message.group);
      if (
        !known ||
        (message.type === 'join-offer' &&
          (known.type !== 'join-offer' || message.term > known.term))
      ) {
        byGroup.set(message.group, message);
      }
      if (byGroup.size > 1 || (hosts && byGroup.size >= hosts.size)) finish();
    });
    const cancelTimeout = answerTimeout(timers, clock, input.answerTimeoutMs, finish);
    signal.addEventListener('abort', finish, { once: true });
    const lobby = transport.openChannel(names.channel);
    lobby.postMessage({
      protocol: CROSS_TAB_PROTOCOL,
      type: 'join-request',
      from: input.tabId,
      id,
    });
    lobby.close();
  });
}
