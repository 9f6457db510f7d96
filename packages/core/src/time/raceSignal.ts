import { AbortedError, TimeoutError } from '../errors.js';

/**
 * The fedcreds error an aborted operation rejects with: the reason itself when it already is one
 * (a session's own timeout or stop), a {@link TimeoutError} when the signal timed out
 * (`AbortSignal.timeout()`), else an {@link AbortedError} carrying the reason as its cause.
 */
export function toAbortedError(reason: unknown): AbortedError | TimeoutError {
  if (reason instanceof TimeoutError || reason instanceof AbortedError) return reason;
  if (isTimeoutReason(reason)) {
    return new TimeoutError(
      'The operation timed out; try again, or allow it more time.',
      undefined,
      {
        cause: reason,
      },
    );
  }
  return new AbortedError('The operation was aborted by its caller.', { cause: reason });
}

/** Whether an abort `reason` is a timeout: `AbortSignal.timeout()`'s DOMException or a fedcreds one. */
export function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === 'object' &&
    reason !== null &&
    (reason as { name?: unknown }).name === 'TimeoutError'
  );
}

/**
 * Settles like `promise`, or rejects with {@link toAbortedError} as soon as `signal` aborts — so
 * a caller stops waiting even when the work it waits on ignores the signal (a master refresh, an
 * MFA prompt, a token source that never returns). The abandoned promise's eventual rejection is
 * swallowed so it cannot become an unhandled rejection.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(toAbortedError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    // No catch needed here: the rejection handler below already keeps the abandoned promise handled.
    const onAbort = () => reject(toAbortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
