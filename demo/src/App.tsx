import { samlRoleName, type FederatedSession, type SamlRole } from '@fedcreds/core';
import { AwsCredentialsProvider } from '@fedcreds/react/oidc';
import { useState } from 'react';
import { userManager } from './auth/userManager';
import { createSamlSession } from './auth/createSamlSession';
import type { SignInMethod } from './auth/signInMethod';
import { config, refreshTiming, stsClientConfig } from './config';
import { Dashboard } from './components/Dashboard';
import { SamlRoleChooser } from './components/SamlRoleChooser';

const OIDC: SignInMethod = { kind: 'oidc', label: 'OpenID Connect' };

/**
 * One session at a time: OpenID Connect by default (the provider completes the redirect sign-in
 * and resumes a stored one), or — once the user picked a role from a SAML response — a SAML
 * session. Signing out of SAML comes back to the OpenID Connect side, signed out.
 */
export function App({ samlResponse }: { samlResponse: string | undefined }) {
  const [pendingSamlResponse, setPendingSamlResponse] = useState(samlResponse);
  const [saml, setSaml] = useState<{ session: FederatedSession; method: SignInMethod } | null>(
    null,
  );

  const pickRole = (role: SamlRole) => {
    if (pendingSamlResponse === undefined) return;
    setSaml({
      session: createSamlSession(pendingSamlResponse, role),
      method: { kind: 'saml', label: `SAML · ${samlRoleName(role)}` },
    });
    setPendingSamlResponse(undefined);
  };

  if (saml !== null) {
    return (
      // Keys: each provider builds or adopts its session once; switching kinds needs a new one.
      <AwsCredentialsProvider key="saml" session={saml.session}>
        <Dashboard method={saml.method} onSignedOut={() => setSaml(null)} />
      </AwsCredentialsProvider>
    );
  }
  if (pendingSamlResponse !== undefined) {
    return (
      <>
        <header className="header">
          <h1>fedcreds demo</h1>
        </header>
        <main>
          <SamlRoleChooser
            samlResponse={pendingSamlResponse}
            onSelect={pickRole}
            onCancel={() => setPendingSamlResponse(undefined)}
          />
        </main>
      </>
    );
  }
  return (
    <AwsCredentialsProvider
      key="oidc"
      oidc={userManager}
      roleArn={config.roleArn}
      region={config.region}
      clientConfig={stsClientConfig}
      {...refreshTiming}
    >
      <Dashboard method={OIDC} />
    </AwsCredentialsProvider>
  );
}
