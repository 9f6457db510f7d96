import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

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
      { find: /^@fedcreds\/core\/oidc$/, replacement: source('../packages/core/src/oidc/index.ts') },
      { find: /^@fedcreds\/core$/, replacement: source('../packages/core/src/index.ts') },
      { find: /^@fedcreds\/react$/, replacement: source('../packages/react/src/index.ts') },
    ],
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: { target: 'es2022', sourcemap: true },
});
