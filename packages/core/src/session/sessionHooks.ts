import type { AwsCredentialIdentity } from '@smithy/types';
import type { ReauthRequiredError } from '../errors.js';
import type { SessionHooks } from './attachSession.js';
import type { SessionEventMap } from './FederatedSession.js';
import type { SessionAction } from './reduceSession.js';
import type { ResolvedSessionOptions } from './resolveSessionOptions.js';
import { isFresh } from './sessionPolicy.js';
import type { SessionRecord } from './SessionRecord.js';
import type { SessionSnapshot } from './SessionSnapshot.js';

/** What a started session's outside signals act on: a view of its engine. */
export interface HookHost {
  readonly options: Pick<ResolvedSessionOptions, 'clock' | 'refreshWindowMs' | 'refreshJitterMs'>;
  snapshot(): SessionSnapshot;
  started(): boolean;
  dispatch(action: SessionAction): void;
  emit<K extends keyof SessionEventMap>(type: K, event: SessionEventMap[K]): void;
  /** Sets the alarm for the next deadline. */
  reschedule(): void;
  /** Looks at the clock and does what is due. */
  tick(): void;
  /** Makes a pending retry due now. */
  retryNow(): void;
  runRefresh(reason: string): Promise<AwsCredentialIdentity>;
  /** Drops the credentials here and ends in `signed-out` (the IdP user is the caller's business). */
  clearLocally(): void;
  /** Holds another tab's record. */
  adopt(record: SessionRecord): void;
  /** The record held. */
  current(): SessionRecord | null;
}

/**
 * How a session reacts to its environment (visible, online), its master (needs the user, got
 * credentials, signed out) and the other tabs (credentials to adopt, a sign-out).
 */
export function sessionHooks(host: HookHost): SessionHooks {
  return {
    onEnvironment: (signal) => {
      // Back online: the retry that was backing off may go now.
      if (signal === 'online') host.retryNow();
      host.tick();
    },
    onMasterReauth: (error: ReauthRequiredError) => {
      if (host.snapshot().status === 'signed-out') return;
      host.dispatch({ type: 'refreshFailed', error, fatal: true });
      host.emit('reauth-required', { error });
      host.reschedule();
    },
    onMasterRefreshed: () => {
      const { status } = host.snapshot();
      // The master recovered (the user signed in again): this session follows.
      if (host.started() && (status === 'reauth-required' || status === 'signed-out')) {
        host.runRefresh('the master recovered').catch(() => {});
      }
    },
    onSignedOut: () => {
      if (host.snapshot().status !== 'signed-out') host.clearLocally();
    },
    adopt: (record) => host.adopt(record),
    current: () => host.current(),
    // The whole jitter: adopted credentials must not fall due at once with any draw.
    isFresh: (record) => {
      const { clock, refreshWindowMs, refreshJitterMs } = host.options;
      return isFresh(record, clock.now(), refreshWindowMs, refreshJitterMs);
    },
  };
}
