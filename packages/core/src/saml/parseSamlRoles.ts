import { samlAttributeValues, samlXml } from './samlXml.js';

/** Name of the SAML attribute that lists the roles a user may assume. */
export const SAML_ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';

/** One role a SAML assertion offers: what to pass as `RoleArn` and `PrincipalArn`. */
export interface SamlRole {
  /** IAM role ARN (`arn:aws:iam::<account>:role/<name>`). */
  roleArn: string;
  /** ARN of the SAML provider in IAM (`arn:aws:iam::<account>:saml-provider/<name>`). */
  principalArn: string;
}

/**
 * The role's name — what follows `:role/` in its ARN (`arn:aws:iam::123456789012:role/admin` →
 * `admin`), for a role picker's labels.
 */
export function samlRoleName(role: SamlRole): string {
  return role.roleArn.slice(role.roleArn.indexOf(':role/') + ':role/'.length);
}

const ROLE_ARN = /^arn:aws[-a-z]*:iam::\d{12}:role\/\S+$/;
const SAML_PROVIDER_ARN = /^arn:aws[-a-z]*:iam::\d{12}:saml-provider\/\S+$/;

/**
 * Lists the roles a SAML response offers (its `https://aws.amazon.com/SAML/Attributes/Role`
 * values, each a role ARN and a SAML provider ARN in either order), for a role picker. The
 * assertion is not verified — STS does that when the chosen role is assumed.
 *
 * @param base64OrXml - the base64 `SAMLResponse` as posted, or its XML.
 * @throws {@link InvalidParameterError} naming `SAMLAssertion` if base64 input is not base64 of XML.
 *
 * @example
 * ```ts
 * const [role] = parseSamlRoles(samlResponse);
 * const creds = new SAMLCredentials({
 *   RoleArn: role.roleArn,
 *   PrincipalArn: role.principalArn,
 *   SAMLAssertion: samlResponse,
 * });
 * ```
 */
export function parseSamlRoles(base64OrXml: string): SamlRole[] {
  const values = samlAttributeValues(samlXml(base64OrXml)).get(SAML_ROLE_ATTRIBUTE) ?? [];
  const roles: SamlRole[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const parts = value.split(',').map((part) => part.trim());
    if (parts.length !== 2) continue;
    const roleArn = parts.find((part) => ROLE_ARN.test(part));
    const principalArn = parts.find((part) => SAML_PROVIDER_ARN.test(part));
    if (roleArn === undefined || principalArn === undefined) continue;
    const key = `${roleArn},${principalArn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    roles.push({ roleArn, principalArn });
  }
  return roles;
}
