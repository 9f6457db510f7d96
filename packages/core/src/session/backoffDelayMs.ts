/** Default first retry delay ceiling, in milliseconds. */
export const DEFAULT_RETRY_BASE_DELAY_MS = 1_000;
/** Default cap on any retry delay, in milliseconds. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 60_000;
/**
 * Shortest delay between two attempts, in milliseconds, whatever `random()` returns: full jitter
 * can draw zero, and a `random` that always does must not turn backoff into a busy loop.
 */
export const MIN_RETRY_DELAY_MS = 100;

/** How retries back off (see `backoffDelayMs`). */
export interface RetryOptions {
  /** Ceiling of the first retry's delay; each further attempt doubles it. Milliseconds. @default 1000 */
  baseDelayMs?: number;
  /** Largest delay ceiling, in milliseconds. @default 60000 */
  maxDelayMs?: number;
}

/**
 * Delay before retry number `attempt` (1 for the first retry): "full jitter" — uniformly random
 * between {@link MIN_RETRY_DELAY_MS} and `min(maxDelayMs, baseDelayMs × 2^(attempt − 1))` — so many
 * clients that failed together do not retry together.
 *
 * @param attempt - 1-based number of the retry.
 * @param retry - base delay and cap.
 * @param random - a number in [0, 1), e.g. `Math.random`.
 * @returns milliseconds to wait.
 *
 * @example
 * ```ts
 * backoffDelayMs(3, { baseDelayMs: 1000, maxDelayMs: 60000 }, () => 0.5); // 2000
 * ```
 */
export function backoffDelayMs(
  attempt: number,
  retry: Required<RetryOptions>,
  random: () => number,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** exponent);
  return Math.max(MIN_RETRY_DELAY_MS, Math.floor(random() * ceiling));
}
