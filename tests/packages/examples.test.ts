import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_CLIENT_ID, startDevstack } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../demo/e2e/launchChromium.js';
import type { TestBrowser } from '../../demo/e2e/launchChromium.js';
import { ALICE, click, submitLogin, waitForText } from '../../demo/e2e/demoPage.js';
import { watchProblems } from '../../demo/e2e/watchProblems.js';
import type { ProblemLog } from '../../demo/e2e/watchProblems.js';
import { serveStatic } from '../../demo/scripts/serveStatic.js';
import type { StaticServer } from '../../demo/scripts/serveStatic.js';
import { installExample } from './installExample.js';
import { workspaceDir } from './packWorkspace.js';

const run = promisify(execFile);

/** The environment a user's shell would give a build: none of vitest's own variables. */
function userEnv(vite: Record<string, string> = {}): NodeJS.ProcessEnv {
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

/** A browser context whose console errors, failed requests and HTTP errors are all recorded. */
async function watchedContext(browser: TestBrowser) {
  const context: BrowserContext = await browser.newContext();
  const log: ProblemLog = await watchProblems(context);
  const failedRequests: string[] = [];
  context.on('requestfailed', (request) =>
    failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
  );
  context.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
  });
  const expectNoProblems = () => {
    expect(log.problems).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
  };
  return { context, page: await context.newPage(), expectNoProblems };
}

// One install of examples/vite-react (its package.json as a user copies it, @fedcreds/* from the
// tarballs packOnce.ts made) and one browser for both examples: examples/ssr needs the same
// packages (react-dom, @fedcreds/react, oidc-client-ts, Vite for its browser bundle) and nothing else.
let appDir: string;
let browser: TestBrowser;
beforeAll(async () => {
  appDir = await installExample('vite-react', inject('tarballs'));
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

describe('examples/vite-react', () => {
  let server: StaticServer;
  let devstack: Devstack;
  let build: { stdout: string; stderr: string };

  beforeAll(async () => {
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
  }, 120_000);

  afterAll(async () => {
    await devstack?.stop();
    await server?.close();
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
    expect(warningLines(`${build.stdout}\n${build.stderr}`)).toEqual([]);
    // Nothing else on stderr either, but the command pnpm 11+ echoes there (`$ tsc --noEmit && …`).
    const stderr = build.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(stderr.filter((line) => !line.startsWith('$ '))).toEqual([]);
  });

  it('signs alice in through the OpenID Provider, lists her S3 prefix and writes to it', async () => {
    const { context, page, expectNoProblems } = await watchedContext(browser);

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
    expectNoProblems();
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
        { cwd: appDir, env: userEnv() },
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

describe('examples/ssr', () => {
  const instrument = fileURLToPath(new URL('./browserGlobals.mjs', import.meta.url));
  let ssrDir: string;
  let server: StaticServer;
  let compiled: { stdout: string };
  let rendered: { stdout: string; stderr: string };

  beforeAll(async () => {
    ssrDir = join(appDir, 'ssr');
    await cp(join(workspaceDir, 'examples/ssr'), ssrDir, {
      recursive: true,
      filter: (path) => !path.endsWith('.md'),
    });
    // The server's part: type-checked against the packed declarations and compiled to server/.
    await writeFile(
      join(ssrDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          jsx: 'react-jsx',
          skipLibCheck: true,
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: [],
          outDir: 'server',
        },
        include: ['*.tsx'],
      }),
    );
    const tsc = join(appDir, 'node_modules/typescript/bin/tsc');
    compiled = await run(process.execPath, [tsc, '-p', ssrDir]).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }),
    );
    // The browser's part, bundled as an app would: hydrate.tsx → client/hydrate.js.
    await writeFile(
      join(appDir, 'vite.ssr.config.ts'),
      `import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: ${JSON.stringify(join(ssrDir, 'client'))},
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      input: ${JSON.stringify(join(ssrDir, 'hydrate.tsx'))},
      output: { entryFileNames: '[name].js' },
    },
  },
});
`,
    );
    const vite = join(appDir, 'node_modules/vite/bin/vite.js');
    await run(process.execPath, [vite, 'build', '--config', 'vite.ssr.config.ts'], {
      cwd: appDir,
      env: userEnv(),
    });
    server = await serveStatic({ root: join(ssrDir, 'client'), port: 0 });
    // The page as the server renders it for that origin, served as the client's index.html.
    await writeFile(
      join(ssrDir, 'server/render.mjs'),
      "import { renderPage } from './renderPage.js';\nprocess.stdout.write(renderPage(process.argv[2]));\n",
    );
    // Exits by itself: a timer, channel or socket the render left open would keep Node running
    // until the timeout kills it.
    rendered = await run(process.execPath, ['--import', instrument, 'render.mjs', server.origin], {
      cwd: join(ssrDir, 'server'),
      timeout: 15_000,
    });
    await writeFile(join(ssrDir, 'client/index.html'), rendered.stdout);
  }, 120_000);
  afterAll(() => server?.close());

  it('type-checks against the packed declarations (strict, NodeNext)', () => {
    expect(compiled.stdout).toBe('');
  });

  it("renders the gate's fallback on Node, reading no browser global and leaving nothing running", async () => {
    expect(rendered.stdout).toBe(
      '<!doctype html><html><body><div id="root"><p data-testid="status">idle</p><p>Getting AWS credentials…</p></div><script type="module" src="/hydrate.js"></script></body></html>',
    );
    expect(rendered.stderr).toContain('browser globals read: []\n');
    // The instrument does record a read when there is one.
    const control = await run(process.execPath, [
      '--import',
      instrument,
      '--eval',
      'globalThis.sessionStorage?.getItem("x")',
    ]);
    expect(control.stderr).toContain('browser globals read: ["sessionStorage"]\n');
  });

  it('hydrates in Chromium without a mismatch, then the session starts', async () => {
    const { context, page, expectNoProblems } = await watchedContext(browser);
    const response = await page.goto(`${server.origin}/`);
    // What the server sent: the idle page.
    expect(await response?.text()).toBe(rendered.stdout);
    // Hydrated (React reports a mismatch as a console error), then the browser's session
    // decides: nobody is signed in on this origin.
    await waitForText(page, 'status', 'signed-out');
    expectNoProblems();
    await context.close();
  });
});
