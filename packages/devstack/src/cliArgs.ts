import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDevstackConfig } from './config.js';
import type { DevstackConfig, DevstackOptions } from './config.js';
import { DevstackConfigError } from './validateDevstackConfig.js';
import type { StartDevstackOptions } from './startDevstack.js';

/**
 * The `--help` lines of the options every command that starts a dev stack takes
 * (`fedcreds-devstack`, `pnpm devstack`, `pnpm demo`).
 */
export const DEVSTACK_OPTIONS_HELP = `  --config <file>             Devstack options merged over the defaults: a .json file, or a
                              .js/.mjs module exporting defineDevstackConfig({...})
  --credential-ttl <seconds>  Every issued credential lives this long (watch refreshes happen)
  --ephemeral                 Bind every server to a free port instead of 9010-9040
  --log-file <file>           Append a JSON line per STS/gateway request (never secrets)
`;

/** A command-line mistake: the command prints it with its usage and exits with code 2. */
export class DevstackUsageError extends Error {
  override name = 'DevstackUsageError';
}

/** Flags a command adds to the dev stack's own (`pnpm demo --dev`); all are booleans. */
export interface ParseDevstackArgsOptions<Flag extends string> {
  /** Names of extra boolean flags, without `--`. @default [] */
  flags?: readonly Flag[];
}

/** What {@link parseDevstackArgs} found on the command line. */
export interface ParsedDevstackArgs<Flag extends string> {
  /** `-h` / `--help` was given: print the usage and start nothing. */
  help: boolean;
  /** Options for `startDevstack`, from `--config`, `--credential-ttl`, `--ephemeral`, `--log-file`. */
  options: StartDevstackOptions;
  /** Which of the extra flags were given. */
  flags: Record<Flag, boolean>;
}

/**
 * Parses the dev stack's command-line options. A leading `--` is skipped: `pnpm devstack --
 * --credential-ttl 120` hands it through to the program under pnpm 10 (pnpm 9 and 11+ drop it).
 *
 * @param argv - the arguments after the program name.
 * @throws DevstackUsageError for an unknown option, a bad value or an unreadable `--config` file.
 */
export async function parseDevstackArgs<Flag extends string = never>(
  argv: readonly string[],
  parseOptions: ParseDevstackArgsOptions<Flag> = {},
): Promise<ParsedDevstackArgs<Flag>> {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const extra = parseOptions.flags ?? [];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        'credential-ttl': { type: 'string' },
        ephemeral: { type: 'boolean' },
        'log-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(extra.map((flag) => [flag, { type: 'boolean' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    // node:util's messages name the argument ("Unknown option '--ttl'"); keep them.
    throw new DevstackUsageError((err as Error).message);
  }
  const flags = Object.fromEntries(extra.map((flag) => [flag, values[flag] === true])) as Record<
    Flag,
    boolean
  >;
  if (values.help === true) return { help: true, options: {}, flags };

  let options: StartDevstackOptions = {};
  if (typeof values.config === 'string') options = await readConfigFile(values.config);
  const ttl = values['credential-ttl'];
  if (typeof ttl === 'string') {
    if (!/^[1-9]\d*$/.test(ttl)) {
      throw new DevstackUsageError(
        `--credential-ttl must be a whole number of seconds, got "${ttl}"`,
      );
    }
    options.sts = { ...options.sts, credentialTtlSeconds: Number(ttl) };
  }
  if (values.ephemeral === true) options.ephemeralPorts = true;
  if (typeof values['log-file'] === 'string') options.logFile = values['log-file'];
  return { help: false, options, flags };
}

/**
 * Reads `--config`: a JSON file, or a JavaScript module (`.js`, `.mjs`; `.ts` under tsx) whose
 * default export is the options (see `defineDevstackConfig`). The options are checked the way
 * the stack will resolve them, so a wrong field is a usage error that names it.
 */
async function readConfigFile(file: string): Promise<DevstackOptions> {
  let parsed: unknown;
  if (/\.(c|m)?[jt]s$/.test(file)) {
    try {
      const module = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
      parsed = module.default;
    } catch (err) {
      throw new DevstackUsageError(
        `cannot load --config module "${file}": ${(err as Error).message}`,
      );
    }
  } else {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new DevstackUsageError(
        `cannot read --config file "${file}": ${(err as Error).message}`,
      );
    }
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DevstackUsageError(
        `--config file "${file}" is not valid JSON: ${(err as Error).message}`,
      );
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DevstackUsageError(
      `--config file "${file}" must hold a JSON object of devstack options`,
    );
  }
  try {
    resolveDevstackConfig(parsed as DevstackOptions);
  } catch (err) {
    // A DevstackConfigError names the field that is wrong: a usage error, not a crash.
    if (err instanceof DevstackConfigError) throw new DevstackUsageError(err.message);
    throw err;
  }
  return parsed as DevstackOptions;
}

const PART_OF_PORT: Record<keyof DevstackConfig['ports'], string> = {
  oidc: 'the OpenID Provider',
  saml: 'the SAML IdP',
  sts: 'STS',
  gateway: 'the S3/DynamoDB gateway',
};

/**
 * One sentence for a server that could not listen because its port is taken, naming the port and
 * how to move it; `undefined` for any other error.
 *
 * @param err - what `startDevstack` (or another `listen`) rejected with.
 * @param ports - the ports that were asked for, to name the part of the stack that failed.
 */
export function describePortInUse(
  err: unknown,
  ports: Partial<DevstackConfig['ports']> = {},
): string | undefined {
  const { code, port } = (err ?? {}) as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE' || typeof port !== 'number') return undefined;
  const part = (Object.keys(PART_OF_PORT) as (keyof DevstackConfig['ports'])[]).find(
    (name) => ports[name] === port,
  );
  return (
    `Port ${port}${part === undefined ? '' : ` (${PART_OF_PORT[part]})`} is already in use — is ` +
    `another dev stack or demo running? Stop it, or move the stack with --config ` +
    `(${JSON.stringify({ ports: { [part ?? 'sts']: port + 100 } })}) or --ephemeral.`
  );
}
