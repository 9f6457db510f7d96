import { FedcredsError, TimeoutError, TokenUnavailableError } from '../errors.js';
import { raceSignal } from '../time/raceSignal.js';
import { timeoutSignal } from '../time/timeoutSignal.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';

/** How {@link acquireToken} waits for a token source. */
export interface AcquireTokenOptions {
  readonly forceRefresh: boolean;
  /** Aborts the acquisition (the session stopping or signing out). */
  readonly signal: AbortSignal;
  /** How long the source may take, in milliseconds (the session's `requestTimeoutMs`). */
  readonly timeoutMs: number;
  readonly timers: TimerProvider;
}

/**
 * Asks `source` for a token within `timeoutMs`, turning every way it can fail into a typed error:
 * a {@link TimeoutError}, the source's own `FedcredsError`, or a retryable
 * {@link TokenUnavailableError} for anything else; a source that resolves without a string is a
 * programming error (not retryable).
 */
export async function acquireToken(
  source: TokenSource,
  options: AcquireTokenOptions,
): Promise<string> {
  const { forceRefresh, timeoutMs, timers } = options;
  const timeout = timeoutSignal(options.signal, timeoutMs, timers, 'token acquisition');
  let token: unknown;
  try {
    token = await raceSignal(
      Promise.resolve().then(() => source.getToken({ forceRefresh, signal: timeout.signal })),
      timeout.signal,
    );
  } catch (error) {
    if (timeout.timedOut) throw requestTimeout('The token source did not answer', timeoutMs);
    if (error instanceof FedcredsError) throw error;
    throw new TokenUnavailableError('The token source failed; the session will try again.', true, {
      cause: error,
    });
  } finally {
    timeout.dispose();
  }
  if (typeof token !== 'string' || token.length === 0) {
    throw new TokenUnavailableError(
      'The token source resolved without a token; getToken must resolve with the token as a string.',
      false,
    );
  }
  return token;
}

/** The error a session reports when `what` took longer than `requestTimeoutMs`. */
export function requestTimeout(what: string, timeoutMs: number): TimeoutError {
  return new TimeoutError(
    `${what} within ${timeoutMs} ms (requestTimeoutMs); the session will try again.`,
    timeoutMs,
  );
}
