import { guard } from './EventBus.js';

/** One decision of a session's engine, for debugging. Never a secret: no key, token or assertion. */
export interface SessionLogEntry {
  /** `debug` for routine decisions, `warn` for failures and refusals. */
  readonly level: 'debug' | 'warn';
  /** What the engine decided, in a sentence. */
  readonly message: string;
  /** Secret-free facts behind it: times (epoch ms, local clock), error codes, delays, counts. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Receives a session's decisions (see `FederatedSessionOptions.logger`), like oidc-client-ts's
 * `Log`: why a refresh ran, which token was re-acquired, what was adopted or restored, when a
 * retry is due, why the session stopped.
 *
 * @example
 * ```ts
 * createFederatedSession({ …, logger: ({ level, message, details }) => console[level]('[fedcreds]', message, details) });
 * ```
 */
export type SessionLogger = (entry: SessionLogEntry) => void;

/** What the engine calls: a logger that cannot throw into it, or one that does nothing. */
export type SessionLog = (
  level: SessionLogEntry['level'],
  message: string,
  details?: Record<string, unknown>,
) => void;

/** The {@link SessionLog} for `logger` (a no-op without one; a throwing logger is reported, not rethrown). */
export function sessionLog(logger: SessionLogger | undefined): SessionLog {
  if (!logger) return () => {};
  return (level, message, details) =>
    guard(() => logger(details === undefined ? { level, message } : { level, message, details }));
}
