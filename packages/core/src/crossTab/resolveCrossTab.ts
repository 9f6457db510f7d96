import type { SessionCredentials } from '../session/FederatedSession.js';
import type { SessionLogger } from '../session/SessionLogger.js';
import type { Clock } from '../time/Clock.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import {
  createCrossTabCoordinator,
  type CrossTabCoordinator,
  type CrossTabOptions,
} from './createCrossTabCoordinator.js';

/** What of the session a cross-tab coordinator needs. */
export interface CrossTabSessionParts {
  readonly credentials: SessionCredentials;
  readonly tokenSource: TokenSource | undefined;
  readonly clock: Clock;
  readonly timers: TimerProvider;
  readonly logger: SessionLogger | undefined;
}

/**
 * The coordinator `createFederatedSession({ crossTab })` asked for, over the session's
 * credentials, token source, clock, timers and logger; `undefined` for none.
 */
export function resolveCrossTab(
  option: boolean | CrossTabOptions | undefined,
  session: CrossTabSessionParts,
): CrossTabCoordinator | undefined {
  if (option === undefined || option === false) return undefined;
  return createCrossTabCoordinator({ ...(option === true ? {} : option), ...session });
}
