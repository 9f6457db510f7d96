import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the packages by their public names, like a user would; these aliases point
// those names at the sources so `vitest` needs no build first.
const alias = [
  { find: '@fedcreds/core/oidc', replacement: src('./packages/core/src/oidc/index.ts') },
  { find: '@fedcreds/core', replacement: src('./packages/core/src/index.ts') },
  { find: '@fedcreds/react/oidc', replacement: src('./packages/react/src/oidc/index.ts') },
  { find: '@fedcreds/react', replacement: src('./packages/react/src/index.ts') },
  { find: '@fedcreds/devstack', replacement: src('./packages/devstack/src/index.ts') },
];

// React 18, the older peer @fedcreds/react supports: the `react18` project runs the React
// package's whole suite with these packages (and the testing library and the selector hook built
// against them: each must require the same React copy).
const react18 = ['react', 'react-dom', '@testing-library/react', 'use-sync-external-store'].map(
  (name) => ({
    find: new RegExp(`^${name.replace('/', '\\/')}(?=/|$)`),
    replacement: realpathSync(src(`./tests/react18/node_modules/${name}`)),
  }),
);

type ProjectOptions = NonNullable<ViteUserConfig['test']>;

/** One vitest project: a package's tests, resolved through the same aliases. */
function project(
  name: string,
  root: string,
  environment: 'node' | 'happy-dom',
  include: string[],
  options: ProjectOptions = {},
  extraAlias: typeof alias = [],
) {
  return {
    resolve: { alias: [...extraAlias, ...alias] },
    test: {
      name,
      root,
      environment,
      include,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...options,
    },
  };
}

const reactOptions: ProjectOptions = {
  // The demo's origin: the dev stack answers CORS for it, and OIDC redirects come back to it.
  environmentOptions: { happyDOM: { url: 'http://127.0.0.1:5173/' } },
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      project('core', './packages/core', 'node', ['src/**/__tests__/**/*.test.ts']),
      project('devstack', './packages/devstack', 'node', ['src/**/__tests__/**/*.test.ts']),
      project('react', './packages/react', 'happy-dom', ['src/**/__tests__/**/*.test.{ts,tsx}'], {
        ...reactOptions,
        provide: { reactMajor: 19 },
      }),
      // The React package on React 18 as well. Left out: the files that count exact commits and
      // intermediate statuses, which depend on React 19's act() flushing each update and reusing
      // useMemo results under StrictMode (React 18 batches them inside act and builds twice).
      project(
        'react18',
        './packages/react',
        'happy-dom',
        [
          'src/__tests__/AwsCredentialsProvider*.test.tsx',
          'src/__tests__/RequireAwsCredentials.test.tsx',
          'src/__tests__/SamlRolePicker.test.tsx',
          'src/__tests__/readmeExample.test.tsx',
          'src/__tests__/serverRendering.test.tsx',
          'src/__tests__/reactVersion.test.tsx',
        ],
        { ...reactOptions, provide: { reactMajor: 18 } },
        react18,
      ),
      // The packed tarballs installed into a scratch app outside the workspace (needs `pnpm build`).
      project('packages', './tests/packages', 'node', ['**/*.test.ts'], {
        globalSetup: ['./packOnce.ts'],
        testTimeout: 120_000,
        hookTimeout: 300_000,
      }),
      // The real-AWS guide's JSON documents and its SAML ACS relay (against the dev stack).
      project('docs', './tests/docs', 'node', ['**/*.test.ts']),
      // Chromium end-to-end tests: one at a time, each starts its own dev stack and browser.
      project('e2e', './demo', 'node', ['e2e/**/*.test.ts'], {
        testTimeout: 120_000,
        hookTimeout: 180_000,
        fileParallelism: false,
      }),
    ],
    benchmark: { include: ['packages/*/bench/**/*.bench.ts'] },
  },
});
