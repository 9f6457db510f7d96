import { backoffDelayMs, type RetryOptions } from './backoffDelayMs.js';
import { planRefresh } from './planRefresh.js';
import { MIN_REFRESH_INTERVAL_MS, tokenWarningAtMs } from './sessionPolicy.js';
import type { SessionRecord } from './SessionRecord.js';

/** When things fall due for credentials a session holds; local-clock milliseconds. */
export interface RecordDeadlines {
  /** When to start renewing them. */
  readonly refreshAtMs: number;
  /** Until when the credential provider hands them out without waiting for a refresh. */
  readonly usableUntilMs: number;
  /** When `token-expiring` is due for the IdP token they came from; `null` when unknown or sent. */
  readonly tokenWarnAtMs: number | null;
}

/**
 * The deadlines of `record`, just received at `nowMs`: renew `refreshWindowMs + jitterMs` ahead
 * of expiry (see `planRefresh`), but never sooner than {@link MIN_REFRESH_INTERVAL_MS} after they
 * were issued (or after now, for records issued "in the future" by a wrong clock).
 */
export function scheduleRecord(
  record: SessionRecord,
  nowMs: number,
  refreshWindowMs: number,
  jitterMs: number,
  expiryMarginMs: number,
): RecordDeadlines {
  const plan = planRefresh({
    issuedAtMs: record.issuedAtMs,
    expiresAtMs: record.expiresAtMs,
    refreshWindowMs,
    jitterMs,
    expiryMarginMs,
  });
  return {
    refreshAtMs: Math.max(
      plan.refreshAtMs,
      Math.min(nowMs, record.issuedAtMs) + MIN_REFRESH_INTERVAL_MS,
    ),
    usableUntilMs: plan.usableUntilMs,
    tokenWarnAtMs: tokenWarningAtMs(record.tokenExpiresAtMs),
  };
}

/** When the retry after failed attempt number `attempt` (1-based) is due, and in how long. */
export function scheduleRetry(
  attempt: number,
  nowMs: number,
  retry: Required<RetryOptions>,
  random: () => number,
): { retryAtMs: number; retryInMs: number } {
  const retryInMs = backoffDelayMs(attempt, retry, random);
  return { retryAtMs: nowMs + retryInMs, retryInMs };
}

/** Where a session stands, as far as its timers care. Local-clock milliseconds. */
export interface ScheduleState {
  /** Whether the session is started (nothing is scheduled otherwise). */
  readonly started: boolean;
  /** Whether a refresh is in flight (none is started then). */
  readonly inFlight: boolean;
  /** Whether the status is terminal: no refresh until the user or the app asks. */
  readonly terminal: boolean;
  /** When the credentials held expire, or `null` when none are held. */
  readonly expiresAtMs: number | null;
  /** The held credentials' deadlines, or `null`. */
  readonly deadlines: RecordDeadlines | null;
  /** When the retry after a failure is due, or `null` when none is pending. */
  readonly retryAtMs: number | null;
}

/** What is due now, and when to look again (see {@link decideSchedule}). */
export interface ScheduleDecision {
  /** The held credentials have expired. */
  readonly expire: boolean;
  /** `token-expiring` is due. */
  readonly warnToken: boolean;
  /** A refresh (or the retry) is due. */
  readonly refresh: boolean;
  /** The earliest deadline still ahead, for the session's alarm; `null` for none. */
  readonly wakeAtMs: number | null;
}

/**
 * The session's timetable as a pure function: given its state and the time, what is due now and
 * when the next thing falls due. A pending retry replaces the planned refresh; a session without
 * credentials (and not stopped on a failure) refreshes at once.
 */
export function decideSchedule(state: ScheduleState, nowMs: number): ScheduleDecision {
  const { started, inFlight, terminal, expiresAtMs, deadlines, retryAtMs } = state;
  const expire = expiresAtMs !== null && nowMs >= expiresAtMs;
  const tokenWarnAtMs = deadlines?.tokenWarnAtMs ?? null;
  const warnToken = started && tokenWarnAtMs !== null && nowMs >= tokenWarnAtMs;
  const dueAtMs = terminal
    ? null
    : (retryAtMs ?? (expiresAtMs === null || expire ? nowMs : (deadlines?.refreshAtMs ?? null)));
  const refresh = started && !inFlight && dueAtMs !== null && nowMs >= dueAtMs;
  if (!started) return { expire, warnToken, refresh, wakeAtMs: null };
  let next = Number.POSITIVE_INFINITY;
  if (expiresAtMs !== null && !expire) next = Math.min(next, expiresAtMs);
  if (tokenWarnAtMs !== null && !warnToken) next = Math.min(next, tokenWarnAtMs);
  if (!inFlight && dueAtMs !== null && !refresh) next = Math.min(next, dueAtMs);
  return { expire, warnToken, refresh, wakeAtMs: Number.isFinite(next) ? next : null };
}
