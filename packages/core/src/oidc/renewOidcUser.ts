import { User, type OidcClient, type RefreshState, type UserManager } from 'oidc-client-ts';
import { ReauthRequiredError, TokenUnavailableError } from '../errors.js';
import { noUser, notSignedIn, subjectChanged, toOidcError } from './toOidcError.js';

/** What {@link renewOidcUser} needs from its token source. */
export interface OidcRenewalContext {
  readonly userManager: UserManager;
  /** An `OidcClient` over the UserManager's settings and metadata. */
  client(): OidcClient;
  /** Whether the source signed out since this renewal began. */
  signedOutSince(): boolean;
  /** Whether `user`'s token is still good enough to hand out. */
  isFresh(user: User): boolean;
  /** Disposes of a user renewed after a sign-out (revokes its tokens). */
  drop(user: User): void;
}

/**
 * Renews the stored user — the refresh-token grant, else `signinSilent()`'s iframe — and resolves
 * with the user whose token to hand out: the renewed one, or the one another writer stored
 * meanwhile. Never leaves a user stored after a sign-out.
 */
export async function renewOidcUser(context: OidcRenewalContext): Promise<User> {
  const before = await context.userManager.getUser();
  if (!before) throw notSignedIn();
  return before.refresh_token
    ? refreshWith(context, before, before.refresh_token)
    : renewInIframe(context, before);
}

/** The refresh-token grant, stored only if the user it renewed is still the stored one. */
async function refreshWith(
  { userManager, client, signedOutSince, isFresh, drop }: OidcRenewalContext,
  before: User,
  refreshToken: string,
): Promise<User> {
  // oidc-client-ts declares RefreshState but does not export the class: the same fields.
  const state = {
    refresh_token: refreshToken,
    id_token: before.id_token,
    session_state: before.session_state,
    scope: before.scope,
    profile: before.profile,
    data: before.state,
  } as RefreshState;
  let response: Awaited<ReturnType<OidcClient['useRefreshToken']>>;
  try {
    // Not UserManager.signinSilent(): it stores the answer before anyone can check it is wanted.
    response = await client().useRefreshToken({
      state,
      timeoutInSeconds: userManager.settings.silentRequestTimeoutInSeconds,
    });
  } catch (error) {
    throw toOidcError(error);
  }
  // As oidc-client-ts's own renewal builds it: the old user's fields, the response's over them.
  const renewed = new User({ ...state, ...response } as ConstructorParameters<typeof User>[0]);
  const signedOutMeanwhile = () => {
    drop(renewed);
    return notSignedIn();
  };
  if (signedOutSince()) throw signedOutMeanwhile();
  const stored = await userManager.getUser();
  if (signedOutSince()) throw signedOutMeanwhile();
  if (!stored) throw notSignedIn(); // removed by another tab sharing the store: signed out there
  if (stored.refresh_token !== refreshToken) {
    // Another tab (shared store) or a hand-off stored a user meanwhile: theirs is the current
    // one — even another user's, which the session sees in the token's subject and reports.
    if (isFresh(stored)) return stored;
    throw new TokenUnavailableError(
      'The signed-in user changed while its token was being renewed; the session will try again.',
      true,
    );
  }
  // No await between the check above and this call, which writes a Web Storage store at once.
  await userManager.storeUser(renewed);
  if (signedOutSince()) {
    await removeIfStored(userManager, renewed);
    throw signedOutMeanwhile();
  }
  await userManager.events.load(renewed);
  return renewed;
}

/** `signinSilent()`'s `prompt=none` iframe, which stores the user itself; undone after a sign-out. */
async function renewInIframe(
  { userManager, signedOutSince }: OidcRenewalContext,
  before: User,
): Promise<User> {
  if (!userManager.settings.silent_redirect_uri) {
    throw new ReauthRequiredError(
      'no_refresh_token',
      'The identity provider gave no refresh token and no silent_redirect_uri is configured, so the token cannot be renewed without the user; sign in again (ask for the offline_access scope to get refresh tokens).',
    );
  }
  let user: User | null;
  try {
    user = await userManager.signinSilent();
  } catch (error) {
    throw toOidcError(error);
  }
  if (!user) throw noUser();
  if (signedOutSince()) {
    await removeIfStored(userManager, user);
    throw notSignedIn();
  }
  // oidc-client-ts checks this itself unless `validateSubOnSilentRenew` is turned off.
  if (before.profile.sub !== user.profile.sub) throw subjectChanged();
  return user;
}

/** Removes `user` from the store if it is still the one stored there. */
async function removeIfStored(userManager: UserManager, user: User): Promise<void> {
  const stored = await userManager.getUser();
  if (stored && stored.toStorageString() === user.toStorageString()) {
    await userManager.removeUser();
  }
}
