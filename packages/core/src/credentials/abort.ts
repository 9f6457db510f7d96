import { AbortedError, TimeoutError, type FedcredsError } from '../errors.js';

/** The error an aborted call rejects with: a timeout when the signal's reason is one, else an abort. */
export function abortError(signal: AbortSignal): FedcredsError {
  const reason: unknown = signal.reason;
  const name =
    typeof reason === 'object' && reason !== null ? (reason as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError') {
    return new TimeoutError(
      'The credentials refresh timed out; try again, or allow it more time.',
      undefined,
      { cause: reason },
    );
  }
  return new AbortedError('The credentials refresh was aborted by its caller.', { cause: reason });
}

/**
 * Settles like `promise`, or rejects with {@link abortError} as soon as `signal` aborts — so a
 * caller stops waiting even when the work it waits on (a master refresh, an MFA prompt) cannot be
 * cancelled.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
