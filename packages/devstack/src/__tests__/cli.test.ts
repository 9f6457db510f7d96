import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDevstackConfig } from '@fedcreds/devstack';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];

/** Starts the CLI the way `pnpm devstack` does. */
function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
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
  return { child, printed, exited, output: () => ({ stdout, stderr }) };
}

/** The value printed after a label in the CLI's endpoint table. */
function endpoint(stdout: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stdout);
  if (!match?.[1]) throw new Error(`no "${label}" line in:\n${stdout}`);
  return match[1];
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

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
