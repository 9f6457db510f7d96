/**
 * Cross-tab groups in Chromium, with the real Web Locks and BroadcastChannel: tabs of one
 * 127.0.0.1 origin run an OIDC session (`crossTab: crossTab()`) over a real oidc-client-ts UserManager
 * against the dev stack's OpenID Provider (rotating refresh tokens, reuse detection) and STS,
 * whose credentials live 10 seconds (renewed every ~5) and whose ID tokens the page renews on
 * every refresh. Tabs after the first are opened from it (`window.open`), so each starts with a
 * copy of its opener's sessionStorage — the user — as Chromium does; a tab opened on a fresh page
 * has no user of its own, and joins the group (`joinWhenSignedOut`, on in the page as in the
 * demo's provider) unless opened with `?join=0`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLIENT_ID, startDevstack } from '@fedcreds/devstack';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../scripts/csp.js';
import { serveStatic, type StaticServer } from '../scripts/serveStatic.js';
import { ALICE, submitLogin } from './demoPage.js';
import { buildTestPage } from './buildTestPage.js';
import { launchChromium, type TestBrowser } from './launchChromium.js';
import { watchProblems, type ProblemLog } from './watchProblems.js';

/** Credentials live this long, and are renewed at half-life: a new key every ~5 s. */
const CREDENTIAL_TTL_SECONDS = 10;
const REFRESH_WINDOW_MS = 5_000;
/** ID tokens of 40 s, renewed once less than 36 s are left: one renewal per refresh. */
const ID_TOKEN_TTL_SECONDS = 40;
const MIN_VALIDITY_MS = 36_000;
const CYCLES = 3;
const BOB = { username: 'bob', password: 'bob-password' };
const STS_ACTION = 'AssumeRoleWithWebIdentity';

interface PageStats {
  keys: { key: string; subject: string | undefined }[];
  expiredHandedOut: number;
  providerCalls: number;
  s3Ok: number;
  s3Failed: string[];
  statuses: string[];
}

describe('cross-tab groups (Chromium)', () => {
  let outDir: string;
  let server: StaticServer;
  let devstack: Awaited<ReturnType<typeof startDevstack>>;
  let browser: TestBrowser;
  const logs: ProblemLog[] = [];
  /** Open contexts: closed after each test, so a failed one stops refreshing behind the next. */
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'fedcreds-cross-tab-'));
    server = await serveStatic({
      root: outDir,
      port: 0,
      headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
    devstack = await startDevstack({
      ephemeralPorts: true,
      allowedOrigins: [server.origin],
      sts: { credentialTtlSeconds: CREDENTIAL_TTL_SECONDS },
      oidc: {
        idTokenTtlSeconds: ID_TOKEN_TTL_SECONDS,
        clients: [
          {
            clientId: DEMO_CLIENT_ID,
            redirectUris: [`${server.origin}/`],
            postLogoutRedirectUris: [`${server.origin}/`],
          },
        ],
      },
    });
    await buildTestPage('crossTab', outDir, {
      CROSS_TAB_CONFIG: JSON.stringify({
        authority: devstack.urls.oidc,
        clientId: DEMO_CLIENT_ID,
        sts: devstack.urls.sts,
        s3: devstack.urls.s3,
        bucket: 'fedcreds-demo',
        region: devstack.config.region,
        roleArn: devstack.roleArn('fedcreds-demo-web'),
        refreshWindowMs: REFRESH_WINDOW_MS,
        refreshJitterMs: 300,
        minValidityMs: MIN_VALIDITY_MS,
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

  const stsCalls = () => devstack.stats().sts.byAction[STS_ACTION] ?? 0;
  const grants = () => devstack.stats().oidc.tokenGrants['refresh_token'] ?? 0;
  const text = (page: Page, id: string) =>
    page.locator(`[data-testid="${id}"]`).textContent({ timeout: 5_000 });
  const waitForText = (page: Page, id: string, value: string, timeout = 20_000) =>
    page.waitForFunction(
      ([testId, expected]) =>
        document.querySelector(`[data-testid="${testId}"]`)?.textContent === expected,
      [id, value] as const,
      { timeout },
    );
  const statsOf = (page: Page) => page.evaluate(() => window.fedcredsStats) as Promise<PageStats>;
  const keyOf = (page: Page) => text(page, 'access-key-id');

  /** A context with one tab signed in as `user` through the IdP's login form. */
  async function signedInTab(user = ALICE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    contexts.push(context);
    logs.push(await watchProblems(context));
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await waitForText(page, 'status', 'signed-out');
    await page.locator('[data-testid="sign-in"]').click();
    await page.waitForURL((url) => url.href.startsWith(devstack.urls.oidc));
    await submitLogin(page, user);
    await page.waitForURL((url) => url.origin === server.origin);
    await waitForText(page, 'status', 'ready');
    return { context, page };
  }

  /** Opens `count` more tabs from `opener` (each with a copy of its sessionStorage). */
  async function openFrom(opener: Page, count: number): Promise<Page[]> {
    const pages: Page[] = [];
    for (let i = 0; i < count; i++) {
      const opened = opener.context().waitForEvent('page');
      await opener.evaluate((url) => void window.open(url, '_blank'), `${server.origin}/`);
      const page = await opened;
      await waitForText(page, 'status', 'ready');
      pages.push(page);
    }
    return pages;
  }

  /**
   * Opens `count` more tabs unrelated to `opener` (no `window.open`: a browsing context group, and
   * so a renderer process, of their own) whose sessionStorage starts as a copy of the opener's.
   */
  async function copiesOf(opener: Page, count: number): Promise<Page[]> {
    const entries = await opener.evaluate(() => Object.entries(sessionStorage));
    const pages: Page[] = [];
    for (let i = 0; i < count; i++) {
      const page = await opener.context().newPage();
      await page.addInitScript((copied) => {
        if (sessionStorage.length === 0) {
          for (const [key, value] of copied) sessionStorage.setItem(key, value);
        }
      }, entries);
      await page.goto(`${server.origin}/`);
      await waitForText(page, 'status', 'ready');
      pages.push(page);
    }
    return pages;
  }

  /** The tab that sends the group's next STS request. */
  const nextLeader = (pages: Page[]) =>
    new Promise<Page>((resolve) => {
      for (const tab of pages) {
        tab.on('request', (request) => {
          if (request.url().startsWith(devstack.urls.sts)) resolve(tab);
        });
      }
    });

  /** Waits for the group's next key: every tab in `pages` holds it. */
  async function nextKey(pages: Page[], previous: string | null): Promise<string> {
    await pages[0]!.waitForFunction(
      (old) => {
        const key = document.querySelector('[data-testid="access-key-id"]')?.textContent;
        return typeof key === 'string' && key.startsWith('ASIA') && key !== old;
      },
      previous,
      { timeout: CREDENTIAL_TTL_SECONDS * 2_000 },
    );
    const key = (await keyOf(pages[0]!))!;
    for (const page of pages.slice(1)) await waitForText(page, 'access-key-id', key);
    return key;
  }

  /** The user a key was issued for: the session name of its assumed-role ARN. */
  const userOfKey = (key: string) => devstack.store.lookup(key)?.arn.split('/').at(-1);
  /** The subject of the ID token STS verified for a key. */
  const subjectOfKey = (key: string) =>
    Object.entries(devstack.store.lookup(key)?.claims?.federatedKeys ?? {}).find(([name]) =>
      name.endsWith(':sub'),
    )?.[1];

  it.each([1, 5, 10])(
    '%i tab(s) of one user: one STS call and one IdP renewal per refresh cycle for the group',
    async (tabs) => {
      const { page } = await signedInTab();
      const pages = [page, ...(await openFrom(page, tabs - 1))];
      let key = await nextKey(pages, await keyOf(page));
      const [stsBefore, grantsBefore] = [stsCalls(), grants()];
      const keys = [key];
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        key = await nextKey(pages, key);
        keys.push(key);
      }
      const calls = stsCalls() - stsBefore;
      const renewals = grants() - grantsBefore;
      console.info(
        `cross-tab: ${tabs} tab(s), ${CYCLES} cycles → ${calls} ${STS_ACTION} calls, ${renewals} refresh-token grants (${(calls / CYCLES).toFixed(2)} and ${(renewals / CYCLES).toFixed(2)} per cycle)`,
      );
      // One per cycle, plus at most one for a cycle starting as the counts are read.
      expect(calls).toBeGreaterThanOrEqual(CYCLES);
      expect(calls).toBeLessThanOrEqual(CYCLES + 1);
      expect(renewals).toBeGreaterThanOrEqual(CYCLES);
      expect(renewals).toBeLessThanOrEqual(CYCLES + 1);
      expect(new Set(keys).size).toBe(CYCLES + 1);
      for (const page of pages) {
        const stats = await statsOf(page);
        expect(stats.expiredHandedOut).toBe(0);
        expect(stats.providerCalls).toBeGreaterThan(0);
        expect(stats.keys.every(({ key }) => userOfKey(key) === 'alice')).toBe(true);
        // No secret in Web Storage: only oidc-client-ts's user in sessionStorage (its default).
        const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
        expect(stored).toBe('{}');
      }
    },
    120_000,
  );

  it('the leader closed mid-refresh: another tab takes over, no S3 request fails', async () => {
    const { page } = await signedInTab();
    const pages = [page, ...(await openFrom(page, 2))];
    let key = await nextKey(pages, await keyOf(page));
    for (const tab of pages) await tab.evaluate(() => window.fedcredsS3(true));
    // The next STS exchange takes 2 s: long enough to close the tab that made it.
    devstack.faults.sts.failNext({ action: STS_ACTION, delayMs: 2_000 });
    const leader = await nextLeader(pages);
    await leader.close();
    const rest = pages.filter((tab) => tab !== leader);
    key = await nextKey(rest, key);
    await nextKey(rest, key);
    for (const tab of rest) {
      await tab.evaluate(() => window.fedcredsS3(false));
      const stats = await statsOf(tab);
      expect(stats.s3Failed).toEqual([]);
      expect(stats.s3Ok).toBeGreaterThan(0);
      expect(stats.expiredHandedOut).toBe(0);
      expect(await text(tab, 'status')).toBe('ready');
    }
  }, 90_000);

  it('a leader that stops answering while holding the lock: the others still refresh before expiry', async () => {
    const { context, page } = await signedInTab();
    // Tabs in renderer processes of their own: a debugger pause stops only the one it is sent to.
    const pages = [page, ...(await copiesOf(page, 2))];
    let key = await nextKey(pages, await keyOf(page));
    devstack.faults.sts.failNext({ action: STS_ACTION, delayMs: 1_500 });
    const leader = await nextLeader(pages);
    // Its main thread stops (a debugger pause) while it holds the refresh lock.
    const cdp = await context.newCDPSession(leader);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    const rest = pages.filter((tab) => tab !== leader);
    // It holds the group's lock: the others can refresh only by taking the lock from it. (Not
    // counted: the lobby's host lock, which one member holds while it is open.)
    const held = await rest[0]!.evaluate(async () => {
      const { held = [] } = await navigator.locks.query();
      return held.filter((lock) => lock.mode === 'exclusive' && !lock.name?.includes(':lobby:'))
        .length;
    });
    expect(held).toBe(1);
    const expiresBy = Date.now() + CREDENTIAL_TTL_SECONDS * 1000;
    key = await nextKey(rest, key);
    expect(Date.now()).toBeLessThan(expiresBy);
    for (const tab of rest) expect((await statsOf(tab)).expiredHandedOut).toBe(0);
    // Woken, the deposed leader overwrites nothing: the others keep the group's newer keys.
    await cdp.send('Debugger.resume');
    await nextKey(rest, key);
    for (const tab of rest) {
      expect(await text(tab, 'status')).toBe('ready');
      expect((await statsOf(tab)).expiredHandedOut).toBe(0);
    }
  }, 90_000);

  it('alice in one tab and bob in another: each tab only ever holds its own user’s keys', async () => {
    const { context, page: alice } = await signedInTab(ALICE);
    // The IdP's session cookie is alice's: without it, the second tab's sign-in asks again.
    await context.clearCookies();
    // A fresh page would join alice's group: this one is told not to, so bob can sign in.
    const bob = await context.newPage();
    await bob.goto(`${server.origin}/?join=0`);
    await waitForText(bob, 'status', 'signed-out');
    await bob.locator('[data-testid="sign-in"]').click();
    await bob.waitForURL((url) => url.href.startsWith(devstack.urls.oidc));
    await submitLogin(bob, BOB);
    await bob.waitForURL((url) => url.origin === server.origin);
    await waitForText(bob, 'status', 'ready');
    let [aliceKey, bobKey] = [await keyOf(alice), await keyOf(bob)];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      aliceKey = await nextKey([alice], aliceKey);
      bobKey = await nextKey([bob], bobKey);
    }
    const [aliceStats, bobStats] = [await statsOf(alice), await statsOf(bob)];
    expect(aliceStats.keys.length).toBeGreaterThanOrEqual(CYCLES + 1);
    expect(aliceStats.keys.map(({ key }) => userOfKey(key))).toEqual(
      aliceStats.keys.map(() => 'alice'),
    );
    expect(bobStats.keys.map(({ key }) => userOfKey(key))).toEqual(bobStats.keys.map(() => 'bob'));
    expect(aliceStats.keys.every(({ subject }) => subject === 'alice')).toBe(true);
    expect(bobStats.keys.every(({ subject }) => subject === 'bob')).toBe(true);
  }, 90_000);

  it('a tab opened on a fresh page (no copy of sessionStorage) joins the group as alice, then refreshes with it', async () => {
    const { context, page } = await signedInTab();
    const [stsBefore, grantsBefore] = [stsCalls(), grants()];
    // Typed into the address bar: a page of its own, with an empty sessionStorage.
    const fresh = await context.newPage();
    await fresh.goto(`${server.origin}/`);
    await waitForText(fresh, 'status', 'ready');
    expect(await text(fresh, 'subject')).toBe('alice');
    expect(await keyOf(fresh)).toBe(await keyOf(page));
    // It never showed the sign-in, and it took the group's credentials without an STS call.
    expect((await statsOf(fresh)).statuses).not.toContain('signed-out');
    expect([stsCalls() - stsBefore, grants() - grantsBefore]).toEqual([0, 0]);

    const pages = [page, fresh];
    let key = (await keyOf(page))!;
    for (let cycle = 1; cycle <= 2; cycle++) key = await nextKey(pages, key);
    const [calls, renewals] = [stsCalls() - stsBefore, grants() - grantsBefore];
    console.info(
      `cross-tab join: 2 tabs (one joined), 2 cycles → ${calls} ${STS_ACTION} calls, ${renewals} refresh-token grants`,
    );
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3);
    // Each renewal comes just before its STS call: one more if a cycle began as they were read.
    expect(renewals).toBeGreaterThanOrEqual(calls);
    expect(renewals).toBeLessThanOrEqual(calls + 1);
    for (const tab of pages) {
      const stats = await statsOf(tab);
      expect(stats.keys.map(({ key }) => subjectOfKey(key))).toEqual(stats.keys.map(() => 'alice'));
      expect(stats.expiredHandedOut).toBe(0);
      expect(await text(tab, 'status')).toBe('ready');
      expect(await tab.evaluate(() => JSON.stringify({ ...localStorage }))).toBe('{}');
    }
  }, 90_000);

  it('signing out in one tab signs out every tab within a second, and a reload shows the sign-in', async () => {
    const { page } = await signedInTab();
    const pages = [page, ...(await openFrom(page, 4))];
    await nextKey(pages, await keyOf(page));
    const watch = pages.map((tab) =>
      tab.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const output = document.querySelector('[data-testid="status"]')!;
            const check = () => output.textContent === 'signed-out' && resolve(Date.now());
            new MutationObserver(check).observe(output, {
              childList: true,
              characterData: true,
              subtree: true,
            });
            check();
          }),
      ),
    );
    const clickedAt = await pages[2]!.evaluate(() => {
      const at = Date.now();
      (document.querySelector('[data-testid="sign-out"]') as HTMLButtonElement).click();
      return at;
    });
    const signedOutAt = await Promise.all(watch);
    const slowestMs = Math.max(...signedOutAt) - clickedAt;
    console.info(`cross-tab: 5 tabs signed out ${slowestMs} ms after the click in one`);
    expect(slowestMs).toBeLessThan(1_000);
    for (const tab of pages) expect(await keyOf(tab)).toBe('');

    const calls = stsCalls();
    for (const tab of [pages[0]!, pages[2]!, pages[4]!]) {
      await tab.reload();
      await waitForText(tab, 'status', 'signed-out');
    }
    // Nobody comes back: no tab renews, past another half-life.
    await pages[0]!.waitForTimeout(REFRESH_WINDOW_MS + 500);
    expect(stsCalls()).toBe(calls);
    for (const tab of pages) expect(await text(tab, 'status')).toBe('signed-out');
  }, 90_000);

  it('caused no page error anywhere', () => {
    for (const log of logs) expect(log.problems).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
  });
});
