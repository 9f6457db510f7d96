/**
 * A source of the current time, in milliseconds since the epoch. Injected wherever fedcreds makes
 * a time decision, so tests (and apps with a trusted time source) can supply their own.
 *
 * `Date` itself satisfies it.
 */
export interface Clock {
  /** Current time, in milliseconds since the epoch. */
  now(): number;
}

/**
 * The system clock. Reads `Date.now` at call time (not at import), so `vi.setSystemTime` and
 * similar fakes apply.
 */
export const systemClock: Clock = { now: () => Date.now() };
