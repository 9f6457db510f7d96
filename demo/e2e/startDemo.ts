import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLIENT_ID, startDevstack } from '@fedcreds/devstack';
import type { Devstack, DevstackOptions } from '@fedcreds/devstack';
import type { BrowserContext, Page } from 'playwright-core';
import { buildDemo } from '../scripts/buildDemo.js';
import type { DemoEnv } from '../scripts/buildDemo.js';
import { CONTENT_SECURITY_POLICY } from '../scripts/csp.js';
import { serveStatic } from '../scripts/serveStatic.js';
import { launchChromium } from './launchChromium.js';
import type { TestBrowser } from './launchChromium.js';
import { watchProblems } from './watchProblems.js';
import type { ProblemLog } from './watchProblems.js';

/** The demo built against a dev stack of its own, served with the strict CSP, and a browser. */
export interface DemoHarness {
  /** `http://127.0.0.1:<port>`: the demo's origin. */
  origin: string;
  devstack: Devstack;
  browser: TestBrowser;
  /** A fresh browser context (its own storage) with a page, watched for problems. */
  openPage(): Promise<{ context: BrowserContext; page: Page; log: ProblemLog }>;
  stop(): Promise<void>;
}

/** What to change in the demo's dev stack and build. */
export interface StartDemoOptions {
  /** Dev stack options on top of what the demo's origin needs. */
  devstack?: DevstackOptions;
  /** `VITE_*` overrides on top of the dev stack's URLs. */
  env?: DemoEnv;
}

/**
 * Serves an (initially empty) directory on a free port to learn the demo's origin, starts a dev
 * stack that trusts that origin, builds the demo against the stack's URLs into the directory,
 * and launches Chromium.
 */
export async function startDemo(options: StartDemoOptions = {}): Promise<DemoHarness> {
  const outDir = await mkdtemp(join(tmpdir(), 'fedcreds-demo-e2e-'));
  const server = await serveStatic({
    root: outDir,
    port: 0,
    headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
  });
  const { origin } = server;
  const cleanups: (() => Promise<unknown>)[] = [
    () => rm(outDir, { recursive: true, force: true }),
    () => server.close(),
  ];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const devstack = await startDevstack({
      ephemeralPorts: true,
      allowedOrigins: [origin],
      ...options.devstack,
      oidc: {
        clients: [
          {
            clientId: DEMO_CLIENT_ID,
            redirectUris: [`${origin}/`],
            postLogoutRedirectUris: [`${origin}/`],
          },
        ],
        ...options.devstack?.oidc,
      },
      saml: { appReturnUrl: `${origin}/saml`, ...options.devstack?.saml },
    });
    cleanups.push(() => devstack.stop());
    await buildDemo({
      outDir,
      env: {
        VITE_OIDC_AUTHORITY: devstack.urls.oidc,
        VITE_OIDC_CLIENT_ID: DEMO_CLIENT_ID,
        VITE_ROLE_ARN: devstack.roleArn('fedcreds-demo-web'),
        VITE_SAML_LOGIN_URL: devstack.urls.samlLogin,
        VITE_REGION: devstack.config.region,
        VITE_STS_ENDPOINT: devstack.urls.sts,
        VITE_S3_ENDPOINT: devstack.urls.s3,
        VITE_DYNAMODB_ENDPOINT: devstack.urls.dynamodb,
        ...options.env,
      },
    });
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    return {
      origin,
      devstack,
      browser,
      async openPage() {
        const context = await browser.newContext();
        const log = await watchProblems(context);
        const page = await context.newPage();
        return { context, page, log };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
