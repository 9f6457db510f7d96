import { ReauthRequiredError, type FedcredsError } from '../errors.js';
import type { EventBus } from './EventBus.js';
import type { SessionEventMap } from './FederatedSession.js';
import type { SessionSnapshot } from './SessionSnapshot.js';

/** One failed refresh attempt, as the session decided to handle it. */
export interface RefreshFailure {
  readonly error: FedcredsError;
  readonly willRetry: boolean;
  /** 1-based count of consecutive failures. */
  readonly attempt: number;
  /** Delay before the retry, when `willRetry`. */
  readonly retryInMs?: number | undefined;
}

/**
 * Emits the events a failed refresh means, given the snapshot after it: `error` always;
 * `expiring` when it may be retried but the credentials held are running out; `reauth-required`
 * when the IdP needs the user (nobody signed in is `signed-out`, not a demand to sign in again).
 */
export function reportRefreshFailure(
  events: EventBus<SessionEventMap>,
  snapshot: SessionSnapshot,
  failure: RefreshFailure,
  nowMs: number,
): void {
  const { error, willRetry, attempt, retryInMs } = failure;
  events.emit('error', {
    error,
    willRetry,
    attempt,
    ...(retryInMs !== undefined && { retryInMs }),
  });
  const { credentials, expiresAt } = snapshot;
  if (error.retryable && credentials && expiresAt) {
    events.emit('expiring', { expiresAt, msLeft: Math.max(0, expiresAt.getTime() - nowMs) });
  }
  if (error instanceof ReauthRequiredError && error.reason !== 'signed_out') {
    events.emit('reauth-required', { error });
  }
}
