import { raceSignal, toAbortedError } from '../time/raceSignal.js';

/**
 * Wraps `run` so concurrent callers share one execution: the first call starts it, later calls
 * join it until it settles (success or failure; a failure is not cached).
 *
 * Each caller may pass its own signal; aborting it only stops that caller waiting. The shared run
 * sees a signal that aborts when every caller has given up — and from then on the next call starts
 * a fresh run rather than joining one nobody waits for (a hung renewal must not capture everyone
 * after it).
 *
 * @example
 * ```ts
 * const renew = singleFlight((signal) => fetchToken(signal));
 * const [a, b] = await Promise.all([renew(), renew()]); // one fetchToken call
 * ```
 */
export function singleFlight<T>(
  run: (signal: AbortSignal) => Promise<T>,
): (signal?: AbortSignal) => Promise<T> {
  let flight: { promise: Promise<T>; controller: AbortController; waiters: number } | null = null;

  return (signal) => {
    if (signal?.aborted) return Promise.reject(toAbortedError(signal.reason));
    let current = flight;
    if (current === null) {
      const controller = new AbortController();
      let promise: Promise<T>;
      try {
        promise = run(controller.signal);
      } catch (error) {
        promise = Promise.reject(error);
      }
      const created = { promise, controller, waiters: 0 };
      current = created;
      flight = created;
      promise.then(release, release);
      function release() {
        if (flight === created) flight = null;
      }
    }
    const joined = current;
    joined.waiters += 1;
    if (!signal) return joined.promise;
    const onAbort = () => {
      joined.waiters -= 1;
      if (joined.waiters === 0) {
        if (flight === joined) flight = null;
        joined.controller.abort(signal.reason);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = () => signal.removeEventListener('abort', onAbort);
    joined.promise.then(settled, settled);
    return raceSignal(joined.promise, signal);
  };
}
