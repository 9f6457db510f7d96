import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { dirname } from 'node:path';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore, resolveDevstackConfig, startGateway } from '@fedcreds/devstack';
import type { DevstackConfig, GatewayServer } from '@fedcreds/devstack';
import { BUCKET, TABLE, s3Client } from './gatewayClients.js';
import type { Keys } from './gatewayClients.js';
import { rawSigned } from './rawSigned.js';

const PRIVATE_BUCKET = 'fedcreds-private';
const SECRET = 'the private bucket secret';

/** Inodes of the sockets this process holds open (Linux: `/proc/self/fd`). */
async function ownSocketInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  return inodes;
}

/** TCP ports and Unix socket paths this process listens on (Linux `/proc/net`). */
async function ownListeners(): Promise<{ tcpPorts: Set<number>; unixPaths: Set<string> }> {
  const inodes = await ownSocketInodes();
  const tcpPorts = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      // st 0A = LISTEN; column 9 is the inode.
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) {
        tcpPorts.add(parseInt(cols[1]!.split(':')[1]!, 16));
      }
    }
  }
  const unixPaths = new Set<string>();
  for (const line of (await readFile('/proc/net/unix', 'utf8')).split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // Flags 00010000 = __SO_ACCEPTCON (listening); column 6 is the inode, 7 the path.
    if (cols[3] === '00010000' && inodes.has(cols[6] ?? '') && cols[7]) unixPaths.add(cols[7]);
  }
  return { tcpPorts, unixPaths };
}

describe('gateway paths, copy sources and backends', () => {
  let config: DevstackConfig;
  let store: CredentialStore;
  let gateway: GatewayServer;
  let ciUser: Keys;
  let role: Keys;
  let before: Awaited<ReturnType<typeof ownListeners>> | undefined;
  let after: Awaited<ReturnType<typeof ownListeners>> | undefined;

  beforeAll(async () => {
    config = resolveDevstackConfig({
      ports: { oidc: 0, saml: 0, sts: 0, gateway: 0 },
      gateway: {
        buckets: [BUCKET, PRIVATE_BUCKET],
        tables: [{ name: TABLE, partitionKey: 'pk' }],
      },
    });
    store = new CredentialStore(config);
    if (process.platform === 'linux') before = await ownListeners();
    gateway = await startGateway(config, { store, port: 0 });
    if (process.platform === 'linux') after = await ownListeners();
    const key = config.accessKeys[0]!;
    ciUser = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    const issued = store.issue({
      kind: 'web-identity',
      roleName: 'fedcreds-demo-web', // may use BUCKET only
      sessionName: 'alice',
      durationSeconds: 3600,
    });
    role = {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken!,
    };
    await s3Client(gateway.url, config.region, ciUser).send(
      new PutObjectCommand({ Bucket: PRIVATE_BUCKET, Key: 'secret.txt', Body: SECRET }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const s3 = (keys: Keys) => s3Client(gateway.url, config.region, keys);
  const privateSecret = async () =>
    (
      await (
        await s3(ciUser).send(new GetObjectCommand({ Bucket: PRIVATE_BUCKET, Key: 'secret.txt' }))
      ).Body!.transformToString()
    ).toString();

  describe('dot segments are literal key characters, as in S3', () => {
    it('answers NoSuchKey for an SDK Key of ../other-bucket/secret.txt, for the role and for an admin', async () => {
      for (const keys of [role, ciUser]) {
        await expect(
          s3(keys).send(
            new GetObjectCommand({ Bucket: BUCKET, Key: `../${PRIVATE_BUCKET}/secret.txt` }),
          ),
        ).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      }
    });

    it.each([
      `/${BUCKET}/../${PRIVATE_BUCKET}/secret.txt`,
      `/${BUCKET}/%2E%2E/${PRIVATE_BUCKET}/secret.txt`,
      `/${BUCKET}/%2e%2e/${PRIVATE_BUCKET}/secret.txt`,
      `/${BUCKET}/..%2F${PRIVATE_BUCKET}%2Fsecret.txt`,
      `/${BUCKET}/./../${PRIVATE_BUCKET}/secret.txt`,
      `/${BUCKET}/.%2E/${PRIVATE_BUCKET}/secret.txt`,
      `/${BUCKET}//../../${PRIVATE_BUCKET}/secret.txt`,
      `/${BUCKET}/a/../../${PRIVATE_BUCKET}/secret.txt`,
    ])('answers NoSuchKey for the hand-signed path %s', async (path) => {
      const answer = await rawSigned(gateway.url, {
        service: 's3',
        region: config.region,
        credentials: role,
        method: 'GET',
        path,
      });
      expect(answer.body).not.toContain(SECRET);
      expect(answer.status).toBe(404);
      expect(answer.body).toContain('<Code>NoSuchKey</Code>');
    });

    it('stores, lists and reads such a key in its own bucket, leaving the other bucket alone', async () => {
      const key = `../${PRIVATE_BUCKET}/secret.txt`;
      const client = s3(role);
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'mine' }));
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await got.Body!.transformToString()).toBe('mine');
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: '../' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
      for (const odd of ['./x', 'a//b', '100%.txt', '.hidden/..']) {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: odd, Body: odd }));
        const back = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: odd }));
        expect(await back.Body!.transformToString()).toBe(odd);
      }
      expect(await privateSecret()).toBe(SECRET);
    });

    it('refuses a path whose percent-encoding is broken with InvalidURI', async () => {
      const answer = await rawSigned(gateway.url, {
        service: 's3',
        region: config.region,
        credentials: role,
        method: 'GET',
        path: `/${BUCKET}/%E0%A4%A`,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('<Code>InvalidURI</Code>');
    });
  });

  describe('copy sources are authorized as reads', () => {
    it('refuses CopyObject from a bucket the role may not read, and nothing is copied', async () => {
      const client = s3(role);
      await expect(
        client.send(
          new CopyObjectCommand({
            Bucket: BUCKET,
            Key: 'stolen.txt',
            CopySource: `${PRIVATE_BUCKET}/secret.txt`,
          }),
        ),
      ).rejects.toMatchObject({
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
        message: expect.stringContaining(
          `s3:GetObject on resource: "arn:aws:s3:::${PRIVATE_BUCKET}/secret.txt"`,
        ),
      });
      await expect(
        client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'stolen.txt' })),
      ).rejects.toMatchObject({ name: 'NoSuchKey' });
    });

    it('refuses a copy source with a leading slash, encoding or a version id the same way', async () => {
      for (const source of [
        `/${PRIVATE_BUCKET}/secret.txt`,
        `${PRIVATE_BUCKET}/secret%2Etxt`,
        `${PRIVATE_BUCKET}/secret.txt?versionId=null`,
      ]) {
        await expect(
          s3(role).send(
            new CopyObjectCommand({ Bucket: BUCKET, Key: 'stolen.txt', CopySource: source }),
          ),
        ).rejects.toMatchObject({ name: 'AccessDenied' });
      }
    });

    it('copies from the role’s own bucket, reading dot segments in the source literally', async () => {
      const client = s3(role);
      await client.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'copied.txt',
          CopySource: `${BUCKET}/../${PRIVATE_BUCKET}/secret.txt`,
        }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copied.txt' }));
      // The literal key `../fedcreds-private/secret.txt` of the role's bucket, written above.
      expect(await got.Body!.transformToString()).toBe('mine');
    });

    it('refuses UploadPartCopy from a bucket the role may not read', async () => {
      const client = s3(role);
      const upload = await client.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi.txt' }),
      );
      await expect(
        client.send(
          new UploadPartCopyCommand({
            Bucket: BUCKET,
            Key: 'multi.txt',
            UploadId: upload.UploadId!,
            PartNumber: 1,
            CopySource: `${PRIVATE_BUCKET}/secret.txt`,
          }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    });

    it('answers InvalidArgument for a copy source without a key', async () => {
      await expect(
        s3(role).send(
          new CopyObjectCommand({ Bucket: BUCKET, Key: 'x.txt', CopySource: PRIVATE_BUCKET }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    });
  });

  describe('only the gateway is reachable', () => {
    it.skipIf(process.platform !== 'linux')(
      'opens no TCP port but the gateway’s (reason to skip: reads Linux /proc)',
      () => {
        const opened = [...after!.tcpPorts].filter((port) => !before!.tcpPorts.has(port));
        expect(opened).toEqual([Number(new URL(gateway.url).port)]);
      },
    );

    it.skipIf(process.platform !== 'linux')(
      'refuses a request straight to each backend socket, which sits in a private directory (reason to skip: reads Linux /proc)',
      async () => {
        const sockets = [...after!.unixPaths].filter((path) => !before!.unixPaths.has(path));
        expect(sockets.map((path) => path.split('/').pop()).sort()).toEqual([
          'dynamodb.sock',
          's3.sock',
        ]);
        for (const socketPath of sockets) {
          expect((await stat(dirname(socketPath))).mode & 0o077).toBe(0);
          const answer = await new Promise<{ status: number; cors: unknown; body: string }>(
            (resolve, reject) => {
              const req = httpRequest(
                {
                  socketPath,
                  method: socketPath.endsWith('s3.sock') ? 'GET' : 'POST',
                  path: socketPath.endsWith('s3.sock') ? `/${PRIVATE_BUCKET}/secret.txt` : '/',
                  headers: {
                    'x-amz-target': 'DynamoDB_20120810.ListTables',
                    origin: 'http://evil.test',
                  },
                },
                (res) => {
                  let body = '';
                  res.on('data', (chunk: Buffer) => (body += chunk.toString()));
                  res.on('end', () =>
                    resolve({
                      status: res.statusCode ?? 0,
                      cors: res.headers['access-control-allow-origin'],
                      body,
                    }),
                  );
                },
              );
              req.on('error', reject);
              req.end();
            },
          );
          expect(answer).toEqual({
            status: 403,
            cors: undefined,
            body: 'devstack backends are reachable only through the gateway',
          });
        }
      },
    );
  });
});
