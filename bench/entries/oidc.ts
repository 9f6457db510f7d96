// @fedcreds/core/oidc: an OIDC session over an oidc-client-ts UserManager.
import { createOidcSession } from '@fedcreds/core/oidc';
import { UserManager } from 'oidc-client-ts';

export const session = createOidcSession({
  userManager: new UserManager({
    authority: 'https://idp.example.com',
    client_id: 'spa',
    redirect_uri: 'https://app.example.com/',
  }),
  roleArn: 'arn:aws:iam::123456789012:role/web',
});
