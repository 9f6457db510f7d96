/**
 * The two timer functions fedcreds uses. Both `{ setTimeout, clearTimeout }` from `globalThis`
 * (browser or Node) and test fakes satisfy it.
 */
export interface TimerProvider {
  /** Calls `callback` after `delayMs` milliseconds; returns a handle for {@link TimerProvider.clearTimeout}. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  /** Cancels a timer set by {@link TimerProvider.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/**
 * Timers that look up `globalThis.setTimeout` / `clearTimeout` on every call rather than once at
 * import, so fakes installed later (`vi.useFakeTimers()`) are the ones used.
 */
export const globalTimers: TimerProvider = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
