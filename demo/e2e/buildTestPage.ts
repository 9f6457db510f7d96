import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the test page in `demo/e2e/<page>/` into `outDir` with Vite, `@fedcreds/core` (and its
 * `/oidc` entry) resolved to the sources, and `define` substituted (each value a JSON string).
 */
export async function buildTestPage(
  page: string,
  outDir: string,
  define: Record<string, string>,
): Promise<void> {
  await build({
    root: source(`./${page}`),
    configFile: false,
    logLevel: 'warn',
    define,
    resolve: {
      alias: [
        {
          find: /^@fedcreds\/core\/oidc$/,
          replacement: source('../../packages/core/src/oidc/index.ts'),
        },
        { find: /^@fedcreds\/core$/, replacement: source('../../packages/core/src/index.ts') },
      ],
    },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192 },
  });
}
