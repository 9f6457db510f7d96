import type { ReauthRequiredError } from '../errors.js';
import { guard } from './EventBus.js';
import { linkMaster } from './linkMaster.js';
import type { ResolvedSessionOptions } from './resolveSessionOptions.js';
import type { CoordinatorPeer } from './SessionCoordinator.js';
import type { EnvironmentSignal } from './SessionEnvironment.js';
import type { SessionRecord } from './SessionRecord.js';

/** What a started session reacts to from its environment, master and other tabs. */
export interface SessionHooks {
  /** The page became visible or the network came back. */
  onEnvironment(signal: EnvironmentSignal): void;
  /** The master needs the user. */
  onMasterReauth(error: ReauthRequiredError): void;
  /** The master got credentials. */
  onMasterRefreshed(): void;
  /** The master or another tab signed out. */
  onSignedOut(): void;
  /** Another tab announced credentials newer than the ones held. */
  adopt(record: SessionRecord): void;
  /** The record held, for a tab that asks. */
  current(): SessionRecord | null;
  /** Whether adopting `record` would not make the session refresh at once. */
  isFresh(record: SessionRecord): boolean;
}

/**
 * Attaches a session's first `start()` to what it listens to: environment signals, the master
 * session (started with it; see `linkMaster`) and the cross-tab coordinator (with the session as
 * its peer). Returns the function that detaches all of it, in reverse order, for the last
 * `stop()`. If attaching throws (a coordinator already in use), what was attached is released
 * and the error rethrown.
 */
export function attachSession(options: ResolvedSessionOptions, hooks: SessionHooks): () => void {
  const { environment, master, coordinator } = options;
  const detach: (() => void)[] = [];
  const release = () => {
    for (const undo of detach.splice(0).reverse()) guard(undo);
  };
  try {
    if (environment) detach.push(environment.subscribe((signal) => hooks.onEnvironment(signal)));
    if (master) {
      detach.push(
        linkMaster(master, {
          onReauthRequired: (error) => hooks.onMasterReauth(error),
          onSignedOut: () => hooks.onSignedOut(),
          onRefreshed: () => hooks.onMasterRefreshed(),
        }),
      );
    }
    if (coordinator) detach.push(coordinator.attach(peerOf(hooks)));
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

function peerOf(hooks: SessionHooks): CoordinatorPeer {
  return {
    receive(message) {
      if (message.type === 'signed-out') {
        hooks.onSignedOut();
        return;
      }
      const current = hooks.current();
      if (!current || message.record.expiresAtMs > current.expiresAtMs) hooks.adopt(message.record);
    },
    current: () => hooks.current(),
    isFresh: (record) => hooks.isFresh(record),
  };
}
