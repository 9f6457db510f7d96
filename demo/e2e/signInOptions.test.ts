/**
 * The React layer's sign-in options as a user clicks them in the demo, in Chromium under the
 * strict CSP, against the dev stack's OpenID Provider through real oidc-client-ts: the demo's
 * buttons call `useAwsCredentials().signIn({ returnTo, popup, loginHint })` and
 * `signOut({ idp: true })` of `@fedcreds/react`. Each test runs in a browser context of its own:
 * an IdP session cookie left by one would let the next sign-in return without the login form.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ALICE, UI_TIMEOUT_MS, click, fill, submitLogin, textOf, waitForText } from './demoPage.js';
import { demoForSuite } from './demoForSuite.js';

describe('sign-in options of @fedcreds/react (Chromium, strict CSP)', () => {
  const demo = demoForSuite();

  const webIdentityCalls = () => demo.devstack.stats().sts.byAction.AssumeRoleWithWebIdentity ?? 0;
  const onIdp = (url: URL) => url.origin === new URL(demo.devstack.urls.oidc).origin;
  /** The IdP's login form: a password field on one of its interaction pages. */
  const isLoginForm = (url: URL) => onIdp(url) && url.pathname.startsWith('/interaction/');

  /** Every address the page's main frame goes to from now on, and a way to wait for some. */
  function recordAddresses(page: Page) {
    const seen: URL[] = [];
    const checks = new Set<() => void>();
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      seen.push(new URL(frame.url()));
      for (const check of [...checks]) check();
    });
    /** Resolves once the addresses seen so far pass `test` (checked on every navigation). */
    const until = (what: string, test: (addresses: URL[]) => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          checks.delete(check);
          reject(new Error(`never saw ${what}; saw ${seen.map(String).join(' → ')}`));
        }, UI_TIMEOUT_MS);
        const check = () => {
          if (!test(seen)) return;
          clearTimeout(timer);
          checks.delete(check);
          resolve();
        };
        checks.add(check);
        check();
      });
    return { seen, until };
  }

  /** Survives only as long as the page is neither reloaded nor navigated away. */
  const markDocument = (page: Page) =>
    page.evaluate(() => Object.assign(window, { sameDocument: true }));
  const isSameDocument = (page: Page) =>
    page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument === true);

  it('signIn({ returnTo }): back at the page it started from, signed in, no callback parameters left', async () => {
    const { page } = await demo.openWatchedPage();
    const start = `${demo.origin}/notes?tab=2#x`;
    await page.goto(start);
    await waitForText(page, 'status', 'signed-out');
    const addresses = recordAddresses(page);
    await fill(page, 'login-hint', 'alice');

    await click(page, 'sign-in-oidc');
    await page.waitForURL(isLoginForm, { timeout: UI_TIMEOUT_MS });
    // loginHint became login_hint: the IdP pre-filled its form with it.
    expect(await page.locator('input[name=username]').inputValue()).toBe('alice');
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === demo.origin, { timeout: UI_TIMEOUT_MS });
    await waitForText(page, 'status', 'ready');

    // The IdP came back to the redirect_uri (the root) with code and state…
    const callback = addresses.seen.find((url) => url.origin === demo.origin);
    expect(callback?.pathname).toBe('/');
    expect(callback?.searchParams.has('code')).toBe(true);
    // …and the provider put the address the sign-in started from back, without them.
    await page.waitForFunction((href) => location.href === href, start, { timeout: UI_TIMEOUT_MS });
    const returned = new URL(page.url());
    expect([returned.pathname, returned.search, returned.hash]).toEqual(['/notes', '?tab=2', '#x']);
    expect(await textOf(page, 'access-key-id')).toMatch(/^ASIA[A-Z0-9]{16}$/);
    // A reload of the restored address keeps the sign-in (and finds nothing to process).
    await page.reload();
    await waitForText(page, 'status', 'ready');
    expect(page.url()).toBe(start);
  });

  it('signIn({ popup: true }): the IdP in a popup, the page never navigates and becomes ready', async () => {
    const { page } = await demo.openWatchedPage();
    await page.goto(`${demo.origin}/`);
    await waitForText(page, 'status', 'signed-out');
    await markDocument(page);
    const calls = webIdentityCalls();

    const popupOpened = page.waitForEvent('popup', { timeout: UI_TIMEOUT_MS });
    await click(page, 'sign-in-popup');
    const popup = await popupOpened;
    await popup.waitForURL(isLoginForm, { timeout: UI_TIMEOUT_MS });
    await submitLogin(popup, ALICE);
    // The popup comes back to popup_redirect_uri, hands the response to the opener and closes.
    await popup.waitForEvent('close', { timeout: UI_TIMEOUT_MS });

    await waitForText(page, 'status', 'ready');
    expect(await textOf(page, 'access-key-id')).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(await textOf(page, 'sign-in-method')).toContain('OpenID Connect');
    expect(await isSameDocument(page)).toBe(true);
    expect(page.url()).toBe(`${demo.origin}/`);
    expect(webIdentityCalls()).toBe(calls + 1);
    await page.locator('[data-testid="s3-panel"]').waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('signOut({ idp: true }) ends the IdP session: the next sign-in shows the login form again', async () => {
    const { page } = await demo.openWatchedPage();
    await page.goto(`${demo.origin}/`);
    await waitForText(page, 'status', 'signed-out');
    await click(page, 'sign-in-oidc');
    await page.waitForURL(isLoginForm, { timeout: UI_TIMEOUT_MS });
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === demo.origin, { timeout: UI_TIMEOUT_MS });
    await waitForText(page, 'status', 'ready');

    // Signed out here only, the IdP still knows alice: the next sign-in comes straight back.
    await click(page, 'sign-out');
    await waitForText(page, 'status', 'signed-out');
    let addresses = recordAddresses(page);
    const authorizations = demo.devstack.stats().oidc.authorizations;
    await click(page, 'sign-in-oidc');
    // The IdP answers at once with a redirect, so the page never shows one of its addresses.
    await addresses.until('the callback', (seen) =>
      seen.some((url) => url.origin === demo.origin && url.searchParams.has('code')),
    );
    await waitForText(page, 'status', 'ready');
    expect(demo.devstack.stats().oidc.authorizations).toBe(authorizations + 1);
    expect(addresses.seen.filter(onIdp)).toEqual([]);

    // "Sign out everywhere": to the IdP's end-session endpoint and back, signed out…
    addresses = recordAddresses(page);
    await click(page, 'sign-out-idp');
    await addresses.until('the IdP and back', (seen) => {
      const atIdp = seen.findIndex(onIdp);
      return atIdp >= 0 && seen.slice(atIdp + 1).some((url) => url.origin === demo.origin);
    });
    await waitForText(page, 'status', 'signed-out');
    const endSession = addresses.seen.find(onIdp);
    expect(endSession?.searchParams.get('post_logout_redirect_uri')).toBe(`${demo.origin}/`);
    expect(endSession?.searchParams.get('id_token_hint')).toBeTruthy();
    expect(new URL(page.url()).pathname).toBe('/');

    // …and the IdP forgot alice: the next sign-in asks for the password.
    await click(page, 'sign-in-oidc');
    await page.waitForURL(isLoginForm, { timeout: UI_TIMEOUT_MS });
    await page.locator('input[name=password]').waitFor({ timeout: UI_TIMEOUT_MS });
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === demo.origin, { timeout: UI_TIMEOUT_MS });
    await waitForText(page, 'status', 'ready');
  });
});
