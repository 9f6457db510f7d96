import type { SessionLog } from '../session/SessionLogger.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import { findGroupToJoin, type FindGroupInput, type GroupOffer } from './findGroupToJoin.js';
import { isUserOf } from './GroupIdentity.js';

/** What {@link joinAnotherTab} works with. */
export interface JoinAnotherTabInput extends FindGroupInput {
  readonly tokenSource: TokenSource;
  readonly log: SessionLog;
}

/**
 * Makes a tab whose token source holds no IdP user take the user of the one live group of its
 * lobby (see `joinWhenSignedOut` and {@link findGroupToJoin}): resolves with the offer once the
 * source holds that user, or `null` — and the source unchanged — when there is none to take, the
 * source holds a user of its own (before asking, or by the time the offer came: a sign-in
 * completing here wins), or refuses the hand-off. A hand-off that turns out to be another user
 * than the offer named (a buggy or stale tab) is forgotten again at once.
 */
export async function joinAnotherTab(input: JoinAnotherTabInput): Promise<GroupOffer | null> {
  const { tokenSource: source, log } = input;
  const { describeUser, importHandoff } = source;
  if (!describeUser || !importHandoff) return null;
  // `null` only: a source that fails to say whether it has a user may well have one.
  const hasNoUser = async () => (await describeUser.call(source).catch(() => undefined)) === null;
  if (!(await hasNoUser())) return null;
  const found = await findGroupToJoin(input);
  if (input.signal.aborted) return null;
  if (!found.offer) {
    log('debug', `not joining another tab’s group: ${found.refused}`);
    return null;
  }
  if (!(await hasNoUser())) {
    log('debug', 'not joining another tab’s group: this tab has a user of its own now');
    return null;
  }
  const { offer } = found;
  try {
    await importHandoff.call(source, offer.user);
  } catch {
    log('warn', 'not joining another tab’s group: the token source refused the IdP user offered');
    return null;
  }
  const who = await describeUser.call(source).catch(() => null);
  if (!who || !isUserOf(who, offer.identity)) {
    log('warn', 'not joining another tab’s group: the IdP user handed over is not the one offered');
    await source.signOut?.({ local: true }).catch(noop);
    return null;
  }
  return offer;
}

function noop(): void {}
