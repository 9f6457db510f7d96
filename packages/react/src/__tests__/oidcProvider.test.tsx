import { act, render, screen, waitFor } from '@testing-library/react';
import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsCredentials,
  useFederatedSession,
} from '@fedcreds/react/oidc';
import { crossTab } from '@fedcreds/core';
import type { CrossTabChannel, CrossTabOptions, FederatedSession } from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import { BroadcastChannel } from 'node:worker_threads';
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { UserManagerSettings } from 'oidc-client-ts';
import { StrictMode } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLocks } from '../../../core/src/__tests__/crossTabHarness.js';
import {
  RenderLog,
  WEB_ROLE,
  devstackForFile,
  oidcSettings,
  signInAtIdp,
  stsCalls,
  tokenGrants,
  until,
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

  it('lets a tab with no user of its own join the live group of another tab only when the app allows it', async () => {
    // Two "tabs" in one window: each its own user store (oidc-client-ts keeps the user per tab),
    // one lock manager (happy-dom has no Web Locks: the core tests' in-memory one) and Node's
    // BroadcastChannel between them.
    const locks = new MemoryLocks();
    const group: CrossTabOptions = {
      name: 'provider-join',
      locks,
      // Node's channel has the browser's shape; its types are Node's own.
      channel: (name) => new BroadcastChannel(name) as unknown as CrossTabChannel,
    };
    const ownStore = () => new WebStorageStateStore({ store: new InMemoryWebStorage() });
    const member = createOidcSession({
      userManager: new UserManager({
        ...settings,
        automaticSilentRenew: false,
        userStore: ownStore(),
      }),
      ...webRole(),
      crossTab: crossTab({ ...group, joinWhenSignedOut: true }),
      environment: null,
    });
    await member.tokenSource.completeSignIn(await signInAtIdp(settings));
    member.start();
    await untilStatus(member, 'ready');
    await waitFor(() => expect(locks.heldNames.some((name) => name.includes(':host:'))).toBe(true));
    const before = stsCalls(devstack);

    const sessions: FederatedSession[] = [];
    function Session() {
      sessions.push(useFederatedSession());
      return null;
    }
    const tabWith = (props: { crossTab: CrossTabOptions }) => (
      <StrictMode>
        <AwsCredentialsProvider
          oidc={new UserManager({ ...settings, userStore: ownStore() })}
          {...webRole()}
          {...props}
        >
          <Session />
        </AwsCredentialsProvider>
      </StrictMode>
    );
    try {
      // The app allows it: the tab joins, as alice, with the group's credentials.
      const joined = render(tabWith({ crossTab: { ...group, joinWhenSignedOut: true } }));
      const session = sessions.at(-1)!;
      await act(() => until(session, (s) => s.status === 'ready' || s.status === 'signed-out'));
      expect(session.getSnapshot()).toMatchObject({
        status: 'ready',
        identity: { subject: 'alice' },
      });
      expect(session.getSnapshot().credentials?.accessKeyId).toBe(
        member.getSnapshot().credentials?.accessKeyId,
      );
      expect(stsCalls(devstack)).toBe(before);
      joined.unmount();

      // The provider's default (cross-tab on, no join): the tab stays signed out.
      const alone = render(tabWith({ crossTab: group }));
      const second = sessions.at(-1)!;
      await act(() => until(second, (s) => s.status === 'ready' || s.status === 'signed-out'));
      expect(second.getSnapshot().status).toBe('signed-out');
      alone.unmount();
    } finally {
      member.stop();
    }
  });
});
