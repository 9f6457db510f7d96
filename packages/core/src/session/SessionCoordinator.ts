import type { SessionRecord } from './SessionRecord.js';

/** A message between the tabs of one session (see {@link SessionCoordinator}). */
export type CoordinatorMessage =
  | {
      /** New credentials of this tab. */
      readonly type: 'credentials';
      /** The credentials, as the session keeps them. */
      readonly record: SessionRecord;
    }
  | {
      /** This tab signed out. */
      readonly type: 'signed-out';
    };

/** What a session offers its {@link SessionCoordinator}. */
export interface CoordinatorPeer {
  /** Adopts credentials or a sign-out announced by another tab. */
  receive(message: CoordinatorMessage): void;
  /** The credentials this tab holds, as a record, if any (for a tab that asks for them). */
  current(): SessionRecord | null;
  /**
   * Whether `record` is fresh enough that adopting it would not make the session refresh again
   * at once (it is outside the session's refresh window). Without it a coordinator judges with
   * the default window.
   */
  isFresh?(record: SessionRecord): boolean;
}

/**
 * Seam for coordinating one session across the tabs of an origin (one refresher elected with Web
 * Locks, results shared over BroadcastChannel). The session calls it around every STS refresh and
 * when credentials or a sign-out should be announced; without one, each tab refreshes on its own.
 * `createCrossTabCoordinator` is the implementation (`createFederatedSession({ crossTab: crossTab() })`).
 *
 * @experimental The shape may change.
 */
export interface SessionCoordinator {
  /** Called on the session's first `start()`; returns what its last `stop()` calls. */
  attach(peer: CoordinatorPeer): () => void;
  /**
   * Runs one refresh on this tab's turn (e.g. holding a Web Lock). May resolve with credentials
   * another tab obtained meanwhile instead of calling `refresh`.
   */
  runRefresh(
    refresh: (signal: AbortSignal) => Promise<SessionRecord>,
    signal: AbortSignal,
  ): Promise<SessionRecord>;
  /**
   * Announces this tab's new credentials or sign-out to the others; `signed-in` says the user
   * asked to sign in (`session.signIn()`), which ends a group sign-out the tab still remembers;
   * `token` that the token source just gave a token (it may have renewed the IdP user, which the
   * group should have before the STS call, in case this tab closes during it).
   */
  publish(
    message: CoordinatorMessage | { readonly type: 'signed-in' } | { readonly type: 'token' },
  ): void;
}
