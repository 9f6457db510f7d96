/**
 * Popup sign-in in Chromium, through the core alone: a test page (e2e/popupSignIn/) runs
 * `createOidcSession` with oidc-client-ts's own popup window against the dev stack's OpenID
 * Provider and STS, under the demo's strict CSP. `session.signIn({ popup: true })` opens the IdP
 * in a real popup; the user signs in there; the popup hands the response to the opener and closes,
 * and the page — which never navigated — has credentials and the ID token's profile. A popup the
 * user closes rejects the sign-in with ERR_ABORTED instead of leaving it pending.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLIENT_ID, startDevstack } from '@fedcreds/devstack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../scripts/csp.js';
import { serveStatic, type StaticServer } from '../scripts/serveStatic.js';
import { ALICE, UI_TIMEOUT_MS, click, submitLogin, textOf, waitForText } from './demoPage.js';
import { buildTestPage } from './buildTestPage.js';
import { launchChromium, type TestBrowser } from './launchChromium.js';
import { watchProblems, type ProblemLog } from './watchProblems.js';

describe('popup sign-in (Chromium)', () => {
  let outDir: string;
  let server: StaticServer;
  let devstack: Awaited<ReturnType<typeof startDevstack>>;
  let browser: TestBrowser;
  const logs: ProblemLog[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'fedcreds-popup-'));
    server = await serveStatic({
      root: outDir,
      port: 0,
      headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
    const page = `${server.origin}/index.html`;
    devstack = await startDevstack({
      ephemeralPorts: true,
      allowedOrigins: [server.origin],
      oidc: { clients: [{ clientId: DEMO_CLIENT_ID, redirectUris: [page] }] },
    });
    await buildTestPage('popupSignIn', outDir, {
      __POPUP_TEST_CONFIG__: JSON.stringify({
        authority: devstack.urls.oidc,
        clientId: DEMO_CLIENT_ID,
        roleArn: devstack.roleArn('fedcreds-demo-web'),
        region: devstack.config.region,
        sts: devstack.urls.sts,
      }),
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await devstack?.stop();
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const webIdentityCalls = () => devstack.stats().sts.byAction['AssumeRoleWithWebIdentity'] ?? 0;
  /** The test page in a browser context of its own: no IdP session, no stored user. */
  const openPage = async (): Promise<Page> => {
    const context = await browser.newContext();
    logs.push(await watchProblems(context));
    const page = await context.newPage();
    await page.goto(`${server.origin}/index.html`);
    await waitForText(page, 'status', 'signed-out');
    return page;
  };

  it('signs in in a popup: the page never navigates, and gets credentials and the profile', async () => {
    const page = await openPage();
    // Survives only if the page is never reloaded or navigated.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const calls = webIdentityCalls();

    const popupOpened = page.waitForEvent('popup', { timeout: UI_TIMEOUT_MS });
    await click(page, 'sign-in-popup');
    const popup = await popupOpened;
    await popup.waitForURL((url) => url.href.startsWith(devstack.urls.oidc));
    await submitLogin(popup, ALICE);
    await popup.waitForEvent('close', { timeout: UI_TIMEOUT_MS });

    await waitForText(page, 'status', 'ready');
    expect(await textOf(page, 'subject')).toBe('alice');
    expect(await textOf(page, 'name')).toBe('Alice');
    expect(await textOf(page, 'access-key-id')).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(await textOf(page, 'sign-in-error')).toBe('');
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(page.url()).toBe(`${server.origin}/index.html`);
    expect(webIdentityCalls()).toBe(calls + 1);
    await page.context().close();
  });

  it('a popup the user closes rejects the sign-in with ERR_ABORTED', async () => {
    const page = await openPage();
    const popupOpened = page.waitForEvent('popup', { timeout: UI_TIMEOUT_MS });
    await click(page, 'sign-in-popup');
    const popup = await popupOpened;
    await popup.waitForURL((url) => url.href.startsWith(devstack.urls.oidc));
    await popup.close();
    await waitForText(page, 'sign-in-error', 'ERR_ABORTED');
    expect(await textOf(page, 'status')).toBe('signed-out');
    await page.context().close();
  });

  it('left no problem in any page', () => {
    expect(logs.flatMap((log) => log.problems)).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
  });
});
