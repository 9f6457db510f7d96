import type { AwsCredentialIdentity } from '@smithy/types';
import { AbortedError, SignedOutError, type FedcredsError } from '../errors.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import { toFedcredsError } from '../toFedcredsError.js';
import type { EventBus } from './EventBus.js';
import type { SessionEventMap } from './FederatedSession.js';

/** What {@link awaitRecovery} listens to and waits with. */
export interface RecoveryWait {
  readonly events: EventBus<SessionEventMap>;
  readonly timers: TimerProvider;
  /** How long to wait at most, in milliseconds. */
  readonly timeoutMs: number;
  /** The session's lifetime: aborts when it stops. */
  readonly signal: AbortSignal;
}

/**
 * After a refresh failed with an error the session retries by itself, waits for the session's next
 * outcome, so a caller settles the way the snapshot does: the credentials of the next `refreshed`
 * (its own retry or another tab's), or the error of a failure it will not retry, `SignedOutError`
 * on sign-out, `AbortedError` when the session stops — or `lastError` after `timeoutMs`.
 */
export function awaitRecovery(
  wait: RecoveryWait,
  lastError: FedcredsError,
): Promise<AwsCredentialIdentity> {
  const { events, timers, timeoutMs, signal } = wait;
  return new Promise((resolve, reject) => {
    let last = lastError;
    const cleanups: (() => void)[] = [];
    const settle = (outcome: () => void) => {
      for (const cleanup of cleanups.splice(0)) cleanup();
      outcome();
    };
    // Stopped (AbortedError) or signed out (SignedOutError): the reason the session gave.
    const onAbort = () =>
      settle(() =>
        reject(toFedcredsError(signal.reason ?? new AbortedError('The session was stopped.'))),
      );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = timers.setTimeout(() => settle(() => reject(last)), timeoutMs);
    cleanups.push(
      () => signal.removeEventListener('abort', onAbort),
      () => timers.clearTimeout(timer),
      events.on('refreshed', ({ credentials }) => settle(() => resolve(credentials))),
      events.on('error', ({ error, willRetry }) => {
        last = error;
        if (!willRetry) settle(() => reject(error));
      }),
      events.on('signed-out', () =>
        settle(() => reject(new SignedOutError('The session was signed out during the refresh.'))),
      ),
    );
  });
}
