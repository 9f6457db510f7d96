import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CLIENT_ID, startDevstack } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../demo/e2e/launchChromium.js';
import type { TestBrowser } from '../../demo/e2e/launchChromium.js';
import { ALICE, click, submitLogin, waitForText } from '../../demo/e2e/demoPage.js';
import { watchProblems } from '../../demo/e2e/watchProblems.js';
import { serveStatic } from '../../demo/scripts/serveStatic.js';
import type { StaticServer } from '../../demo/scripts/serveStatic.js';
import { installExample } from './installExample.js';
import { workspaceDir } from './packWorkspace.js';

const run = promisify(execFile);

/** The environment a user's shell would give `pnpm run build`: none of vitest's own variables. */
function userEnv(vite: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(VITE|VITEST)/.test(name) && name !== 'NODE_ENV',
    ),
  );
  return { ...env, ...vite, CI: 'true' };
}

/** Lines a build printed that are warnings (Vite's `(!)`, Rolldown's `[CODE]`, anything "warn"). */
const warningLines = (output: string) =>
  output.split('\n').filter((line) => /warn|\(!\)|^\s*\[[A-Z_]+\]/i.test(line));

describe('examples/vite-react, installed from the packed packages', () => {
  let appDir: string;
  let server: StaticServer;
  let devstack: Devstack;
  let browser: TestBrowser;
  let build: { stdout: string; stderr: string };

  beforeAll(async () => {
    appDir = await installExample('vite-react', inject('tarballs'));
    // The origin first (a free port), so the dev stack can trust it; dist/ is built below.
    server = await serveStatic({ root: join(appDir, 'dist'), port: 0 });
    devstack = await startDevstack({
      ephemeralPorts: true,
      allowedOrigins: [server.origin],
      oidc: {
        clients: [
          {
            clientId: DEMO_CLIENT_ID,
            redirectUris: [`${server.origin}/`],
            postLogoutRedirectUris: [`${server.origin}/`],
          },
        ],
      },
    });
    // Only the stack's ephemeral URLs are given: client id, role, region and bucket are the
    // example's `.env` defaults, which must match the dev stack's.
    build = await run('pnpm', ['run', 'build'], {
      cwd: appDir,
      env: userEnv({
        VITE_OIDC_AUTHORITY: devstack.urls.oidc,
        VITE_STS_ENDPOINT: devstack.urls.sts,
        VITE_S3_ENDPOINT: devstack.urls.s3,
      }),
    });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await devstack?.stop();
    await server?.close();
    if (appDir) await rm(appDir, { recursive: true, force: true });
  });

  it('depends on the published names at the versions being packed', async () => {
    const example = JSON.parse(
      await readFile(join(workspaceDir, 'examples/vite-react/package.json'), 'utf8'),
    ) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const ranges = { ...example.dependencies, ...example.devDependencies };
    for (const name of ['core', 'react', 'devstack']) {
      const { version } = JSON.parse(
        await readFile(join(workspaceDir, 'packages', name, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(ranges[`@fedcreds/${name}`]).toBe(`^${version}`);
    }
  });

  it('type-checks and builds with no warning', () => {
    expect(build.stdout).toContain('✓ built in');
    expect(warningLines(build.stdout)).toEqual([]);
    expect(build.stderr).toBe('');
  });

  it('signs alice in through the OpenID Provider, lists her S3 prefix and writes to it', async () => {
    const context = await browser.newContext();
    const log = await watchProblems(context);
    const failedRequests: string[] = [];
    context.on('requestfailed', (request) =>
      failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
    );
    context.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
    });
    const page = await context.newPage();

    await page.goto(`${server.origin}/`);
    await waitForText(page, 'status', 'signed-out');
    await click(page, 'sign-in');
    await page.waitForURL((url) => url.href.startsWith(devstack.urls.oidc));
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === server.origin);
    await waitForText(page, 'status', 'ready');

    // ListObjectsV2 under alice/ (all the per-user role allows), then PutObject and the list again.
    await waitForText(page, 'empty', 'Nothing here yet.');
    await click(page, 'save');
    await waitForText(page, 'objects', 'alice/hello.txt');
    expect(devstack.stats().sts.byAction.AssumeRoleWithWebIdentity).toBe(1);

    await click(page, 'sign-out');
    await waitForText(page, 'status', 'signed-out');

    expect(log.problems).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
    await context.close();
  });

  it("without @vitejs/plugin-react Vite warns about 'use client'; the README's onwarn silences it", async () => {
    const readme = await readFile(join(workspaceDir, 'packages/react/README.md'), 'utf8');
    const config =
      /<!-- vite.config.ts without @vitejs\/plugin-react -->\n```ts\n([\s\S]*?)```/.exec(
        readme,
      )?.[1];
    expect(config).toBeDefined();
    const vite = join(appDir, 'node_modules/vite/bin/vite.js');
    const buildWith = async (configFile: string, source: string) => {
      await writeFile(join(appDir, configFile), source);
      const { stdout, stderr } = await run(
        process.execPath,
        [vite, 'build', '--config', configFile, '--outDir', 'dist-check'],
        { cwd: appDir, env: userEnv({}) },
      );
      return `${stdout}\n${stderr}`;
    };
    const directiveWarnings = (output: string) =>
      output.split('\n').filter((line) => line.includes('[MODULE_LEVEL_DIRECTIVE]'));

    const bare = await buildWith(
      'vite.bare.config.ts',
      "import { defineConfig } from 'vite';\nexport default defineConfig({});\n",
    );
    // One per @fedcreds/react file that starts with the directive.
    expect(directiveWarnings(bare).length).toBeGreaterThanOrEqual(5);
    expect(directiveWarnings(bare).every((line) => line.includes('"use client"'))).toBe(true);

    expect(directiveWarnings(await buildWith('vite.readme.config.ts', config!))).toEqual([]);
  });
});
