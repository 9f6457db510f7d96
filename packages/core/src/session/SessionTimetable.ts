import type { Clock } from '../time/Clock.js';
import type { RetryOptions } from './backoffDelayMs.js';
import {
  decideSchedule,
  scheduleRecord,
  scheduleRetry,
  type RecordDeadlines,
  type ScheduleDecision,
  type ScheduleState,
} from './scheduleSession.js';
import type { SessionRecord } from './SessionRecord.js';

/** What a {@link SessionTimetable} plans with: the session's resolved options. */
export interface TimetableOptions {
  readonly clock: Clock;
  readonly refreshWindowMs: number;
  readonly refreshJitterMs: number;
  readonly expiryMarginMs: number;
  readonly retry: Required<RetryOptions>;
  readonly random: () => number;
}

/**
 * The credentials a session holds and their deadlines, plus the retry state after failures: the
 * session's only mutable time state, planned by the pure functions of `scheduleSession`. Times
 * are local-clock milliseconds.
 */
export class SessionTimetable {
  readonly #o: TimetableOptions;
  #record: SessionRecord | null = null;
  #deadlines: RecordDeadlines | null = null;
  #retryAtMs: number | null = null;
  #attempt = 0;

  constructor(options: TimetableOptions) {
    this.#o = options;
  }

  /** The record held, or `null`. */
  get record(): SessionRecord | null {
    return this.#record;
  }

  /** Until when the provider hands the held credentials out without waiting (−∞ for none). */
  get usableUntilMs(): number {
    return this.#deadlines?.usableUntilMs ?? Number.NEGATIVE_INFINITY;
  }

  /** When the held credentials fall due for renewal, or `null` without any. */
  get refreshAtMs(): number | null {
    return this.#deadlines?.refreshAtMs ?? null;
  }

  /** Whether a retry is waiting for its time at `nowMs` (backing off). */
  isBackingOff(nowMs: number): boolean {
    return this.#retryAtMs !== null && nowMs < this.#retryAtMs;
  }

  /** Holds `record` (just received) and plans its renewal with a fresh jitter draw; no retry pending. */
  hold(record: SessionRecord): void {
    const o = this.#o;
    this.#record = record;
    this.#deadlines = scheduleRecord(
      record,
      o.clock.now(),
      o.refreshWindowMs,
      o.random() * o.refreshJitterMs,
      o.expiryMarginMs,
    );
    this.#retryAtMs = null;
    this.#attempt = 0;
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.#record = null;
    this.#deadlines = null;
    this.#retryAtMs = null;
    this.#attempt = 0;
  }

  /**
   * Counts a failed attempt and, if the session will retry, plans it with backoff. Returns the
   * attempt's number and the delay before the retry.
   */
  failed(willRetry: boolean): { attempt: number; retryInMs?: number } {
    this.#attempt += 1;
    const attempt = this.#attempt;
    if (!willRetry) return { attempt };
    const o = this.#o;
    const planned = scheduleRetry(attempt, o.clock.now(), o.retry, o.random);
    this.#retryAtMs = planned.retryAtMs;
    return { attempt, retryInMs: planned.retryInMs };
  }

  /** Drops the pending retry (a refresh runs now, or the session stopped). */
  cancelRetry(): void {
    this.#retryAtMs = null;
  }

  /** Makes a pending retry due now (the network came back). */
  retryNow(): void {
    if (this.#retryAtMs !== null) this.#retryAtMs = this.#o.clock.now();
  }

  /** The held credentials expired: the provider no longer hands them out. */
  expired(): void {
    if (this.#deadlines) this.#deadlines = { ...this.#deadlines, usableUntilMs: -Infinity };
  }

  /** `token-expiring` was sent for the held credentials' token. */
  tokenWarned(): void {
    if (this.#deadlines) this.#deadlines = { ...this.#deadlines, tokenWarnAtMs: null };
  }

  /** What is due at `nowMs` given the session's state (see `decideSchedule`). */
  decide(session: Omit<ScheduleState, 'deadlines' | 'retryAtMs'>, nowMs: number): ScheduleDecision {
    return decideSchedule(
      { ...session, deadlines: this.#deadlines, retryAtMs: this.#retryAtMs },
      nowMs,
    );
  }
}
