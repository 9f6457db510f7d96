import {
  describeError,
  type FederatedSession,
  type SessionEventMap,
  type SessionSnapshot,
} from '@fedcreds/core';
import { formatDuration, formatTime } from '../components/format';

/** One line of the session timeline. */
export interface TimelineEntry {
  id: number;
  at: Date;
  /** Short name of what happened, e.g. "Credentials refreshed". */
  title: string;
  /** What it means, in a sentence. */
  text: string;
  tone: 'ok' | 'info' | 'warn' | 'danger';
  /**
   * The session event, for tests and styling: `refreshed` (this tab's own STS call), `adopted`
   * (credentials another tab fetched), `restored` (the session's storage), `token-renewed`, or
   * the event's own name.
   */
  kind: string;
}

/** An app-wide, newest-first log of what the tracked sessions did, as a `useSyncExternalStore` store. */
export interface Timeline {
  subscribe(listener: () => void): () => void;
  getSnapshot(): readonly TimelineEntry[];
  /** Records `session`'s events (labelled, e.g. "Chained role") until the returned function is called. */
  track(session: FederatedSession, label?: string): () => void;
  /** Adds a line the app itself knows about (e.g. "Signed in in another tab"). */
  add(entry: Omit<TimelineEntry, 'id' | 'at'>): void;
}

const MAX_ENTRIES = 60;

/**
 * The token's expiry on the IdP's clock. The snapshot's `tokenExpiresAt` is on the local clock,
 * shifted by the skew each STS exchange re-estimates (to within the `Date` header's second): the
 * same token "moves" on every refresh, which is no renewal.
 */
const idpTokenExpiry = (snapshot: SessionSnapshot): number | null =>
  snapshot.tokenExpiresAt === null
    ? null
    : snapshot.tokenExpiresAt.getTime() + snapshot.clockSkewMs;

/**
 * Expiry times closer than this are one token's: a JWT's `exp` has whole seconds, and a chained
 * session's mirrors its master's, read through another session's skew estimate.
 */
const SAME_TOKEN_TOLERANCE_MS = 2_000;

type Entry = Omit<TimelineEntry, 'id' | 'at'>;

/**
 * The line of a `refreshed` event, told by where the credentials came from: a cross-tab adoption
 * or a restore made no AWS call here, and must not read as one.
 */
function refreshedEntry(
  source: SessionEventMap['refreshed']['source'],
  hadCredentials: boolean,
  title: (name: string) => string,
  until: string,
): Entry {
  switch (source) {
    case 'peer':
      return {
        kind: 'adopted',
        tone: 'info',
        title: title('Adopted from another tab'),
        text: `New AWS credentials from another open tab, valid until ${until}.`,
      };
    case 'storage':
      return {
        kind: 'restored',
        tone: 'info',
        title: title('Credentials restored'),
        text: `The AWS credentials this tab had before the reload, valid until ${until}.`,
      };
    case 'sts':
      return {
        kind: 'refreshed',
        tone: 'ok',
        title: title(hadCredentials ? 'Credentials refreshed' : 'Credentials issued'),
        text: `New AWS credentials, valid until ${until}.`,
      };
  }
}

export function createTimeline(): Timeline {
  let entries: readonly TimelineEntry[] = [];
  let nextId = 1;
  const listeners = new Set<() => void>();
  const add = (entry: Entry) => {
    entries = [{ ...entry, id: nextId++, at: new Date() }, ...entries].slice(0, MAX_ENTRIES);
    for (const listener of listeners) listener();
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => entries,
    add,
    track(session, label) {
      const title = (name: string) => (label === undefined ? name : `${label}: ${name}`);
      let tokenExpiresAt = idpTokenExpiry(session.getSnapshot());
      let hadCredentials = session.getSnapshot().credentials !== null;
      const offs = [
        session.on('refreshed', ({ expiresAt, source }) => {
          add(refreshedEntry(source, hadCredentials, title, formatTime(expiresAt)));
          hadCredentials = true;
        }),
        session.on('expiring', ({ msLeft }) =>
          add({
            kind: 'expiring',
            tone: 'warn',
            title: title('Credentials expiring'),
            text: `A refresh failed; the current credentials run out in ${formatDuration(msLeft)}.`,
          }),
        ),
        session.on('expired', () =>
          add({
            kind: 'expired',
            tone: 'danger',
            title: title('Credentials expired'),
            text: 'AWS calls wait until new credentials arrive.',
          }),
        ),
        session.on('reauth-required', ({ error }) =>
          add({
            kind: 'reauth-required',
            tone: 'danger',
            title: title('Sign-in needed'),
            text: describeError(error).sentence,
          }),
        ),
        session.on('error', ({ error, willRetry, retryInMs }) => {
          // "Nobody signed in yet" and "sign in again" are the reauth-required line's to tell.
          if (describeError(error).needsSignIn) return;
          add({
            kind: 'error',
            tone: willRetry ? 'warn' : 'danger',
            title: title('Refresh failed'),
            text:
              describeError(error).sentence +
              (willRetry && retryInMs !== undefined
                ? ` Trying again in ${formatDuration(retryInMs)}.`
                : ''),
          });
        }),
        session.on('signed-out', () => {
          hadCredentials = false;
          add({
            kind: 'signed-out',
            tone: 'info',
            title: title('Signed out'),
            text: 'Credentials cleared.',
          });
        }),
        session.subscribe(() => {
          const snapshot = session.getSnapshot();
          const next = idpTokenExpiry(snapshot);
          if (
            next !== null &&
            tokenExpiresAt !== null &&
            Math.abs(next - tokenExpiresAt) >= SAME_TOKEN_TOLERANCE_MS
          ) {
            add({
              kind: 'token-renewed',
              tone: 'ok',
              title: title('ID token renewed'),
              text: `The identity provider issued a new token, valid until ${formatTime(snapshot.tokenExpiresAt)}.`,
            });
          }
          tokenExpiresAt = next;
        }),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}
