import { act, screen } from '@testing-library/react';
import { useAwsCredentials } from '@fedcreds/react';
import { ReauthRequiredError, StsError, callbackTokenSource } from '@fedcreds/core';
import { Suspense } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  ErrorBoundary,
  RenderLog,
  denyNextWebIdentity,
  devstackForFile,
  linkedTabs,
  renderInProvider,
  stsCalls,
  until,
  untilStatus,
  useRenderLog,
  webIdentitySession,
} from './harness.js';

const devstack = devstackForFile();

describe('useAwsCredentials', () => {
  it('shows loading → ready → refreshing → ready on a refresh', async () => {
    const session = await webIdentitySession(devstack);
    const log = new RenderLog();
    let refresh: (() => Promise<unknown>) | undefined;
    function Status() {
      const state = useAwsCredentials();
      refresh = () => state.refresh({ force: true });
      useRenderLog(log, 'status', state.status);
      return <p>{state.status}</p>;
    }
    renderInProvider(session, <Status />);
    await act(() => untilStatus(session, 'ready'));
    await act(async () => {
      await refresh?.();
    });
    expect(log.valuesOf('status')).toEqual(['idle', 'loading', 'ready', 'refreshing', 'ready']);
  });

  it('re-renders each consumer once per change, and a status-only consumer not at all when only the credentials change', async () => {
    // Two "tabs" of one origin: when the other one gets credentials, this one adopts them (they
    // outlive its own) without a refresh of its own — a change of credentials alone.
    const tabs = linkedTabs();
    const session = await webIdentitySession(devstack, {
      coordinator: tabs.coordinator(),
      params: { DurationSeconds: 900 },
    });
    const otherTab = await webIdentitySession(devstack, {
      coordinator: tabs.coordinator(),
      params: { DurationSeconds: 3600 },
    });
    const log = new RenderLog();
    function Everything() {
      const state = useAwsCredentials();
      useRenderLog(log, 'everything', state.credentials?.accessKeyId);
      return null;
    }
    function KeyId() {
      const accessKeyId = useAwsCredentials((state) => state.credentials?.accessKeyId);
      useRenderLog(log, 'keyId', accessKeyId);
      return null;
    }
    function Status() {
      const status = useAwsCredentials((state) => state.status);
      useRenderLog(log, 'status', status);
      return null;
    }
    renderInProvider(
      session,
      <>
        <Everything />
        <KeyId />
        <Status />
      </>,
    );
    await act(() => untilStatus(session, 'ready'));
    const firstKey = session.getSnapshot().credentials?.accessKeyId;
    const before = log.snapshot();
    const callsBefore = log.callsOf('status');

    otherTab.start();
    await act(() => until(session, (snapshot) => snapshot.credentials?.accessKeyId !== firstKey));
    otherTab.stop();

    expect(session.getSnapshot().status).toBe('ready');
    expect(log.commitsSince(before)).toEqual({ everything: 1, keyId: 1, status: 0 });
    expect(log.callsOf('status')).toBe(callsBefore); // not even rendered and thrown away
  });

  it('re-renders a consumer once per snapshot on its own refresh (refreshing, then ready)', async () => {
    const session = await webIdentitySession(devstack);
    const log = new RenderLog();
    function Everything() {
      useRenderLog(log, 'everything', useAwsCredentials());
      return null;
    }
    function KeyId() {
      useRenderLog(
        log,
        'keyId',
        useAwsCredentials((state) => state.credentials?.accessKeyId),
      );
      return null;
    }
    renderInProvider(
      session,
      <>
        <Everything />
        <KeyId />
      </>,
    );
    await act(() => untilStatus(session, 'ready'));
    const before = log.snapshot();
    await act(async () => {
      await session.refresh({ force: true });
    });
    expect(log.commitsSince(before)).toEqual({ everything: 2, keyId: 1 });
  });

  it('shows reauth-required when the identity provider wants the user', async () => {
    let wantsUser = false;
    const session = await webIdentitySession(devstack, {
      tokenSource: callbackTokenSource(() => {
        if (wantsUser) throw new ReauthRequiredError('login_required');
        return devstack.oidc.mintIdToken({ sub: 'alice' });
      }),
    });
    const log = new RenderLog();
    function Status() {
      const { status, error } = useAwsCredentials();
      useRenderLog(log, 'status', status);
      return (
        <p data-testid="status">
          {status === 'reauth-required'
            ? `sign in (${(error as ReauthRequiredError).reason})`
            : status}
        </p>
      );
    }
    renderInProvider(session, <Status />);
    await act(() => untilStatus(session, 'ready'));
    wantsUser = true;
    await act(() => session.refresh({ force: true }).catch(() => undefined));
    expect(screen.getByTestId('status').textContent).toBe('sign in (login_required)');
    expect(log.valuesOf('status')).toEqual([
      'idle',
      'loading',
      'ready',
      'refreshing',
      'reauth-required',
    ]);
  });

  it('shows error with the typed STS error when STS refuses for good (AccessDenied)', async () => {
    denyNextWebIdentity(devstack);
    const session = await webIdentitySession(devstack);
    const log = new RenderLog();
    const errors: unknown[] = [];
    function Status() {
      const { status, error } = useAwsCredentials();
      useRenderLog(log, 'status', status);
      if (error) errors.push(error);
      return <p data-testid="status">{error?.code ?? status}</p>;
    }
    const before = stsCalls(devstack);
    renderInProvider(session, <Status />);
    await act(() => untilStatus(session, 'error'));
    expect(log.valuesOf('status')).toEqual(['idle', 'loading', 'error']);
    expect(screen.getByTestId('status').textContent).toBe('ERR_STS_ACCESS_DENIED');
    const error = errors.at(-1);
    expect(error).toBeInstanceOf(StsError);
    expect(error).toMatchObject({ wireCode: 'AccessDenied', retryable: false });
    expect(stsCalls(devstack) - before).toBe(1); // fatal: no retry
  });

  describe('with { suspense: true }', () => {
    it('suspends until the credentials are ready, with one pending promise under StrictMode', async () => {
      const session = await webIdentitySession(devstack);
      const log = new RenderLog();
      function Keys() {
        const { status, credentials } = useAwsCredentials({ suspense: true });
        useRenderLog(log, 'keys', status);
        return <p data-testid="keys">{credentials ? 'has credentials' : 'none'}</p>;
      }
      function Fallback() {
        useRenderLog(log, 'fallback');
        return <p data-testid="fallback">loading</p>;
      }
      const before = stsCalls(devstack);
      renderInProvider(
        session,
        <Suspense fallback={<Fallback />}>
          <Keys />
        </Suspense>,
      );
      expect(screen.getByTestId('fallback')).toBeTruthy();
      await act(() => untilStatus(session, 'ready'));
      expect(screen.getByTestId('keys').textContent).toBe('has credentials');
      expect(log.valuesOf('keys')).toEqual(['ready']);
      // Suspending (twice, under StrictMode) neither restarts the session nor asks STS again.
      expect(stsCalls(devstack) - before).toBe(1);
    });

    it('throws a fatal error to the nearest error boundary', async () => {
      denyNextWebIdentity(devstack);
      const session = await webIdentitySession(devstack);
      function Keys() {
        useAwsCredentials({ suspense: true });
        return <p>unreachable</p>;
      }
      const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      renderInProvider(
        session,
        <ErrorBoundary
          fallback={(error) => <p data-testid="boundary">{(error as StsError).code}</p>}
        >
          <Suspense fallback={<p>loading</p>}>
            <Keys />
          </Suspense>
        </ErrorBoundary>,
      );
      await act(() => untilStatus(session, 'error'));
      spy.mockRestore();
      expect(screen.getByTestId('boundary').textContent).toBe('ERR_STS_ACCESS_DENIED');
    });
  });
});
