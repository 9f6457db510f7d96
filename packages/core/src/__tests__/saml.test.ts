import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSamlAssertion,
  InvalidParameterError,
  parseSamlAttributes,
  parseSamlRoles,
  SAML_ROLE_ATTRIBUTE,
  samlRoleName,
} from '@fedcreds/core';
import {
  startSamlIdp,
  resolveDevstackConfig,
  roleArn,
  samlProviderArn,
  type SamlIdpServer,
} from '@fedcreds/devstack';

const toBase64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

const ROLE_A = 'arn:aws:iam::123456789012:role/Admin';
const ROLE_B = 'arn:aws:iam::123456789012:role/Read&Only';
const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/Corp';

const handMade = `<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">
  <saml2:Assertion>
    <saml2:Subject><saml2:NameID>zoë@example.test</saml2:NameID>
      <saml2:SubjectConfirmation><saml2:SubjectConfirmationData NotOnOrAfter="2030-01-01T00:10:00Z"/></saml2:SubjectConfirmation>
    </saml2:Subject>
    <saml2:Conditions NotBefore="2030-01-01T00:00:00Z" NotOnOrAfter="2030-01-01T00:05:00Z"/>
    <saml2:AuthnStatement SessionNotOnOrAfter="2030-01-01T08:00:00Z"/>
    <saml2:AttributeStatement>
      <saml2:Attribute Name="${SAML_ROLE_ATTRIBUTE}">
        <saml2:AttributeValue xsi:type="xs:string">${ROLE_A},${PROVIDER}</saml2:AttributeValue>
        <saml2:AttributeValue> ${PROVIDER} , ${ROLE_B.replace('&', '&amp;')} </saml2:AttributeValue>
        <saml2:AttributeValue>${ROLE_A},${PROVIDER}</saml2:AttributeValue>
        <saml2:AttributeValue>not-an-arn,${PROVIDER}</saml2:AttributeValue>
      </saml2:Attribute>
      <saml2:Attribute Name='https://aws.amazon.com/SAML/Attributes/RoleSessionName'>
        <saml2:AttributeValue>zo<!-- comment -->e</saml2:AttributeValue>
      </saml2:Attribute>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml2:AttributeValue>7200</saml2:AttributeValue></saml2:Attribute>
    </saml2:AttributeStatement>
  </saml2:Assertion>
</samlp:Response>`;

describe('decodeSamlAssertion', () => {
  it('decodes base64 (wrapped at 76 columns, UTF-8) to the XML', () => {
    const wrapped = toBase64(handMade).replace(/(.{76})/g, '$1\r\n');
    expect(decodeSamlAssertion(wrapped)).toBe(handMade);
  });

  it.each([
    ['empty', ''],
    ['not base64', 'this is *not* base64!'],
    ['base64 of plain text', toBase64('hello, world')],
    ['base64 of JSON', toBase64('{"SAMLResponse":1}')],
    ['base64 of binary', btoa('\u0000\u00ff\u00fe')],
  ])('rejects %s as InvalidParameterError naming SAMLAssertion', (_label, value) => {
    const attempt = () => decodeSamlAssertion(value);
    expect(attempt).toThrow(InvalidParameterError);
    try {
      attempt();
    } catch (err) {
      expect((err as InvalidParameterError).parameter).toBe('SAMLAssertion');
    }
  });
});

describe('samlRoleName', () => {
  it('is what follows :role/ in the role ARN, path and special characters included', () => {
    expect(samlRoleName({ roleArn: ROLE_A, principalArn: PROVIDER })).toBe('Admin');
    expect(samlRoleName({ roleArn: ROLE_B, principalArn: PROVIDER })).toBe('Read&Only');
    expect(
      samlRoleName({ roleArn: 'arn:aws:iam::123456789012:role/team/dev', principalArn: PROVIDER }),
    ).toBe('team/dev');
  });
});

describe('parseSamlRoles', () => {
  it('reads role/provider pairs in either order, unescaped, de-duplicated, skipping malformed ones', () => {
    const expected = [
      { roleArn: ROLE_A, principalArn: PROVIDER },
      { roleArn: ROLE_B, principalArn: PROVIDER },
    ];
    expect(parseSamlRoles(handMade)).toEqual(expected);
    expect(parseSamlRoles(toBase64(handMade))).toEqual(expected);
  });

  it('returns no roles when the attribute is absent', () => {
    expect(parseSamlRoles('<Response><Assertion/></Response>')).toEqual([]);
  });

  describe('on a response signed by the devstack IdP', () => {
    let idp: SamlIdpServer;
    const config = resolveDevstackConfig({ ports: { oidc: 0, saml: 0, sts: 0, gateway: 0 } });
    beforeAll(async () => {
      idp = await startSamlIdp(config, { port: 0 });
    });
    afterAll(async () => {
      await idp?.stop();
    });

    it("lists the user's roles and attributes", async () => {
      const assertion = await idp.issueAssertion({ username: 'alice' });
      const principalArn = samlProviderArn(config);
      expect(parseSamlRoles(assertion)).toEqual(
        expect.arrayContaining([
          { roleArn: roleArn(config, 'fedcreds-demo-saml'), principalArn },
          { roleArn: roleArn(config, 'fedcreds-demo-saml-readonly'), principalArn },
        ]),
      );
      const attributes = parseSamlAttributes(assertion);
      expect(attributes.roleSessionName).toBe('alice');
      expect(attributes.sessionDurationSeconds).toBe(config.saml.sessionDurationSeconds);
      expect(attributes.notOnOrAfter).toBeInstanceOf(Date);
    });
  });
});

describe('parseSamlAttributes', () => {
  it('reads RoleSessionName, SessionDuration, NotOnOrAfter, SessionNotOnOrAfter and NameID', () => {
    const attributes = parseSamlAttributes(handMade);
    expect(attributes).toMatchObject({
      roleSessionName: 'zoe',
      sessionDurationSeconds: 7200,
      notOnOrAfter: new Date('2030-01-01T00:05:00Z'),
      sessionNotOnOrAfter: new Date('2030-01-01T08:00:00Z'),
      nameId: 'zoë@example.test',
    });
    expect(attributes.roles).toHaveLength(2);
    expect(attributes.attributes['https://aws.amazon.com/SAML/Attributes/SessionDuration']).toEqual(
      ['7200'],
    );
  });
});
