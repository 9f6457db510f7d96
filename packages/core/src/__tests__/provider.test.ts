/**
 * Issue 2, item 8: `toProvider()` inside real SDK v3 clients. S3Client and DynamoDBClient sign
 * requests to the devstack gateway (which verifies SigV4 against the credentials its STS issued)
 * with the temporary credentials, and ask the provider again only when expiry is near.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { describe, expect, it, vi } from 'vitest';
import {
  ChainableTemporaryCredentials,
  SAMLCredentials,
  WebIdentityCredentials,
  type Credentials,
} from '@fedcreds/core';
import { credentialsStackForFile } from './fixtures/credentialsStack.js';

const BUCKET = 'fedcreds-demo';
const TABLE = 'fedcreds-demo';

const stack = credentialsStackForFile();

interface Case {
  name: string;
  action: string;
  /** The credentials, and how to renew the IdP token they refresh with (what a session does). */
  create(): Promise<{ creds: Credentials; renewToken(): Promise<void> }>;
}

async function webIdentity() {
  const creds = new WebIdentityCredentials(
    {
      RoleArn: stack.roleArn('fedcreds-demo-web'),
      WebIdentityToken: await stack.oidc.mintIdToken({ sub: 'alice' }),
    },
    stack.stsConfig,
  );
  const renewToken = async () => {
    creds.params.WebIdentityToken = await stack.oidc.mintIdToken({ sub: 'alice' });
  };
  return { creds, renewToken };
}

const CASES: Case[] = [
  { name: 'WebIdentityCredentials', action: 'AssumeRoleWithWebIdentity', create: webIdentity },
  {
    name: 'SAMLCredentials',
    action: 'AssumeRoleWithSAML',
    async create() {
      const creds = new SAMLCredentials(
        {
          RoleArn: stack.roleArn('fedcreds-demo-saml'),
          PrincipalArn: stack.samlProviderArn,
          SAMLAssertion: await stack.saml.issueAssertion({ username: 'alice' }),
        },
        stack.stsConfig,
      );
      // SAML assertions are accepted for minutes only (NotOnOrAfter): a refresh needs a new one.
      const renewToken = async () => {
        creds.params.SAMLAssertion = await stack.saml.issueAssertion({ username: 'alice' });
      };
      return { creds, renewToken };
    },
  },
  {
    name: 'ChainableTemporaryCredentials',
    action: 'AssumeRole',
    async create() {
      const master = await webIdentity();
      const creds = new ChainableTemporaryCredentials({
        params: { RoleArn: stack.roleArn('fedcreds-demo-chained') },
        masterCredentials: master.creds.toProvider(),
        stsConfig: stack.stsConfig,
      });
      return { creds, renewToken: master.renewToken };
    },
  },
];

/** A provider that counts how often the SDK client asks it. */
function counted(provider: AwsCredentialIdentityProvider) {
  const counter = { calls: 0 };
  const wrapped: AwsCredentialIdentityProvider = (properties) => {
    counter.calls += 1;
    return provider(properties);
  };
  return { counter, provider: wrapped };
}

// The tests move Date with fake timers while Node's HTTP servers stamp responses with the real
// time; without disableClockSkewCorrection the clients would "correct" their clock back to it.
const s3 = (credentials: AwsCredentialIdentityProvider) =>
  new S3Client({
    endpoint: stack.gateway.url,
    forcePathStyle: true,
    region: stack.config.region,
    credentials,
    maxAttempts: 1,
    disableClockSkewCorrection: true,
  });
const dynamo = (credentials: AwsCredentialIdentityProvider) =>
  new DynamoDBClient({
    endpoint: stack.gateway.url,
    region: stack.config.region,
    credentials,
    maxAttempts: 1,
    disableClockSkewCorrection: true,
  });

const signedBy = (accessKeyId: string) => stack.gateway.stats().byAccessKey[accessKeyId] ?? 0;

describe.each(CASES)('$name: toProvider()', ({ name, action, create }) => {
  it('signs S3 and DynamoDB requests with the temporary credentials', async () => {
    const { creds } = await create();
    const provider = creds.toProvider();
    const key = `provider-test/${name}.txt`;
    await s3(provider).send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `hello from ${name}` }),
    );
    const object = await s3(provider).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await object.Body!.transformToString()).toBe(`hello from ${name}`);

    await dynamo(provider).send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: name }, value: { S: 'stored' } } }),
    );
    const item = await dynamo(provider).send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: name } } }),
    );
    expect(item.Item?.['value']).toEqual({ S: 'stored' });

    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(signedBy(creds.accessKeyId)).toBe(4);
  });

  it.each(['S3Client', 'DynamoDBClient'] as const)(
    'a %s asks the provider again only when expiry is near',
    async (clientName) => {
      const { creds, renewToken } = await create();
      const { counter, provider } = counted(creds.toProvider());
      // One client for the whole test: it is the client's own cache that is under test.
      const s3Client = s3(provider);
      const dynamoClient = dynamo(provider);
      const send = (i: number) =>
        clientName === 'S3Client'
          ? s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `tick-${i}`, Body: 'x' }))
          : dynamoClient.send(
              new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `tick-${i}` } } }),
            );

      vi.useFakeTimers({ toFake: ['Date'] });
      const stsBefore = stack.stsCalls(action);
      await send(1);
      // A client may consult its provider more than once per request (DynamoDB also resolves the
      // account id for its endpoint), so the count is compared with itself, not with the requests.
      const asked = counter.calls;
      expect(asked).toBeGreaterThanOrEqual(1);
      await send(2);
      await send(3);
      expect(counter.calls).toBe(asked);
      expect(stack.stsCalls(action)).toBe(stsBefore + 1);
      const firstKey = creds.accessKeyId;
      const expiresAt = creds.expireTime!.getTime();

      // Six minutes before expiry the client still trusts what it has.
      vi.setSystemTime(expiresAt - 6 * 60_000);
      await send(4);
      expect(counter.calls).toBe(asked);

      // Inside the SDK's five-minute window it asks again; the credentials are still good for
      // minutes, so no STS call is made.
      vi.setSystemTime(expiresAt - 4 * 60_000);
      await send(5);
      expect(counter.calls).toBeGreaterThan(asked);
      expect(stack.stsCalls(action)).toBe(stsBefore + 1);
      expect(signedBy(firstKey)).toBeGreaterThanOrEqual(5);

      // Inside the credentials' own 15-second window the provider refreshes them through STS.
      vi.setSystemTime(expiresAt - 10_000);
      await renewToken();
      await send(6);
      expect(stack.stsCalls(action)).toBe(stsBefore + 2);
      expect(creds.accessKeyId).not.toBe(firstKey);
      expect(signedBy(creds.accessKeyId)).toBe(1);

      // The new credentials last another hour: the client stops asking.
      const callsAfterRefresh = counter.calls;
      await send(7);
      await send(8);
      expect(counter.calls).toBe(callsAfterRefresh);
    },
  );
});
