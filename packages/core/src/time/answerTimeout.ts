import type { Clock } from './Clock.js';
import type { TimerProvider } from './TimerProvider.js';

/**
 * Calls `onTimeout` once `ms` milliseconds have passed in which this tab could have read the
 * answers it waits for. A timer that fires late by more than a quarter of `ms` means the tab's
 * own thread was busy meanwhile (a page still starting up, a loaded phone): answers may be queued
 * behind that work, so it waits once more, for as long as it was late (at most `ms`), before
 * giving up; once only, so a tab that stays busy still gives up. Returns the function that
 * cancels it.
 */
export function answerTimeout(
  timers: TimerProvider,
  clock: Clock,
  ms: number,
  onTimeout: () => void,
): () => void {
  const dueAtMs = clock.now() + ms;
  let extended = false;
  const fire = () => {
    const lateMs = clock.now() - dueAtMs;
    if (!extended && lateMs > ms / 4) {
      extended = true;
      handle = timers.setTimeout(fire, Math.min(lateMs, ms));
      return;
    }
    onTimeout();
  };
  let handle = timers.setTimeout(fire, ms);
  return () => timers.clearTimeout(handle);
}
