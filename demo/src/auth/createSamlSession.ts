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
 */
export function createSamlSession(samlResponse: string, role: SamlRole): FederatedSession {
  const credentials = new SAMLCredentials(
    { RoleArn: role.roleArn, PrincipalArn: role.principalArn, SAMLAssertion: samlResponse },
    stsClientConfig,
  );
  const tokenSource = callbackTokenSource(
    async ({ forceRefresh }) => {
      if (forceRefresh) throw new ReauthRequiredError('login_required');
      return samlResponse;
    },
    { signIn: startSamlSignIn },
  );
  return createFederatedSession({ credentials, tokenSource, ...refreshTiming });
}
