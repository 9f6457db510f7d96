import { config } from '../config';

/**
 * Sends the browser to the SAML IdP's login page (IdP-initiated), which returns to
 * `<origin>/saml#SAMLResponse=…`.
 */
export async function startSamlSignIn(): Promise<void> {
  window.location.assign(config.samlLoginUrl);
}
