import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import {
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import type { Credentials as StsCredentials } from '@aws-sdk/client-sts';
import { InMemoryWebStorage, OidcClient, WebStorageStateStore } from 'oidc-client-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialStore,
  DEMO_CLIENT_ID,
  DEMO_ORIGIN,
  defaultDevstackConfig,
  loginWithPassword,
  resolveDevstackConfig,
  samlLogin,
  startDevstack,
  startGateway,
  startOidcProvider,
  startSamlIdp,
  startSts,
} from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { BUCKET, TABLE, dynamoClient, s3Client } from './gatewayClients.js';
import type { Keys } from './gatewayClients.js';

const keysOf = (credentials: StsCredentials | undefined): Keys => ({
  accessKeyId: credentials!.AccessKeyId!,
  secretAccessKey: credentials!.SecretAccessKey!,
  sessionToken: credentials!.SessionToken!,
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('startDevstack', () => {
  let devstack: Devstack;
  // Real time (clients sign with it) plus a shift tests move forward to expire credentials.
  let shiftMs = 0;
  const clock = () => Date.now() + shiftMs;

  beforeAll(async () => {
    devstack = await startDevstack({ ephemeralPorts: true, clock });
  });

  afterAll(async () => {
    await devstack?.stop();
  });

  // AssumeRoleWithWebIdentity/SAML are unsigned; static dummy keys keep the SDK from searching
  // the environment (or an instance metadata endpoint) for credentials.
  const sts = (credentials: Keys = { accessKeyId: 'unused', secretAccessKey: 'unused' }) =>
    new STSClient({
      endpoint: devstack.urls.sts,
      region: devstack.config.region,
      credentials,
      maxAttempts: 1,
    });
  const s3 = (credentials: Keys) => s3Client(devstack.urls.s3, devstack.config.region, credentials);
  const dynamo = (credentials: Keys) =>
    dynamoClient(devstack.urls.dynamodb, devstack.config.region, credentials);

  async function webIdentityKeys(sub = 'alice') {
    const token = await devstack.oidc.mintIdToken({ sub });
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: devstack.roleArn('fedcreds-demo-web'),
        RoleSessionName: sub,
        WebIdentityToken: token,
      }),
    );
    return { keys: keysOf(out.Credentials), expiration: out.Credentials!.Expiration! };
  }

  it('reports every endpoint and the ports it bound', () => {
    const { urls, config } = devstack;
    for (const url of [urls.oidc, urls.saml, urls.samlLogin, urls.sts, urls.gateway]) {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*(\/|$)/);
    }
    expect(urls.s3).toBe(urls.gateway);
    expect(urls.dynamodb).toBe(urls.gateway);
    expect(new URL(urls.gateway).port).toBe(String(config.ports.gateway));
    expect(new URL(urls.sts).port).toBe(String(config.ports.sts));
    expect(devstack.roleArn('fedcreds-demo-web')).toBe(
      `arn:aws:iam::${config.accountId}:role/fedcreds-demo-web`,
    );
    expect(devstack.samlProviderArn).toBe(
      `arn:aws:iam::${config.accountId}:saml-provider/fedcreds-devstack`,
    );
  });

  it('turns an ID token into credentials that work at S3 and DynamoDB', async () => {
    const { keys } = await webIdentityKeys();
    const bucket = s3(keys);
    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'alice/hello.txt', Body: 'hi' }));
    const got = await bucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('hi');
    const listed = await bucket.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'alice/' }),
    );
    expect(listed.KeyCount).toBe(1);

    const table = dynamo(keys);
    await table.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'alice' } } }));
    const item = await table.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'alice' } } }),
    );
    expect(item.Item).toEqual({ pk: { S: 'alice' } });

    const stats = devstack.stats();
    expect(stats.gateway.byAccessKey[keys.accessKeyId]).toBe(5);
    expect(stats.sts.byAction.AssumeRoleWithWebIdentity).toBeGreaterThanOrEqual(1);
  });

  it('serves credentials from AssumeRole with the long-term ci-user key', async () => {
    const key = devstack.config.accessKeys.find((k) => k.userName === 'ci-user')!;
    const out = await sts({
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
    }).send(
      new AssumeRoleCommand({
        RoleArn: devstack.roleArn('fedcreds-demo-chained'),
        RoleSessionName: 'ci',
      }),
    );
    const keys = keysOf(out.Credentials);
    await s3(keys).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ci.txt', Body: 'ci' }));
    const tables = await dynamo(keys).send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain(TABLE);
  });

  it('creates the demo notes table with a sort key: one partition per user, many notes', async () => {
    const { keys } = await webIdentityKeys('bob');
    const notes = 'fedcreds-demo-notes';
    for (const noteId of ['a', 'b']) {
      await dynamo(keys).send(
        new PutItemCommand({
          TableName: notes,
          Item: { userId: { S: 'bob' }, noteId: { S: noteId }, text: { S: noteId } },
        }),
      );
    }
    const listed = await dynamo(keys).send(
      new QueryCommand({
        TableName: notes,
        KeyConditionExpression: 'userId = :user',
        ExpressionAttributeValues: { ':user': { S: 'bob' } },
      }),
    );
    expect(listed.Items?.map((item) => item.noteId?.S)).toEqual(['a', 'b']);
  });

  it('rejects credentials past their STS expiration at S3 and DynamoDB', async () => {
    const { keys, expiration } = await webIdentityKeys('bob');
    await s3(keys).send(new ListObjectsV2Command({ Bucket: BUCKET }));
    shiftMs = expiration.getTime() - Date.now() + 1000;
    try {
      await expect(
        s3(keys).send(new ListObjectsV2Command({ Bucket: BUCKET })),
      ).rejects.toMatchObject({
        name: 'ExpiredToken',
      });
      await expect(dynamo(keys).send(new ListTablesCommand({}))).rejects.toMatchObject({
        name: 'ExpiredTokenException',
      });
    } finally {
      shiftMs = 0;
    }
  });

  it('rejects a wrong secret and an unknown key the way S3 and DynamoDB do', async () => {
    const { keys } = await webIdentityKeys();
    const wrong = { ...keys, secretAccessKey: `${keys.secretAccessKey}x` };
    await expect(
      s3(wrong).send(new ListObjectsV2Command({ Bucket: BUCKET })),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(dynamo(wrong).send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const unknown = { ...keys, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' };
    await expect(
      s3(unknown).send(new ListObjectsV2Command({ Bucket: BUCKET })),
    ).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await expect(dynamo(unknown).send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('signs in with PKCE at the OpenID Provider and uses the ID token at STS and S3', async () => {
    const client = new OidcClient({
      authority: devstack.urls.oidc,
      client_id: DEMO_CLIENT_ID,
      redirect_uri: `${DEMO_ORIGIN}/callback`,
      scope: 'openid profile email',
      stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    });
    const request = await client.createSigninRequest({});
    const redirect = await loginWithPassword(request.url, {
      username: 'alice',
      password: 'alice-password',
    });
    const response = await client.processSigninResponse(redirect);
    expect(response.profile.sub).toBe('alice');

    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: devstack.roleArn('fedcreds-demo-web'),
        RoleSessionName: 'alice-pkce',
        WebIdentityToken: response.id_token!,
      }),
    );
    const bucket = s3(keysOf(out.Credentials));
    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'pkce.txt', Body: 'pkce' }));
    const got = await bucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'pkce.txt' }));
    expect(await got.Body!.transformToString()).toBe('pkce');
  });

  it('signs in with SAML and keeps the read-only role out of DynamoDB', async () => {
    const { samlResponse, returnUrl } = await samlLogin(
      { loginUrl: devstack.urls.samlLogin },
      { username: 'alice', password: 'alice-password' },
    );
    expect(returnUrl).toBe(devstack.config.saml.appReturnUrl);
    const out = await sts().send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: devstack.roleArn('fedcreds-demo-saml-readonly'),
        PrincipalArn: devstack.samlProviderArn,
        SAMLAssertion: samlResponse,
      }),
    );
    const keys = keysOf(out.Credentials);
    await s3(keys).send(new ListObjectsV2Command({ Bucket: BUCKET }));
    await expect(
      dynamo(keys).send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'alice' } } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('exposes STS fault injection', async () => {
    devstack.faults.sts.failNext({ action: 'AssumeRoleWithWebIdentity', code: 'Throttling' });
    await expect(webIdentityKeys()).rejects.toMatchObject({ name: 'Throttling' });
    await expect(webIdentityKeys()).resolves.toBeDefined();
  });
});

describe('startDevstack lifecycle', () => {
  it('frees every port on stop()', async () => {
    const devstack = await startDevstack({ ephemeralPorts: true });
    const { urls } = devstack;
    for (const url of [urls.oidc, urls.saml, urls.sts, urls.gateway]) {
      expect((await fetch(new URL('/', url))).status).toBeGreaterThan(0);
    }
    await devstack.stop();
    await devstack.stop();
    for (const url of [urls.oidc, urls.saml, urls.sts, urls.gateway]) {
      await expect(fetch(new URL('/', url))).rejects.toThrow();
    }
  });

  it('stops the parts already started when a later one cannot start', async () => {
    // Free ports for the parts that will start, and one held busy so the gateway cannot bind.
    const [oidc, saml, sts] = [await freePort(), await freePort(), await freePort()];
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port: busy } = blocker.address() as AddressInfo;
    try {
      await expect(startDevstack({ ports: { oidc, saml, sts, gateway: busy } })).rejects.toThrow(
        /EADDRINUSE/,
      );
      for (const port of [oidc, saml, sts]) {
        await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      }
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('loopback only', () => {
  const NOT_LOOPBACK = /host must be a 127\.0\.0\.0\/8 address, got "0\.0\.0\.0"/;

  it('refuses a non-loopback host when resolving the configuration', () => {
    expect(() => resolveDevstackConfig({ host: '0.0.0.0' })).toThrow(NOT_LOOPBACK);
    expect(() => resolveDevstackConfig({ host: 'localhost' })).toThrow(/127\.0\.0\.0\/8/);
  });

  it('refuses it in every part started on its own with an unresolved configuration', async () => {
    const config = { ...defaultDevstackConfig(), host: '0.0.0.0' };
    const store = new CredentialStore(config);
    await expect(startOidcProvider(config, { port: 0 })).rejects.toThrow(NOT_LOOPBACK);
    await expect(startSamlIdp(config, { port: 0 })).rejects.toThrow(NOT_LOOPBACK);
    await expect(startSts(config, { store, port: 0 })).rejects.toThrow(NOT_LOOPBACK);
    await expect(startGateway(config, { store, port: 0 })).rejects.toThrow(NOT_LOOPBACK);
  });
});
