import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The `VITE_*` variables the demo reads (see `src/config.ts`). */
export type DemoEnv = Partial<
  Record<
    | 'VITE_OIDC_AUTHORITY'
    | 'VITE_OIDC_CLIENT_ID'
    | 'VITE_ROLE_ARN'
    | 'VITE_SAML_LOGIN_URL'
    | 'VITE_REGION'
    | 'VITE_STS_ENDPOINT'
    | 'VITE_S3_ENDPOINT'
    | 'VITE_DYNAMODB_ENDPOINT'
    | 'VITE_BUCKET'
    | 'VITE_NOTES_TABLE'
    | 'VITE_NOTES_PARTITION_KEY'
    | 'VITE_NOTES_SORT_KEY'
    | 'VITE_CHAINED_ROLE_ARN'
    | 'VITE_REFRESH_WINDOW_MS'
    | 'VITE_REFRESH_JITTER_MS',
    string
  >
>;

/** The demo package's directory: Vite's `root`. */
export const demoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the demo with Vite's JS API into `outDir`. `env` overrides `VITE_*` variables the way
 * the process environment would, without touching `process.env`.
 */
export async function buildDemo(options: { outDir: string; env?: DemoEnv }): Promise<void> {
  const define = Object.fromEntries(
    Object.entries(options.env ?? {}).map(([name, value]) => [
      `import.meta.env.${name}`,
      JSON.stringify(value),
    ]),
  );
  await build({
    root: demoRoot,
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    mode: 'production',
    logLevel: 'warn',
    define,
    build: { outDir: options.outDir, emptyOutDir: true },
  });
}
