import type { TokenDescription } from './TokenDescription.js';

/**
 * The IdP token a credential class sends to STS, as a session sees it: which `params` field it
 * goes in, and how its claims are read. Each class names its own, so a session over web identity
 * carries no SAML code and one over SAML no JWT code.
 *
 * @internal
 */
export interface IdpTokenKind {
  /** The `params` field the session writes the token into before each refresh. */
  readonly param: 'WebIdentityToken' | 'SAMLAssertion';
  /**
   * Reads expiry and identity claims, without verifying the token. A token that cannot be read
   * (an opaque OAuth access token) yields an empty description: STS then judges it.
   */
  describe(token: string): TokenDescription;
}
