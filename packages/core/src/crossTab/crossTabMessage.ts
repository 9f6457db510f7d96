import { parseSessionRecord, type SessionRecord } from '../session/SessionRecord.js';

/** Marks fedcreds' messages, so anything else posted on the same channel name is ignored. */
export const CROSS_TAB_PROTOCOL = 'fedcreds-cross-tab/1';

/**
 * What the tabs of one cross-tab coordinator say to each other over BroadcastChannel:
 *
 * - `credentials` — a tab obtained new credentials from STS;
 * - `signed-out` — a tab signed out;
 * - `request` — a tab about to call STS asks whether another holds fresher credentials;
 * - `answer` — a tab's reply to a `request`: the record it holds, or `null`.
 */
export type CrossTabMessage = {
  readonly protocol: typeof CROSS_TAB_PROTOCOL;
  readonly from: string;
} & (
  | { readonly type: 'credentials'; readonly record: SessionRecord }
  | { readonly type: 'signed-out' }
  | { readonly type: 'request'; readonly id: string }
  | { readonly type: 'answer'; readonly id: string; readonly record: SessionRecord | null }
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
 * Checks a received message: anything not of this protocol, or carrying a malformed record, is
 * `null`. Records come back through {@link parseSessionRecord} (a fresh, frozen identity).
 */
export function parseCrossTabMessage(data: unknown): CrossTabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const from = m['from'];
  const id = m['id'];
  if (m['protocol'] !== CROSS_TAB_PROTOCOL || typeof from !== 'string') return null;
  const base = { protocol: CROSS_TAB_PROTOCOL, from } as const;
  switch (m['type']) {
    case 'credentials': {
      const record = parseSessionRecord(m['record']);
      return record ? { ...base, type: 'credentials', record } : null;
    }
    case 'signed-out':
      return { ...base, type: 'signed-out' };
    case 'request':
      return typeof id === 'string' ? { ...base, type: 'request', id } : null;
    case 'answer': {
      if (typeof id !== 'string') return null;
      if (m['record'] === null) return { ...base, type: 'answer', id, record: null };
      const record = parseSessionRecord(m['record']);
      return record ? { ...base, type: 'answer', id, record } : null;
    }
    default:
      return null;
  }
}
