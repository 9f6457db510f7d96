import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
} from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDevstackConfig, roleArn } from '@fedcreds/devstack';
import { caught, CI_USER, rawSts, startLocalIssuer, startStsHarness } from './stsFixtures.js';
import type { LocalIssuer, StsHarness } from './stsFixtures.js';

const VERSION = '2011-06-15';
const ORIGIN = 'http://127.0.0.1:5173';

/** Yields to the event loop until `condition` holds (no timers, no wall-clock waits). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}

describe('STS server', () => {
  let issuer: LocalIssuer;
  let h: StsHarness;
  let logDir: string;
  let logFile: string;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    logDir = await mkdtemp(join(tmpdir(), 'sts-log-'));
    logFile = join(logDir, 'sts.jsonl');
    h = await startStsHarness(
      {
        roles: [
          ...defaultDevstackConfig().roles,
          {
            name: 'web',
            webIdentity: [{ issuer: issuer.issuer, audiences: ['c'] }],
            assumableBy: ['ci-user'],
          },
        ],
      },
      { logFile },
    );
  });

  afterAll(async () => {
    await h.sts.stop();
    await issuer.stop();
    await rm(logDir, { recursive: true, force: true });
  });

  const webIdentity = async (client = h.client()) =>
    client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn(h.config, 'web'),
        RoleSessionName: 'srv',
        WebIdentityToken: await issuer.sign({ sub: 'alice', aud: 'c' }),
      }),
    );

  describe('Query protocol', () => {
    it('answers errors as an AWS <ErrorResponse> with status, request id header and Date on the STS clock', async () => {
      const response = await rawSts(h.sts.url, { Action: 'Frobnicate', Version: VERSION });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('text/xml');
      const requestId = response.headers.get('x-amzn-requestid');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.text).toBe(
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
          `  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidAction</Code>\n` +
          `    <Message>Could not find operation Frobnicate for version 2011-06-15</Message>\n  </Error>\n` +
          `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
      );
      expect(Date.parse(response.headers.get('date')!)).toBe(
        Math.floor(h.clock.now() / 1000) * 1000,
      );
    });

    it('answers InvalidAction for a wrong or missing Version and a missing Action', async () => {
      for (const body of [
        { Action: 'GetCallerIdentity', Version: '2010-01-01' },
        { Action: 'GetCallerIdentity' },
        { Version: VERSION },
      ]) {
        const response = await rawSts(h.sts.url, body);
        expect(response.status).toBe(400);
        expect(response.text).toContain('<Code>InvalidAction</Code>');
      }
    });

    it('survives garbage bodies and keeps serving', async () => {
      for (const body of [
        '%zz%%%&&==&Action',
        '\u0000\u0001\u0002binary',
        'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%E0%A4%A',
      ]) {
        const response = await rawSts(h.sts.url, body);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
      const json = await rawSts(h.sts.url, '{"Action":"GetCallerIdentity"}', {
        headers: { 'content-type': 'application/json' },
      });
      expect(json.status).toBe(400);
      const tooLargeBefore = h.sts.stats().errors.RequestEntityTooLarge ?? 0;
      const big = await rawSts(
        h.sts.url,
        `Action=GetCallerIdentity&Version=${VERSION}&x=${'a'.repeat(1_100_000)}`,
      );
      expect(big.status).toBe(413);
      expect(big.text).toContain('<Code>RequestEntityTooLarge</Code>');
      expect(big.headers.get('connection')).toBe('close');
      // Counted and logged like any other error.
      expect(h.sts.stats().errors.RequestEntityTooLarge).toBe(tooLargeBefore + 1);
      expect(h.sts.log().at(-1)).toMatchObject({ status: 413, code: 'RequestEntityTooLarge' });
      await expect(webIdentity()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    });

    it('answers other methods with 405', async () => {
      const response = await rawSts(
        h.sts.url,
        { Action: 'GetCallerIdentity', Version: VERSION },
        { method: 'PUT' },
      );
      expect(response.status).toBe(405);
      expect(response.text).toContain('<Code>InvalidAction</Code>');
    });

    it('accepts GET with the parameters in the query string', async () => {
      const token = await issuer.sign({ sub: 'alice', aud: 'c' });
      const response = await rawSts(
        h.sts.url,
        {
          Action: 'AssumeRoleWithWebIdentity',
          Version: VERSION,
          RoleArn: roleArn(h.config, 'web'),
          RoleSessionName: 'get',
          WebIdentityToken: token,
        },
        { method: 'GET' },
      );
      expect(response.status).toBe(200);
      expect(response.text).toMatch(
        /^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/,
      );
      expect(response.text).toContain('<AccessKeyId>ASIA');
    });

    it('accepts a presigned GET (query-string SigV4)', async () => {
      const url = new URL(h.sts.url);
      const signer = new SignatureV4({
        credentials: CI_USER,
        region: 'us-east-1',
        service: 'sts',
        sha256: Sha256,
      });
      const presigned = await signer.presign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: '/',
          query: { Action: 'GetCallerIdentity', Version: VERSION },
          headers: { host: url.host },
        },
        { expiresIn: 300 },
      );
      const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
      const response = await fetch(`${h.sts.url}/?${query}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(
        `<Arn>arn:aws:iam::${h.config.accountId}:user/ci-user</Arn>`,
      );
    });
  });

  describe('CORS', () => {
    it('answers preflights from allowed origins with the headers the SDK sends', async () => {
      const response = await fetch(h.sts.url, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers':
            'authorization,content-type,x-amz-date,x-amz-security-token,amz-sdk-invocation-id,amz-sdk-request,x-amz-user-agent,x-amz-content-sha256',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const allowed = response.headers.get('access-control-allow-headers')!.split(/,\s*/);
      for (const header of [
        'authorization',
        'content-type',
        'x-amz-date',
        'x-amz-security-token',
        'amz-sdk-invocation-id',
        'amz-sdk-request',
        'x-amz-user-agent',
        'x-amz-content-sha256',
      ]) {
        expect(allowed).toContain(header);
      }
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('date')).not.toBeNull();
    });

    it('exposes Date and x-amzn-RequestId on responses and errors, only to allowed origins', async () => {
      const ok = await rawSts(
        h.sts.url,
        { Action: 'Nope', Version: VERSION },
        { headers: { origin: ORIGIN } },
      );
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(ok.headers.get('access-control-expose-headers')).toBe('Date, x-amzn-RequestId');
      const foreign = await rawSts(
        h.sts.url,
        { Action: 'Nope', Version: VERSION },
        { headers: { origin: 'http://evil.test' } },
      );
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(h.sts.url, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('faults and stats', () => {
    it('fails the next request with the injected code, then recovers', async () => {
      h.sts.faults.failNext({ code: 'Throttling', message: 'Rate exceeded' });
      expect(await caught(webIdentity())).toMatchObject({
        name: 'Throttling',
        status: 400,
        message: 'Rate exceeded',
      });
      await expect(webIdentity()).resolves.toBeDefined();
    });

    it('counts every attempt before applying faults, so retries are visible', async () => {
      const before = h.sts.stats();
      h.sts.faults.failNext({ count: 2, status: 503 });
      const out = await webIdentity(h.client({ maxAttempts: 3 }));
      expect(out.Credentials).toBeDefined();
      const after = h.sts.stats();
      expect(after.requests - before.requests).toBe(3);
      expect(
        (after.byAction.AssumeRoleWithWebIdentity ?? 0) -
          (before.byAction.AssumeRoleWithWebIdentity ?? 0),
      ).toBe(3);
      expect((after.errors.ServiceUnavailable ?? 0) - (before.errors.ServiceUnavailable ?? 0)).toBe(
        2,
      );
    });

    it('limits a fault to its action and derives the status from the code', async () => {
      h.sts.faults.failNext({ action: 'AssumeRole', code: 'InternalFailure' });
      const ci = h.client({ credentials: CI_USER });
      await expect(ci.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
      const error = await caught(
        ci.send(
          new AssumeRoleCommand({ RoleArn: roleArn(h.config, 'web'), RoleSessionName: 'x1' }),
        ),
      );
      expect(error).toMatchObject({ name: 'InternalFailure', status: 500 });
      await expect(
        ci.send(
          new AssumeRoleCommand({ RoleArn: roleArn(h.config, 'web'), RoleSessionName: 'x1' }),
        ),
      ).resolves.toBeDefined();
    });

    it('delays an answer by delayMs', async () => {
      h.sts.faults.failNext({ delayMs: 20, code: 'Throttling' });
      expect((await caught(webIdentity())).name).toBe('Throttling');
    });

    it('holds a delayed answer until the client gives up, then serves the next request', async () => {
      h.sts.faults.failNext({ delayMs: 600_000 });
      const before = h.sts.stats().requests;
      const controller = new AbortController();
      const call = h.client().send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn(h.config, 'web'),
          RoleSessionName: 'slow',
          WebIdentityToken: await issuer.sign({ sub: 'alice', aud: 'c' }),
        }),
        { abortSignal: controller.signal },
      );
      await until(() => h.sts.stats().requests === before + 1);
      controller.abort();
      expect((await caught(call)).name).toBe('AbortError');
      await expect(webIdentity()).resolves.toBeDefined();
    });

    it('hangs a request until the client aborts', async () => {
      h.sts.faults.failNext({ hang: true });
      const before = h.sts.stats().requests;
      const controller = new AbortController();
      const call = h.client({ credentials: CI_USER }).send(new GetCallerIdentityCommand({}), {
        abortSignal: controller.signal,
      });
      await until(() => h.sts.stats().requests === before + 1);
      controller.abort();
      expect((await caught(call)).name).toBe('AbortError');
      await expect(webIdentity()).resolves.toBeDefined();
    });

    it('reports stats per action, access key and error code', async () => {
      const before = h.sts.stats();
      const ci = h.client({ credentials: CI_USER });
      await ci.send(new GetCallerIdentityCommand({}));
      await caught(
        h
          .client({ credentials: { ...CI_USER, secretAccessKey: 'wrong' } })
          .send(new GetCallerIdentityCommand({})),
      );
      const after = h.sts.stats();
      expect(
        (after.byAccessKey[CI_USER.accessKeyId] ?? 0) -
          (before.byAccessKey[CI_USER.accessKeyId] ?? 0),
      ).toBe(2);
      expect(
        (after.byAction.GetCallerIdentity ?? 0) - (before.byAction.GetCallerIdentity ?? 0),
      ).toBe(2);
      expect(
        (after.errors.SignatureDoesNotMatch ?? 0) - (before.errors.SignatureDoesNotMatch ?? 0),
      ).toBe(1);
    });

    it('serves stats and takes faults over HTTP', async () => {
      const control = { 'x-devstack-control': '1' };
      const stats = await (
        await fetch(`${h.sts.url}/__devstack/stats`, { headers: control })
      ).json();
      expect(stats).toEqual(h.sts.stats());
      const post = (body: string) =>
        fetch(`${h.sts.url}/__devstack/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...control },
          body,
        });
      expect((await post('{"code":"Throttling","count":5}')).status).toBe(200);
      expect((await caught(webIdentity())).name).toBe('Throttling');
      expect((await post('{"clear":true}')).status).toBe(200);
      await expect(webIdentity()).resolves.toBeDefined();
      expect((await post('not json')).status).toBe(400);
      expect((await post('{"count":0}')).status).toBe(400);
      expect((await post('{"status":"teapot"}')).status).toBe(400);
      expect((await post('[1]')).status).toBe(400);
      expect((await fetch(`${h.sts.url}/__devstack/nothing`, { headers: control })).status).toBe(
        404,
      );
    });
  });

  describe('request log', () => {
    it('records one line per request without tokens, secrets or signatures, also in the log file', async () => {
      const token = await issuer.sign({ sub: 'alice', aud: 'c' });
      const out = await h.client().send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn(h.config, 'web'),
          RoleSessionName: 'logged',
          WebIdentityToken: token,
        }),
      );
      const temp = {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      };
      await h.client({ credentials: temp }).send(new GetCallerIdentityCommand({}));
      const entries = h.sts.log();
      const last = entries.at(-1)!;
      expect(last).toMatchObject({
        action: 'GetCallerIdentity',
        status: 200,
        method: 'POST',
        accessKeyId: temp.accessKeyId.slice(0, 8),
      });
      const dump = JSON.stringify(entries);
      for (const secret of [
        token,
        temp.secretAccessKey,
        temp.sessionToken,
        temp.accessKeyId,
        CI_USER.secretAccessKey,
      ]) {
        expect(dump).not.toContain(secret);
      }
      expect(dump).not.toContain('Signature=');
      const failed = entries.find((e) => e.code === 'InvalidAction');
      expect(failed?.status).toBe(400);
      await h.sts.stop();
      const lines = (await readFile(logFile, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
      expect(lines).toEqual(entries);
      for (const secret of [token, temp.secretAccessKey, temp.sessionToken]) {
        expect(lines.join('')).not.toContain(secret);
      }
    });
  });
});

describe('STS stop', () => {
  it('cuts off hanging requests and resolves', async () => {
    const h = await startStsHarness();
    h.sts.faults.failNext({ hang: true });
    const call = rawSts(h.sts.url, { Action: 'GetCallerIdentity', Version: VERSION });
    await until(() => h.sts.stats().requests === 1);
    await h.sts.stop();
    await expect(call).rejects.toThrow();
    await expect(fetch(`${h.sts.url}/__devstack/stats`)).rejects.toThrow();
  });
});
