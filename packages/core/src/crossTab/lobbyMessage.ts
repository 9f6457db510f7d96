import type { SessionRecord } from '../session/SessionRecord.js';
import {
  CROSS_TAB_PROTOCOL,
  isId as isBounded,
  isPastTime,
  parseWireRecord,
} from './crossTabMessage.js';

/** Longest issuer or subject accepted: URLs and user ids, far shorter in practice. */
const MAX_CLAIM_LENGTH = 2_048;

/**
 * Where the tabs of one lobby (see `joinWhenSignedOut`) meet: the channel a tab with no IdP user
 * asks on, the prefix of each group's host lock, and the reply channel of one request.
 */
export interface LobbyNames {
  /** The channel join requests go on; only each group's host listens. */
  readonly channel: string;
  /** The exclusive lock one member of the group `key` holds while it answers for its group. */
  host(key: string): string;
  /** The channel the answers to request `id` go on: only the tab that asked listens. */
  reply(id: string): string;
}

/** The names of the lobby whose key is `lobbyKey`, under the prefix `namespace`. */
export function lobbyNames(namespace: string, lobbyKey: string): LobbyNames {
  const channel = `${namespace}:lobby:${lobbyKey}`;
  return {
    channel,
    host: (key) => `${channel}:host:${key}`,
    reply: (id) => `${channel}:reply:${id}`,
  };
}

/**
 * What the lobby's tabs say. On the lobby channel, a tab with no IdP user asks whether a group
 * is live (`join-request`, with a fresh `id`). On that request's reply channel, each group's host
 * answers once: `join-offer` — the group's key and user (issuer, subject, when the user's token
 * was issued), the credentials it holds and its IdP user hand-off (secret: never stored by the
 * asking tab before it checked all of it), with the term that user was renewed under — or
 * `join-decline` when it has nothing it may give (no usable credentials, no user, signed out).
 */
export type LobbyMessage = {
  readonly protocol: typeof CROSS_TAB_PROTOCOL;
  readonly from: string;
  readonly id: string;
} & (
  | { readonly type: 'join-request' }
  | { readonly type: 'join-decline'; readonly group: string }
  | {
      readonly type: 'join-offer';
      readonly group: string;
      readonly issuer: string;
      readonly subject: string;
      readonly issuedAtMs: number | null;
      readonly term: number;
      readonly record: SessionRecord;
      readonly user: unknown;
    }
);

/** A message of the lobby protocol as sent: everything but `protocol`. */
export type OutgoingLobbyMessage = LobbyMessage extends infer M
  ? M extends unknown
    ? Omit<M, 'protocol'>
    : never
  : never;

/**
 * Checks a received lobby message against `nowMs`: anything not of this protocol, with an id,
 * key or claim out of bounds, a time in the future, or an offer whose record is malformed or out
 * of range (see `parseWireRecord`) or that carries no user, is `null`.
 */
export function parseLobbyMessage(data: unknown, nowMs: number): LobbyMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const { from, id, group } = m;
  if (m['protocol'] !== CROSS_TAB_PROTOCOL || !isBounded(from) || !isBounded(id)) return null;
  const base = { protocol: CROSS_TAB_PROTOCOL, from, id } as const;
  switch (m['type']) {
    case 'join-request':
      return { ...base, type: 'join-request' };
    case 'join-decline':
      return isBounded(group) ? { ...base, type: 'join-decline', group } : null;
    case 'join-offer': {
      const { issuer, subject, issuedAtMs, term, user } = m;
      const record = parseWireRecord(m['record'], nowMs);
      if (
        !isBounded(group) ||
        !isBounded(subject, MAX_CLAIM_LENGTH) ||
        !(issuer === '' || isBounded(issuer, MAX_CLAIM_LENGTH)) ||
        !(issuedAtMs === null || isPastTime(issuedAtMs, nowMs)) ||
        !isPastTime(term, nowMs) ||
        record === null ||
        user == null
      ) {
        return null;
      }
      return {
        ...base,
        type: 'join-offer',
        group,
        issuer: issuer as string,
        subject,
        issuedAtMs: issuedAtMs as number | null,
        term: term as number,
        record,
        user,
      };
    }
    default:
      return null;
  }
}
