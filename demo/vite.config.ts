import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { CONTENT_SECURITY_POLICY } from './scripts/csp.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * No @vitejs/plugin-react: Vite 8 compiles TSX itself (tsconfig `jsx: react-jsx`), and the
 * plugin's only extra, Fast Refresh, needs an inline preamble script that the demo's strict CSP
 * (`script-src 'self'`) forbids. Edits in `vite dev` reload the page instead.
 */
export default defineConfig({
  // The workspace packages' `exports` point at `dist/`; their sources need no build first.
  resolve: {
    alias: [
      {
        find: /^@fedcreds\/core\/oidc$/,
        replacement: source('../packages/core/src/oidc/index.ts'),
      },
      { find: /^@fedcreds\/core$/, replacement: source('../packages/core/src/index.ts') },
      {
        find: /^@fedcreds\/react\/oidc$/,
        replacement: source('../packages/react/src/oidc/index.ts'),
      },
      { find: /^@fedcreds\/react$/, replacement: source('../packages/react/src/index.ts') },
    ],
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  // `vite preview` serves the build under the same CSP as `pnpm demo` and the e2e tests.
  preview: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // The AWS SDK clients make one large chunk; fine for a demo.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      onwarn(warning, warn) {
        // `'use client'` marks React Server Components boundaries; meaningless in an SPA bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
