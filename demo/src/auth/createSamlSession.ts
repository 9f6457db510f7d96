import {
  callbackTokenSource,
  createFederatedSession,
  ReauthRequiredError,
  SAMLCredentials,
} from '@fedcreds/core';
import type { FederatedSession, SamlRole } from '@fedcreds/core';
import { refreshTiming, stsClientConfig } from '../config';
import { startSamlSignIn } from './startSamlSignIn';

/**
 * A session for the role the user picked from the SAML response. The response is the only token
 * this app gets without sending the user back to the IdP: the session may re-use it while it is
 * valid (STS checks its `NotOnOrAfter`); once STS refuses it, the user has to sign in again.
 *
 * Credentials persist in sessionStorage (the session's opt-in), so a reload of this tab keeps
 * working with them — rebuilt without the assertion, which is never stored — until they are due
 * for renewal; then the user signs in again.
 */
export function createSamlSession(
  samlResponse: string | undefined,
  role: SamlRole,
): FederatedSession {
  const credentials = new SAMLCredentials(
    {
      RoleArn: role.roleArn,
      PrincipalArn: role.principalArn,
      ...(samlResponse === undefined ? {} : { SAMLAssertion: samlResponse }),
    },
    stsClientConfig,
  );
  const tokenSource = callbackTokenSource(
    async ({ forceRefresh }) => {
      if (forceRefresh || samlResponse === undefined)
        throw new ReauthRequiredError('login_required');
      return samlResponse;
    },
    { signIn: startSamlSignIn },
  );
  return createFederatedSession({
    credentials,
    tokenSource,
    persistence: 'sessionStorage',
    ...refreshTiming,
  });
}
