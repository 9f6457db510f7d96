import type { STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDevstackConfig, roleArn, startOidcProvider } from '@fedcreds/devstack';
import type { OidcServer } from '@fedcreds/devstack';
import { caught, startLocalIssuer, startStsHarness } from './stsFixtures.js';
import type { LocalIssuer, StsHarness } from './stsFixtures.js';

const ACCOUNT = '123456789012';

describe('STS AssumeRoleWithWebIdentity', () => {
  let issuer: LocalIssuer;
  let stranger: LocalIssuer;
  let offline: LocalIssuer;
  let op: OidcServer;
  let h: StsHarness;
  let client: STSClient;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    stranger = await startLocalIssuer();
    offline = await startLocalIssuer();
    const base = defaultDevstackConfig();
    op = await startOidcProvider(base, { port: 0 });
    h = await startStsHarness(
      {
        roles: [
          ...base.roles,
          {
            name: 'test-web',
            maxSessionDurationSeconds: 7200,
            webIdentity: [{ issuer: issuer.issuer, audiences: ['test-client'] }],
          },
          {
            name: 'test-web-alice-only',
            webIdentity: [
              { issuer: issuer.issuer, audiences: ['test-client'], subjects: ['alice'] },
            ],
          },
          {
            name: 'test-web-offline-idp',
            webIdentity: [{ issuer: offline.issuer, audiences: ['test-client'] }],
          },
        ],
        sts: { externalProviders: [{ issuer: issuer.issuer }, { issuer: offline.issuer }] },
      },
      { oidcIssuer: op.issuer },
    );
    client = h.client();
    await offline.stop();
  });

  afterAll(async () => {
    await h.sts.stop();
    await Promise.all([issuer.stop(), stranger.stop(), op.stop()]);
  });

  const assume = (
    token: string,
    extra: Partial<{ RoleArn: string; RoleSessionName: string; DurationSeconds: number }> = {},
  ) =>
    client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn(h.config, 'test-web'),
        RoleSessionName: 'web-session',
        WebIdentityToken: token,
        ...extra,
      }),
    );

  it('returns credentials, the assumed-role user, subject, provider and audience for a valid ID token', async () => {
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client' });
    const out = await assume(token);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 3600 * 1000);
    expect(out.SubjectFromWebIdentityToken).toBe('alice');
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/test-web/web-session`,
    );
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:web-session$/);
    expect(out.Provider).toBe(issuer.issuer);
    expect(out.Audience).toBe('test-client');
    expect(h.sts.log().at(-1)?.requestId).toBe(out.$metadata.requestId);
  });

  it('issues credentials that sign further STS calls as the assumed role', async () => {
    const out = await assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }));
    const signed = h.client({
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      },
    });
    const me = await signed.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(out.AssumedRoleUser?.Arn);
    expect(me.UserId).toBe(out.AssumedRoleUser?.AssumedRoleId);
    expect(me.Account).toBe(ACCOUNT);
  });

  it('honours DurationSeconds up to the role maximum', async () => {
    const out = await assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }), {
      DurationSeconds: 7200,
    });
    expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 7200 * 1000);
  });

  it('refuses DurationSeconds above the role maximum and below 900 like AWS', async () => {
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client' });
    const tooLong = await caught(assume(token, { DurationSeconds: 7201 }));
    expect(tooLong).toMatchObject({
      name: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    const tooShort = await caught(assume(token, { DurationSeconds: 899 }));
    expect(tooShort).toMatchObject({
      name: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
  });

  it('rejects a tampered token as InvalidIdentityToken', async () => {
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ iss: issuer.issuer, sub: 'mallory', aud: 'test-client', exp: 4102444800 }),
    ).toString('base64url');
    const error = await caught(assume(`${header}.${forged}.${signature}`));
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a token signed by an unknown issuer as InvalidIdentityToken', async () => {
    const error = await caught(assume(await stranger.sign({ sub: 'alice', aud: 'test-client' })));
    expect(error).toMatchObject({
      name: 'InvalidIdentityTokenException',
      status: 400,
      message: `No OpenIDConnect provider found in your account for ${stranger.issuer}`,
    });
  });

  it('rejects a token whose issuer claim is forged onto another key', async () => {
    const error = await caught(
      assume(await stranger.sign({ iss: issuer.issuer, sub: 'alice', aud: 'test-client' })),
    );
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
  });

  it('rejects garbage that is not a JWT as InvalidIdentityToken', async () => {
    const error = await caught(assume('this-is-not-a-jwt'));
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
  });

  it('answers ExpiredTokenException with AWS wording for an expired token', async () => {
    const nowSeconds = Math.floor(h.clock.now() / 1000);
    const token = await issuer.sign({
      sub: 'alice',
      aud: 'test-client',
      nowSeconds: nowSeconds - 7200,
      expiresInSeconds: 3600,
    });
    const error = await caught(assume(token));
    expect(error.name).toBe('ExpiredTokenException');
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${nowSeconds - 3600}`,
    );
  });

  it('decides token expiry on the injected clock', async () => {
    const token = await issuer.sign({
      sub: 'alice',
      aud: 'test-client',
      expiresInSeconds: 600,
      nowSeconds: Math.floor(h.clock.now() / 1000),
    });
    await expect(assume(token)).resolves.toBeDefined();
    h.clock.advance(601 * 1000);
    try {
      expect((await caught(assume(token))).name).toBe('ExpiredTokenException');
    } finally {
      h.clock.advance(-601 * 1000);
    }
  });

  it('refuses a token that is not yet valid (nbf in the future)', async () => {
    const nowSeconds = Math.floor(h.clock.now() / 1000);
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client', nbf: nowSeconds + 600 });
    expect(await caught(assume(token))).toMatchObject({
      name: 'ExpiredTokenException',
      status: 400,
    });
  });

  it('tolerates an IdP clock a little ahead on nbf, but not on exp', async () => {
    const nowSeconds = Math.floor(h.clock.now() / 1000);
    const early = await issuer.sign({
      sub: 'alice',
      aud: 'test-client',
      nowSeconds,
      nbf: nowSeconds + 60,
    });
    await expect(assume(early)).resolves.toBeDefined();
    const justExpired = await issuer.sign({
      sub: 'alice',
      aud: 'test-client',
      nowSeconds: nowSeconds - 60,
      expiresInSeconds: 60,
    });
    expect((await caught(assume(justExpired))).message).toBe(
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${nowSeconds}`,
    );
  });

  it('refuses a token for a client the provider does not list with InvalidIdentityToken, before any trust policy', async () => {
    // AWS checks the audience against the IAM OIDC provider's client ID list first.
    for (const RoleArn of [roleArn(h.config, 'test-web'), roleArn(h.config, 'no-such-role')]) {
      const error = await caught(
        assume(await issuer.sign({ sub: 'alice', aud: 'another-client' }), { RoleArn }),
      );
      expect(error).toMatchObject({
        name: 'InvalidIdentityTokenException',
        status: 400,
        message: 'Incorrect token audience',
      });
    }
  });

  it('checks azp, when the token has one, against the client ID list', async () => {
    await expect(
      assume(await issuer.sign({ sub: 'alice', aud: ['x', 'test-client'], azp: 'test-client' })),
    ).resolves.toBeDefined();
    expect(
      await caught(
        assume(await issuer.sign({ sub: 'alice', aud: ['test-client'], azp: 'another-client' })),
      ),
    ).toMatchObject({ name: 'InvalidIdentityTokenException', message: 'Incorrect token audience' });
  });

  it('denies a listed client that the role does not trust with AccessDenied', async () => {
    const error = await caught(
      assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }), {
        RoleArn: roleArn(h.config, 'fedcreds-demo-web'),
      }),
    );
    expect(error).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    });
  });

  it('enforces the subjects of a role trust', async () => {
    const RoleArn = roleArn(h.config, 'test-web-alice-only');
    await expect(
      assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }), { RoleArn }),
    ).resolves.toBeDefined();
    const error = await caught(
      assume(await issuer.sign({ sub: 'bob', aud: 'test-client' }), { RoleArn }),
    );
    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('denies roles that do not exist or do not trust the issuer', async () => {
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client' });
    expect(
      await caught(assume(token, { RoleArn: roleArn(h.config, 'no-such-role') })),
    ).toMatchObject({ name: 'AccessDenied' });
    expect(
      await caught(assume(token, { RoleArn: roleArn(h.config, 'fedcreds-demo-web') })),
    ).toMatchObject({ name: 'AccessDenied' });
  });

  it('accepts ID tokens of the stack\'s own OpenID Provider for roles trusting "devstack"', async () => {
    const token = await op.mintIdToken({ sub: 'alice' });
    const out = await assume(token, { RoleArn: roleArn(h.config, 'fedcreds-demo-web') });
    expect(out.SubjectFromWebIdentityToken).toBe('alice');
    expect(out.Audience).toBe('fedcreds-demo');
    expect(out.Provider).toBe(op.issuer);
  });

  it('caches the JWKS instead of fetching it for every call', async () => {
    await assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }));
    const before = issuer.hits();
    await assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }));
    await assume(await issuer.sign({ sub: 'alice', aud: 'test-client' }));
    expect(issuer.hits()).toBe(before);
  });

  it('answers IDPCommunicationError when the identity provider cannot be reached', async () => {
    const token = await offline.sign({ sub: 'alice', aud: 'test-client' });
    const error = await caught(
      assume(token, { RoleArn: roleArn(h.config, 'test-web-offline-idp') }),
    );
    expect(error).toMatchObject({ name: 'IDPCommunicationErrorException', status: 400 });
  });

  it('returns the SourceIdentity claim', async () => {
    const token = await issuer.sign({
      sub: 'alice',
      aud: 'test-client',
      'https://aws.amazon.com/source_identity': 'alice@example',
    });
    expect((await assume(token)).SourceIdentity).toBe('alice@example');
  });

  it('validates RoleSessionName like AWS', async () => {
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client' });
    expect(await caught(assume(token, { RoleSessionName: 'a' }))).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    });
    expect(await caught(assume(token, { RoleSessionName: 'no spaces' }))).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'no spaces' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    });
    await expect(assume(token, { RoleSessionName: 'ok+=,.@-_9' })).resolves.toBeDefined();
  });

  it('rejects a malformed role ARN with ValidationError', async () => {
    const token = await issuer.sign({ sub: 'alice', aud: 'test-client' });
    expect(
      await caught(assume(token, { RoleArn: 'arn:aws:iam::123:role/x-but-long-enough' })),
    ).toMatchObject({
      name: 'ValidationError',
      status: 400,
    });
  });
});

describe('STS credentialTtlSeconds', () => {
  it('shortens what is issued while still validating the requested duration', async () => {
    const issuer = await startLocalIssuer();
    const h = await startStsHarness({
      roles: [
        {
          name: 'short',
          maxSessionDurationSeconds: 3600,
          webIdentity: [{ issuer: issuer.issuer, audiences: ['c'] }],
        },
      ],
      sts: { credentialTtlSeconds: 120, externalProviders: [] },
    });
    try {
      const send = (DurationSeconds: number) =>
        h.client().send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn(h.config, 'short'),
            RoleSessionName: 's1',
            WebIdentityToken: token,
            DurationSeconds,
          }),
        );
      const token = await issuer.sign({ sub: 'x', aud: 'c' });
      const out = await send(3600);
      expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 120 * 1000);
      expect((await caught(send(3601))).name).toBe('ValidationError');
    } finally {
      await h.sts.stop();
      await issuer.stop();
    }
  });
});
