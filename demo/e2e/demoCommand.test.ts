import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workspaceDir = fileURLToPath(new URL('../..', import.meta.url));

/** `pnpm demo <args>` from the workspace root, as the README says; resolves when it exits. */
function pnpmDemo(args: string[]) {
  const child = spawn('pnpm', ['demo', ...args], {
    cwd: workspaceDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('pnpm demo (the command)', () => {
  it('--help lists the dev stack options it takes', async () => {
    const { code, stdout } = await pnpmDemo(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: pnpm demo [options]');
    for (const option of ['--dev', '--credential-ttl <seconds>', '--config <file>']) {
      expect(stdout).toContain(option);
    }
  });

  it('refuses a bad --credential-ttl with exit code 2 before starting anything', async () => {
    const { code, stderr } = await pnpmDemo(['--credential-ttl', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--credential-ttl must be a whole number of seconds, got "soon"');
  });

  it('names a busy dev stack port and the option to move it, in one sentence', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    const dir = await mkdtemp(join(tmpdir(), 'fedcreds-demo-cmd-'));
    try {
      const config = join(dir, 'ports.json');
      await writeFile(
        config,
        JSON.stringify({ ports: { oidc: port, saml: 0, sts: 0, gateway: 0 } }),
      );
      const { code, stderr } = await pnpmDemo(['--config', config]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        `pnpm demo: Port ${port} (the OpenID Provider) is already in use — is another dev stack or demo running?`,
      );
      expect(stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
