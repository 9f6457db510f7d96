import { realpath } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  DEVSTACK_OPTIONS_HELP,
  DevstackUsageError,
  describePortInUse,
  parseDevstackArgs,
} from './cliArgs.js';
import { DEMO_CLIENT_ID, resolveDevstackConfig } from './config.js';
import { iamModelFor } from './iam/iamModel.js';
import { startDevstack } from './startDevstack.js';
import type { Devstack, StartDevstackOptions } from './startDevstack.js';

const USAGE = `Usage: fedcreds-devstack [options]

Starts the fedcreds local federation stack on 127.0.0.1: an OpenID Provider, a SAML IdP, STS and an
S3/DynamoDB gateway. Stop it with Ctrl+C.

Options:
${DEVSTACK_OPTIONS_HELP}  -h, --help                  Show this help
`;

/**
 * Runs the `fedcreds-devstack` command: starts the stack, prints where everything is, and stops
 * it on SIGINT/SIGTERM (exit code 0).
 *
 * @param argv - the arguments after the program name.
 */
export async function runDevstackCli(argv: readonly string[]): Promise<void> {
  let options: StartDevstackOptions;
  try {
    const parsed = await parseDevstackArgs(argv);
    if (parsed.help) {
      process.stdout.write(USAGE);
      return;
    }
    options = parsed.options;
  } catch (err) {
    if (!(err instanceof DevstackUsageError)) throw err;
    process.stderr.write(`fedcreds-devstack: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  // Listen before starting: a signal with no listener kills Node outright, leaving the temporary
  // S3 directory behind, and whoever waits for "Ready." may signal the moment it appears.
  const starting = startDevstack(options);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C means "now": skip the orderly stop.
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the devstack…\n`);
    starting
      .then((devstack) => devstack.stop())
      .then(
        () => {
          process.stdout.write('Stopped.\n');
          process.exit(0);
        },
        (err: unknown) => {
          process.stderr.write(`fedcreds-devstack: stop failed: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  let devstack: Devstack;
  try {
    devstack = await starting;
  } catch (err) {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    const busy = describePortInUse(err, requestedPorts(options));
    process.stderr.write(
      `fedcreds-devstack: ${busy ?? `could not start: ${(err as Error).message}`}\n`,
    );
    process.exitCode = 1;
    return;
  }
  if (!stopping) process.stdout.write(describeDevstack(devstack));
}

/** The ports `options` ask for, to name the part whose port is busy; none if they are invalid. */
function requestedPorts(options: StartDevstackOptions) {
  if (options.ephemeralPorts) return {};
  try {
    return resolveDevstackConfig(options).ports;
  } catch {
    return {};
  }
}

/**
 * What a developer needs to point an app at the stack. Passwords are printed because they are the
 * demo's public dev passwords; the long-term key's secret is not (it is in the config).
 */
function describeDevstack(devstack: Devstack): string {
  const { config, urls } = devstack;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(17)}${value}`);
  lines.push('fedcreds devstack is running (Ctrl+C to stop)', '');
  row('OIDC issuer', `${urls.oidc}   (public PKCE client "${DEMO_CLIENT_ID}")`);
  row('SAML login', urls.samlLogin);
  row('SAML provider', devstack.samlProviderArn);
  row('STS', urls.sts);
  row('S3', `${urls.s3}   (path-style: forcePathStyle: true)`);
  row('DynamoDB', urls.dynamodb);
  row('Region', config.region);
  row('Allowed origins', config.allowedOrigins.join(', '));
  row(
    'Credential TTL',
    config.sts.credentialTtlSeconds === undefined
      ? 'as requested (STS limits apply)'
      : `${config.sts.credentialTtlSeconds} s for every credential (dev setting)`,
  );
  lines.push('', 'Users (OIDC and SAML):');
  for (const user of config.users) {
    const saml = user.samlRoles?.length ? `   SAML roles: ${user.samlRoles.join(', ')}` : '';
    lines.push(`  ${user.username} / ${user.password}${saml}`);
  }
  lines.push('', 'Roles:');
  const iam = iamModelFor(config);
  for (const role of config.roles) {
    const trusted = new Set<string>();
    for (const statement of iam.trustPolicy(role.name)?.statements ?? []) {
      if (statement.effect !== 'Allow' || statement.principal === undefined) continue;
      if (statement.principal === '*') trusted.add('*');
      else
        for (const p of [...statement.principal.federated, ...statement.principal.aws])
          trusted.add(p.replace(/^arn:aws:(iam|sts)::\d{12}:/, ''));
    }
    const statements = iam
      .identityPolicies({ roleName: role.name })
      .reduce((n, policy) => n + policy.statements.length, 0);
    lines.push(`  ${devstack.roleArn(role.name)}`);
    lines.push(
      `      trusts ${[...trusted].join(', ') || 'nobody'}; ${statements} permission statement${statements === 1 ? '' : 's'}`,
    );
  }
  if (config.accessKeys.length > 0) {
    lines.push('', 'Long-term access keys (secrets are in the devstack config):');
    for (const key of config.accessKeys) lines.push(`  ${key.userName}   ${key.accessKeyId}`);
  }
  lines.push('', `Buckets: ${config.gateway.buckets.join(', ') || '-'}`);
  lines.push(
    `Tables:  ${config.gateway.tables.map((t) => `${t.name} (key "${t.partitionKey}"${t.sortKey === undefined ? '' : `, sort key "${t.sortKey}"`})`).join(', ') || '-'}`,
  );
  lines.push('', 'Ready.', '');
  return lines.join('\n');
}

/** True when this module is the program Node was asked to run (`node --import tsx src/cli.ts`). */
async function isMainModule(): Promise<boolean> {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  const self = fileURLToPath(import.meta.url);
  const [a, b] = await Promise.all([realpath(entry).catch(() => entry), realpath(self)]);
  return a === b;
}

if (await isMainModule()) {
  await runDevstackCli(process.argv.slice(2));
}
