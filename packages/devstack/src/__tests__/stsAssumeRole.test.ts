import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import type { Credentials } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDevstackConfig, roleArn, totpCode } from '@fedcreds/devstack';
import { caught, CI_USER, rawSts, startLocalIssuer, startStsHarness } from './stsFixtures.js';
import type { LocalIssuer, StsHarness } from './stsFixtures.js';

const ACCOUNT = '123456789012';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const TOTP_USER = {
  accessKeyId: 'AKIADEVSTACKTOTPUSR1',
  secretAccessKey: 'devstack/totp-user/secret/not-a-real-key-0',
};
const CI_MFA = `arn:aws:iam::${ACCOUNT}:mfa/ci-user`;
const TOTP_MFA = `arn:aws:iam::${ACCOUNT}:mfa/totp-user`;

const asIdentity = (c: Credentials | undefined) => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

describe('STS AssumeRole, GetSessionToken and GetCallerIdentity', () => {
  let issuer: LocalIssuer;
  let h: StsHarness;
  let arn: (name: string) => string;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    const base = defaultDevstackConfig();
    h = await startStsHarness({
      roles: [
        {
          name: 'source-web',
          maxSessionDurationSeconds: 3600,
          webIdentity: [{ issuer: issuer.issuer, audiences: ['c'] }],
        },
        {
          name: 'target',
          maxSessionDurationSeconds: 43200,
          assumableBy: ['source-web', 'ci-user', 'target'],
        },
        { name: 'mfa-role', assumableBy: ['ci-user', 'totp-user'], requireMfa: true },
        { name: 'private-role', assumableBy: [] },
      ],
      accessKeys: [
        ...base.accessKeys,
        {
          userName: 'totp-user',
          ...TOTP_USER,
          mfa: { serialNumber: TOTP_MFA, totpSecret: TOTP_SECRET },
        },
      ],
      sts: { externalProviders: [] },
    });
    arn = (name) => roleArn(h.config, name);
  });

  afterAll(async () => {
    await h.sts.stop();
    await issuer.stop();
  });

  const ci = () => h.client({ credentials: CI_USER });
  const webCredentials = async (DurationSeconds = 3600) => {
    const out = await h.client().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: arn('source-web'),
        RoleSessionName: 'web',
        WebIdentityToken: await issuer.sign({ sub: 'alice', aud: 'c' }),
        DurationSeconds,
      }),
    );
    return asIdentity(out.Credentials);
  };

  describe('AssumeRole', () => {
    it('assumes a role with a long-term key and returns usable credentials', async () => {
      const out = await ci().send(
        new AssumeRoleCommand({ RoleArn: arn('target'), RoleSessionName: 'ci-run' }),
      );
      expect(out.$metadata.httpStatusCode).toBe(200);
      expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 3600 * 1000);
      expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/target/ci-run`);
      const me = await h
        .client({ credentials: asIdentity(out.Credentials) })
        .send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(out.AssumedRoleUser?.Arn);
      const stored = h.store.lookup(out.Credentials!.AccessKeyId!);
      expect(stored).toMatchObject({ kind: 'assume-role', roleName: 'target', chained: false });
    });

    it('allows up to the role maximum when not chaining', async () => {
      const out = await ci().send(
        new AssumeRoleCommand({
          RoleArn: arn('target'),
          RoleSessionName: 'long',
          DurationSeconds: 43200,
        }),
      );
      expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 43200 * 1000);
    });

    it('answers SignatureDoesNotMatch for a wrong secret', async () => {
      const client = h.client({
        credentials: { ...CI_USER, secretAccessKey: `${CI_USER.secretAccessKey}x` },
      });
      const error = await caught(
        client.send(new AssumeRoleCommand({ RoleArn: arn('target'), RoleSessionName: 's1' })),
      );
      expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
      expect(error.message).toMatch(
        /^The request signature we calculated does not match the signature you provided/,
      );
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers InvalidClientTokenId for an unknown key', async () => {
      const client = h.client({
        credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' },
      });
      const error = await caught(
        client.send(new AssumeRoleCommand({ RoleArn: arn('target'), RoleSessionName: 's1' })),
      );
      expect(error).toMatchObject({
        name: 'InvalidClientTokenId',
        status: 403,
        message: 'The security token included in the request is invalid.',
      });
    });

    it('answers InvalidClientTokenId when the session token belongs to another key', async () => {
      const a = await webCredentials();
      const b = await webCredentials();
      const client = h.client({ credentials: { ...a, sessionToken: b.sessionToken } });
      const error = await caught(
        client.send(new AssumeRoleCommand({ RoleArn: arn('target'), RoleSessionName: 's1' })),
      );
      expect(error).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    });

    it('answers MissingAuthenticationToken for an unsigned request', async () => {
      const response = await rawSts(h.sts.url, {
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: arn('target'),
        RoleSessionName: 's1',
      });
      expect(response.status).toBe(403);
      expect(response.text).toContain('<Code>MissingAuthenticationToken</Code>');
      expect(response.text).toContain('<Message>Request is missing Authentication Token</Message>');
    });

    it('answers ExpiredToken (403, as AWS documents) once the caller credentials have expired on the STS clock', async () => {
      const web = await webCredentials(900);
      const client = h.client({ credentials: web });
      await expect(client.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
      h.clock.advance(900 * 1000);
      try {
        const error = await caught(
          client.send(new AssumeRoleCommand({ RoleArn: arn('target'), RoleSessionName: 's1' })),
        );
        expect(error).toMatchObject({
          name: 'ExpiredToken',
          status: 403,
          message: 'The security token included in the request is expired',
        });
      } finally {
        h.clock.advance(-900 * 1000);
      }
    });

    it('caps role chaining at one hour', async () => {
      const client = h.client({ credentials: await webCredentials() });
      const error = await caught(
        client.send(
          new AssumeRoleCommand({
            RoleArn: arn('target'),
            RoleSessionName: 'chain',
            DurationSeconds: 3601,
          }),
        ),
      );
      expect(error).toMatchObject({
        name: 'ValidationError',
        status: 400,
        message:
          'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      });
      const out = await client.send(
        new AssumeRoleCommand({
          RoleArn: arn('target'),
          RoleSessionName: 'chain',
          DurationSeconds: 3600,
        }),
      );
      expect(h.store.lookup(out.Credentials!.AccessKeyId!)).toMatchObject({
        chained: true,
        roleName: 'target',
      });
      // A chained session can chain again (target trusts itself), still within the cap.
      const again = await h
        .client({ credentials: asIdentity(out.Credentials) })
        .send(new AssumeRoleCommand({ RoleArn: arn('target'), RoleSessionName: 'chain2' }));
      expect(again.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/target/chain2`);
    });

    it('denies principals the role does not trust, naming both ARNs', async () => {
      const error = await caught(
        ci().send(new AssumeRoleCommand({ RoleArn: arn('private-role'), RoleSessionName: 's1' })),
      );
      expect(error).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:iam::${ACCOUNT}:user/ci-user is not authorized to perform: sts:AssumeRole on resource: ${arn('private-role')}`,
      });
      const web = h.client({ credentials: await webCredentials() });
      const fromRole = await caught(
        web.send(new AssumeRoleCommand({ RoleArn: arn('mfa-role'), RoleSessionName: 's1' })),
      );
      expect(fromRole.message).toBe(
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/source-web/web is not authorized to perform: sts:AssumeRole on resource: ${arn('mfa-role')}`,
      );
    });

    it('enforces DurationSeconds bounds', async () => {
      const send = (DurationSeconds: number) =>
        ci().send(
          new AssumeRoleCommand({
            RoleArn: arn('mfa-role'),
            RoleSessionName: 's1',
            DurationSeconds,
            SerialNumber: CI_MFA,
            TokenCode: '123456',
          }),
        );
      expect((await caught(send(3601))).message).toBe(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
      expect((await caught(send(43201))).message).toBe(
        "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
      );
      expect((await caught(send(100))).message).toBe(
        "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      );
    });
  });

  describe('MFA', () => {
    const assumeMfa = (
      credentials: typeof CI_USER,
      mfa: { SerialNumber?: string; TokenCode?: string },
    ) =>
      h
        .client({ credentials })
        .send(new AssumeRoleCommand({ RoleArn: arn('mfa-role'), RoleSessionName: 'mfa', ...mfa }));

    it('requires MFA on roles that demand it', async () => {
      expect(await caught(assumeMfa(CI_USER, {}))).toMatchObject({
        name: 'AccessDenied',
        status: 403,
      });
    });

    it("accepts the device's dev code", async () => {
      const out = await assumeMfa(CI_USER, { SerialNumber: CI_MFA, TokenCode: '123456' });
      expect(h.store.lookup(out.Credentials!.AccessKeyId!)?.mfaAuthenticated).toBe(true);
    });

    it('rejects a wrong code with the AWS MFA message', async () => {
      expect(
        await caught(assumeMfa(CI_USER, { SerialNumber: CI_MFA, TokenCode: '654321' })),
      ).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
      });
      expect(
        (await caught(assumeMfa(CI_USER, { SerialNumber: TOTP_MFA, TokenCode: '123456' }))).message,
      ).toBe('MultiFactorAuthentication failed with invalid MFA one time pass code.');
    });

    it('accepts TOTP codes of the current step and one step either side, on the STS clock', async () => {
      const now = h.clock.now();
      for (const offset of [-30_000, 0, 30_000]) {
        await expect(
          assumeMfa(TOTP_USER, {
            SerialNumber: TOTP_MFA,
            TokenCode: totpCode(TOTP_SECRET, now + offset),
          }),
        ).resolves.toBeDefined();
      }
      const stale = totpCode(TOTP_SECRET, now - 90_000);
      const valid = [-1, 0, 1].map((step) => totpCode(TOTP_SECRET, now, step));
      if (!valid.includes(stale)) {
        expect(
          (await caught(assumeMfa(TOTP_USER, { SerialNumber: TOTP_MFA, TokenCode: stale }))).name,
        ).toBe('AccessDenied');
      }
    });

    it('validates the TokenCode shape', async () => {
      expect(
        await caught(assumeMfa(CI_USER, { SerialNumber: CI_MFA, TokenCode: '12ab56' })),
      ).toMatchObject({
        name: 'ValidationError',
        message:
          "1 validation error detected: Value '***' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
      });
    });
  });

  describe('GetSessionToken', () => {
    it('issues session credentials for a long-term key (default 12 hours)', async () => {
      const out = await ci().send(new GetSessionTokenCommand({}));
      expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 43200 * 1000);
      const me = await h
        .client({ credentials: asIdentity(out.Credentials) })
        .send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/ci-user`);
    });

    it('accepts 900 to 129600 seconds', async () => {
      const out = await ci().send(new GetSessionTokenCommand({ DurationSeconds: 129600 }));
      expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 129600 * 1000);
      expect(
        (await caught(ci().send(new GetSessionTokenCommand({ DurationSeconds: 129601 })))).name,
      ).toBe('ValidationError');
      expect(
        (await caught(ci().send(new GetSessionTokenCommand({ DurationSeconds: 899 })))).name,
      ).toBe('ValidationError');
    });

    it('refuses temporary credentials like AWS', async () => {
      const error = await caught(
        h.client({ credentials: await webCredentials() }).send(new GetSessionTokenCommand({})),
      );
      expect(error).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: 'Cannot call GetSessionToken with session credentials',
      });
    });

    it('carries MFA into AssumeRole of roles that require it', async () => {
      const session = await ci().send(
        new GetSessionTokenCommand({ SerialNumber: CI_MFA, TokenCode: '123456' }),
      );
      const out = await h
        .client({ credentials: asIdentity(session.Credentials) })
        .send(new AssumeRoleCommand({ RoleArn: arn('mfa-role'), RoleSessionName: 'after-mfa' }));
      expect(out.AssumedRoleUser?.Arn).toContain('assumed-role/mfa-role/after-mfa');
      const plain = await ci().send(new GetSessionTokenCommand({}));
      const error = await caught(
        h
          .client({ credentials: asIdentity(plain.Credentials) })
          .send(new AssumeRoleCommand({ RoleArn: arn('mfa-role'), RoleSessionName: 'no-mfa' })),
      );
      expect(error.name).toBe('AccessDenied');
    });
  });

  describe('GetCallerIdentity', () => {
    it('names a long-term user', async () => {
      const me = await ci().send(new GetCallerIdentityCommand({}));
      expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ci-user` });
      expect(me.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    });

    it('refuses requests signed too far from the STS clock, and the SDK corrects its clock from the Date header', async () => {
      h.clock.advance(20 * 60 * 1000);
      try {
        const error = await caught(ci().send(new GetCallerIdentityCommand({})));
        expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
        expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
        const retrying = h.client({ credentials: CI_USER, maxAttempts: 2 });
        await expect(retrying.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
          Account: ACCOUNT,
        });
      } finally {
        h.clock.advance(-20 * 60 * 1000);
      }
    });
  });
});
