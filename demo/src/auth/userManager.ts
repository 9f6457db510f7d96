import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { config } from '../config';

/**
 * The demo's one OpenID Connect client: authorization code + PKCE, redirecting back to the app's
 * root. `offline_access` asks for a refresh token so the ID token can be renewed without a frame.
 * The user (ID token, refresh token) stays in sessionStorage, so a reload keeps the sign-in; a
 * new tab joins the signed-in tabs (the provider's `joinWhenSignedOut`), a closed browser does not. oidc-client-ts's own `automaticSilentRenew` (on by
 * default) is left as it is on purpose: the session stops it when it starts, and the e2e test
 * "no refresh-token grants while the ID token is fresh" checks that it does.
 */
export const userManager = new UserManager({
  authority: config.oidcAuthority,
  client_id: config.oidcClientId,
  redirect_uri: `${window.location.origin}/`,
  // The popup comes back to the same page, which hands the response to this window (main.tsx).
  popup_redirect_uri: `${window.location.origin}/`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  response_type: 'code',
  scope: 'openid profile email offline_access',
  userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  // The dev stack's IdP (node-oidc-provider) answers a token revocation 200 with text/plain,
  // which RFC 7009 allows and oidc-client-ts refuses unless told.
  revokeTokenAdditionalContentTypes: ['text/plain'],
});
