/**
 * `pnpm demo`: the local dev stack (OpenID Provider, SAML IdP, STS, S3 + DynamoDB gateway) and the
 * demo built and served on http://127.0.0.1:5173 with the strict CSP it is tested under.
 * `pnpm demo --dev` serves it with Vite's dev server instead (reloads on edit, no CSP). Takes the
 * dev stack's options (`--credential-ttl 120` to watch a refresh happen).
 */
import {
  DEVSTACK_OPTIONS_HELP,
  DEMO_CLIENT_ID,
  DevstackUsageError,
  describePortInUse,
  parseDevstackArgs,
  resolveDevstackConfig,
  startDevstack,
} from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { buildDemo, demoRoot } from './buildDemo.js';
import type { DemoEnv } from './buildDemo.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { serveStatic } from './serveStatic.js';

const DEMO_PORT = 5173;

const USAGE = `Usage: pnpm demo [options]

Starts the fedcreds dev stack and serves the demo on http://127.0.0.1:${DEMO_PORT}. Ctrl-C stops both.

Options:
  --dev                       Serve with Vite's dev server (reloads on edit; no CSP)
${DEVSTACK_OPTIONS_HELP}  -h, --help                  Show this help
`;

const args = await parseDevstackArgs(process.argv.slice(2), { flags: ['dev'] }).catch(
  (err: unknown) => {
    if (!(err instanceof DevstackUsageError)) throw err;
    process.stderr.write(`pnpm demo: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  },
);
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const stops: (() => Promise<void>)[] = [];
let stopping = false;
async function stop(exitCode: number) {
  if (stopping) return;
  stopping = true;
  for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  process.exit(exitCode);
}
// Ctrl-C is how a user ends the demo, not a failure: exit 0 once everything has stopped.
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

/** The build's `VITE_*` variables for where this stack listens (`--config` ports, `--ephemeral`). */
function demoEnv(devstack: Devstack): DemoEnv {
  return {
    VITE_OIDC_AUTHORITY: devstack.urls.oidc,
    VITE_OIDC_CLIENT_ID: DEMO_CLIENT_ID,
    VITE_SAML_LOGIN_URL: devstack.urls.samlLogin,
    VITE_REGION: devstack.config.region,
    VITE_STS_ENDPOINT: devstack.urls.sts,
    VITE_S3_ENDPOINT: devstack.urls.s3,
    VITE_DYNAMODB_ENDPOINT: devstack.urls.dynamodb,
  };
}

try {
  const devstack = await startDevstack(args.options);
  stops.push(() => devstack.stop());
  const env = demoEnv(devstack);
  let url: string;
  if (args.flags.dev) {
    // Vite's dev server reads `VITE_*` from this process's environment.
    Object.assign(process.env, env);
    const server = await createServer({
      root: demoRoot,
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    });
    await server.listen();
    stops.push(() => server.close());
    url = `http://127.0.0.1:${DEMO_PORT}`;
  } else {
    const outDir = fileURLToPath(new URL('../dist', import.meta.url));
    await buildDemo({ outDir, env });
    const server = await serveStatic({
      root: outDir,
      port: DEMO_PORT,
      headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
    stops.push(() => server.close());
    url = server.origin;
  }
  const users = devstack.config.users.map((user) => `${user.username} / ${user.password}`);
  const ttl = devstack.config.sts.credentialTtlSeconds;
  console.log(
    [
      '',
      `  fedcreds demo     ${url}/`,
      `  OpenID Provider   ${devstack.urls.oidc}`,
      `  SAML IdP login    ${devstack.urls.samlLogin}`,
      `  STS               ${devstack.urls.sts}`,
      `  S3 + DynamoDB     ${devstack.urls.gateway}`,
      ...(ttl === undefined ? [] : [`  Credentials live  ${ttl} s (--credential-ttl)`]),
      '',
      `  Users: ${users.join(', ')}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} catch (error) {
  const busy = portInUse(error);
  console.error(busy === undefined ? error : `pnpm demo: ${busy}`);
  await stop(1);
}

/** One sentence for a busy port: the demo's own, or one of the dev stack's. */
function portInUse(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  const port = (error as { port?: unknown } | undefined)?.port;
  // Node's listen error carries the port; Vite's strictPort error only says it.
  if (port === DEMO_PORT || message === `Port ${DEMO_PORT} is already in use`) {
    return `Port ${DEMO_PORT} (the demo's page) is already in use — is another demo or Vite dev server running? Stop it and run pnpm demo again.`;
  }
  const ports = args.options.ephemeralPorts ? {} : resolveDevstackConfig(args.options).ports;
  return describePortInUse(error, ports);
}
