import { escapeXml } from '../text/escapeXml.js';

/** SAML attribute names AWS reads from an assertion (the IdP writes the first three, STS reads all). */
export const AWS_SAML_ATTRIBUTES = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  sessionDuration: 'https://aws.amazon.com/SAML/Attributes/SessionDuration',
  sourceIdentity: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
} as const;

/** Everything that varies between two SAML responses of the devstack IdP. */
export interface SamlResponseFields {
  responseId: string;
  assertionId: string;
  issuer: string;
  destination: string;
  audience: string;
  nameId: string;
  /** When the response is issued (also `NotBefore` and `AuthnInstant`). */
  issueInstant: Date;
  notOnOrAfter: Date;
  /** `roleArn,principalArn` pairs, one `AttributeValue` each. */
  rolePairs: string[];
  roleSessionName: string;
  sessionDurationSeconds: number;
}

const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const ATTRNAME_URI = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

/**
 * The unsigned SAML 2.0 Response of an IdP-initiated login, shaped like the ones AWS sign-in
 * accepts: a persistent NameID, a bearer SubjectConfirmation for the ACS, an audience restriction
 * and the AWS Role / RoleSessionName / SessionDuration attributes. Signing happens afterwards
 * (the signature goes right after each `Issuer`, as the schema wants).
 */
export function buildSamlResponseXml(f: SamlResponseFields): string {
  const instant = f.issueInstant.toISOString();
  const notOnOrAfter = f.notOnOrAfter.toISOString();
  const attribute = (name: string, values: string[]) =>
    `<saml:Attribute Name="${escapeXml(name)}" NameFormat="${ATTRNAME_URI}">${values
      .map((value) => `<saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${escapeXml(f.responseId)}" Version="2.0" IssueInstant="${instant}" Destination="${escapeXml(f.destination)}">` +
    `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${escapeXml(f.assertionId)}" Version="2.0" IssueInstant="${instant}">` +
    `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>` +
    `<saml:Subject>` +
    `<saml:NameID Format="${NAMEID_PERSISTENT}">${escapeXml(f.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${escapeXml(f.destination)}"/>` +
    `</saml:SubjectConfirmation>` +
    `</saml:Subject>` +
    `<saml:Conditions NotBefore="${instant}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(f.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${escapeXml(f.assertionId)}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    `<saml:AttributeStatement>` +
    attribute(AWS_SAML_ATTRIBUTES.role, f.rolePairs) +
    attribute(AWS_SAML_ATTRIBUTES.roleSessionName, [f.roleSessionName]) +
    attribute(AWS_SAML_ATTRIBUTES.sessionDuration, [String(f.sessionDurationSeconds)]) +
    `</saml:AttributeStatement>` +
    `</saml:Assertion>` +
    `</samlp:Response>`
  );
}
