import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it. Override with CHROMIUM_PATH. */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A headless Chromium whose every context can only reach loopback. */
export interface TestBrowser {
  browser: Browser;
  newContext(): Promise<BrowserContext>;
  /** URLs a page tried to reach off loopback (each was aborted). Tests assert it stays empty. */
  blockedRequests: string[];
  close(): Promise<void>;
}

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';
};

/**
 * Launches Debian's Chromium (Playwright gives every launch a fresh temporary profile) and the flags that keep it off the network;
 * every context aborts requests to non-loopback hosts, so a page can never leak traffic.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const blockedRequests: string[] = [];
  return {
    browser,
    blockedRequests,
    async newContext() {
      const context = await browser.newContext();
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (isLoopback(url)) return route.continue();
        blockedRequests.push(url);
        return route.abort('blockedbyclient');
      });
      return context;
    },
    async close() {
      await browser.close();
    },
  };
}
