import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the packages by their public names, like a user would; these aliases point
// those names at the sources so `vitest` needs no build first.
const alias = {
  '@fedcreds/core/oidc': src('./packages/core/src/oidc/index.ts'),
  '@fedcreds/core': src('./packages/core/src/index.ts'),
  '@fedcreds/react': src('./packages/react/src/index.ts'),
  '@fedcreds/devstack': src('./packages/devstack/src/index.ts'),
};

type ProjectOptions = NonNullable<ViteUserConfig['test']>;

/** One vitest project: a package's tests, resolved through the same aliases. */
function project(
  name: string,
  root: string,
  environment: 'node' | 'happy-dom',
  include: string[],
  options: ProjectOptions = {},
) {
  return {
    resolve: { alias },
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

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      project('core', './packages/core', 'node', ['src/**/__tests__/**/*.test.ts']),
      project('devstack', './packages/devstack', 'node', ['src/**/__tests__/**/*.test.ts']),
      project('react', './packages/react', 'happy-dom', ['src/**/__tests__/**/*.test.{ts,tsx}'], {
        // The demo's origin: the dev stack answers CORS for it, and OIDC redirects come back to it.
        environmentOptions: { happyDOM: { url: 'http://127.0.0.1:5173/' } },
      }),
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
