import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDevstackConfig } from '@fedcreds/devstack';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const workspaceDir = fileURLToPath(new URL('../../../..', import.meta.url));
const children: ChildProcess[] = [];

/** Starts the CLI the way the package's `start` script does. */
function runCli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], packageDir);
}

/**
 * Runs a command and watches what it prints. `detached` gives it a process group of its own, so a
 * test can send SIGINT to the whole group the way a terminal's Ctrl-C does.
 */
function run(command: string, args: string[], cwd: string, detached = false) {
  const child = spawn(command, args, { cwd, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let signal: NodeJS.Signals | null = null;
  // 'close', not 'exit': under pnpm 12 pnpm itself ends on the SIGINT while the CLI it started
  // still holds the inherited pipe and prints its last lines, as it would to a terminal.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code, killedBy) => {
      signal = killedBy;
      resolve(code);
    }),
  );
  const printed = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) resolve(stdout);
      };
      child.stdout!.on('data', check);
      check();
      void exited.then((code) =>
        reject(new Error(`CLI exited (${code}) before printing "${text}":\n${stdout}\n${stderr}`)),
      );
    });
  return { child, printed, exited, signal: () => signal, output: () => ({ stdout, stderr }) };
}

/** The value printed after a label in the CLI's endpoint table. */
function endpoint(stdout: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stdout);
  if (!match?.[1]) throw new Error(`no "${label}" line in:\n${stdout}`);
  return match[1];
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.spawnargs[0] === 'pnpm' && child.pid !== undefined)
        process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    }
  }
});

/** A port held by a listener on 127.0.0.1 until `close()`. */
async function busyPort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('fedcreds-devstack CLI', () => {
  it('prints every endpoint, applies --config and --credential-ttl, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fedcreds-cli-'));
    try {
      const configFile = join(dir, 'devstack.json');
      await writeFile(
        configFile,
        JSON.stringify({ region: 'eu-west-1', gateway: { buckets: ['cli-bucket'] } }),
      );
      const cli = runCli(['--ephemeral', '--config', configFile, '--credential-ttl', '120']);
      const stdout = await cli.printed('Ready.');

      const urls = {
        oidc: endpoint(stdout, 'OIDC issuer'),
        samlLogin: endpoint(stdout, 'SAML login'),
        sts: endpoint(stdout, 'STS'),
        s3: endpoint(stdout, 'S3'),
        dynamodb: endpoint(stdout, 'DynamoDB'),
      };
      for (const url of Object.values(urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(stdout).toContain('alice / alice-password');
      expect(stdout).toContain('arn:aws:iam::123456789012:role/fedcreds-demo-web');
      expect(stdout).toContain('Credential TTL   120 s');
      expect(stdout).toMatch(/Region\s+eu-west-1/);

      const key = defaultDevstackConfig().accessKeys[0]!;
      expect(stdout).toContain(key.accessKeyId);
      expect(stdout).not.toContain(key.secretAccessKey);
      const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
      const identity = await new STSClient({
        endpoint: urls.sts,
        region: 'eu-west-1',
        credentials,
      }).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/ci-user');
      const listed = await new S3Client({
        endpoint: urls.s3,
        forcePathStyle: true,
        region: 'eu-west-1',
        credentials,
      }).send(new ListObjectsV2Command({ Bucket: 'cli-bucket' }));
      expect(listed.KeyCount).toBe(0);

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.output().stdout).toContain('Stopped.');
      for (const url of [urls.oidc, urls.sts, urls.s3]) {
        await expect(fetch(url)).rejects.toThrow();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops on SIGINT too', async () => {
    const cli = runCli(['--ephemeral']);
    await cli.printed('Ready.');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('refuses bad arguments with exit code 2 and the usage', async () => {
    const cli = runCli(['--credential-ttl', 'soon']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toContain('--credential-ttl must be a whole number of seconds');
    expect(cli.output().stderr).toContain('Usage: fedcreds-devstack');

    const unknown = runCli(['--nope']);
    expect(await unknown.exited).toBe(2);
  });

  it('skips a leading "--" (pnpm 10 hands it through from `pnpm devstack -- --credential-ttl 120`)', async () => {
    const cli = runCli(['--', '--ephemeral', '--credential-ttl', '120']);
    expect(await cli.printed('Ready.')).toContain('Credential TTL   120 s');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('says in one sentence which port is busy and how to move it, without a stack trace', async () => {
    const busy = await busyPort();
    const dir = await mkdtemp(join(tmpdir(), 'fedcreds-cli-'));
    try {
      const configFile = join(dir, 'ports.json');
      await writeFile(
        configFile,
        JSON.stringify({ ports: { oidc: 0, saml: 0, sts: busy.port, gateway: 0 } }),
      );
      const cli = runCli(['--config', configFile]);
      expect(await cli.exited).toBe(1);
      const { stderr } = cli.output();
      expect(stderr.trim()).toBe(
        `fedcreds-devstack: Port ${busy.port} (STS) is already in use — is another dev stack or ` +
          `demo running? Stop it, or move the stack with --config ` +
          `({"ports":{"sts":${busy.port + 100}}}) or --ephemeral.`,
      );
    } finally {
      await busy.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --config whose policy is wrong, naming the field, with exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fedcreds-cli-'));
    try {
      const configFile = join(dir, 'devstack.json');
      const base = defaultDevstackConfig().roles[0]!;
      await writeFile(
        configFile,
        JSON.stringify({
          roles: [
            {
              ...base,
              policies: [
                {
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Permit', Action: 's3:*', Resource: '*' }],
                },
              ],
            },
          ],
        }),
      );
      const cli = runCli(['--ephemeral', '--config', configFile]);
      expect(await cli.exited).toBe(2);
      expect(cli.output().stderr).toContain(
        'config.roles[0].policies[0].Statement[0].Effect must be "Allow" or "Deny"',
      );

      await writeFile(configFile, JSON.stringify({ rolez: [] }));
      const typo = runCli(['--ephemeral', '--config', configFile]);
      expect(await typo.exited).toBe(2);
      expect(typo.output().stderr).toContain('config.rolez is not a known option');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('`pnpm devstack` ends on Ctrl-C with "Stopped." and no error banner from pnpm', async () => {
    // The terminal's Ctrl-C reaches every process of the foreground group: pnpm, any shell it
    // runs the script in, and the CLI. A shell that dies of the SIGINT is what made pnpm print
    // ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL / ELIFECYCLE after a clean stop.
    const cli = run('pnpm', ['devstack', '--ephemeral'], workspaceDir, true);
    await cli.printed('Ready.');
    process.kill(-cli.child.pid!, 'SIGINT');
    const code = await cli.exited;
    const { stdout, stderr } = cli.output();
    expect(stdout).toContain('Stopped.');
    expect(`${stdout}${stderr}`).not.toMatch(/ERR_PNPM|ELIFECYCLE|failed/i);
    // pnpm 10 exits 0; pnpm 12 ends itself with the SIGINT it was sent, as a shell does.
    expect(code === 0 || cli.signal() === 'SIGINT').toBe(true);
  });

  it('loads a JavaScript module exporting defineDevstackConfig()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fedcreds-cli-'));
    try {
      const configFile = join(dir, 'devstack.config.mjs');
      await writeFile(configFile, "export default { gateway: { buckets: ['module-bucket'] } };\n");
      const cli = runCli(['--ephemeral', '--config', configFile]);
      const stdout = await cli.printed('Ready.');
      expect(stdout).toContain('Buckets: module-bucket');
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
