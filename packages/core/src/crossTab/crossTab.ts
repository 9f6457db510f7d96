import type { SessionCredentials } from '../session/FederatedSession.js';
import type { SessionLogger } from '../session/SessionLogger.js';
import type { Clock } from '../time/Clock.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import { InvalidParameterError } from '../errors.js';
import {
  createCrossTabCoordinator,
  type CrossTabCoordinator,
} from './createCrossTabCoordinator.js';
import type { CrossTabOptions } from './CrossTabOptions.js';

/** What of the session a cross-tab coordinator needs. */
export interface CrossTabSessionParts {
  /** The session's credential object: its role ARN and STS client name the group. */
  readonly credentials: SessionCredentials;
  /** The session's token source (its user names the group); none for a chained session. */
  readonly tokenSource: TokenSource | undefined;
  /** The session's clock. */
  readonly clock: Clock;
  /** The session's timers. */
  readonly timers: TimerProvider;
  /** The session's logger, if any. */
  readonly logger: SessionLogger | undefined;
}

/**
 * What {@link crossTab} returns for `createFederatedSession({ crossTab })`: builds the session's
 * coordinator from the session's credentials, token source, clock, timers and logger, once, when
 * the session is created.
 */
export type CrossTab = (session: CrossTabSessionParts) => CrossTabCoordinator;

/**
 * Turns on cross-tab groups for a session: `createFederatedSession({ …, crossTab: crossTab() })`
 * (or `createOidcSession`). The tabs of one origin whose sessions hold the same identity share one
 * refresh, one IdP renewal and one sign-out (see {@link createCrossTabCoordinator}). A function
 * rather than a flag so that an app without it ships none of the cross-tab code.
 *
 * `crossTab(false)` is `false` (each tab on its own), for code that passes a setting through.
 *
 * @example
 * ```ts
 * import { createOidcSession } from '@fedcreds/core/oidc';
 * import { crossTab } from '@fedcreds/core';
 * const session = createOidcSession({ userManager, roleArn, crossTab: crossTab({ joinWhenSignedOut: true }) });
 * ```
 * @throws {@link InvalidParameterError} (`crossTab`) for options that are not an object; bad
 * option values are reported when the session is created, before any network call.
 */
export function crossTab(options?: CrossTabOptions | true): CrossTab;
export function crossTab(options: CrossTabOptions | boolean): CrossTab | false;
export function crossTab(options: CrossTabOptions | boolean = true): CrossTab | false {
  if (options === false) return false;
  if (options !== true && (typeof options !== 'object' || options === null)) {
    throw new InvalidParameterError('crossTab', 'must be true, false or an options object');
  }
  const own = options === true ? {} : options;
  return (session) => createCrossTabCoordinator({ ...own, ...session });
}
