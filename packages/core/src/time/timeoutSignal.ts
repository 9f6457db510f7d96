import { TimeoutError } from '../errors.js';
import { toAbortedError } from './raceSignal.js';
import type { TimerProvider } from './TimerProvider.js';

/** A signal that aborts when its parent does or when a timeout elapses (see {@link timeoutSignal}). */
export interface TimeoutSignal {
  /** Aborted with an `AbortedError` (parent aborted) or a {@link TimeoutError} (time is up). */
  readonly signal: AbortSignal;
  /** Whether the timeout, rather than the parent, aborted the signal. */
  readonly timedOut: boolean;
  /** Clears the timer and detaches from the parent. Call it when the work is done. */
  dispose(): void;
}

/**
 * Derives a signal from `parent` that also aborts after `timeoutMs` on the given timers — unlike
 * `AbortSignal.timeout`, on injected timers, so a test can make a request time out without waiting.
 *
 * @param parent - aborting it aborts the derived signal.
 * @param timeoutMs - milliseconds before the derived signal aborts with a {@link TimeoutError}.
 * @param timers - where the timeout is scheduled.
 * @param what - names the operation in the timeout's message, e.g. `'STS request'`.
 */
export function timeoutSignal(
  parent: AbortSignal,
  timeoutMs: number,
  timers: TimerProvider,
  what: string,
): TimeoutSignal {
  const controller = new AbortController();
  let timedOut = false;
  const handle = timers.setTimeout(() => {
    timedOut = true;
    controller.abort(
      new TimeoutError(
        `The ${what} took longer than ${timeoutMs} ms (requestTimeoutMs).`,
        timeoutMs,
      ),
    );
  }, timeoutMs);
  const onParentAbort = () => {
    // Cleared at once: after `stop()` no timer may be left, not even until the next microtask.
    timers.clearTimeout(handle);
    controller.abort(toAbortedError(parent.reason));
  };
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      timers.clearTimeout(handle);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
