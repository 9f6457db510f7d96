import type { SessionStatus } from '@fedcreds/core';

/**
 * Whether only the user can get the session going again: after `signOut()`, or when the IdP
 * needs them (no stored user yet, a refused renewal, an expired SAML response).
 */
export const needsSignIn = (status: SessionStatus) =>
  status === 'signed-out' || status === 'reauth-required';
