import { createHash } from 'node:crypto';
import { AssumeRoleWithSAMLCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDevstackConfig, roleArn, samlProviderArn, startSamlIdp } from '@fedcreds/devstack';
import type { SamlIdpServer } from '@fedcreds/devstack';
import { caught, rawSts, startStsHarness, testClock } from './stsFixtures.js';
import type { StsHarness } from './stsFixtures.js';

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

describe('STS AssumeRoleWithSAML', () => {
  const config = defaultDevstackConfig();
  let idp: SamlIdpServer;
  let otherIdp: SamlIdpServer;
  let h: StsHarness;
  let client: STSClient;
  const RoleArn = roleArn(config, 'fedcreds-demo-saml');
  const PrincipalArn = samlProviderArn(config);

  beforeAll(async () => {
    // One clock for IdP and STS, so NotOnOrAfter and the STS's "now" are on the same timeline.
    const clock = testClock();
    idp = await startSamlIdp(config, { port: 0, clock: clock.now });
    otherIdp = await startSamlIdp(config, { port: 0, clock: clock.now });
    h = await startStsHarness({}, { samlSigningCertPem: idp.signingCertPem, clock });
    client = h.client();
  });

  afterAll(async () => {
    await h.sts.stop();
    await Promise.all([idp.stop(), otherIdp.stop()]);
  });

  const assume = (
    SAMLAssertion: string,
    extra: Partial<{ RoleArn: string; PrincipalArn: string; DurationSeconds: number }> = {},
  ) =>
    client.send(new AssumeRoleWithSAMLCommand({ RoleArn, PrincipalArn, SAMLAssertion, ...extra }));

  it('returns credentials and the assertion facts for a valid signed response', async () => {
    const out = await assume(await idp.issueAssertion({ username: 'alice' }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 3600 * 1000);
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${config.accountId}:assumed-role/fedcreds-demo-saml/alice`,
    );
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
    expect(out.Subject).toBe('alice');
    expect(out.SubjectType).toBe('persistent');
    expect(out.Issuer).toBe(idp.entityId);
    expect(out.Audience).toBe(idp.acsUrl);
    expect(out.NameQualifier).toBe(
      createHash('sha1')
        .update(`${idp.entityId}${config.accountId}/${config.saml.providerName}`)
        .digest('base64'),
    );
  });

  it('rejects a response whose signed content was changed', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'bob' }));
    const tampered = xml.replace('>bob</saml:AttributeValue>', '>alice</saml:AttributeValue>');
    expect(tampered).not.toBe(xml);
    const error = await caught(
      assume(encode(tampered), { RoleArn: roleArn(config, 'fedcreds-demo-saml-readonly') }),
    );
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
  });

  it('rejects an extra unsigned assertion wrapped around a signed one', async () => {
    const bob = decode(await idp.issueAssertion({ username: 'bob' }));
    const forged = bob
      .match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0]
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
      .replace(/ID="[^"]+"/, 'ID="_forged"')
      .replace('fedcreds-demo-saml-readonly', 'fedcreds-demo-saml');
    const wrapped = bob.replace('<saml:Assertion', `${forged}<saml:Assertion`);
    expect(await caught(assume(encode(wrapped)))).toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
  });

  it('rejects a response signed by another IdP', async () => {
    const error = await caught(assume(await otherIdp.issueAssertion({ username: 'alice' })));
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
  });

  it('answers ExpiredTokenException for an assertion past NotOnOrAfter', async () => {
    const error = await caught(
      assume(await idp.issueAssertion({ username: 'alice', notOnOrAfterSeconds: -5 })),
    );
    expect(error.name).toBe('ExpiredTokenException');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /^Token expired: current date\/time \S+ must be before the expiration date\/time \S+$/,
    );
  });

  it('decides assertion expiry on the injected clock', async () => {
    const assertion = await idp.issueAssertion({ username: 'alice', notOnOrAfterSeconds: 300 });
    await expect(assume(assertion)).resolves.toBeDefined();
    h.clock.advance(301 * 1000);
    try {
      expect((await caught(assume(assertion))).name).toBe('ExpiredTokenException');
    } finally {
      h.clock.advance(-301 * 1000);
    }
  });

  it('denies a role the assertion does not offer', async () => {
    const error = await caught(assume(await idp.issueAssertion({ username: 'bob' })));
    expect(error).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: 'Not authorized to perform sts:AssumeRoleWithSAML',
    });
  });

  it('accepts the Role pair in either order', async () => {
    const assertion = await idp.issueAssertion({
      username: 'bob',
      roles: [`${PrincipalArn},${RoleArn}`],
    });
    const out = await assume(assertion);
    expect(out.AssumedRoleUser?.Arn).toContain('assumed-role/fedcreds-demo-saml/bob');
  });

  it('caps the session at the SessionDuration attribute', async () => {
    const out = await assume(
      await idp.issueAssertion({ username: 'alice', sessionDurationSeconds: 1200 }),
      {
        DurationSeconds: 3600,
      },
    );
    expect(out.Credentials?.Expiration?.getTime()).toBe(h.clock.now() + 1200 * 1000);
  });

  it('still enforces the role maximum on DurationSeconds', async () => {
    const error = await caught(
      assume(await idp.issueAssertion({ username: 'alice' }), { DurationSeconds: 7200 }),
    );
    expect(error).toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });

  it('rejects a PrincipalArn of a provider the account does not have', async () => {
    const assertion = await idp.issueAssertion({ username: 'alice' });
    const error = await caught(
      assume(assertion, {
        PrincipalArn: `arn:aws:iam::${config.accountId}:saml-provider/someone-else`,
      }),
    );
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException' });
    expect(
      (
        await caught(
          assume(assertion, { PrincipalArn: 'arn:aws:iam::123456789012:user/not-a-provider' }),
        )
      ).name,
    ).toBe('ValidationError');
  });

  it('answers undecodable or non-SAML assertions with InvalidIdentityToken, not a crash', async () => {
    for (const garbage of [
      '%%%not base64%%%',
      encode('plain text, not xml'),
      encode('<a><b></a>'),
      encode('<html/>'),
    ]) {
      expect(await caught(assume(garbage))).toMatchObject({
        name: 'InvalidIdentityTokenException',
        status: 400,
      });
    }
    await expect(assume(await idp.issueAssertion({ username: 'alice' }))).resolves.toBeDefined();
  });

  it('refuses documents with a DTD', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'alice' }));
    const withDtd = `<!DOCTYPE x [<!ENTITY e "alice">]>${xml}`;
    expect(await caught(assume(encode(withDtd)))).toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
  });

  it('reports missing parameters as one ValidationError', async () => {
    const response = await rawSts(h.sts.url, {
      Action: 'AssumeRoleWithSAML',
      Version: '2011-06-15',
      RoleArn,
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<Code>ValidationError</Code>');
    expect(response.text).toContain(
      "2 validation errors detected: Value null at 'principalArn' failed to satisfy constraint: Member must not be null; Value null at 'sAMLAssertion' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('STS AssumeRoleWithSAML without a signing certificate', () => {
  it('rejects every assertion', async () => {
    const config = defaultDevstackConfig();
    const idp = await startSamlIdp(config, { port: 0 });
    const h = await startStsHarness();
    try {
      const error = await caught(
        h.client().send(
          new AssumeRoleWithSAMLCommand({
            RoleArn: roleArn(config, 'fedcreds-demo-saml'),
            PrincipalArn: samlProviderArn(config),
            SAMLAssertion: await idp.issueAssertion({ username: 'alice' }),
          }),
        ),
      );
      expect(error.name).toBe('InvalidIdentityTokenException');
    } finally {
      await h.sts.stop();
      await idp.stop();
    }
  });
});
