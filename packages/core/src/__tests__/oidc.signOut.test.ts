/**
 * Sign-outs that stick, with the real oidc-client-ts UserManager against the dev stack's real
 * OpenID Provider and STS: a renewal in flight during sign-out cannot store the user back, an
 * aborted renewal still keeps its rotated refresh token, sign-out revokes the tokens at the IdP,
 * and `signOut({ idp: true })` ends the IdP session.
 */
import { InMemoryWebStorage } from 'oidc-client-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ReauthRequiredError } from '@fedcreds/core';
import { createOidcSession, oidcTokenSource } from '@fedcreds/core/oidc';
import {
  POST_LOGOUT_URI,
  asksForPassword,
  followLogout,
  grants,
  holdRefreshAnswers,
  newUserManager,
  signal,
  signedIn,
  tryRefreshToken,
} from './oidcHarness.js';
import { WEB_ROLE, rejectionOf, stackForFile, stsCalls, until } from './sessionHarness.js';

const devstack = stackForFile(null);
afterEach(() => {
  devstack.faults.oidc.clear();
  vi.unstubAllGlobals();
});

/** An OIDC session over `userStorage` (a "tab" whose user store outlives its page), not started. */
function sessionOn(userStorage: Storage) {
  return createOidcSession({
    userManager: newUserManager(devstack, undefined, { userStorage }),
    roleArn: devstack.roleArn(WEB_ROLE),
    region: devstack.config.region,
    clientConfig: { endpoint: devstack.urls.sts },
    environment: null,
  });
}

describe('sign-out during a renewal', () => {
  it('leaves no user: the renewal arriving after removeUser() is dropped and its tokens revoked', async () => {
    const userStorage = new InMemoryWebStorage();
    const { userManager, source } = await signedIn(devstack, { userStorage });
    const held = holdRefreshAnswers();
    const renewal = source.getToken({ forceRefresh: true, signal: signal() });
    const { refreshToken: renewedRefreshToken } = await held.answered;

    await source.signOut();
    held.release();
    expect(await rejectionOf(renewal)).toMatchObject({
      code: 'ERR_REAUTH_REQUIRED',
      reason: 'signed_out',
    });
    expect(await userManager.getUser()).toBeNull();
    expect(userStorage.length).toBe(0);
    // The tokens that arrived too late are worthless at the IdP, not merely forgotten here.
    await until(() => held.revoked.includes(renewedRefreshToken));
    expect(await tryRefreshToken(devstack, renewedRefreshToken)).toBe('invalid_grant');
  });

  it('sticks across a reload: a session on the same user store comes up signed-out, without STS', async () => {
    const userStorage = new InMemoryWebStorage();
    await signedIn(devstack, { userStorage });
    // The stored ID token has expired (the laptop slept): the session's first refresh renews it.
    const reloadable = newUserManager(devstack, undefined, { userStorage });
    const user = (await reloadable.getUser())!;
    user.id_token = await devstack.oidc.mintIdToken({ sub: 'alice', expiresInSeconds: -60 });
    await reloadable.storeUser(user);

    const held = holdRefreshAnswers();
    const session = sessionOn(userStorage);
    session.start();
    const { refreshToken: renewedRefreshToken } = await held.answered;
    await session.signOut();
    held.release();
    // The dropped renewal has finished (its refresh token revoked) before the "reload".
    await until(() => held.revoked.includes(renewedRefreshToken));
    expect(session.getSnapshot().status).toBe('signed-out');
    session.stop();
    expect(userStorage.length).toBe(0);

    const calls = stsCalls(devstack);
    const reloaded = sessionOn(userStorage);
    reloaded.start();
    await until(() => reloaded.getSnapshot().status === 'signed-out');
    expect(reloaded.getSnapshot().credentials).toBeNull();
    expect(stsCalls(devstack)).toBe(calls);
    reloaded.stop();
  });

  it('a caller that aborts stops waiting at once, and the renewal still keeps its rotated refresh token', async () => {
    const { userManager, source } = await signedIn(devstack);
    const old = (await userManager.getUser())!;
    const held = holdRefreshAnswers();
    const controller = new AbortController();
    const renewal = source.getToken({ forceRefresh: true, signal: controller.signal });
    const { refreshToken } = await held.answered;
    controller.abort();
    expect(await rejectionOf(renewal)).toBeInstanceOf(AbortedError);

    held.release();
    // The IdP rotated the refresh token: dropping the answer would leave a spent one stored.
    await expect.poll(async () => (await userManager.getUser())?.refresh_token).toBe(refreshToken);
    expect(refreshToken).not.toBe(old.refresh_token);
    const grantsBefore = grants(devstack, 'refresh_token');
    const token = await source.getToken({ forceRefresh: false, signal: signal() });
    expect(token).toBe((await userManager.getUser())!.id_token);
    expect(grants(devstack, 'refresh_token')).toBe(grantsBefore);
  });
});

describe('signOut()', () => {
  it('revokes the refresh token at the IdP (revokeOnSignOut, on by default)', async () => {
    const { userManager, source } = await signedIn(devstack);
    const { refresh_token } = (await userManager.getUser())!;
    await source.signOut();
    expect(await userManager.getUser()).toBeNull();
    expect(await tryRefreshToken(devstack, refresh_token!)).toBe('invalid_grant');
  });

  it('leaves the tokens valid at the IdP with revokeOnSignOut: false, and with { local: true }', async () => {
    for (const [sourceOptions, signOutOptions] of [
      [{ revokeOnSignOut: false }, {}],
      [{}, { local: true }],
    ] as const) {
      const { userManager, source } = await signedIn(devstack, { source: sourceOptions });
      const { refresh_token } = (await userManager.getUser())!;
      await source.signOut(signOutOptions);
      expect(await userManager.getUser()).toBeNull();
      expect(await tryRefreshToken(devstack, refresh_token!)).toBeNull();
    }
  });

  it('{ idp: true } ends the IdP session: the next sign-in asks for the password', async () => {
    const { source, browser } = await signedIn(devstack);
    // A plain sign-out keeps the IdP session: signing in again needs no password.
    const plain = oidcTokenSource(newUserManager(devstack, browser));
    await plain.signIn();
    expect(await asksForPassword(browser, browser.redirects.at(-1)!)).toBe(false);

    await source.signOut({ idp: true });
    const logoutUrl = new URL(browser.redirects.at(-1)!);
    expect(logoutUrl.origin).toBe(devstack.urls.oidc);
    expect(logoutUrl.searchParams.get('post_logout_redirect_uri')).toBe(POST_LOGOUT_URI);
    expect(logoutUrl.searchParams.get('id_token_hint')).toBeTruthy();
    expect(await followLogout(browser, logoutUrl.href)).toBe(POST_LOGOUT_URI);

    await plain.signIn();
    expect(await asksForPassword(browser, browser.redirects.at(-1)!)).toBe(true);
  });

  it('{ idp: true, local: true } (a tab following another tab’s sign-out) does not navigate', async () => {
    const { userManager, source, browser } = await signedIn(devstack);
    const redirects = browser.redirects.length;
    await source.signOut({ idp: true, local: true });
    expect(await userManager.getUser()).toBeNull();
    expect(browser.redirects).toHaveLength(redirects);
  });

  it('a renewal after sign-out has no user to renew', async () => {
    const { source } = await signedIn(devstack);
    await source.signOut();
    const error = await rejectionOf(source.getToken({ forceRefresh: true, signal: signal() }));
    expect(error).toBeInstanceOf(ReauthRequiredError);
    expect(error).toMatchObject({ reason: 'signed_out' });
  });
});
