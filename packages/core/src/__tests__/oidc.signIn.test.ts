/**
 * The sign-in surface of `oidcTokenSource`, with the real oidc-client-ts UserManager against the
 * dev stack's real OpenID Provider: `returnTo` and `state` round-trip through a redirect,
 * `loginHint` and `extraQueryParams` reach the IdP, bad options are refused before anything
 * navigates, and `popup` signs in through `signinPopup` (the window itself is stood in for, as
 * oidcHarness.ts describes; demo/e2e/popupSignIn.test.ts opens a real one in Chromium).
 */
import { loginWithPassword } from '@fedcreds/devstack';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, InvalidParameterError, TokenUnavailableError } from '@fedcreds/core';
import { oidcTokenSource } from '@fedcreds/core/oidc';
import { ALICE, grants, newBrowser, newUserManager, signal } from './oidcHarness.js';
import { rejectionOf, stackForFile } from './sessionHarness.js';

const devstack = stackForFile(null);
afterEach(() => vi.unstubAllGlobals());

describe('signIn() options', () => {
  it('returnTo and state come back from completeSignIn(); login_hint and extra parameters reach the IdP', async () => {
    const browser = newBrowser();
    const source = oidcTokenSource(newUserManager(devstack, browser));
    await source.signIn({
      returnTo: '/files?tab=2#top',
      state: { draft: 7 },
      loginHint: 'alice@example.test',
      extraQueryParams: { ui_locales: 'de', max_age: 300 },
    });
    const authorize = new URL(browser.redirects[0]!);
    expect(authorize.searchParams.get('login_hint')).toBe('alice@example.test');
    expect(authorize.searchParams.get('ui_locales')).toBe('de');
    expect(authorize.searchParams.get('max_age')).toBe('300');
    // returnTo and state stay in this browser: the IdP sees only the opaque state id.
    expect(authorize.href).not.toMatch(/files|draft/);

    const callbackUrl = await loginWithPassword(authorize.href, ALICE, { cookieJar: browser.jar });
    expect(await source.completeSignIn(callbackUrl)).toEqual({
      returnTo: '/files?tab=2#top',
      state: { draft: 7 },
    });
    expect(await source.describeUser()).toMatchObject({
      issuer: devstack.urls.oidc,
      subject: 'alice',
    });
  });

  it.each([
    ['returnTo', { returnTo: 'https://evil.example/' }],
    ['returnTo', { returnTo: '//evil.example/path' }],
    ['returnTo', { returnTo: '/\\evil.example' }],
    ['returnTo', { returnTo: 'files' }],
    ['returnTo', { returnTo: '/a\nb' }],
    ['state', { state: () => 1 }],
    ['state', { state: 10n }],
    ['loginHint', { loginHint: '' }],
    ['extraQueryParams', { extraQueryParams: 'prompt=login' }],
    [
      'extraQueryParams.redirect_uri',
      { extraQueryParams: { redirect_uri: 'https://evil.example/' } },
    ],
    ['extraQueryParams.client_id', { extraQueryParams: { client_id: 'other' } }],
    ['extraQueryParams.state', { extraQueryParams: { state: 'x' } }],
    ['extraQueryParams.prompt', { extraQueryParams: { prompt: { none: 1 } } }],
    ['extraQueryParams.login_hint', { loginHint: 'a', extraQueryParams: { login_hint: 'b' } }],
    ['popup', { popup: 'yes' }],
    ['options', 'login'],
  ])('refuses a bad %s before anything navigates', async (parameter, options) => {
    const browser = newBrowser();
    const source = oidcTokenSource(newUserManager(devstack, browser));
    const requests = devstack.stats().oidc.requests;
    const error = await rejectionOf(source.signIn(options as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error).toMatchObject({ parameter });
    expect(browser.redirects).toEqual([]);
    expect(devstack.stats().oidc.requests).toBe(requests);
  });

  it('a returnTo that is only a path keeps its query and fragment, normalised', async () => {
    const browser = newBrowser();
    const source = oidcTokenSource(newUserManager(devstack, browser));
    await source.signIn({ returnTo: '/a/../files?x=1#y' });
    const callbackUrl = await loginWithPassword(browser.redirects[0]!, ALICE, {
      cookieJar: browser.jar,
    });
    expect(await source.completeSignIn(callbackUrl)).toMatchObject({ returnTo: '/files?x=1#y' });
  });
});

describe('signIn({ popup: true })', () => {
  it('signs in through signinPopup and resolves once the user is stored — no redirect', async () => {
    const browser = newBrowser();
    const popupUrls: string[] = [];
    const userManager = newUserManager(devstack, browser, {
      popupLogin: (url) => {
        popupUrls.push(url);
        return loginWithPassword(url, ALICE, { cookieJar: browser.jar });
      },
    });
    const source = oidcTokenSource(userManager);
    const codeGrants = grants(devstack, 'authorization_code');
    await source.signIn({ popup: true, loginHint: 'alice' });
    expect(browser.redirects).toEqual([]);
    expect(popupUrls).toHaveLength(1);
    expect(new URL(popupUrls[0]!).searchParams.get('display')).toBe('popup');
    expect(new URL(popupUrls[0]!).searchParams.get('login_hint')).toBe('alice');
    expect(grants(devstack, 'authorization_code')).toBe(codeGrants + 1);
    expect((await userManager.getUser())?.profile.sub).toBe('alice');
    const token = await source.getToken({ forceRefresh: false, signal: signal() });
    expect(token).toBe((await userManager.getUser())!.id_token);
  });

  it('a popup the user closes rejects with AbortedError; one the browser blocked, with a sentence saying why', async () => {
    const closed = oidcTokenSource(
      newUserManager(devstack, newBrowser(), {
        popupLogin: async () => {
          throw new Error('Popup closed by user');
        },
      }),
    );
    expect(await rejectionOf(closed.signIn({ popup: true }))).toBeInstanceOf(AbortedError);
    // The harness's window without popupLogin is a window that never opened.
    const blocked = oidcTokenSource(newUserManager(devstack));
    const error = await rejectionOf(blocked.signIn({ popup: true }));
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect((error as Error).message).toMatch(/blocked the sign-in window.*click handler/);
  });

  it('without popup_redirect_uri: InvalidParameterError (popup), nothing opened', async () => {
    const userManager = newUserManager(devstack);
    Object.assign(userManager.settings, { popup_redirect_uri: undefined });
    const error = await rejectionOf(oidcTokenSource(userManager).signIn({ popup: true }));
    expect(error).toMatchObject({ code: 'ERR_INVALID_PARAMETER', parameter: 'popup' });
  });
});
