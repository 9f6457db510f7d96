import { Subscribable } from '../Subscribable.js';
import { systemClock } from '../time/Clock.js';
import type { Clock } from '../time/Clock.js';
import { globalTimers } from '../time/TimerProvider.js';
import type { TimerProvider } from '../time/TimerProvider.js';

/** Default tick of an {@link ExpiryCountdown}, in milliseconds. */
export const DEFAULT_COUNTDOWN_INTERVAL_MS = 1000;

/** What an {@link ExpiryCountdown} shows. */
export interface ExpiryCountdownSnapshot {
  /**
   * Milliseconds until the credentials expire (local clock, 0 once expired), as of the last tick;
   * `null` while there are no credentials. Ticks land where this is a multiple of the interval.
   */
  msLeft: number | null;
  /** When the credentials expire (local clock), or `null` while there are none. */
  expiresAt: Date | null;
  /** Whether the current credentials have expired. */
  expired: boolean;
}

/** The part of a session an {@link ExpiryCountdown} watches. */
export interface ExpiryCountdownSource {
  getSnapshot(): { expiresAt: Date | null };
  subscribe(listener: () => void): () => void;
}

/** Options of {@link ExpiryCountdown}. */
export interface ExpiryCountdownOptions {
  /** How often the countdown ticks, in milliseconds. @default 1000 */
  intervalMs?: number;
  /** Source of the current time. @default systemClock */
  clock?: Clock;
  /** Timers, looked up at call time. @default globalTimers */
  timers?: TimerProvider;
}

const NO_CREDENTIALS: ExpiryCountdownSnapshot = Object.freeze({
  msLeft: null,
  expiresAt: null,
  expired: false,
});

/**
 * Time left on a session's credentials as a store that ticks only while someone subscribes —
 * one timer per countdown, set on the first subscriber and cleared on the last, and none once
 * the credentials have expired or while there are none. Built for `useSyncExternalStore`:
 * `getSnapshot` returns the same object between ticks and never reads the clock.
 *
 * @example
 * ```ts
 * const countdown = new ExpiryCountdown(session, { intervalMs: 1000 });
 * const stop = countdown.subscribe(() => render(countdown.getSnapshot().msLeft));
 * ```
 */
export class ExpiryCountdown extends Subscribable {
  readonly #source: ExpiryCountdownSource;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #timers: TimerProvider;
  #snapshot: ExpiryCountdownSnapshot;
  #handle: unknown = undefined;
  #ticking = false;
  #unsubscribeSource: (() => void) | undefined;

  constructor(source: ExpiryCountdownSource, options: ExpiryCountdownOptions = {}) {
    super();
    this.#source = source;
    this.#intervalMs = Math.max(1, options.intervalMs ?? DEFAULT_COUNTDOWN_INTERVAL_MS);
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? globalTimers;
    this.#snapshot = this.#compute();
    this.getSnapshot = this.getSnapshot.bind(this);
  }

  /** The countdown as of the last tick or credential change. */
  getSnapshot(): ExpiryCountdownSnapshot {
    return this.#snapshot;
  }

  protected override onSubscribe(): void {
    this.#unsubscribeSource = this.#source.subscribe(() => this.#update());
    this.#update();
  }

  protected override onUnsubscribe(): void {
    this.#unsubscribeSource?.();
    this.#unsubscribeSource = undefined;
    this.#stopTicking();
  }

  #compute(): ExpiryCountdownSnapshot {
    const { expiresAt } = this.#source.getSnapshot();
    if (expiresAt === null) return NO_CREDENTIALS;
    const msLeft = Math.max(0, expiresAt.getTime() - this.#clock.now());
    const previous = this.#snapshot as ExpiryCountdownSnapshot | undefined;
    if (previous?.msLeft === msLeft && previous.expiresAt?.getTime() === expiresAt.getTime()) {
      return previous;
    }
    return { msLeft, expiresAt, expired: msLeft === 0 };
  }

  #update(): void {
    const next = this.#compute();
    const changed = next !== this.#snapshot;
    this.#snapshot = next;
    this.#stopTicking();
    if (this.hasListeners() && next.msLeft !== null && next.msLeft > 0) {
      // Land the next tick where the time left is a whole number of intervals, so a display
      // rounded to the interval changes exactly when the tick renders it.
      const delayMs = next.msLeft % this.#intervalMs || this.#intervalMs;
      this.#ticking = true;
      this.#handle = this.#timers.setTimeout(() => {
        this.#ticking = false;
        this.#update();
      }, delayMs);
    }
    if (changed) for (const listener of this.listeners) listener();
  }

  #stopTicking(): void {
    if (this.#ticking) this.#timers.clearTimeout(this.#handle);
    this.#ticking = false;
    this.#handle = undefined;
  }
}
