// The README's worked example (a per-user S3 prefix), read from the README itself and run as
// documented: the JSON block is the --config file, alice works under alice/, bob is refused there.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevstack } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { parseDevstackArgs } from '../cliArgs.js';
import { s3Client } from './gatewayClients.js';

const README = new URL('../../README.md', import.meta.url);

/** The first ```json block after the worked example's heading. */
async function workedExample(): Promise<string> {
  const text = await readFile(README, 'utf8');
  const section = text.slice(text.indexOf('### Worked example: a per-user S3 prefix'));
  const match = /```json\n([\s\S]*?)\n```/.exec(section);
  if (!match?.[1]) throw new Error('README: no JSON block under the worked example');
  return match[1];
}

let devstack: Devstack;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedcreds-readme-'));
  const file = join(dir, 'photos.json');
  await writeFile(file, await workedExample());
  // Exactly the documented command's parsing: `pnpm devstack --config photos.json`.
  const parsed = await parseDevstackArgs(['--ephemeral', '--config', file]);
  devstack = await startDevstack(parsed.options);
});
afterAll(async () => {
  await devstack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function s3For(sub: string) {
  const sts = new STSClient({ endpoint: devstack.urls.sts, region: 'us-east-1', maxAttempts: 1 });
  const { Credentials } = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: devstack.roleArn('photos-per-user'),
      RoleSessionName: sub,
      WebIdentityToken: await devstack.oidc.mintIdToken({ sub }),
    }),
  );
  return s3Client(devstack.urls.s3, 'us-east-1', {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken!,
  });
}

describe('README worked example: a per-user S3 prefix', () => {
  it('lets alice write and list under alice/, refuses bob there, and reads bob/../alice literally', async () => {
    const alice = await s3For('alice');
    await alice.send(new PutObjectCommand({ Bucket: 'photos', Key: 'alice/cat.jpg', Body: 'x' }));
    const listed = await alice.send(
      new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'alice/' }),
    );
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['alice/cat.jpg']);

    const bob = await s3For('bob');
    await expect(
      bob.send(new GetObjectCommand({ Bucket: 'photos', Key: 'alice/cat.jpg' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::123456789012:assumed-role/photos-per-user/bob is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::photos/alice/cat.jpg" because no identity-based policy allows the s3:GetObject action`,
    });
    await expect(
      bob.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'alice/' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      bob.send(new GetObjectCommand({ Bucket: 'photos', Key: 'bob/../alice/cat.jpg' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
