import { StsCredentials } from '../credentials/StsCredentials.js';
import { InvalidParameterError } from '../errors.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { globalTimers, type TimerProvider } from '../time/TimerProvider.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import {
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  type RetryOptions,
} from './backoffDelayMs.js';
import type {
  FederatedSession,
  FederatedSessionOptions,
  SessionCredentials,
} from './FederatedSession.js';
import {
  DEFAULT_EXPIRY_MARGIN_MS,
  DEFAULT_REFRESH_JITTER_MS,
  DEFAULT_REFRESH_WINDOW_MS,
} from './planRefresh.js';
import type { IdpTokenKind } from './IdpTokenKind.js';
import type { SessionCoordinator } from './SessionCoordinator.js';
import { browserEnvironment, type SessionEnvironment } from './SessionEnvironment.js';
import { sessionLog, type SessionLog } from './SessionLogger.js';
import type { SessionPersistence } from './sessionPersistence.js';
import { nonNegativeMs, positiveMs } from '../validation/durationOption.js';

/**
 * Default time `refresh()` and a credential read keep waiting while the session retries a
 * transient failure, in milliseconds.
 */
export const DEFAULT_RECOVERY_TIMEOUT_MS = 30_000;
/** Default timeout of each STS request and each token acquisition, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** What kind of IdP token a session's credentials exchange, or `null` for none (role chaining). */
export type TokenKind = IdpTokenKind | null;

/** {@link FederatedSessionOptions} checked, with every default resolved once. */
export interface ResolvedSessionOptions {
  readonly credentials: SessionCredentials;
  readonly tokenKind: TokenKind;
  /** Set exactly when `tokenKind` is not `null`. */
  readonly tokenSource: TokenSource | undefined;
  readonly master: FederatedSession | undefined;
  readonly refreshWindowMs: number;
  readonly refreshJitterMs: number;
  readonly expiryMarginMs: number;
  readonly requestTimeoutMs: number;
  readonly recoveryTimeoutMs: number;
  readonly log: SessionLog;
  readonly retry: Required<RetryOptions>;
  readonly persistence: SessionPersistence;
  readonly storageKey: string;
  readonly clock: Clock;
  readonly timers: TimerProvider;
  readonly random: () => number;
  readonly environment: SessionEnvironment | null;
  readonly coordinator: SessionCoordinator | undefined;
}

/**
 * Checks `createFederatedSession`'s options and resolves their defaults, before the session
 * exists: a bad option is an {@link InvalidParameterError} naming it.
 */
export function resolveSessionOptions(options: FederatedSessionOptions): ResolvedSessionOptions {
  const { credentials, tokenSource } = options;
  // Asked of the class: a session imports no credential class it is not given.
  const tokenKind = credentials instanceof StsCredentials ? credentials.idpToken : undefined;
  if (tokenKind === undefined) {
    throw new InvalidParameterError(
      'credentials',
      'must be a WebIdentityCredentials, SAMLCredentials or ChainableTemporaryCredentials object',
    );
  }
  if (tokenKind !== null && !tokenSource) {
    const { param } = tokenKind;
    throw new InvalidParameterError(
      'tokenSource',
      `is required for ${credentials.constructor.name}: the session gets a fresh ${param} from it before every refresh (oidcTokenSource(userManager) or callbackTokenSource(fn))`,
    );
  }
  if (tokenKind === null && tokenSource) {
    throw new InvalidParameterError(
      'tokenSource',
      'is not used by ChainableTemporaryCredentials, which sends no IdP token; give it to the master session and pass `master`',
    );
  }
  const refreshWindowMs = nonNegativeMs(
    'refreshWindowMs',
    options.refreshWindowMs,
    DEFAULT_REFRESH_WINDOW_MS,
  );
  const refreshJitterMs = nonNegativeMs(
    'refreshJitterMs',
    options.refreshJitterMs,
    DEFAULT_REFRESH_JITTER_MS,
  );
  const expiryMarginMs = nonNegativeMs(
    'expiryMarginMs',
    options.expiryMarginMs,
    DEFAULT_EXPIRY_MARGIN_MS,
  );
  const requestTimeoutMs = positiveMs(
    'requestTimeoutMs',
    options.requestTimeoutMs,
    DEFAULT_REQUEST_TIMEOUT_MS,
  );
  const recoveryTimeoutMs = nonNegativeMs(
    'recoveryTimeoutMs',
    options.recoveryTimeoutMs,
    DEFAULT_RECOVERY_TIMEOUT_MS,
  );
  if (options.logger !== undefined && typeof options.logger !== 'function') {
    throw new InvalidParameterError('logger', 'must be a function receiving each log entry');
  }
  const retry = {
    baseDelayMs: positiveMs(
      'retry.baseDelayMs',
      options.retry?.baseDelayMs,
      DEFAULT_RETRY_BASE_DELAY_MS,
    ),
    maxDelayMs: positiveMs(
      'retry.maxDelayMs',
      options.retry?.maxDelayMs,
      DEFAULT_RETRY_MAX_DELAY_MS,
    ),
  };
  const crossTab = options.crossTab ?? false;
  if (crossTab !== false && typeof crossTab !== 'function') {
    throw new InvalidParameterError(
      'crossTab',
      'must be `crossTab()` or `crossTab({ … })` from @fedcreds/core, or false',
    );
  }
  if (options.coordinator && crossTab) {
    throw new InvalidParameterError(
      'crossTab',
      'cannot be combined with `coordinator`, which replaces it; pass one or the other',
    );
  }
  const roleArn = (credentials.params as { RoleArn?: string }).RoleArn;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? globalTimers;
  return {
    credentials,
    tokenKind,
    tokenSource,
    master: options.master,
    refreshWindowMs,
    refreshJitterMs,
    expiryMarginMs,
    requestTimeoutMs,
    recoveryTimeoutMs,
    log: sessionLog(options.logger),
    retry,
    persistence: options.persistence ?? 'memory',
    storageKey: options.storageKey ?? `fedcreds:session:${roleArn ?? 'session-token'}`,
    clock,
    timers,
    random: options.random ?? Math.random,
    environment: options.environment === undefined ? browserEnvironment() : options.environment,
    coordinator:
      options.coordinator ??
      (crossTab
        ? crossTab({ credentials, tokenSource, clock, timers, logger: options.logger })
        : undefined),
  };
}
