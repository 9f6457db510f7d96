import { act, screen } from '@testing-library/react';
import { RequireAwsCredentials, useAwsCredentials } from '@fedcreds/react';
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

  it('throws a fatal failure to the nearest error boundary without errorFallback', async () => {
    denyNextWebIdentity(devstack);
    const session = await webIdentitySession(devstack);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderInProvider(
      session,
      <ErrorBoundary
        fallback={(error) => <p data-testid="boundary">{(error as { code: string }).code}</p>}
      >
        <RequireAwsCredentials fallback={<p>loading</p>}>
          <p>app</p>
        </RequireAwsCredentials>
      </ErrorBoundary>,
    );
    await act(() => untilStatus(session, 'error'));
    spy.mockRestore();
    expect(screen.getByTestId('boundary').textContent).toBe('ERR_STS_ACCESS_DENIED');
  });
});
