import { sessionPhase, type SessionStatus } from '@fedcreds/core';

/**
 * Whether only the user can get the session going again: after `signOut()`, before anyone signed
 * in, or when the IdP needs them (a refused renewal, an expired SAML response).
 */
export const needsSignIn = (status: SessionStatus) => sessionPhase(status) === 'sign-in';
