import { parseSamlRoles, type SamlRole } from './parseSamlRoles.js';
import { samlAttributeValues, samlXml, xmlAttribute, xmlElements, xmlText } from './samlXml.js';

/** The AWS-relevant content of a SAML response, read without verifying it. */
export interface SamlAttributes {
  /** Roles offered by the `https://aws.amazon.com/SAML/Attributes/Role` attribute. */
  roles: SamlRole[];
  /** `https://aws.amazon.com/SAML/Attributes/RoleSessionName`, if present. */
  roleSessionName: string | undefined;
  /** `https://aws.amazon.com/SAML/Attributes/SessionDuration`, in seconds, if present and numeric. */
  sessionDurationSeconds: number | undefined;
  /** When the assertion stops being accepted (`Conditions` or `SubjectConfirmationData` `NotOnOrAfter`). */
  notOnOrAfter: Date | undefined;
  /** `AuthnStatement` `SessionNotOnOrAfter`: STS caps the session there. */
  sessionNotOnOrAfter: Date | undefined;
  /** The `NameID` of the subject, if present. */
  nameId: string | undefined;
  /** Every attribute by name, with its text values. */
  attributes: Record<string, string[]>;
}

const AWS_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/';

/**
 * Reads what matters to AWS from a SAML response — roles, `RoleSessionName`, `SessionDuration`,
 * and the `NotOnOrAfter` deadline after which STS refuses the assertion — without verifying it.
 *
 * @param base64OrXml - the base64 `SAMLResponse` as posted, or its XML.
 * @throws {@link InvalidParameterError} naming `SAMLAssertion` if base64 input is not base64 of XML.
 *
 * @example
 * ```ts
 * const { notOnOrAfter } = parseSamlAttributes(samlResponse);
 * // get a fresh assertion from the IdP before notOnOrAfter to keep refreshing
 * ```
 */
export function parseSamlAttributes(base64OrXml: string): SamlAttributes {
  const xml = samlXml(base64OrXml);
  const values = samlAttributeValues(xml);
  const duration = Number(values.get(`${AWS_ATTRIBUTE}SessionDuration`)?.[0]);
  return {
    roles: parseSamlRoles(xml),
    roleSessionName: values.get(`${AWS_ATTRIBUTE}RoleSessionName`)?.[0],
    sessionDurationSeconds: Number.isFinite(duration) && duration > 0 ? duration : undefined,
    notOnOrAfter: firstDate(xml, ['Conditions', 'SubjectConfirmationData'], 'NotOnOrAfter'),
    sessionNotOnOrAfter: firstDate(xml, ['AuthnStatement'], 'SessionNotOnOrAfter'),
    nameId: firstText(xml, 'NameID'),
    attributes: Object.fromEntries(values),
  };
}

function firstDate(xml: string, elements: string[], attribute: string): Date | undefined {
  for (const element of elements) {
    for (const { attributes } of xmlElements(xml, element)) {
      const value = xmlAttribute(attributes, attribute);
      const date = value === undefined ? undefined : new Date(value);
      if (date && !Number.isNaN(date.getTime())) return date;
    }
  }
  return undefined;
}

function firstText(xml: string, element: string): string | undefined {
  const first = xmlElements(xml, element).next();
  return first.done ? undefined : xmlText(first.value.inner);
}
