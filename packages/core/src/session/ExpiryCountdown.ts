import { Subscribable } from '../Subscribable.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { globalTimers, type TimerProvider } from '../time/TimerProvider.js';
import type { FederatedSession } from './FederatedSession.js';

/** Default {@link ExpiryCountdownOptions.intervalMs}. */
export const DEFAULT_COUNTDOWN_INTERVAL_MS = 1_000;

/** What an {@link ExpiryCountdown} shows. */
export interface ExpiryCountdownSnapshot {
  /** Milliseconds until the credentials expire: `null` without credentials, 0 once expired. */
  readonly msLeft: number | null;
  /** When they expire (local clock), or `null` without credentials. */
  readonly expiresAt: Date | null;
  /** Whether they have expired. */
  readonly expired: boolean;
}

/** Options of {@link ExpiryCountdown}. */
export interface ExpiryCountdownOptions {
  /** How often `msLeft` is updated while someone listens, in milliseconds. @default 1000 */
  intervalMs?: number | undefined;
  /** The local clock (the one the session uses). @default Date */
  clock?: Clock | undefined;
  /** Timer functions. @default globalThis's, looked up at each call */
  timers?: TimerProvider | undefined;
}

const NONE: ExpiryCountdownSnapshot = Object.freeze({
  msLeft: null,
  expiresAt: null,
  expired: false,
});

/**
 * The time left on a session's credentials, for a countdown display. Only a countdown someone
 * subscribes to runs a timer (one per `intervalMs`, none once the credentials expired or while
 * there are none), so the session itself never wakes a whole UI every second.
 *
 * @example
 * ```ts
 * const countdown = new ExpiryCountdown(session, { intervalMs: 1000 });
 * const stop = countdown.subscribe(() => render(countdown.getSnapshot().msLeft));
 * ```
 */
export class ExpiryCountdown extends Subscribable {
  readonly #session: FederatedSession;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #timers: TimerProvider;
  #snapshot: ExpiryCountdownSnapshot = NONE;
  #timer: unknown = undefined;
  #timerSet = false;
  #unsubscribeSession: (() => void) | null = null;

  constructor(session: FederatedSession, options: ExpiryCountdownOptions = {}) {
    super();
    this.#session = session;
    this.#intervalMs = Math.max(1, options.intervalMs ?? DEFAULT_COUNTDOWN_INTERVAL_MS);
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? globalTimers;
    this.getSnapshot = this.getSnapshot.bind(this);
  }

  /**
   * The current countdown; the same object until it changes. While nobody listens it is brought
   * up to date only when the session's expiry changes, so repeated reads agree.
   */
  getSnapshot(): ExpiryCountdownSnapshot {
    if (!this.hasListeners()) this.#update(false, false);
    return this.#snapshot;
  }

  protected override onSubscribe(): void {
    this.#unsubscribeSession = this.#session.subscribe(() => this.#update(true, false));
    this.#update(true, true);
  }

  protected override onUnsubscribe(): void {
    this.#unsubscribeSession?.();
    this.#unsubscribeSession = null;
    this.#clearTimer();
  }

  /**
   * Recomputes. `notify` tells listeners of a change; without `force` the time left is only
   * recomputed when the credentials or their expiry changed.
   */
  #update(notify: boolean, force: boolean): void {
    const { credentials, expiresAt } = this.#session.getSnapshot();
    const previous = this.#snapshot;
    let next: ExpiryCountdownSnapshot;
    if (expiresAt === null) next = NONE;
    else if (
      !force &&
      previous.expiresAt?.getTime() === expiresAt.getTime() &&
      (credentials === null) === previous.expired
    ) {
      next = previous;
    } else {
      const msLeft =
        credentials === null ? 0 : Math.max(0, expiresAt.getTime() - this.#clock.now());
      next =
        previous.msLeft === msLeft && previous.expiresAt?.getTime() === expiresAt.getTime()
          ? previous
          : Object.freeze({ msLeft, expiresAt, expired: msLeft === 0 });
    }
    this.#snapshot = next;
    if (this.hasListeners()) this.#schedule();
    if (notify && next !== previous) for (const listener of [...this.listeners]) listener();
  }

  #schedule(): void {
    this.#clearTimer();
    const { msLeft } = this.#snapshot;
    if (msLeft === null || msLeft === 0) return;
    this.#timerSet = true;
    this.#timer = this.#timers.setTimeout(
      () => {
        this.#timerSet = false;
        this.#update(true, true);
      },
      Math.min(this.#intervalMs, msLeft),
    );
  }

  #clearTimer(): void {
    if (this.#timerSet) this.#timers.clearTimeout(this.#timer);
    this.#timerSet = false;
  }
}
