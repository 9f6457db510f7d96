import type { Clock } from './Clock.js';
import type { TimerProvider } from './TimerProvider.js';

/**
 * Longest single timer an {@link Alarm} sets, in milliseconds. A long wait is cut into slices this
 * long and the clock is re-read at the end of each: browsers pause or throttle timers while a
 * laptop sleeps or a tab sits in the background, so a 55-minute `setTimeout` can fire hours late.
 * (It also keeps every delay far below the 2^31 − 1 ms limit past which `setTimeout` fires at once.)
 */
export const MAX_TIMER_SLICE_MS = 60_000;

/**
 * One wake-up at an absolute time on a {@link Clock}. It fires when the clock has reached that
 * time — not merely when a timer callback ran — so a delayed timer never fires early and a clock
 * that jumped ahead is noticed within one slice.
 *
 * @example
 * ```ts
 * const alarm = new Alarm(systemClock, globalTimers, () => tick());
 * alarm.set(Date.now() + 55 * 60_000);
 * alarm.clear();
 * ```
 */
export class Alarm {
  #at: number | null = null;
  #handle: unknown = undefined;
  #armed = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerProvider,
    private readonly onFire: () => void,
    private readonly maxSliceMs: number = MAX_TIMER_SLICE_MS,
  ) {}

  /** The time this alarm fires at, in clock milliseconds, or `null` when unset. */
  get at(): number | null {
    return this.#at;
  }

  /** Fires at `atMs` (clock milliseconds), replacing any earlier setting; `null` clears it. */
  set(atMs: number | null): void {
    this.#disarm();
    this.#at = atMs;
    if (atMs !== null) this.#arm();
  }

  /** Cancels the alarm; no timer is left behind. */
  clear(): void {
    this.set(null);
  }

  #arm(): void {
    const at = this.#at;
    if (at === null) return;
    const delayMs = Math.min(Math.max(0, at - this.clock.now()), this.maxSliceMs);
    this.#armed = true;
    this.#handle = this.timers.setTimeout(() => {
      this.#armed = false;
      this.#handle = undefined;
      if (this.#at === null) return;
      if (this.clock.now() >= this.#at) {
        this.#at = null;
        this.onFire();
      } else {
        this.#arm();
      }
    }, delayMs);
  }

  #disarm(): void {
    if (this.#armed) this.timers.clearTimeout(this.#handle);
    this.#armed = false;
    this.#handle = undefined;
  }
}
