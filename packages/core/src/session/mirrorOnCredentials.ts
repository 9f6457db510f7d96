import type { SessionCredentials } from './FederatedSession.js';
import type { FetchedRecord } from './fetchSessionRecord.js';
import type { TokenKind } from './resolveSessionOptions.js';
import type { SessionRecord } from './SessionRecord.js';

/**
 * Makes a session-owned credential object's v2-style fields say what the session holds — the one
 * writer of those fields once a session owns the object (the session's exchanges leave the object
 * untouched). `accessKeyId`, `secretAccessKey`, `sessionToken`, `expireTime` (local clock,
 * skew-corrected, like the snapshot: v2's `needsRefresh()` compares with `Date.now()`) and
 * `expired` follow `record`, whether it came from STS, storage or another tab; `null` (sign-out)
 * clears them and the IdP token in `params`, so they cannot keep serving the keys. For a record
 * this session fetched itself, `data` becomes the STS response and `params` holds the token the
 * credentials came from.
 */
export function mirrorOnCredentials(
  credentials: SessionCredentials,
  tokenKind: TokenKind,
  record: SessionRecord | null,
  fetched: FetchedRecord | null,
): void {
  credentials.accessKeyId = record?.accessKeyId ?? '';
  credentials.secretAccessKey = record?.secretAccessKey ?? '';
  credentials.sessionToken = record?.sessionToken;
  credentials.expireTime = record ? new Date(record.expiresAtMs) : null;
  credentials.expired = record === null;
  const params = credentials.params as Record<string, unknown>;
  const tokenParam = tokenKind?.param ?? null;
  if (record === null) {
    if (tokenParam !== null) delete params[tokenParam];
    return;
  }
  if (fetched) {
    (credentials as { data: unknown }).data = fetched.output;
    if (tokenParam !== null && fetched.token !== undefined) params[tokenParam] = fetched.token;
  }
}
