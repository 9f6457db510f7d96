import type { ReauthRequiredError } from '../errors.js';
import type { FederatedSession } from './FederatedSession.js';

/** What a chained session does when its master session changes. */
export interface MasterLinkHandlers {
  /** The master needs the user: the chained session cannot refresh either. */
  onReauthRequired(error: ReauthRequiredError): void;
  /** The master was signed out: so is the chained session. */
  onSignedOut(): void;
  /** The master got new credentials (e.g. the user signed in again). */
  onRefreshed(): void;
}

/**
 * Ties a chained session to its `master`: starts the master (its credentials sign the chained
 * session's AssumeRole) and forwards its `reauth-required`, `signed-out` and `refreshed` events.
 * Returns what undoes it all (unsubscribes, then stops the master), for the chained session's
 * last `stop()`.
 */
export function linkMaster(master: FederatedSession, handlers: MasterLinkHandlers): () => void {
  master.start();
  const detach = [
    master.on('reauth-required', ({ error }) => handlers.onReauthRequired(error)),
    master.on('signed-out', () => handlers.onSignedOut()),
    master.on('refreshed', () => handlers.onRefreshed()),
  ];
  return () => {
    for (const undo of detach) undo();
    master.stop();
  };
}
