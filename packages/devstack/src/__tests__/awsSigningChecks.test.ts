import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialStore,
  resolveDevstackConfig,
  roleArn,
  startGateway,
  startSts,
} from '@fedcreds/devstack';
import type { DevstackConfig, GatewayServer, StsServer } from '@fedcreds/devstack';
import { BUCKET, TABLE, dynamoClient, s3Client } from './gatewayClients.js';
import { rawSigned } from './rawSigned.js';
import { CI_USER } from './stsFixtures.js';

const TWENTY_MINUTES_MS = 20 * 60_000;
const GET_CALLER_IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';

describe('SigV4 checks as AWS makes them, at S3, DynamoDB and STS', () => {
  let config: DevstackConfig;
  let gateway: GatewayServer;
  let sts: StsServer;
  // The servers' clock runs with the real one (SDK clients sign with real time) plus a shift the
  // tests set to put the servers 20 minutes ahead of every client.
  let shiftMs = 0;
  const clock = () => Date.now() + shiftMs;

  beforeAll(async () => {
    config = resolveDevstackConfig({ ports: { oidc: 0, saml: 0, sts: 0, gateway: 0 } });
    const store = new CredentialStore(config, clock);
    [gateway, sts] = await Promise.all([
      startGateway(config, { store, port: 0, clock }),
      startSts(config, { store, port: 0, clock }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), sts?.stop()]);
  });

  async function withServersAhead<T>(run: () => Promise<T>): Promise<T> {
    shiftMs = TWENTY_MINUTES_MS;
    try {
      return await run();
    } finally {
      shiftMs = 0;
    }
  }

  describe('a header added after signing', () => {
    it('is refused at S3 with AccessDenied naming the header, through the SDK', async () => {
      const client = s3Client(gateway.url, config.region, CI_USER);
      // Runs after the SDK signed the request, as a proxy or a bug in an app's middleware would.
      client.middlewareStack.addRelativeTo(
        // Typed loosely: the SDK's middleware types come from @smithy/types, not a dependency here.
        ((next: (args: { request: unknown }) => Promise<unknown>) =>
          async (args: { request: unknown }) => {
            (args.request as { headers: Record<string, string> }).headers['x-amz-meta-added'] = 'x';
            return next(args);
          }) as never,
        { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'addAfterSigning' },
      );
      const error = await client
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'unsigned.txt', Body: 'x' }))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'AccessDenied',
        message: 'There were headers present in the request which were not signed',
        HeadersNotSigned: 'x-amz-meta-added',
        $metadata: { httpStatusCode: 403 },
      });
    });

    it('is refused at DynamoDB and STS too', async () => {
      const dynamo = await rawSigned(gateway.url, {
        service: 'dynamodb',
        region: config.region,
        credentials: CI_USER,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
        addedAfterSigning: { 'x-amz-meta-added': 'x' },
      });
      expect(dynamo.status).toBe(400);
      expect(JSON.parse(dynamo.body)).toMatchObject({
        __type: 'com.amazon.coral.service#InvalidSignatureException',
      });
      const stsAnswer = await rawSigned(sts.url, {
        service: 'sts',
        region: config.region,
        credentials: CI_USER,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: GET_CALLER_IDENTITY,
        addedAfterSigning: { 'x-amz-meta-added': 'x' },
      });
      expect(stsAnswer.status).toBe(403);
      expect(stsAnswer.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    });
  });

  describe('a 20-minute-old signature', () => {
    const twentyMinutesAgo = () => new Date(Date.now() - TWENTY_MINUTES_MS);

    it('is RequestTimeTooSkewed (403) at S3, with the server time', async () => {
      const answer = await rawSigned(gateway.url, {
        service: 's3',
        region: config.region,
        credentials: CI_USER,
        method: 'GET',
        path: `/${BUCKET}`,
        signingDate: twentyMinutesAgo(),
      });
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('<Code>RequestTimeTooSkewed</Code>');
      expect(answer.body).toContain(
        '<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>',
      );
      expect(answer.body).toMatch(/<ServerTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/ServerTime>/);
    });

    it('is InvalidSignatureException "Signature expired" (400) at DynamoDB', async () => {
      const answer = await rawSigned(gateway.url, {
        service: 'dynamodb',
        region: config.region,
        credentials: CI_USER,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
        signingDate: twentyMinutesAgo(),
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({
        __type: 'com.amazon.coral.service#InvalidSignatureException',
        message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than /),
      });
    });

    it('is SignatureDoesNotMatch "Signature expired" (403) at STS', async () => {
      const answer = await rawSigned(sts.url, {
        service: 'sts',
        region: config.region,
        credentials: CI_USER,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: GET_CALLER_IDENTITY,
        signingDate: twentyMinutesAgo(),
      });
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('<Code>SignatureDoesNotMatch</Code>');
      expect(answer.body).toMatch(/<Message>Signature expired: \d{8}T\d{6}Z is now earlier than /);
    });
  });

  describe('an SDK client whose clock is 20 minutes behind', () => {
    it('fails once at each service, corrects its clock from the answer and succeeds on the retry', async () => {
      await withServersAhead(async () => {
        const before = { gateway: gateway.stats().requests, sts: sts.stats().requests };
        // Retries on (the SDK default of 3 attempts); the shared test clients make one.
        const s3 = new S3Client({
          endpoint: gateway.url,
          forcePathStyle: true,
          region: config.region,
          credentials: CI_USER,
        });
        const dynamo = new DynamoDBClient({
          endpoint: gateway.url,
          region: config.region,
          credentials: CI_USER,
        });
        const stsClient = new STSClient({
          endpoint: sts.url,
          region: config.region,
          credentials: CI_USER,
        });
        await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
        await dynamo.send(new ListTablesCommand({}));
        await stsClient.send(new GetCallerIdentityCommand({}));
        expect(gateway.stats().requests - before.gateway).toBe(4);
        expect(sts.stats().requests - before.sts).toBe(2);
        expect(
          gateway
            .log()
            .slice(-4)
            .map((entry) => entry.code ?? entry.status),
        ).toEqual([
          'RequestTimeTooSkewed',
          200,
          'com.amazon.coral.service#InvalidSignatureException',
          200,
        ]);
        for (const client of [s3, dynamo, stsClient]) {
          expect(Math.abs(client.config.systemClockOffset - TWENTY_MINUTES_MS)).toBeLessThan(5_000);
        }
      });
    });

    it('fails with the documented code when retries are off', async () => {
      await withServersAhead(async () => {
        await expect(
          s3Client(gateway.url, config.region, CI_USER).send(
            new ListObjectsV2Command({ Bucket: BUCKET }),
          ),
        ).rejects.toMatchObject({
          name: 'RequestTimeTooSkewed',
          $metadata: { httpStatusCode: 403 },
        });
        await expect(
          dynamoClient(gateway.url, config.region, CI_USER).send(new ListTablesCommand({})),
        ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
        await expect(
          new STSClient({
            endpoint: sts.url,
            region: config.region,
            credentials: CI_USER,
            maxAttempts: 1,
          }).send(new GetCallerIdentityCommand({})),
        ).rejects.toMatchObject({
          name: 'SignatureDoesNotMatch',
          $metadata: { httpStatusCode: 403 },
        });
      });
    });
  });

  describe('a signature scoped to another region', () => {
    it('is SignatureDoesNotMatch at STS for GetSessionToken, AssumeRole and GetCallerIdentity', async () => {
      const client = new STSClient({
        endpoint: sts.url,
        region: 'eu-west-1',
        credentials: CI_USER,
        maxAttempts: 1,
      });
      for (const command of [
        new GetSessionTokenCommand({}),
        new AssumeRoleCommand({
          RoleArn: roleArn(config, 'fedcreds-demo-chained'),
          RoleSessionName: 'ci',
        }),
        new GetCallerIdentityCommand({}),
      ]) {
        await expect(client.send(command as never)).rejects.toMatchObject({
          name: 'SignatureDoesNotMatch',
          message: 'Credential should be scoped to a valid region. ',
          $metadata: { httpStatusCode: 403 },
        });
      }
    });
  });

  it('still accepts a table name on the way (sanity: the default table exists)', async () => {
    const tables = await dynamoClient(gateway.url, config.region, CI_USER).send(
      new ListTablesCommand({}),
    );
    expect(tables.TableNames).toContain(TABLE);
  });
});
