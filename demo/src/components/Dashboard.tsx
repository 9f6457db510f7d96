import { RequireAwsCredentials, useAwsCredentials } from '@fedcreds/react';
import { useEffect } from 'react';
import type { SignInMethod } from '../auth/signInMethod';
import { userManager } from '../auth/userManager';
import { CredentialsPanel } from './CredentialsPanel';
import { DynamoPanel } from './DynamoPanel';
import { Header } from './Header';
import { S3Panel } from './S3Panel';
import { needsSignIn } from './needsSignIn';
import { SignInPanel } from './SignInPanel';

/**
 * The page under a session: sign-in choices while signed out, the credentials, and the S3 and
 * DynamoDB panels once there are credentials to call them with.
 */
export function Dashboard({
  method,
  onSignedOut,
}: {
  method: SignInMethod;
  onSignedOut?: () => void;
}) {
  const { status, signIn, error } = useAwsCredentials();
  const signedOut = status === 'signed-out';

  useEffect(() => {
    if (signedOut) onSignedOut?.();
  }, [signedOut, onSignedOut]);

  // Under a SAML session (needing a new SAML sign-in) the OpenID Connect button starts an OIDC one.
  const oidcSignIn = () => void (method.kind === 'oidc' ? signIn() : userManager.signinRedirect());

  return (
    <>
      <Header method={method} />
      <main>
        {needsSignIn(status) && (
          <SignInPanel
            onOidcSignIn={oidcSignIn}
            reason={status === 'reauth-required' ? error?.message : undefined}
          />
        )}
        <CredentialsPanel />
        <RequireAwsCredentials
          fallback={
            <p className="muted" data-testid="waiting">
              Waiting for credentials…
            </p>
          }
          errorFallback={null}
        >
          <S3Panel />
          <DynamoPanel />
        </RequireAwsCredentials>
      </main>
    </>
  );
}
