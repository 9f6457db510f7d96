import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  ALICE,
  UI_TIMEOUT_MS,
  click,
  s3RoundTrip,
  submitLogin,
  textOf,
  waitForText,
} from './demoPage.js';
import { demoForSuite } from './demoForSuite.js';

describe('SAML sign-in', () => {
  const demo = demoForSuite();

  /** From the demo to the IdP and back: returns once the role picker shows. */
  async function signInWithSaml(page: Page) {
    await click(page, 'sign-in-saml');
    await page.waitForURL((url) => url.href.startsWith(demo.devstack.urls.saml));
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === demo.origin);
    await page.locator('[data-testid="saml-role-picker"]').waitFor();
    // The assertion was taken from the fragment and wiped from the address bar.
    expect(new URL(page.url()).hash).toBe('');
    expect(new URL(page.url()).pathname).toBe('/');
  }

  it('offers the assertion’s roles and signs in with the one picked', async () => {
    const { page, log } = await demo.openWatchedPage();
    await page.goto(`${demo.origin}/`);

    await signInWithSaml(page);
    const roles = await page.locator('[data-testid="saml-roles"] button').allTextContents();
    expect(roles.sort()).toEqual(['fedcreds-demo-saml', 'fedcreds-demo-saml-readonly']);

    await click(page, 'saml-role-fedcreds-demo-saml');
    await waitForText(page, 'status', 'ready');
    expect(await textOf(page, 'identity')).toContain('fedcreds-demo-saml');
    expect(await textOf(page, 'sign-in-method')).toContain('fedcreds-demo-saml');
    await s3RoundTrip(page, 'saml-hello.txt', 'Hello from alice over SAML');
    expect(demo.devstack.stats().sts.byAction.AssumeRoleWithSAML).toBe(1);

    // A reload keeps the SAML session: the credentials persisted in sessionStorage (the session's
    // opt-in) come back without the assertion — which is never stored — and without an STS call.
    await page.reload();
    await waitForText(page, 'status', 'ready');
    expect(await textOf(page, 'sign-in-method')).toContain('fedcreds-demo-saml');
    // The timeline says where they came from: restored, not a refresh of this tab's own.
    const restored = page.locator('[data-testid="timeline"] [data-kind="restored"]');
    expect(await restored.innerText({ timeout: UI_TIMEOUT_MS })).toContain('Credentials restored');
    expect(await page.locator('[data-testid="timeline"] [data-kind="refreshed"]').count()).toBe(0);
    await s3RoundTrip(page, 'saml-after-reload.txt', 'Still here after a reload');
    expect(demo.devstack.stats().sts.byAction.AssumeRoleWithSAML).toBe(1);

    // The read-only role may use the bucket but not the notes table; the refusal reads as a sentence.
    await click(page, 'sign-out');
    await page.locator('[data-testid="sign-in-saml"]').waitFor();
    // Chromium logs the refused request itself as a console error; that one is expected.
    const allowDenied = log.allow({
      text: /Failed to load resource: the server responded with a status of 4\d\d/,
      urlPrefix: demo.devstack.urls.dynamodb,
    });
    await signInWithSaml(page);
    await click(page, 'saml-role-fedcreds-demo-saml-readonly');
    await waitForText(page, 'status', 'ready');
    expect(await textOf(page, 'identity')).toContain('fedcreds-demo-saml-readonly');
    await s3RoundTrip(page, 'saml-readonly.txt', 'The bucket is allowed');
    await waitForText(page, 'ddb-error-sentence', 'You are not allowed to do that.');
    expect(await textOf(page, 'ddb-error-detail')).toMatch(/^AccessDenied/);
    allowDenied();

    // Signed out, a reload stays signed out: nothing of the SAML session is left.
    await click(page, 'sign-out');
    await page.reload();
    await waitForText(page, 'status', 'signed-out');
  });
});
