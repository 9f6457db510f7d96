/**
 * `@fedcreds/core/oidc` with the real oidc-client-ts `UserManager` against the dev stack's real
 * OpenID Provider (oidc-provider) and STS on 127.0.0.1 — renewal, the redirect callback and
 * createOidcSession. What Node lacks is stood in for as oidcHarness.ts describes.
 */
import { CookieJar, DEMO_ORIGIN, loginWithPassword } from '@fedcreds/devstack';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ReauthRequiredError,
  TokenUnavailableError,
  WebIdentityCredentials,
  createFederatedSession,
} from '@fedcreds/core';
import { createOidcSession, oidcTokenSource } from '@fedcreds/core/oidc';
import {
  WEB_ROLE,
  rejectionOf,
  stackForFile,
  stsCalls,
  stsConfig,
  until,
} from './sessionHarness.js';
import * as harness from './oidcHarness.js';
import { REDIRECT_URI, signal, type Browser, type UserManagerOptions } from './oidcHarness.js';

const devstack = stackForFile(null);
afterEach(() => {
  devstack.faults.oidc.clear();
  vi.unstubAllGlobals();
});

const newUserManager = (browser?: Browser, options?: UserManagerOptions) =>
  harness.newUserManager(devstack, browser, options);
const signedIn = (options?: Parameters<typeof harness.signedIn>[1]) =>
  harness.signedIn(devstack, options);
const grants = (type: string) => harness.grants(devstack, type);

describe('oidcTokenSource', () => {
  it('uses the stored ID token while its own exp leaves room, without calling the IdP', async () => {
    const { userManager, source } = await signedIn();
    const before = grants('refresh_token');
    const token = await source.getToken({ forceRefresh: false, signal: signal() });
    expect(token).toBe((await userManager.getUser())!.id_token);
    expect(grants('refresh_token')).toBe(before);
  });

  it('renews with the refresh token when forced — one grant for concurrent callers', async () => {
    const { userManager, source } = await signedIn();
    const old = (await userManager.getUser())!;
    const before = grants('refresh_token');
    const tokens = await Promise.all(
      [1, 2, 3].map(() => source.getToken({ forceRefresh: true, signal: signal() })),
    );
    expect(grants('refresh_token')).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
    const renewed = (await userManager.getUser())!;
    expect(renewed.id_token).toBe(tokens[0]);
    expect(renewed.refresh_token).not.toBe(old.refresh_token); // rotated
  });

  it('renews an expired stored ID token before STS sees it', async () => {
    const { userManager, source } = await signedIn();
    // The stored user's ID token expired (say the laptop slept): same issuer and key, exp passed.
    const user = (await userManager.getUser())!;
    const expired = await devstack.oidc.mintIdToken({ sub: 'alice', expiresInSeconds: -60 });
    user.id_token = expired;
    await userManager.storeUser(user);

    const credentials = new WebIdentityCredentials(
      { RoleArn: devstack.roleArn(WEB_ROLE), WebIdentityToken: undefined },
      stsConfig(devstack),
    );
    const session = createFederatedSession({ credentials, tokenSource: source, environment: null });
    const refreshGrants = grants('refresh_token');
    const rejected = devstack.stats().sts.errors['ExpiredTokenException'] ?? 0;
    const calls = stsCalls(devstack);
    await session.refresh();
    expect(grants('refresh_token')).toBe(refreshGrants + 1);
    expect(credentials.params.WebIdentityToken).not.toBe(expired);
    expect(stsCalls(devstack)).toBe(calls + 1);
    expect(devstack.stats().sts.errors['ExpiredTokenException'] ?? 0).toBe(rejected);
    expect(session.getSnapshot()).toMatchObject({
      status: 'ready',
      identity: { subject: 'alice' },
    });
  });

  it('login_required from a prompt=none renewal makes the session reauth-required', async () => {
    // No refresh token (no offline_access), so renewal goes through the hidden iframe; the stored
    // ID token has expired, and so has this browser's session at the IdP (its cookies are gone).
    const { userManager, source, browser } = await signedIn({ offline: false });
    const user = (await userManager.getUser())!;
    expect(user.refresh_token).toBeFalsy();
    user.id_token = await devstack.oidc.mintIdToken({ sub: 'alice', expiresInSeconds: -60 });
    await userManager.storeUser(user);
    browser.jar = new CookieJar();

    const session = createFederatedSession({
      credentials: new WebIdentityCredentials(
        { RoleArn: devstack.roleArn(WEB_ROLE), WebIdentityToken: undefined },
        stsConfig(devstack),
      ),
      tokenSource: source,
      environment: null,
    });
    const reauth: ReauthRequiredError[] = [];
    session.on('reauth-required', ({ error }) => reauth.push(error));
    const calls = stsCalls(devstack);
    const authorizations = devstack.stats().oidc.authorizations;
    session.start();
    await until(() => session.getSnapshot().status === 'reauth-required');
    expect(devstack.stats().oidc.authorizations).toBe(authorizations + 1);
    expect(session.getSnapshot().error).toMatchObject({
      code: 'ERR_REAUTH_REQUIRED',
      reason: 'login_required',
    });
    expect(reauth).toHaveLength(1);
    expect(stsCalls(devstack)).toBe(calls);
    session.stop();
  });

  it('a prompt=none renewal with the IdP session alive gets a fresh token through the iframe', async () => {
    const { userManager, source } = await signedIn({ offline: false });
    const authorizations = devstack.stats().oidc.authorizations;
    const token = await source.getToken({ forceRefresh: true, signal: signal() });
    expect(devstack.stats().oidc.authorizations).toBe(authorizations + 1);
    expect((await userManager.getUser())!.id_token).toBe(token);
  });

  it('a silent renewal the IdP refuses (invalid_grant) makes the session reauth-required', async () => {
    const { source } = await signedIn();
    devstack.faults.oidc.refuseSilentRenew(1);
    const error = await rejectionOf(source.getToken({ forceRefresh: true, signal: signal() }));
    expect(error).toBeInstanceOf(ReauthRequiredError);
    expect((error as ReauthRequiredError).reason).toBe('invalid_grant');
    expect(JSON.stringify(error)).not.toMatch(/refresh_token/);
  });

  it('without a refresh token, where no iframe can run (Node): reauth-required (no_refresh_token)', async () => {
    const { source } = await signedIn({ offline: false, iframe: false });
    const error = await rejectionOf(source.getToken({ forceRefresh: true, signal: signal() }));
    expect(error).toMatchObject({ code: 'ERR_REAUTH_REQUIRED', reason: 'no_refresh_token' });
  });

  it('with nobody signed in: ReauthRequiredError (signed_out), and a session that is signed-out without a reauth-required event', async () => {
    const source = oidcTokenSource(newUserManager());
    expect(
      await rejectionOf(source.getToken({ forceRefresh: false, signal: signal() })),
    ).toMatchObject({
      reason: 'signed_out',
    });

    const session = createFederatedSession({
      credentials: new WebIdentityCredentials(
        { RoleArn: devstack.roleArn(WEB_ROLE) },
        stsConfig(devstack),
      ),
      tokenSource: source,
    });
    const callsBefore = stsCalls(devstack);
    const reauth: unknown[] = [];
    session.on('reauth-required', (event) => reauth.push(event));
    session.start();
    await until(() => session.getSnapshot().status === 'signed-out');
    session.stop();
    expect(session.getSnapshot().error).toMatchObject({ reason: 'signed_out' });
    expect(reauth).toEqual([]);
    expect(stsCalls(devstack)).toBe(callsBefore);
  });
});

describe('completeSignIn', () => {
  it('processes a redirect callback once, however often it is called, and cleans the address bar', async () => {
    const browser: Browser = harness.newBrowser();
    const userManager = newUserManager(browser);
    const source = oidcTokenSource(userManager);
    await source.signIn();
    const callbackUrl = await loginWithPassword(
      browser.redirects[0]!,
      { username: 'alice', password: 'alice-password' },
      { cookieJar: browser.jar },
    );
    const here = new URL(callbackUrl);
    here.searchParams.set('tab', 'files');
    here.hash = 'top';
    const replaceState = vi.fn();
    vi.stubGlobal('location', { href: here.href });
    vi.stubGlobal('history', { state: { app: 1 }, replaceState });

    const before = grants('authorization_code');
    // React StrictMode runs effects twice.
    const done = { returnTo: undefined, state: undefined };
    expect(await Promise.all([source.completeSignIn(), source.completeSignIn()])).toEqual([
      done,
      done,
    ]);
    expect(grants('authorization_code')).toBe(before + 1);
    expect((await userManager.getUser())?.profile.sub).toBe('alice');
    expect(replaceState).toHaveBeenCalledTimes(1);
    expect(replaceState).toHaveBeenCalledWith({ app: 1 }, '', `${REDIRECT_URI}?tab=files#top`);
    // An address without a response: the one this page processed, not a second grant.
    expect(await source.completeSignIn(`${DEMO_ORIGIN}/?tab=files`)).toEqual(done);
    expect(grants('authorization_code')).toBe(before + 1);
    expect(await oidcTokenSource(userManager).completeSignIn(`${DEMO_ORIGIN}/`)).toBeNull();
  });

  it('reports an error response from the IdP and still cleans the address bar', async () => {
    const userManager = newUserManager();
    const source = oidcTokenSource(userManager);
    const replaceState = vi.fn();
    const href = `${REDIRECT_URI}?error=access_denied&state=unknown-state`;
    vi.stubGlobal('location', { href });
    vi.stubGlobal('history', { state: null, replaceState });
    const error = await rejectionOf(source.completeSignIn());
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect(replaceState).toHaveBeenCalledWith(null, '', REDIRECT_URI);
  });
});

describe('createOidcSession', () => {
  it('completes the redirect on start, assumes the role, and signs out through the UserManager', async () => {
    const browser: Browser = harness.newBrowser();
    const userManager = newUserManager(browser);
    const session = createOidcSession({
      userManager,
      roleArn: devstack.roleArn(WEB_ROLE),
      region: devstack.config.region,
      clientConfig: { endpoint: devstack.urls.sts },
      environment: null,
    });
    expect(session.getSnapshot().status).toBe('idle');
    await session.tokenSource.signIn(); // the redirect to the IdP (captured)
    const callbackUrl = await loginWithPassword(
      browser.redirects[0]!,
      { username: 'alice', password: 'alice-password' },
      { cookieJar: browser.jar },
    );
    vi.stubGlobal('location', { href: callbackUrl });
    vi.stubGlobal('history', { state: null, replaceState: vi.fn() });

    session.start();
    await until(() => session.getSnapshot().status === 'ready');
    expect(session.getSnapshot().identity).toMatchObject({
      subject: 'alice',
      roleArn: devstack.roleArn(WEB_ROLE),
    });
    // The session retries on its own; the SDK must not multiply attempts inside it.
    expect(await session.credentials.service.config.maxAttempts()).toBe(1);

    await session.signOut();
    expect(await userManager.getUser()).toBeNull();
    expect(session.getSnapshot().status).toBe('signed-out');
    session.stop();
  });
});
