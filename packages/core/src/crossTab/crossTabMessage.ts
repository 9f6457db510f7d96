import { parseSessionRecord, type SessionRecord } from '../session/SessionRecord.js';

/** Marks fedcreds' messages, so anything else posted on the same channel name is ignored. */
export const CROSS_TAB_PROTOCOL = 'fedcreds-cross-tab/2';

/**
 * Longest-lived credentials STS hands out (GetSessionToken's 36 hours), in milliseconds: a record
 * claiming a longer life, or issued longer ago, is forged or broken.
 */
export const MAX_CREDENTIAL_LIFETIME_MS = 36 * 3_600_000;
/**
 * How far in the future a received time may lie, in milliseconds. The tabs of one browser read
 * one clock, and a message is sent after the time it carries, so this only absorbs rounding.
 */
export const FUTURE_TOLERANCE_MS = 2_000;
/** Bound on clock skews and IdP-token expiries (a year), in milliseconds: beyond is nonsense. */
const MAX_OFFSET_MS = 366 * 86_400_000;
/** Longest tab id or request id accepted. */
const MAX_ID_LENGTH = 128;

/**
 * What the tabs of one identity's group say to each other over BroadcastChannel. Every message
 * names its `group` (the receiving tab ignores other groups') and its sender `from`:
 *
 * - `credentials` — the leader obtained new credentials from STS, under leadership `term`;
 * - `user` — the leader's IdP user after a renewal (refresh token included), for whichever tab
 *   leads next; never stored, never logged;
 * - `took-over` — a tab took the lock from a leader that stopped answering, under `term`;
 * - `signed-out` — a tab signed the group out at `atMs`;
 * - `request` — a tab about to refresh asks whether another holds fresher credentials;
 * - `answer` — a reply to a `request`: the record the tab holds (or `null`), and its IdP user
 *   when it has one to hand over, with the term that user was renewed under.
 *
 * A term is the local time at which a tab took the refresh lock (every tab of a browser reads the
 * same clock). A tab that takes the lock from a stuck leader says `took-over`: from then on the
 * group ignores what carries an older term, so the deposed leader, waking up, changes nothing.
 */
export type CrossTabMessage = {
  readonly protocol: typeof CROSS_TAB_PROTOCOL;
  readonly group: string;
  readonly from: string;
} & (
  | { readonly type: 'credentials'; readonly term: number; readonly record: SessionRecord }
  | { readonly type: 'user'; readonly term: number; readonly user: unknown }
  | { readonly type: 'took-over'; readonly term: number }
  | { readonly type: 'signed-out'; readonly atMs: number }
  | { readonly type: 'request'; readonly id: string }
  | {
      readonly type: 'answer';
      readonly id: string;
      readonly term: number;
      readonly record: SessionRecord | null;
      readonly user?: unknown;
    }
);

/**
 * A copy of `record` made of plain fields only, safe for structured clone (no frozen identity, no
 * hooks, nothing another version of the record type might have added).
 */
export function toWireRecord(record: SessionRecord): SessionRecord {
  return {
    version: 1,
    accessKeyId: record.accessKeyId,
    secretAccessKey: record.secretAccessKey,
    ...(record.sessionToken !== undefined && { sessionToken: record.sessionToken }),
    ...(record.accountId !== undefined && { accountId: record.accountId }),
    issuedAtMs: record.issuedAtMs,
    expiresAtMs: record.expiresAtMs,
    tokenExpiresAtMs: record.tokenExpiresAtMs,
    identity: record.identity === null ? null : { ...record.identity },
    clockSkewMs: record.clockSkewMs,
  };
}

/**
 * Checks a received message against `nowMs`: anything not of this protocol, with a malformed or
 * out-of-range record (issued in the future or over 36 hours ago, living longer than STS allows,
 * absurd skew) or time, is `null`. Records come back through {@link parseSessionRecord} (a fresh,
 * frozen identity). Expired records still parse; whether to use them is the receiver's call.
 */
export function parseCrossTabMessage(data: unknown, nowMs: number): CrossTabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const { from, group, id } = m;
  if (m['protocol'] !== CROSS_TAB_PROTOCOL || !isId(from) || !isId(group)) return null;
  const base = { protocol: CROSS_TAB_PROTOCOL, group, from } as const;
  const term = isPastTime(m['term'], nowMs) ? (m['term'] as number) : null;
  switch (m['type']) {
    case 'credentials': {
      const record = parseWireRecord(m['record'], nowMs);
      return record && term !== null ? { ...base, type: 'credentials', term, record } : null;
    }
    case 'user':
      return term !== null && m['user'] != null
        ? { ...base, type: 'user', term, user: m['user'] }
        : null;
    case 'took-over':
      return term === null ? null : { ...base, type: 'took-over', term };
    case 'signed-out':
      return isPastTime(m['atMs'], nowMs)
        ? { ...base, type: 'signed-out', atMs: m['atMs'] as number }
        : null;
    case 'request':
      return isId(id) ? { ...base, type: 'request', id } : null;
    case 'answer': {
      if (!isId(id) || term === null) return null;
      const record = m['record'] === null ? null : parseWireRecord(m['record'], nowMs);
      if (record === null && m['record'] !== null) return null;
      const answer = { ...base, type: 'answer', id, term, record } as const;
      return m['user'] == null ? answer : { ...answer, user: m['user'] };
    }
    default:
      return null;
  }
}

/** A record whose every time is in a range STS could have produced by `nowMs`. */
export function parseWireRecord(value: unknown, nowMs: number): SessionRecord | null {
  const record = parseSessionRecord(value);
  if (!record) return null;
  const { issuedAtMs, expiresAtMs, tokenExpiresAtMs, clockSkewMs } = record;
  const lifetimeMs = expiresAtMs - issuedAtMs;
  const sane =
    issuedAtMs <= nowMs + FUTURE_TOLERANCE_MS &&
    issuedAtMs >= nowMs - MAX_CREDENTIAL_LIFETIME_MS &&
    lifetimeMs > 0 &&
    lifetimeMs <= MAX_CREDENTIAL_LIFETIME_MS &&
    Math.abs(clockSkewMs) <= MAX_OFFSET_MS &&
    (tokenExpiresAtMs === null || Math.abs(tokenExpiresAtMs - nowMs) <= MAX_OFFSET_MS);
  return sane ? record : null;
}

/** A non-empty string of at most `max` characters (an id's bound by default). */
export function isId(value: unknown, max = MAX_ID_LENGTH): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** A time no later than now (give or take the tolerance) and not before 1970. */
export function isPastTime(value: unknown, nowMs: number): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= nowMs + FUTURE_TOLERANCE_MS
  );
}
