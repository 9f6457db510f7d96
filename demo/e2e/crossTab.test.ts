/**
 * Cross-tab coordination in Chromium, with the real Web Locks and BroadcastChannel: three tabs of
 * one 127.0.0.1 origin run the same session (`crossTab: true`) against the dev stack's STS, whose
 * credentials live a few seconds. The tabs show one access key, STS sees about one call per
 * refresh cycle (not three), and signing out in one tab signs out all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack } from '@fedcreds/devstack';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../scripts/csp.js';
import { serveStatic, type StaticServer } from '../scripts/serveStatic.js';
import { launchChromium, type TestBrowser } from './launchChromium.js';
import { watchProblems, type ProblemLog } from './watchProblems.js';

/** Credentials live this long… */
const CREDENTIAL_TTL_SECONDS = 6;
/** …and are renewed at half-life (the window is wider than half): a new key every ~3 s. */
const REFRESH_WINDOW_MS = 4_000;
const TABS = 3;
/** Refresh cycles watched after the first credentials. */
const CYCLES = 3;

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('sessions across tabs (Chromium)', () => {
  let outDir: string;
  let server: StaticServer;
  let devstack: Awaited<ReturnType<typeof startDevstack>>;
  let browser: TestBrowser;
  let context: BrowserContext;
  let log: ProblemLog;

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
    });
    await build({
      root: source('./crossTab'),
      configFile: false,
      logLevel: 'warn',
      resolve: {
        alias: [
          { find: /^@fedcreds\/core$/, replacement: source('../../packages/core/src/index.ts') },
        ],
      },
      build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
    });
    browser = await launchChromium();
    context = await browser.newContext();
    log = await watchProblems(context);
    await context.exposeFunction('fedcredsTestToken', () =>
      devstack.oidc.mintIdToken({ sub: 'alice' }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await devstack?.stop();
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const stsCalls = () => devstack.stats().sts.byAction['AssumeRoleWithWebIdentity'] ?? 0;
  const text = (page: Page, id: string) =>
    page.locator(`[data-testid="${id}"]`).textContent({ timeout: 5_000 });
  const waitForText = (page: Page, id: string, value: string) =>
    page.waitForFunction(
      ([testId, expected]) =>
        document.querySelector(`[data-testid="${testId}"]`)?.textContent === expected,
      [id, value] as const,
      { timeout: CREDENTIAL_TTL_SECONDS * 3_000 },
    );

  it('tabs share one refresher and its credentials, and sign out together', async () => {
    const url = new URL('/index.html', server.origin);
    url.search = new URLSearchParams({
      sts: devstack.urls.sts,
      region: devstack.config.region,
      roleArn: devstack.roleArn('fedcreds-demo-web'),
      refreshWindowMs: String(REFRESH_WINDOW_MS),
      refreshJitterMs: '200',
    }).toString();

    const before = stsCalls();
    const pages: Page[] = [];
    for (let i = 0; i < TABS; i++) {
      const page = await context.newPage();
      await page.goto(url.href);
      await waitForText(page, 'status', 'ready');
      pages.push(page);
    }
    // Opening the second and third tab cost no STS call: they adopted the first tab's key.
    const first = await text(pages[0]!, 'access-key-id');
    expect(first).toMatch(/^ASIA/);
    for (const page of pages) expect(await text(page, 'access-key-id')).toBe(first);
    const afterOpening = stsCalls() - before;
    expect(afterOpening).toBe(1);

    // The real Web Locks API: each tab holds the shared presence lock of the session.
    const held = await pages[0]!.evaluate(async () => {
      const { held = [] } = await navigator.locks.query();
      return held.map((lock) => `${lock.name} ${lock.mode}`);
    });
    const presence = `fedcreds:${devstack.roleArn('fedcreds-demo-web')}:tabs shared`;
    expect(held.filter((lock) => lock === presence)).toHaveLength(TABS);

    // Watch the refresh cycles: every tab moves to each new key; STS is called once per key.
    const keys = [first];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await pages[0]!.waitForFunction(
        (previous) => {
          const key = document.querySelector('[data-testid="access-key-id"]')?.textContent;
          return typeof key === 'string' && key.startsWith('ASIA') && key !== previous;
        },
        keys.at(-1),
        { timeout: CREDENTIAL_TTL_SECONDS * 3_000 },
      );
      const key = (await text(pages[0]!, 'access-key-id'))!;
      for (const page of pages.slice(1)) await waitForText(page, 'access-key-id', key);
      keys.push(key);
    }
    const calls = stsCalls() - before;
    expect(new Set(keys).size).toBe(CYCLES + 1);
    // One call per key, plus at most one for a cycle starting as the count is read; one per tab
    // per cycle would be 3 × as many.
    expect(calls).toBeGreaterThanOrEqual(CYCLES + 1);
    expect(calls).toBeLessThanOrEqual(CYCLES + 2);
    console.info(
      `cross-tab: ${TABS} tabs, ${CYCLES} refresh cycles → ${calls} AssumeRoleWithWebIdentity calls`,
    );

    // Nothing of the session was kept in Web Storage by any tab.
    for (const page of pages) {
      expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    }

    await pages[1]!.locator('[data-testid="sign-out"]').click();
    for (const page of pages) {
      await waitForText(page, 'status', 'signed-out');
      expect(await text(page, 'access-key-id')).toBe('');
    }
    // Signed out everywhere, nobody renews: the count stays put past another half-life.
    const signedOutCalls = stsCalls();
    await pages[0]!.waitForTimeout((CREDENTIAL_TTL_SECONDS * 1000) / 2 + 500);
    expect(stsCalls()).toBe(signedOutCalls);
    for (const page of pages) expect(await text(page, 'status')).toBe('signed-out');

    expect(log.problems).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
  });
});
