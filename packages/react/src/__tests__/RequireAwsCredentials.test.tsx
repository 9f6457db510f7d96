import { act, screen } from '@testing-library/react';
import { RequireAwsCredentials, useAwsCredentials } from '@fedcreds/react';
import type { SessionSnapshot } from '@fedcreds/core';
import { useEffect } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  ErrorBoundary,
  RenderLog,
  denyNextWebIdentity,
  devstackForFile,
  renderInProvider,
  untilStatus,
  useRenderLog,
  webIdentitySession,
} from './harness.js';

const devstack = devstackForFile();

function SignIn() {
  const signIn = useAwsCredentials((state) => state.signIn);
  return (
    <button data-testid="sign-in" onClick={() => void signIn()}>
      Sign in
    </button>
  );
}

describe('RequireAwsCredentials', () => {
  it('renders the fallback while loading, the children once ready, and the sign-in element after sign-out', async () => {
    const session = await webIdentitySession(devstack);
    const log = new RenderLog();
    function Screen({ name }: { name: string }) {
      useRenderLog(log, name);
      return <p data-testid="screen">{name}</p>;
    }
    renderInProvider(
      session,
      <RequireAwsCredentials
        fallback={<Screen name="fallback" />}
        signIn={<Screen name="sign-in" />}
      >
        <Screen name="app" />
      </RequireAwsCredentials>,
    );
    expect(screen.getByTestId('screen').textContent).toBe('fallback');
    await act(() => untilStatus(session, 'ready'));
    expect(screen.getByTestId('screen').textContent).toBe('app');
    const appCommits = log.commitsOf('app');

    // A refresh keeps the app on screen (refreshing still has valid credentials) and the gate,
    // which watches only the status, does not re-render it.
    await act(async () => {
      await session.refresh({ force: true });
    });
    expect(screen.getByTestId('screen').textContent).toBe('app');
    expect(log.commitsOf('app')).toBe(appCommits);

    await act(() => session.signOut());
    expect(screen.getByTestId('screen').textContent).toBe('sign-in');
  });

  it('renders errorFallback with the typed error on a fatal failure', async () => {
    denyNextWebIdentity(devstack);
    const session = await webIdentitySession(devstack);
    renderInProvider(
      session,
      <RequireAwsCredentials
        fallback={<p>loading</p>}
        signIn={<SignIn />}
        errorFallback={(error) => <p data-testid="error">{error.code}</p>}
      >
        <p>app</p>
      </RequireAwsCredentials>,
    );
    await act(() => untilStatus(session, 'error'));
    expect(screen.getByTestId('error').textContent).toBe('ERR_STS_ACCESS_DENIED');
  });

  it('keeps rendering its children when a refresh fails while the credentials are still valid, and exposes the error', async () => {
    const session = await webIdentitySession(devstack);
    function LastError() {
      const error = useAwsCredentials((state) => state.error);
      return <p data-testid="last-error">{error?.code ?? 'none'}</p>;
    }
    renderInProvider(
      session,
      <>
        <LastError />
        <RequireAwsCredentials
          fallback={<p data-testid="screen">fallback</p>}
          signIn={<p data-testid="screen">sign-in</p>}
          errorFallback={<p data-testid="screen">error</p>}
        >
          <p data-testid="screen">app</p>
        </RequireAwsCredentials>
      </>,
    );
    await act(() => untilStatus(session, 'ready'));
    const { accessKeyId } = session.getSnapshot().credentials!;

    denyNextWebIdentity(devstack);
    await act(() => session.refresh({ force: true }).catch(() => undefined));

    // AccessDenied is fatal for the refresh, not for the hour of valid credentials left.
    expect(screen.getByTestId('screen').textContent).toBe('app');
    expect(screen.getByTestId('last-error').textContent).toBe('ERR_STS_ACCESS_DENIED');
    expect(session.getSnapshot().credentials?.accessKeyId).toBe(accessKeyId);
  });

  it('refresh() hit by two throttled answers settles with the recovery: new keys, no stale error, degraded only meanwhile', async () => {
    // Real timers, a short backoff: the session retries against the dev stack's STS by itself.
    const session = await webIdentitySession(devstack, {
      retry: { baseDelayMs: 20, maxDelayMs: 40 },
    });
    let mounts = 0;
    function Status() {
      const { status, error, degraded } = useAwsCredentials();
      useEffect(() => {
        mounts += 1;
      }, []);
      return (
        <p data-testid="line">{`${status}/${error?.code ?? 'none'}/${degraded ? 'degraded' : 'ok'}`}</p>
      );
    }
    renderInProvider(
      session,
      <RequireAwsCredentials fallback={<p>fallback</p>}>
        <Status />
      </RequireAwsCredentials>,
    );
    await act(() => untilStatus(session, 'ready'));
    const { accessKeyId } = session.getSnapshot().credentials!;
    const mountedBefore = mounts;
    // Every snapshot React is handed (renders may batch several into one).
    const snapshots: SessionSnapshot[] = [];
    session.subscribe(() => snapshots.push(session.getSnapshot()));

    devstack.faults.sts.failNext({ code: 'Throttling', count: 2 });
    const refreshed = await act(() => session.refresh({ force: true }));

    expect(refreshed.accessKeyId).not.toBe(accessKeyId);
    expect(screen.getByTestId('line').textContent).toBe('ready/none/ok');
    // The failures showed as degraded (credentials still there), never as a stop; the app under
    // the gate was never unmounted.
    expect(
      snapshots.filter((s) => s.error?.code === 'ERR_STS_THROTTLED').every((s) => s.degraded),
    ).toBe(true);
    expect(snapshots.some((s) => s.degraded)).toBe(true);
    expect(snapshots.every((s) => s.credentials !== null && s.status !== 'error')).toBe(true);
    expect(mounts).toBe(mountedBefore);
  });

  it('without usable credentials renders the error as a sentence by default, and throws it only with throwOnError', async () => {
    denyNextWebIdentity(devstack);
    const session = await webIdentitySession(devstack);
    const thrown: unknown[] = [];
    renderInProvider(
      session,
      <ErrorBoundary fallback={(error) => (thrown.push(error), (<p>boundary</p>))}>
        <RequireAwsCredentials fallback={<p>loading</p>}>
          <p>app</p>
        </RequireAwsCredentials>
      </ErrorBoundary>,
    );
    await act(() => untilStatus(session, 'error'));
    expect(screen.getByRole('alert').textContent).toBe(
      'Your account is not allowed to use this AWS role.',
    );
    expect(thrown).toEqual([]);
  });

  it('throws the error to the nearest error boundary with throwOnError', async () => {
    denyNextWebIdentity(devstack);
    const session = await webIdentitySession(devstack);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderInProvider(
      session,
      <ErrorBoundary
        fallback={(error) => <p data-testid="boundary">{(error as { code: string }).code}</p>}
      >
        <RequireAwsCredentials fallback={<p>loading</p>} throwOnError>
          <p>app</p>
        </RequireAwsCredentials>
      </ErrorBoundary>,
    );
    await act(() => untilStatus(session, 'error'));
    spy.mockRestore();
    expect(screen.getByTestId('boundary').textContent).toBe('ERR_STS_ACCESS_DENIED');
  });
});
