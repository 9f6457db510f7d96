import type { TokenDescription } from '../session/TokenDescription.js';
import type { IdpTokenKind } from '../session/IdpTokenKind.js';
import { parseSamlAttributes } from './parseSamlAttributes.js';

/** A base64 SAML response in `SAMLAssertion`. @internal */
export const samlTokenKind: IdpTokenKind = {
  param: 'SAMLAssertion',
  describe(token) {
    let attributes: ReturnType<typeof parseSamlAttributes>;
    try {
      attributes = parseSamlAttributes(token);
    } catch {
      return {};
    }
    const description: TokenDescription = {};
    if (attributes.notOnOrAfter) description.expiresAtMs = attributes.notOnOrAfter.getTime();
    if (attributes.sessionDurationSeconds !== undefined) {
      description.sessionDurationMs = attributes.sessionDurationSeconds * 1000;
    }
    if (attributes.nameId) description.subject = attributes.nameId;
    return description;
  },
};
