/**
 * The sign-in surface through the session (`createOidcSession`), with the real oidc-client-ts
 * UserManager against the dev stack's real OpenID Provider and STS: `session.signIn(options)`
 * passes its options on (a popup signs in without leaving the page; the redirect's return-to round
 * trip is in oidc.signIn.test.ts), the ID token's profile claims reach the snapshot's identity,
 * and `signOut({ idp: true })` ends the IdP session.
 */
import { loginWithPassword } from '@fedcreds/devstack';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOidcSession } from '@fedcreds/core/oidc';
import {
  ALICE,
  POST_LOGOUT_URI,
  newBrowser,
  newUserManager,
  type Browser,
  type UserManagerOptions,
} from './oidcHarness.js';
import { WEB_ROLE, stackForFile, stsCalls, until } from './sessionHarness.js';

const devstack = stackForFile(null);
afterEach(() => vi.unstubAllGlobals());

function oidcSession(browser: Browser = newBrowser(), options: UserManagerOptions = {}) {
  const userManager = newUserManager(devstack, browser, options);
  const session = createOidcSession({
    userManager,
    roleArn: devstack.roleArn(WEB_ROLE),
    region: devstack.config.region,
    clientConfig: { endpoint: devstack.urls.sts },
    environment: null,
  });
  return { userManager, session, browser };
}

describe('session.signIn(options)', () => {
  it('a popup sign-in gets credentials without leaving the page, and the profile reaches the identity', async () => {
    const browser = newBrowser();
    const { session } = oidcSession(browser, {
      popupLogin: (url) => loginWithPassword(url, ALICE, { cookieJar: browser.jar }),
    });
    session.start();
    await until(() => session.getSnapshot().status === 'signed-out');
    const calls = stsCalls(devstack);
    await session.signIn({ popup: true });
    expect(browser.redirects).toEqual([]);
    const snapshot = session.getSnapshot();
    expect(snapshot.status).toBe('ready');
    expect(stsCalls(devstack)).toBe(calls + 1);
    expect(snapshot.identity).toMatchObject({
      subject: 'alice',
      profile: {
        name: 'Alice',
        preferred_username: 'alice',
        email: 'alice@example.test',
        email_verified: true,
      },
    });
    // Claims for display only: no token, nonce or hash of one.
    expect(Object.keys(snapshot.identity!.profile!).sort()).toEqual([
      'email',
      'email_verified',
      'name',
      'preferred_username',
    ]);
    session.stop();
  });
});

describe('session.signOut({ idp: true })', () => {
  it('signs out here and at the IdP', async () => {
    const browser = newBrowser();
    const { session, userManager } = oidcSession(browser, {
      popupLogin: (url) => loginWithPassword(url, ALICE, { cookieJar: browser.jar }),
    });
    session.start();
    await session.signIn({ popup: true });
    expect(session.getSnapshot().status).toBe('ready');
    await session.signOut({ idp: true });
    expect(session.getSnapshot()).toMatchObject({ status: 'signed-out', credentials: null });
    expect(await userManager.getUser()).toBeNull();
    const logout = new URL(browser.redirects.at(-1)!);
    expect(`${logout.origin}${logout.pathname}`).toMatch(new RegExp(`^${devstack.urls.oidc}/`));
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(POST_LOGOUT_URI);
    session.stop();
  });
});
