// Do-it-yourself: react-oidc-context for the login, fromWebToken + memoize for credentials.
// The package's browser index (its "browser" map has no .js extension, which esbuild does not match).
import { fromWebToken } from '@aws-sdk/credential-providers/dist-es/index.browser.js';
import { memoize } from '@smithy/property-provider';
import { useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthProvider, useAuth } from 'react-oidc-context';

function Status() {
  const auth = useAuth();
  const credentials = useMemo(
    () =>
      auth.user?.id_token === undefined
        ? undefined
        : memoize(
            fromWebToken({
              roleArn: 'arn:aws:iam::123456789012:role/web',
              webIdentityToken: auth.user.id_token,
            }),
            (c) => c.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000,
            (c) => c.expiration !== undefined,
          ),
    [auth.user?.id_token],
  );
  return <p>{credentials ? 'ready' : auth.isLoading ? 'loading' : 'signed-out'}</p>;
}
createRoot(document.body).render(
  <AuthProvider authority="https://idp.example.com" client_id="spa" redirect_uri={location.href}>
    <Status />
  </AuthProvider>,
);
