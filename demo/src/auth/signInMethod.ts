/** How the current session was started, for display. */
export interface SignInMethod {
  kind: 'oidc' | 'saml';
  label: string;
}
