import { SAML } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_SAML_ATTRIBUTES,
  resolveDevstackConfig,
  roleArn,
  samlLogin,
  samlProviderArn,
  startSamlIdp,
  validateSamlSchema,
} from '@fedcreds/devstack';
import type { DevstackConfig, SamlIdpServer } from '@fedcreds/devstack';

const ALICE = { username: 'alice', password: 'alice-password' };

let config: DevstackConfig;
let idp: SamlIdpServer;
/** An IdP whose clock is ten minutes behind, so everything it signs is already expired. */
let lateIdp: SamlIdpServer;

beforeAll(async () => {
  config = resolveDevstackConfig({ ports: { saml: 0 }, saml: { sessionDurationSeconds: 1800 } });
  idp = await startSamlIdp(config, { port: 0 });
  lateIdp = await startSamlIdp(config, { port: 0, clock: () => Date.now() - 10 * 60_000 });
});

afterAll(async () => {
  await idp.stop();
  await lateIdp.stop();
});

/** node-saml set up the way an SP that trusts `cert` would be: both signatures required. */
function verifier(cert = idp.signingCertPem, acsUrl = idp.acsUrl): SAML {
  return new SAML({
    idpCert: cert,
    audience: config.saml.spEntityId,
    callbackUrl: acsUrl,
    issuer: config.saml.spEntityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
  });
}

const decode = (samlResponse: string) => Buffer.from(samlResponse, 'base64').toString('utf8');
const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

function attribute(xml: string, localName: string, name: string): string | null {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const element = Array.from(doc.getElementsByTagNameNS('*', localName))[0];
  return element?.getAttribute(name) ?? null;
}

describe('startSamlIdp', () => {
  it('issues a signed response that node-saml accepts, with the AWS attributes of alice', async () => {
    const samlResponse = await idp.issueAssertion({ username: 'alice' });
    const { profile, loggedOut } = await verifier().validatePostResponseAsync({
      SAMLResponse: samlResponse,
    });

    expect(loggedOut).toBe(false);
    expect(profile?.issuer).toBe(idp.entityId);
    expect(profile?.nameID).toBe('alice');
    expect(profile?.[AWS_SAML_ATTRIBUTES.role]).toEqual([
      `${roleArn(config, 'fedcreds-demo-saml')},${samlProviderArn(config)}`,
      `${roleArn(config, 'fedcreds-demo-saml-readonly')},${samlProviderArn(config)}`,
    ]);
    expect(profile?.[AWS_SAML_ATTRIBUTES.roleSessionName]).toBe('alice');
    expect(profile?.[AWS_SAML_ATTRIBUTES.sessionDuration]).toBe('1800');
  });

  it('offers bob only his role', async () => {
    const { profile } = await verifier().validatePostResponseAsync({
      SAMLResponse: await idp.issueAssertion({ username: 'bob' }),
    });
    expect(profile?.nameID).toBe('bob');
    expect(profile?.[AWS_SAML_ATTRIBUTES.role]).toBe(
      `${roleArn(config, 'fedcreds-demo-saml-readonly')},${samlProviderArn(config)}`,
    );
  });

  it('writes issuer, audience, recipient and a NotOnOrAfter of assertionTtlSeconds', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'alice' }));
    const issued = Date.parse(attribute(xml, 'Assertion', 'IssueInstant') ?? '');
    const notOnOrAfter = Date.parse(attribute(xml, 'Conditions', 'NotOnOrAfter') ?? '');
    expect(notOnOrAfter - issued).toBe(config.saml.assertionTtlSeconds * 1000);
    expect(attribute(xml, 'SubjectConfirmationData', 'Recipient')).toBe(idp.acsUrl);
    expect(attribute(xml, 'Response', 'Destination')).toBe(idp.acsUrl);
    expect(xml).toContain(`<saml:Audience>${config.saml.spEntityId}</saml:Audience>`);
    expect(xml).toContain(`<saml:Issuer>${idp.entityId}</saml:Issuer>`);
  });

  it('signs both the response and the assertion with RSA-SHA256 and exclusive c14n', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'alice' }));
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const signatures = Array.from(
      doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature'),
    );
    expect(
      signatures.map((signature) => (signature.parentNode as Element | null)?.localName),
    ).toEqual(['Response', 'Assertion']);
    expect(
      xml.match(
        /SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256"/g,
      ),
    ).toHaveLength(2);
    expect(
      xml.match(
        /CanonicalizationMethod Algorithm="http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#"/g,
      ),
    ).toHaveLength(2);
  });

  it('produces responses that are valid against the SAML 2.0 schema', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'alice' }));
    await expect(validateSamlSchema(xml)).resolves.toBe(true);
    const broken = xml.replace('<samlp:Status>', '<samlp:Bogus/><samlp:Status>');
    await expect(validateSamlSchema(broken)).rejects.toThrow(/not schema-valid/);
  });

  it('honours the notOnOrAfterSeconds, sessionDurationSeconds and roles overrides', async () => {
    const otherPair =
      'arn:aws:iam::210987654321:role/elsewhere,arn:aws:iam::210987654321:saml-provider/other';
    const samlResponse = await idp.issueAssertion({
      username: 'alice',
      notOnOrAfterSeconds: 60,
      sessionDurationSeconds: 900,
      roles: ['fedcreds-demo-saml', otherPair],
    });
    const xml = decode(samlResponse);
    const issued = Date.parse(attribute(xml, 'Assertion', 'IssueInstant') ?? '');
    expect(Date.parse(attribute(xml, 'Conditions', 'NotOnOrAfter') ?? '') - issued).toBe(60_000);
    const { profile } = await verifier().validatePostResponseAsync({ SAMLResponse: samlResponse });
    expect(profile?.[AWS_SAML_ATTRIBUTES.role]).toEqual([
      `${roleArn(config, 'fedcreds-demo-saml')},${samlProviderArn(config)}`,
      otherPair,
    ]);
    expect(profile?.[AWS_SAML_ATTRIBUTES.sessionDuration]).toBe('900');
  });

  it('rejects a response whose Role value was tampered with', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'bob' }));
    const tampered = xml.replace('role/fedcreds-demo-saml-readonly', 'role/fedcreds-demo-saml');
    expect(tampered).not.toBe(xml);
    await expect(
      verifier().validatePostResponseAsync({ SAMLResponse: encode(tampered) }),
    ).rejects.toThrow();
  });

  it('rejects a response whose NameID was tampered with', async () => {
    const xml = decode(await idp.issueAssertion({ username: 'bob' }));
    const tampered = xml.replace('>bob</saml:NameID>', '>alice</saml:NameID>');
    expect(tampered).not.toBe(xml);
    await expect(
      verifier().validatePostResponseAsync({ SAMLResponse: encode(tampered) }),
    ).rejects.toThrow();
  });

  it('rejects an expired assertion', async () => {
    const samlResponse = await lateIdp.issueAssertion({ username: 'alice' });
    await expect(
      verifier(lateIdp.signingCertPem, lateIdp.acsUrl).validatePostResponseAsync({
        SAMLResponse: samlResponse,
      }),
    ).rejects.toThrow(/expired/i);
  });

  it('rejects a response signed by another IdP', async () => {
    const samlResponse = await lateIdp.issueAssertion({
      username: 'alice',
      notOnOrAfterSeconds: 3600,
    });
    await expect(
      verifier().validatePostResponseAsync({ SAMLResponse: samlResponse }),
    ).rejects.toThrow();
  });

  it('refuses to issue for an unknown user', async () => {
    await expect(idp.issueAssertion({ username: 'mallory' })).rejects.toThrow(
      /unknown user "mallory"/,
    );
  });

  it('serves IdP metadata with its entity id and signing certificate', async () => {
    const response = await fetch(`${idp.url}/metadata`);
    const xml = await response.text();
    expect(response.headers.get('content-type')).toContain('xml');
    expect(xml).toBe(idp.metadataXml);
    expect(attribute(xml, 'EntityDescriptor', 'entityID')).toBe(idp.entityId);
    const certBody = idp.signingCertPem.replace(/-----[^-]+-----|\s/g, '');
    expect(xml.replace(/\s/g, '')).toContain(certBody);
  });

  describe('browser hand-off', () => {
    it('samlLogin goes login form → auto-post page → ACS → app URL with the response in the fragment', async () => {
      const { samlResponse, returnUrl } = await samlLogin(idp, ALICE);
      expect(returnUrl).toBe(config.saml.appReturnUrl);
      const { profile } = await verifier().validatePostResponseAsync({
        SAMLResponse: samlResponse,
      });
      expect(profile?.nameID).toBe('alice');
      expect(profile?.[AWS_SAML_ATTRIBUTES.role]).toHaveLength(2);
    });

    it('shows an auto-posting form that runs only a same-origin script', async () => {
      const response = await fetch(idp.loginUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(ALICE).toString(),
      });
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(html).toContain(`<form method="post" action="${idp.acsUrl}">`);
      expect(html).toContain('<input type="hidden" name="SAMLResponse" value="');
      expect(html).toMatch(/<button id="submit" type="submit" data-autosubmit>/);
      expect(html).toContain('<script src="/autosubmit.js" defer></script>');
      expect(html).not.toMatch(/<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=/i);
      const external = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
      for (const url of external) expect(url).toMatch(/^\/(?!\/)/);

      const script = await fetch(`${idp.url}/autosubmit.js`);
      expect(script.headers.get('content-type')).toContain('javascript');
      expect(await script.text()).toContain('[data-autosubmit]');
    });

    it('ACS redirects to the app with the url-encoded response in the fragment, and rejects a missing one', async () => {
      const samlResponse = await idp.issueAssertion({ username: 'alice' });
      const post = (body: Record<string, string>) =>
        fetch(idp.acsUrl, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body).toString(),
        });
      const response = await post({ SAMLResponse: samlResponse });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(
        `${config.saml.appReturnUrl}#SAMLResponse=${encodeURIComponent(samlResponse)}`,
      );
      expect((await post({ RelayState: 'x' })).status).toBe(400);
    });

    it('keeps the user at the login form after a wrong password', async () => {
      const response = await fetch(idp.loginUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'alice', password: 'not-her-password' }).toString(),
      });
      const html = await response.text();
      expect(response.status).toBe(401);
      expect(html).toContain('Wrong username or password');
      expect(html).toContain('name="username" type="text" value="alice"');
      expect(html).not.toContain('not-her-password');
      expect(html).not.toContain('SAMLResponse');
      await expect(
        samlLogin(idp, { username: 'alice', password: 'not-her-password' }),
      ).rejects.toThrow(/rejected the credentials of "alice"/);
    });
  });

  it('stop() closes the server', async () => {
    const other = await startSamlIdp(config, { port: 0 });
    await expect(fetch(`${other.url}/metadata`)).resolves.toMatchObject({ status: 200 });
    await other.stop();
    await expect(fetch(`${other.url}/metadata`)).rejects.toThrow();
  });
});
