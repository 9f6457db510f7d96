import type { OidcClient, User } from 'oidc-client-ts';
import { raceSignal } from '../time/raceSignal.js';
import { timeoutSignal } from '../time/timeoutSignal.js';
import type { TimerProvider } from '../time/TimerProvider.js';

/** Token types oidc-client-ts can revoke (its `revokeTokenTypes` setting). */
type RevocableType = 'access_token' | 'refresh_token';

/**
 * Revokes `user`'s tokens at the IdP's revocation endpoint (RFC 7009) — the refresh token first,
 * since revoking it ends the whole grant at most IdPs — when the IdP's discovery document lists
 * one. Best effort within `timeoutMs` per token: resolves with whether every token was revoked,
 * never rejects (the user is already signed out locally; a failed revocation must not undo that).
 */
export async function revokeUserTokens(
  client: OidcClient,
  user: Pick<User, RevocableType>,
  types: readonly RevocableType[],
  timeoutMs: number,
  timers: TimerProvider,
): Promise<boolean> {
  try {
    // `true`: the endpoint is optional metadata; an IdP without it is not an error.
    if (!(await client.metadataService.getRevocationEndpoint(true))) return false;
  } catch {
    return false;
  }
  const ordered = [...new Set(types)].sort(
    (a, b) => Number(b === 'refresh_token') - Number(a === 'refresh_token'),
  );
  let revokedAll = true;
  for (const type of ordered) {
    const token = user[type];
    if (typeof token !== 'string' || token.length === 0) continue;
    const timeout = timeoutSignal(
      new AbortController().signal,
      timeoutMs,
      timers,
      'token revocation',
    );
    try {
      await raceSignal(client.revokeToken(token, type), timeout.signal);
    } catch {
      revokedAll = false;
    } finally {
      timeout.dispose();
    }
  }
  return revokedAll;
}
