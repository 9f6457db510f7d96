import { planRefresh } from './planRefresh.js';
import type { SessionStatus } from './SessionSnapshot.js';

/**
 * How much validity an IdP token must have left when the session sends it to STS, in
 * milliseconds; a token closer to its (skew-corrected) `exp` is re-acquired with `forceRefresh`.
 */
export const TOKEN_MIN_VALIDITY_MS = 30_000;
/** How long before the IdP token's expiry `token-expiring` is emitted, in milliseconds. */
export const TOKEN_EXPIRING_LEAD_MS = 60_000;
/**
 * Least time between two scheduled refreshes, in milliseconds: a last guard against a refresh
 * loop should every estimate of the credentials' lifetime be wrong.
 */
export const MIN_REFRESH_INTERVAL_MS = 1_000;

/**
 * Whether `status` is one the session does not leave on its own — it stopped on a failure
 * (`error`, `reauth-required`) or was signed out; only the user (`signIn()`) or the app
 * (`refresh()`) moves it on. The one place this is decided: the reducer, `sessionPhase`, the
 * scheduler and the provider all ask here.
 */
export function isTerminalStatus(status: SessionStatus): boolean {
  return status === 'error' || status === 'reauth-required' || status === 'signed-out';
}

/** The part of a record the freshness decision reads; local-clock milliseconds. */
export interface CredentialLifetime {
  /** When the credentials were obtained. */
  readonly issuedAtMs: number;
  /** When they expire. */
  readonly expiresAtMs: number;
}

/**
 * Whether credentials are fresh enough that holding them would not make a session refresh at
 * once: `nowMs` is before their planned refresh time (see `planRefresh`) with `jitterMs` of extra
 * lead. Used for restored records (no jitter), for records adopted from another tab (the whole
 * jitter, so no draw makes them due at once) and for `refresh()` without `force`.
 */
export function isFresh(
  record: CredentialLifetime,
  nowMs: number,
  refreshWindowMs: number,
  jitterMs: number,
): boolean {
  const { refreshAtMs } = planRefresh({
    issuedAtMs: record.issuedAtMs,
    expiresAtMs: record.expiresAtMs,
    refreshWindowMs,
    jitterMs,
  });
  return nowMs < refreshAtMs;
}

/**
 * Whether an IdP token expiring at `tokenExpiresAtMs` (the IdP's clock) is too close to expiry to
 * send to STS, given the local clock's skew (`clockSkewMs`, server minus local).
 */
export function isTokenCloseToExpiry(
  tokenExpiresAtMs: number | undefined,
  clockSkewMs: number,
  nowMs: number,
): boolean {
  if (tokenExpiresAtMs === undefined) return false;
  return tokenExpiresAtMs - clockSkewMs <= nowMs + TOKEN_MIN_VALIDITY_MS;
}

/** When `token-expiring` is due for a token expiring at `tokenExpiresAtMs` (local clock), or `null`. */
export function tokenWarningAtMs(tokenExpiresAtMs: number | null): number | null {
  return tokenExpiresAtMs === null ? null : tokenExpiresAtMs - TOKEN_EXPIRING_LEAD_MS;
}
