import { isTerminalStatus } from './sessionPolicy.js';
import type { SessionSnapshot, SessionStatus } from './SessionSnapshot.js';

/**
 * What a session's status means for a UI:
 * - `usable` — credentials are there (`ready`, or `refreshing` while they are still valid);
 * - `pending` — the session is working towards credentials (`idle`, `loading`, `expired`);
 * - `sign-in` — only the user can get it going again (`signed-out`, `reauth-required`);
 * - `failed` — it stopped on an error retrying cannot fix (`error`).
 */
export type SessionPhase = 'usable' | 'pending' | 'sign-in' | 'failed';

/**
 * Classifies a {@link SessionStatus} into the {@link SessionPhase} a UI branches on, so gates,
 * suspense and app code agree on what each status means.
 *
 * @example
 * ```ts
 * if (sessionPhase(session.getSnapshot().status) === 'sign-in') showSignInButton();
 * ```
 */
export function sessionPhase(status: SessionStatus): SessionPhase {
  if (isTerminalStatus(status)) return status === 'error' ? 'failed' : 'sign-in';
  return status === 'ready' || status === 'refreshing' ? 'usable' : 'pending';
}

/**
 * The {@link SessionPhase} of a whole snapshot: `usable` whenever it holds credentials, whatever
 * the status — a refresh that failed (`error`, `reauth-required`) while the credentials are still
 * valid does not stop AWS calls — else the phase of its status. This is "can I call AWS now?";
 * `snapshot.error` answers "did the last refresh fail?".
 *
 * @example
 * ```ts
 * if (snapshotPhase(session.getSnapshot()) === 'usable') await s3.send(command);
 * ```
 */
export function snapshotPhase(
  snapshot: Pick<SessionSnapshot, 'status' | 'credentials'>,
): SessionPhase {
  return snapshot.credentials !== null ? 'usable' : sessionPhase(snapshot.status);
}
