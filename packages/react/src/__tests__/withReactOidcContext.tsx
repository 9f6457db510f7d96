// The README's "Beside react-oidc-context" example, type-checked with the package and rendered
// against the dev stack by withReactOidcContext.test.tsx, which also checks the README shows it.
import { AwsCredentialsProvider, useAwsCredentials } from '@fedcreds/react/oidc';
import { UserManager } from 'oidc-client-ts';
import type { UserManagerSettings } from 'oidc-client-ts';
import { AuthProvider, useAuth } from 'react-oidc-context';

/** One UserManager for both libraries: one sign-in, one set of tokens, one renewer. */
export function createUserManager(settings: UserManagerSettings): UserManager {
  // fedcreds renews the tokens when an STS call needs them; react-oidc-context must not as well.
  return new UserManager({ ...settings, automaticSilentRenew: false });
}

export function App({
  userManager,
  roleArn,
  region,
  stsEndpoint,
}: {
  userManager: UserManager;
  roleArn: string;
  region: string;
  stsEndpoint?: string;
}) {
  return (
    // fedcreds completes the redirect (once, even under StrictMode); react-oidc-context hears of
    // the user through the UserManager's events, so it must not process the callback too.
    <AuthProvider userManager={userManager} skipSigninCallback>
      <AwsCredentialsProvider
        oidc={userManager}
        roleArn={roleArn}
        region={region}
        clientConfig={stsEndpoint === undefined ? {} : { endpoint: stsEndpoint }}
      >
        <Profile />
      </AwsCredentialsProvider>
    </AuthProvider>
  );
}

function Profile() {
  const auth = useAuth(); // react-oidc-context: the OIDC user and its profile
  const { status, signIn, signOut } = useAwsCredentials(); // fedcreds: the AWS side
  if (!auth.isAuthenticated) return <button onClick={() => void signIn()}>Sign in</button>;
  return (
    <p>
      <span data-testid="name">{auth.user?.profile.name}</span> ·{' '}
      <span data-testid="aws">{status}</span>{' '}
      {/* Sign out through fedcreds: it clears the credentials and removes the shared user. */}
      <button onClick={() => void signOut()}>Sign out</button>
    </p>
  );
}
