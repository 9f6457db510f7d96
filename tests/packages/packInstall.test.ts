import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installScratchApp, PUBLISHED, workspaceDir } from './packWorkspace.js';
import type { Tarballs } from './packWorkspace.js';

const run = promisify(execFile);

/** One file of a tarball, read with the system's tar (GNU tar, bsdtar and Windows' tar all do). */
async function tarFile(tarball: string, path: string): Promise<string> {
  return (await run('tar', ['-xzOf', tarball, `package/${path}`])).stdout;
}
const tarList = async (tarball: string) =>
  (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);

/** What a user's app does first: import every public entry and use it against a dev stack. */
const SMOKE = `
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { WebIdentityCredentials, FedcredsError } from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import { AwsCredentialsProvider, useAwsCredentials } from '@fedcreds/react';
import { AwsCredentialsProvider as OidcProvider } from '@fedcreds/react/oidc';
import { startDevstack } from '@fedcreds/devstack';

for (const [name, value] of Object.entries({ FedcredsError, createOidcSession, AwsCredentialsProvider, useAwsCredentials, OidcProvider })) {
  if (typeof value !== 'function') throw new Error(name + ' is not exported');
}
const devstack = await startDevstack({ ephemeralPorts: true });
try {
  const credentials = new WebIdentityCredentials(
    { RoleArn: devstack.roleArn('fedcreds-demo-web'), WebIdentityToken: await devstack.oidc.mintIdToken({ sub: 'alice' }) },
    { endpoint: devstack.urls.sts, region: devstack.config.region },
  );
  const s3 = new S3Client({ endpoint: devstack.urls.s3, forcePathStyle: true, region: devstack.config.region, credentials: credentials.toProvider() });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'fedcreds-demo', Prefix: 'alice/' }));
  console.log(JSON.stringify({ status: listed.$metadata.httpStatusCode, subject: credentials.data?.SubjectFromWebIdentityToken }));
} finally {
  await devstack.stop();
}
`;

/** Type-checked against the packed declaration files, as a TypeScript user's editor would. */
const TYPED = `
import { WebIdentityCredentials } from '@fedcreds/core';
import type { SessionSnapshot } from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import { AwsCredentialsProvider, RequireAwsCredentials } from '@fedcreds/react/oidc';
import type { ReactElement } from 'react';

export const credentials = new WebIdentityCredentials({ RoleArn: 'arn:aws:iam::123456789012:role/web', WebIdentityToken: 'a.b.c' });
export type Status = SessionSnapshot['status'];
export const start: typeof createOidcSession = createOidcSession;
export const app = (): ReactElement => (
  <AwsCredentialsProvider oidc={{ authority: 'https://idp.example.com', client_id: 'spa', redirect_uri: 'https://app.example.com/' }} roleArn="arn:aws:iam::123456789012:role/web" region="eu-west-1">
    <RequireAwsCredentials fallback={<p>…</p>}><p>signed in</p></RequireAwsCredentials>
  </AwsCredentialsProvider>
);
`;

describe('the packed packages, installed outside the workspace', () => {
  // Packed once for the project by packOnce.ts.
  const tarballs: Tarballs = inject('tarballs');
  let appDir: string;

  beforeAll(async () => {
    appDir = await mkdtemp(join(tmpdir(), 'fedcreds-scratch-app-'));
    const workspace = JSON.parse(await readFile(join(workspaceDir, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const core = JSON.parse(
      await readFile(join(workspaceDir, 'packages/core/package.json'), 'utf8'),
    ) as { devDependencies: Record<string, string> };
    const react = JSON.parse(
      await readFile(join(workspaceDir, 'packages/react/package.json'), 'utf8'),
    ) as { devDependencies: Record<string, string> };
    await installScratchApp(
      appDir,
      tarballs,
      {
        '@aws-sdk/client-s3': core.devDependencies['@aws-sdk/client-s3']!,
        'oidc-client-ts': core.devDependencies['oidc-client-ts']!,
        react: react.devDependencies.react!,
        'react-dom': react.devDependencies['react-dom']!,
      },
      {
        '@types/react': react.devDependencies['@types/react']!,
        '@types/node': workspace.devDependencies['@types/node']!,
      },
    );
  }, 240_000);

  afterAll(async () => {
    if (appDir) await rm(appDir, { recursive: true, force: true });
  });

  it.each(PUBLISHED)('@fedcreds/%s ships LICENSE, CHANGELOG.md and README.md', async (name) => {
    const files = await tarList(tarballs[name]);
    for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']) {
      expect(files).toContain(`package/${file}`);
    }
    expect(await tarFile(tarballs[name], 'LICENSE')).toContain('Apache License');
    expect(files.some((file) => file.includes('__tests__'))).toBe(false);
  });

  it.each(PUBLISHED)(
    '@fedcreds/%s publishes real version ranges, no workspace: ones',
    async (name) => {
      const manifest = await tarFile(tarballs[name], 'package.json');
      expect(manifest).not.toContain('workspace:');
      const { repository, license } = JSON.parse(manifest) as {
        repository?: unknown;
        license?: string;
      };
      expect(license).toBe('Apache-2.0');
      expect(repository).toMatchObject({ directory: `packages/${name}` });
    },
  );

  it('@fedcreds/react depends on the @fedcreds/core version it was built with', async () => {
    const core = JSON.parse(await tarFile(tarballs.core, 'package.json')) as { version: string };
    const react = JSON.parse(await tarFile(tarballs.react, 'package.json')) as {
      dependencies: Record<string, string>;
    };
    expect(react.dependencies['@fedcreds/core']).toBe(`^${core.version}`);
  });

  it('an app imports every entry and gets S3 answered with credentials from the packed core', async () => {
    await writeFile(join(appDir, 'smoke.mjs'), SMOKE);
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: appDir });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ status: 200, subject: 'alice' });
  });

  it('the packed declarations type-check an app (strict, NodeNext)', async () => {
    await writeFile(join(appDir, 'app.tsx'), TYPED);
    await writeFile(
      join(appDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          jsx: 'react-jsx',
          noEmit: true,
          skipLibCheck: true,
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: ['node'],
        },
        files: ['app.tsx'],
      }),
    );
    const tsc = join(workspaceDir, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', appDir]).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }),
    );
    expect(result.stdout).toBe('');
  });

  it('the devstack tarball installs its fedcreds-devstack command', async () => {
    const { stdout } = await run(join(appDir, 'node_modules/.bin/fedcreds-devstack'), ['--help']);
    expect(stdout).toContain('--credential-ttl <seconds>');
  });
});
