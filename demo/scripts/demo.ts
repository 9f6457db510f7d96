/**
 * `pnpm demo`: the local dev stack (OpenID Provider, SAML IdP, STS, S3 + DynamoDB gateway) on its
 * default ports, and the demo built and served on http://127.0.0.1:5173 with the strict CSP it is
 * tested under. `pnpm demo --dev` serves it with Vite's dev server instead (reloads on edit, no CSP).
 */
import { startDevstack } from '@fedcreds/devstack';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { buildDemo, demoRoot } from './buildDemo.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { serveStatic } from './serveStatic.js';

const DEMO_PORT = 5173;
const dev = process.argv.includes('--dev');

const devstack = await startDevstack();
const stops: (() => Promise<void>)[] = [() => devstack.stop()];

let stopping = false;
async function stop(exitCode: number) {
  if (stopping) return;
  stopping = true;
  for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  process.exit(exitCode);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

try {
  let url: string;
  if (dev) {
    const server = await createServer({
      root: demoRoot,
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    });
    await server.listen();
    stops.push(() => server.close());
    url = `http://127.0.0.1:${DEMO_PORT}`;
  } else {
    const outDir = fileURLToPath(new URL('../dist', import.meta.url));
    await buildDemo({ outDir });
    const server = await serveStatic({
      root: outDir,
      port: DEMO_PORT,
      headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
    stops.push(() => server.close());
    url = server.origin;
  }
  const users = devstack.config.users.map((user) => `${user.username} / ${user.password}`);
  console.log(
    [
      '',
      `  fedcreds demo     ${url}/`,
      `  OpenID Provider   ${devstack.urls.oidc}`,
      `  SAML IdP login    ${devstack.urls.samlLogin}`,
      `  STS               ${devstack.urls.sts}`,
      `  S3 + DynamoDB     ${devstack.urls.gateway}`,
      '',
      `  Users: ${users.join(', ')}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(error);
  await stop(1);
}
