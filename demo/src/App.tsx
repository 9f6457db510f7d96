import { samlRoleName, type FederatedSession, type SamlRole } from '@fedcreds/core';
import { AwsCredentialsProvider, useAwsCredentials } from '@fedcreds/react/oidc';
import { useCallback, useState } from 'react';
import { createSamlSession } from './auth/createSamlSession';
import { savedSamlRole } from './auth/savedSamlRole';
import type { SignInMethod } from './auth/signInMethod';
import { userManager } from './auth/userManager';
import { Dashboard } from './components/Dashboard';
import { TopBar } from './components/Header';
import { SamlRoleChooser } from './components/SamlRoleChooser';
import type { OidcSignInRequest } from './components/SignInPanel';
import { config, refreshTiming, stsClientConfig } from './config';
import { createTimeline } from './timeline/createTimeline';
import { TimelineContext } from './timeline/TimelineContext';

const OIDC: SignInMethod = { kind: 'oidc', label: 'OpenID Connect' };

const samlMethod = (role: SamlRole): SignInMethod => ({
  kind: 'saml',
  label: `SAML · ${samlRoleName(role)}`,
});

interface SamlState {
  session: FederatedSession;
  method: SignInMethod;
}

/** A SAML session this tab had before a reload, rebuilt around its persisted credentials. */
function restoreSaml(): SamlState | null {
  const role = savedSamlRole.load();
  return role === undefined
    ? null
    : { session: createSamlSession(undefined, role), method: samlMethod(role) };
}

/**
 * One session at a time: OpenID Connect by default (the provider completes the redirect sign-in
 * and resumes a stored one), or — once the user picked a role from a SAML response, or on a
 * reload after that — a SAML session. Signing out of SAML comes back to the OpenID Connect side.
 */
export function App({ samlResponse }: { samlResponse: string | undefined }) {
  const [timeline] = useState(createTimeline);
  const [pendingSamlResponse, setPendingSamlResponse] = useState(samlResponse);
  const [saml, setSaml] = useState<SamlState | null>(() =>
    samlResponse === undefined ? restoreSaml() : null,
  );

  const pickRole = (role: SamlRole) => {
    if (pendingSamlResponse === undefined) return;
    savedSamlRole.save(role);
    setSaml({ session: createSamlSession(pendingSamlResponse, role), method: samlMethod(role) });
    setPendingSamlResponse(undefined);
  };
  const leaveSaml = useCallback(() => {
    savedSamlRole.clear();
    setSaml(null);
  }, []);

  let content;
  if (saml !== null) {
    content = (
      // Keys: each provider builds or adopts its session once; switching kinds needs a new one.
      <AwsCredentialsProvider key="saml" session={saml.session}>
        <Dashboard
          method={saml.method}
          // From a SAML session, "OpenID Connect" starts that sign-in instead of renewing SAML.
          onOidcSignIn={() => userManager.signinRedirect()}
          onSignedOut={leaveSaml}
        />
      </AwsCredentialsProvider>
    );
  } else if (pendingSamlResponse !== undefined) {
    content = (
      <>
        <TopBar />
        <main className="page page-single">
          <SamlRoleChooser
            samlResponse={pendingSamlResponse}
            onSelect={pickRole}
            onCancel={() => setPendingSamlResponse(undefined)}
          />
        </main>
      </>
    );
  } else {
    content = (
      <AwsCredentialsProvider
        key="oidc"
        oidc={userManager}
        roleArn={config.roleArn}
        region={config.region}
        clientConfig={stsClientConfig}
        // A tab opened by typing the address (its sessionStorage holds no user) joins the signed-in
        // tabs instead of asking for a sign-in: this app allows it.
        crossTab={{ joinWhenSignedOut: true }}
        {...refreshTiming}
      >
        <OidcDashboard />
      </AwsCredentialsProvider>
    );
  }
  return <TimelineContext.Provider value={timeline}>{content}</TimelineContext.Provider>;
}

/** The dashboard of the OpenID Connect session, whose sign-in goes through the session itself. */
function OidcDashboard() {
  const signIn = useAwsCredentials((state) => state.signIn);
  const onOidcSignIn = useCallback(
    ({ popup, loginHint }: OidcSignInRequest) =>
      signIn({
        popup,
        ...(loginHint === undefined ? {} : { loginHint }),
        // Back to this very address after the redirect (the provider restores it).
        returnTo: `${window.location.pathname}${window.location.search}${window.location.hash}`,
      }),
    [signIn],
  );
  return <Dashboard method={OIDC} onOidcSignIn={onOidcSignIn} idpSignOut />;
}
