import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialStore,
  DEMO_ORIGIN,
  resolveDevstackConfig,
  startGateway,
} from '@fedcreds/devstack';
import type { DevstackConfig, GatewayServer, IssuedCredential } from '@fedcreds/devstack';
import { BUCKET, TABLE, dynamoClient, s3Client } from './gatewayClients.js';
import type { Keys } from './gatewayClients.js';

const PRIVATE_BUCKET = 'fedcreds-private';

/** Writes raw bytes to the gateway; resolves with what came back (or nothing, with `hangUp`). */
function rawExchange(port: number, data: string, options: { hangUp?: boolean } = {}) {
  return new Promise<string>((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(data);
      if (options.hangUp) socket.destroy();
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('startGateway', () => {
  let config: DevstackConfig;
  let store: CredentialStore;
  let gateway: GatewayServer;
  // The gateway's clock runs with the real one (SDK clients sign with real time) plus a shift the
  // tests move forward to make credentials expire without waiting.
  let shiftMs = 0;
  const clock = () => Date.now() + shiftMs;
  let ciUser: Keys;

  beforeAll(async () => {
    config = resolveDevstackConfig({
      ports: { oidc: 0, saml: 0, sts: 0, gateway: 0 },
      gateway: {
        buckets: [BUCKET, PRIVATE_BUCKET],
        tables: [{ name: TABLE, partitionKey: 'pk' }],
      },
    });
    store = new CredentialStore(config, clock);
    gateway = await startGateway(config, { store, port: 0, clock });
    const key = config.accessKeys[0]!;
    ciUser = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const keysOf = (issued: IssuedCredential): Keys => ({
    accessKeyId: issued.accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken!,
  });
  const roleKeys = (roleName: string, durationSeconds = 3600): Keys =>
    keysOf(store.issue({ kind: 'web-identity', roleName, sessionName: 'alice', durationSeconds }));
  const s3 = (credentials: Keys) => s3Client(gateway.url, config.region, credentials);
  const dynamo = (credentials: Keys) => dynamoClient(gateway.url, config.region, credentials);

  /** Signs a raw request the way an SDK would, for cases no SDK client would send. */
  async function signedFetch(
    credentials: Keys,
    service: 's3' | 'dynamodb',
    init: { method: string; path: string; headers?: Record<string, string>; body?: string },
  ): Promise<Response> {
    const url = new URL(init.path, gateway.url);
    const signer = new SignatureV4({ service, region: config.region, credentials, sha256: Sha256 });
    const signed = await signer.sign({
      method: init.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const { host: _host, ...headers } = signed.headers;
    return fetch(url, {
      method: init.method,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  }

  describe('S3', () => {
    it('puts, gets and lists objects with a long-term key', async () => {
      const client = s3(ciUser);
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/hello.txt', Body: 'hello gateway' }),
      );
      const got = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'notes/hello.txt' }),
      );
      expect(await got.Body!.transformToString()).toBe('hello gateway');
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'notes/' }),
      );
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['notes/hello.txt']);
    });

    it('puts and gets objects with role credentials and keys that need encoding', async () => {
      const client = s3(roleKeys('fedcreds-demo-web'));
      const key = 'dir with spaces/ünïcode+plus=(1).txt';
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'encoded' }));
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await got.Body!.transformToString()).toBe('encoded');
    });

    it('accepts streamed uploads that SDK v3 sends aws-chunked with a checksum trailer', async () => {
      const client = s3(roleKeys('fedcreds-demo-web'));
      const parts = ['first part, ', 'second part'];
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'streamed.txt',
          Body: Readable.from(parts.map((p) => Buffer.from(p))),
          ContentLength: parts.join('').length,
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.txt' }));
      expect(await got.Body!.transformToString()).toBe('first part, second part');
    });

    it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
      const client = s3({ ...ciUser, secretAccessKey: 'not-the-secret' });
      await expect(
        client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'notes/hello.txt' })),
      ).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      });
    });

    it('rejects an unknown access key with InvalidAccessKeyId', async () => {
      const client = s3({ accessKeyId: 'AKIANOTAKNOWNKEY0000', secretAccessKey: 'x' });
      await expect(client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject(
        {
          name: 'InvalidAccessKeyId',
          message: 'The AWS Access Key Id you provided does not exist in our records.',
          $metadata: { httpStatusCode: 403 },
        },
      );
    });

    it('rejects a signature scoped to another region, as AWS does', async () => {
      const client = s3Client(gateway.url, 'eu-west-1', ciUser);
      await expect(client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject(
        {
          name: 'AuthorizationHeaderMalformed',
          message: `The authorization header is malformed; the region 'eu-west-1' is wrong; expecting '${config.region}'`,
        },
      );
      const table = dynamoClient(gateway.url, 'eu-west-1', ciUser);
      await expect(table.send(new ListTablesCommand({}))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
    });

    it('rejects a bucket outside the role allow-list with AccessDenied', async () => {
      const client = s3(roleKeys('fedcreds-demo-saml-readonly'));
      await expect(
        client.send(new PutObjectCommand({ Bucket: PRIVATE_BUCKET, Key: 'k', Body: 'x' })),
      ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      // The same role may use its own bucket.
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'readonly.txt', Body: 'ok' }));
      // An IAM user is not limited by role allow-lists.
      await s3(ciUser).send(new PutObjectCommand({ Bucket: PRIVATE_BUCKET, Key: 'k', Body: 'x' }));
    });

    it('reads the bucket from the path only, whatever virtual-host name the Host header carries', async () => {
      await s3(ciUser).send(
        new PutObjectCommand({
          Bucket: PRIVATE_BUCKET,
          Key: `${BUCKET}/secret.txt`,
          Body: 'secret',
        }),
      );
      // Signed for a Host that S3 (and s3rver) would read as bucket `fedcreds-private`; the path
      // names the role's own bucket, which is what the allow-list checks.
      const host = `${PRIVATE_BUCKET}.s3.amazonaws.com`;
      const signer = new SignatureV4({
        service: 's3',
        region: config.region,
        credentials: roleKeys('fedcreds-demo-web'),
        sha256: Sha256,
      });
      const signed = await signer.sign({
        method: 'GET',
        protocol: 'http:',
        hostname: host,
        path: `/${BUCKET}/secret.txt`,
        headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      const { port } = new URL(gateway.url);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'GET',
            path: `/${BUCKET}/secret.txt`,
            headers: signed.headers,
            agent: false,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(answer.body).not.toBe('secret');
      expect(answer.status).toBe(404);
      expect(answer.body).toContain('<Code>NoSuchKey</Code>');
    });

    it('serves presigned GET and PUT URLs and refuses tampered ones', async () => {
      const client = s3(roleKeys('fedcreds-demo-web'));
      const putUrl = await getSignedUrl(
        client,
        new PutObjectCommand({ Bucket: BUCKET, Key: 'presigned.txt' }),
        { expiresIn: 60 },
      );
      const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned put' });
      expect(put.status).toBe(200);

      const getUrl = await getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: BUCKET, Key: 'presigned.txt' }),
        { expiresIn: 60 },
      );
      const got = await fetch(getUrl);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('via presigned put');

      const tampered = getUrl.replace('presigned.txt', 'readonly.txt');
      const refused = await fetch(tampered);
      expect(refused.status).toBe(403);
      const body = await refused.text();
      expect(body).toContain('<Code>SignatureDoesNotMatch</Code>');
      expect(body).not.toContain('via presigned put');
    });

    it('refuses a presigned URL once it has expired', async () => {
      const client = s3(roleKeys('fedcreds-demo-web'));
      const url = await getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: BUCKET, Key: 'presigned.txt' }),
        { expiresIn: 60 },
      );
      shiftMs = 61_000;
      try {
        const res = await fetch(url);
        expect(res.status).toBe(403);
        expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
      } finally {
        shiftMs = 0;
      }
    });

    it('refuses expired credentials with ExpiredToken', async () => {
      const keys = roleKeys('fedcreds-demo-web', 900);
      const client = s3(keys);
      await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      shiftMs = 901_000;
      try {
        await expect(
          client.send(new ListObjectsV2Command({ Bucket: BUCKET })),
        ).rejects.toMatchObject({
          name: 'ExpiredToken',
          message: 'The provided token has expired.',
          $metadata: { httpStatusCode: 400 },
        });
      } finally {
        shiftMs = 0;
      }
    });
  });

  describe('DynamoDB', () => {
    it('puts and gets items with role credentials', async () => {
      const client = dynamo(roleKeys('fedcreds-demo-web'));
      await client.send(
        new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, note: { S: 'hi' } } }),
      );
      const got = await client.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }),
      );
      expect(got.Item).toEqual({ pk: { S: 'a' }, note: { S: 'hi' } });
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([TABLE]);
    });

    it('rejects a wrong secret with InvalidSignatureException', async () => {
      const client = dynamo({ ...roleKeys('fedcreds-demo-web'), secretAccessKey: 'wrong' });
      await expect(
        client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } })),
      ).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('rejects an unknown access key with UnrecognizedClientException', async () => {
      const client = dynamo({
        accessKeyId: 'ASIANOTAKNOWNKEY0000',
        secretAccessKey: 'x',
        sessionToken: 't',
      });
      await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('refuses expired credentials with ExpiredTokenException', async () => {
      const client = dynamo(roleKeys('fedcreds-demo-web', 900));
      await client.send(new ListTablesCommand({}));
      shiftMs = 901_000;
      try {
        await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({
          name: 'ExpiredTokenException',
          message: 'The security token included in the request is expired',
          $metadata: { httpStatusCode: 400 },
        });
      } finally {
        shiftMs = 0;
      }
    });

    it('refuses a table outside the role allow-list with AccessDeniedException', async () => {
      const client = dynamo(roleKeys('fedcreds-demo-saml-readonly'));
      const error = await client
        .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }))
        .then(
          () => undefined,
          (err: unknown) => err as { name: string; message: string },
        );
      expect(error?.name).toBe('AccessDeniedException');
      expect(error?.message).toBe(
        `User: arn:aws:sts::${config.accountId}:assumed-role/fedcreds-demo-saml-readonly/alice is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:${config.region}:${config.accountId}:table/${TABLE} because no identity-based policy allows the dynamodb:GetItem action`,
      );
    });

    it('checks the table a ResourceArn names (tag operations) against the allow-list', async () => {
      const client = dynamo(roleKeys('fedcreds-demo-web'));
      const arn = (table: string) =>
        `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${table}`;
      const error = await client
        .send(new ListTagsOfResourceCommand({ ResourceArn: arn('other-table') }))
        .then(
          () => undefined,
          (err: unknown) => err as { name: string; message: string },
        );
      expect(error?.name).toBe('AccessDeniedException');
      expect(error?.message).toContain(
        `dynamodb:ListTagsOfResource on resource: ${arn('other-table')}`,
      );
      // The role's own table is still reachable that way.
      await expect(
        client.send(new ListTagsOfResourceCommand({ ResourceArn: arn(TABLE) })),
      ).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    });
  });

  describe('CORS', () => {
    it('answers preflights for allowed origins only', async () => {
      const allowed = await fetch(`${gateway.url}/${BUCKET}/x`, {
        method: 'OPTIONS',
        headers: {
          origin: DEMO_ORIGIN,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'authorization,x-amz-date,x-amz-security-token',
        },
      });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toBe(
        'GET, PUT, POST, DELETE, HEAD',
      );
      expect(allowed.headers.get('access-control-allow-headers')).toBe(
        'authorization,x-amz-date,x-amz-security-token',
      );
      expect(allowed.headers.get('access-control-max-age')).toBe('600');

      const refused = await fetch(`${gateway.url}/`, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('exposes the SDK headers on real responses, once', async () => {
      const keys = roleKeys('fedcreds-demo-web');
      const s3Response = await signedFetch(keys, 's3', {
        method: 'GET',
        path: `/${BUCKET}/notes/hello.txt`,
        headers: { origin: DEMO_ORIGIN, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      expect(s3Response.status).toBe(200);
      expect(s3Response.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
      expect(s3Response.headers.get('access-control-expose-headers')).toBe(
        'ETag, x-amz-request-id, x-amzn-RequestId, x-amz-id-2, x-amz-version-id, Date',
      );
      expect(s3Response.headers.get('vary')).toBe('Origin');
      expect(s3Response.headers.get('etag')).toBeTruthy();

      // dynalite answers any Origin with `*`; the gateway must replace it, not add to it.
      const dynamoResponse = await signedFetch(keys, 'dynamodb', {
        method: 'POST',
        path: '/',
        headers: {
          origin: DEMO_ORIGIN,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
      });
      expect(dynamoResponse.status).toBe(200);
      expect(dynamoResponse.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
      expect(dynamoResponse.headers.get('x-amzn-requestid')).toBeTruthy();
      const foreignDynamo = await signedFetch(keys, 'dynamodb', {
        method: 'POST',
        path: '/',
        headers: {
          origin: 'http://evil.test',
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
      });
      expect(foreignDynamo.status).toBe(200);
      expect(foreignDynamo.headers.get('access-control-allow-origin')).toBeNull();

      const errorResponse = await fetch(`${gateway.url}/${BUCKET}/x`, {
        headers: { origin: DEMO_ORIGIN },
      });
      expect(errorResponse.status).toBe(403);
      expect(errorResponse.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);

      const otherOrigin = await fetch(`${gateway.url}/${BUCKET}/x`, {
        headers: { origin: 'http://evil.test' },
      });
      expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('bad input', () => {
    it('answers unsigned and garbage requests in the service format and keeps serving', async () => {
      const unsigned = await fetch(`${gateway.url}/${BUCKET}/notes/hello.txt`);
      expect(unsigned.status).toBe(403);
      expect(await unsigned.text()).toMatch(
        /^<\?xml[^>]*>\s*<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><RequestId>[^<]+<\/RequestId><\/Error>$/,
      );
      expect(unsigned.headers.get('x-amzn-requestid')).toBeTruthy();

      const garbageAuth = await fetch(`${gateway.url}/${BUCKET}`, {
        headers: { authorization: 'garbage ,,, ==' },
      });
      expect(garbageAuth.status).toBe(400);
      expect(await garbageAuth.text()).toContain('<Code>AuthorizationHeaderMalformed</Code>');

      const garbageDynamoAuth = await fetch(`${gateway.url}/`, {
        method: 'POST',
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/dynamodb, Signature',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
      });
      expect(garbageDynamoAuth.status).toBe(400);
      expect(await garbageDynamoAuth.json()).toMatchObject({
        __type: 'com.amazon.coral.service#IncompleteSignatureException',
      });

      const unsignedDynamo = await fetch(`${gateway.url}/`, {
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' },
        body: '{}',
      });
      expect(unsignedDynamo.status).toBe(400);
      expect(unsignedDynamo.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(await unsignedDynamo.json()).toEqual({
        __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
        message: 'Request is missing Authentication Token',
      });

      const keys = roleKeys('fedcreds-demo-web');
      const garbageJson = await signedFetch(keys, 'dynamodb', {
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
        },
        body: '{"TableName": "fedcreds-demo", "Key": ',
      });
      expect(garbageJson.status).toBe(400);
      expect(await garbageJson.json()).toMatchObject({
        __type: 'com.amazon.coral.service#SerializationException',
      });

      const unknownOperation = await signedFetch(keys, 'dynamodb', {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'Nope.Nothing' },
        body: '{}',
      });
      expect(unknownOperation.status).toBe(400);

      const unknownPath = await signedFetch(ciUser, 's3', {
        method: 'GET',
        path: '/no-such-bucket/some/key',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      expect(unknownPath.status).toBe(404);
      expect(await unknownPath.text()).toContain('<Code>NoSuchBucket</Code>');

      // Not HTTP at all, and an upload cut off halfway.
      const { port } = new URL(gateway.url);
      expect(await rawExchange(Number(port), 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
      await rawExchange(
        Number(port),
        `PUT /${BUCKET}/cut.txt HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 1000\r\n\r\nonly-a-bit`,
        { hangUp: true },
      );

      const after = await s3(ciUser).send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'notes/hello.txt' }),
      );
      expect(await after.Body!.transformToString()).toBe('hello gateway');
    });
  });

  describe('request log', () => {
    it('writes one JSON line per request without secrets, and stop() frees the port', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fedcreds-gateway-log-'));
      const logFile = join(dir, 'requests.jsonl');
      const logged = await startGateway(config, { store, port: 0, clock, logFile });
      try {
        const issued = store.issue({
          kind: 'web-identity',
          roleName: 'fedcreds-demo-web',
          sessionName: 'log',
          durationSeconds: 3600,
        });
        const keys = keysOf(issued);
        const client = s3Client(logged.url, config.region, keys);
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'log.txt', Body: 'x' }));
        const url = await getSignedUrl(
          client,
          new GetObjectCommand({ Bucket: BUCKET, Key: 'log.txt' }),
        );
        expect((await fetch(url)).status).toBe(200);
        const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
        await expect(
          client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.txt' })),
        ).rejects.toMatchObject({ name: 'NoSuchKey' });
        const { port } = new URL(logged.url);

        await logged.stop();

        const text = await readFile(logFile, 'utf8');
        const lines = text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(lines.map((l) => [l.action, l.status, l.code])).toEqual([
          ['s3:PutObject', 200, undefined],
          ['s3:GetObject', 200, undefined],
          ['s3:GetObject', 404, 'NoSuchKey'],
        ]);
        expect(lines.every((l) => l.accessKeyId === keys.accessKeyId.slice(0, 8))).toBe(true);
        expect(logged.log()).toHaveLength(3);
        for (const secret of [
          keys.secretAccessKey,
          keys.sessionToken,
          signature,
          keys.accessKeyId,
        ]) {
          expect(text).not.toContain(secret);
        }
        await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      } finally {
        await logged.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('stats', () => {
    it('serves stats and the request log over HTTP, unsigned, to callers with the control header', async () => {
      const control = { headers: { 'x-devstack-control': '1' } };
      const stats = (await (await fetch(`${gateway.url}/__devstack/stats`, control)).json()) as {
        requests: number;
      };
      expect(stats).toEqual(gateway.stats());
      expect(stats.requests).toBeGreaterThan(10);
      const log = (await (
        await fetch(`${gateway.url}/__devstack/log`, control)
      ).json()) as unknown[];
      expect(log).toEqual(gateway.log().slice(0, log.length));
      expect(log).toContainEqual(expect.objectContaining({ action: 's3:PutObject', status: 200 }));
    });

    it('counts requests per service, access key and error code', async () => {
      const before = gateway.stats();
      const keys = roleKeys('fedcreds-demo-web');
      await s3(keys).send(new ListObjectsV2Command({ Bucket: BUCKET }));
      await s3(keys).send(new ListObjectsV2Command({ Bucket: BUCKET }));
      await dynamo(keys).send(new ListTablesCommand({}));
      await expect(
        s3({ ...keys, secretAccessKey: 'wrong' }).send(
          new ListObjectsV2Command({ Bucket: BUCKET }),
        ),
      ).rejects.toThrow();
      const after = gateway.stats();
      expect(after.requests - before.requests).toBe(4);
      expect((after.byService.s3 ?? 0) - (before.byService.s3 ?? 0)).toBe(3);
      expect((after.byService.dynamodb ?? 0) - (before.byService.dynamodb ?? 0)).toBe(1);
      expect(after.byAccessKey[keys.accessKeyId]).toBe(3);
      expect(
        (after.errors.SignatureDoesNotMatch ?? 0) - (before.errors.SignatureDoesNotMatch ?? 0),
      ).toBe(1);
    });
  });
});
