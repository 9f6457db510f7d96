import { act, render, screen } from '@testing-library/react';
import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsCredentials,
  useFederatedSession,
} from '@fedcreds/react/oidc';
import type { FederatedSession } from '@fedcreds/core';
import { UserManager } from 'oidc-client-ts';
import type { UserManagerSettings } from 'oidc-client-ts';
import { StrictMode } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RenderLog,
  WEB_ROLE,
  devstackForFile,
  oidcSettings,
  signInAtIdp,
  stsCalls,
  tokenGrants,
  untilStatus,
  useRenderLog,
} from './harness.js';

const devstack = devstackForFile();
let settings: UserManagerSettings;
beforeAll(() => {
  settings = oidcSettings(devstack);
});

const codeExchanges = () => tokenGrants(devstack, 'authorization_code');
const refreshGrants = () => tokenGrants(devstack, 'refresh_token');
/** The provider's props for the stack's web role, through the stack's STS. */
const webRole = () => ({
  roleArn: devstack.roleArn(WEB_ROLE),
  region: devstack.config.region,
  clientConfig: { endpoint: devstack.urls.sts },
});

describe('AwsCredentialsProvider with OIDC configuration', () => {
  it('under StrictMode handles the sign-in callback once: one code exchange, one session, one STS call', async () => {
    history.replaceState(null, '', await signInAtIdp(settings));
    const before = { codes: codeExchanges(), sts: stsCalls(devstack) };
    const sessions = new Set<FederatedSession>();
    const log = new RenderLog();
    function Status() {
      sessions.add(useFederatedSession());
      const status = useAwsCredentials((state) => state.status);
      useRenderLog(log, 'status', status);
      return <p data-testid="status">{status}</p>;
    }
    render(
      <StrictMode>
        <AwsCredentialsProvider oidc={settings} {...webRole()}>
          <Status />
        </AwsCredentialsProvider>
      </StrictMode>,
    );
    const [session] = sessions;
    await act(() => untilStatus(session!, 'ready'));

    expect(sessions.size).toBe(1);
    expect(codeExchanges() - before.codes).toBe(1);
    expect(stsCalls(devstack) - before.sts).toBe(1);
    expect(log.valuesOf('status')).toEqual(['idle', 'loading', 'ready']);
    expect(session!.getSnapshot().identity?.subject).toBe('alice');
    // Removed from the address bar, so a reload cannot replay the used code.
    expect(location.href).toBe(`${location.origin}/`);
  });

  it('shows reauth-required when the IdP refuses to renew without the user, keeping the app on its still-valid credentials until they are gone', async () => {
    const userManager = new UserManager({ ...settings, automaticSilentRenew: false });
    history.replaceState(null, '', await signInAtIdp(settings));
    const log = new RenderLog();
    let session: FederatedSession | undefined;
    function Status() {
      session = useFederatedSession();
      const { status, error } = useAwsCredentials();
      useRenderLog(log, 'status', status);
      return (
        <p data-testid="status">
          {error && 'reason' in error ? `${status} (${String(error.reason)})` : status}
        </p>
      );
    }
    render(
      <StrictMode>
        <AwsCredentialsProvider
          oidc={userManager}
          {...webRole()}
          // Renew the ID token before every STS call, so a forced refresh asks the IdP.
          minValidityMs={24 * 3_600_000}
        >
          <Status />
          <RequireAwsCredentials
            fallback={<p>loading</p>}
            signIn={<p data-testid="sign-in">Sign in again</p>}
          >
            <p>app</p>
          </RequireAwsCredentials>
        </AwsCredentialsProvider>
      </StrictMode>,
    );
    await act(() => untilStatus(session!, 'ready'));
    const grants = refreshGrants();
    devstack.faults.oidc.refuseSilentRenew();

    await act(() => session!.refresh({ force: true }).catch(() => undefined));

    expect(refreshGrants() - grants).toBe(1); // asked once, not in a loop
    expect(screen.getByTestId('status').textContent).toBe('reauth-required (invalid_grant)');
    // The credentials it has are still valid: the app stays; the status asks for a sign-in.
    expect(screen.getByText('app')).toBeTruthy();
    // Once they are gone (here: signed out), the gate shows the sign-in element.
    await act(() => session!.signOut());
    expect(screen.getByTestId('sign-in')).toBeTruthy();
    expect(log.valuesOf('status')).toEqual([
      'idle',
      'loading',
      'ready',
      'refreshing',
      'reauth-required',
      'signed-out',
    ]);
  });
});
