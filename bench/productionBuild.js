// The production build every measurement and budget uses: what an app's bundler does for the
// browser (esbuild, ESM, minified, NODE_ENV=production). Plain JS so size-limit's config can load it.
import { URL, fileURLToPath } from 'node:url';

/** Packages left out when only fedcreds' own code is measured. */
export const PEER_PACKAGES = [
  '@aws-sdk/*',
  '@smithy/*',
  'oidc-client-ts',
  'react',
  'react/*',
  'react-dom',
  'react-dom/*',
];

/** @type {import('esbuild').BuildOptions} */
export const PRODUCTION_BUILD = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'silent',
  // The packages' own tsconfig.json maps @fedcreds/* to their sources for type-checking; an app
  // gets the published dist, so every file is compiled with the bench's config (no paths).
  tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
};
