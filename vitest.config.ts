import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the packages by their public names, like a user would; these aliases point
// those names at the sources so `vitest` needs no build first.
const alias = {
  '@fedcreds/core/oidc': src('./packages/core/src/oidc/index.ts'),
  '@fedcreds/core': src('./packages/core/src/index.ts'),
  '@fedcreds/react': src('./packages/react/src/index.ts'),
  '@fedcreds/devstack': src('./packages/devstack/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'core',
          root: './packages/core',
          environment: 'node',
          include: ['src/**/__tests__/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'devstack',
          root: './packages/devstack',
          environment: 'node',
          include: ['src/**/__tests__/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'react',
          root: './packages/react',
          environment: 'happy-dom',
          // The demo's origin: the dev stack answers CORS for it, and OIDC redirects come back to it.
          environmentOptions: { happyDOM: { url: 'http://127.0.0.1:5173/' } },
          include: ['src/**/__tests__/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          root: './demo',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
    benchmark: { include: ['packages/*/bench/**/*.bench.ts'] },
  },
});
