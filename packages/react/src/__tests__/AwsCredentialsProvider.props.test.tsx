import { cleanup, render, screen } from '@testing-library/react';
import {
  ReauthRequiredError,
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
} from '@fedcreds/core';
import { AwsCredentialsProvider as SessionOnlyProvider } from '@fedcreds/react';
import { AwsCredentialsProvider } from '@fedcreds/react/oidc';
import type { FederatedSession } from '@fedcreds/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './harness.js';

afterEach(cleanup);

describe('AwsCredentialsProvider props', () => {
  it('says what to do when the session prop is removed after the first render', () => {
    // A session whose token source reports nobody signed in settles without any network call.
    const session = createFederatedSession({
      credentials: new WebIdentityCredentials(
        { RoleArn: 'arn:aws:iam::123456789012:role/web' },
        { endpoint: 'http://127.0.0.1:9', region: 'us-east-1' },
      ),
      tokenSource: callbackTokenSource(async () => {
        throw new ReauthRequiredError('signed_out');
      }),
    });
    const oidc = {
      authority: 'http://127.0.0.1:9',
      client_id: 'spa',
      redirect_uri: 'http://127.0.0.1:5173/',
    };
    const fallback = (error: unknown) => (
      <p data-testid="error-boundary">{error instanceof Error ? error.message : String(error)}</p>
    );
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { rerender } = render(
      <ErrorBoundary fallback={fallback}>
        <AwsCredentialsProvider session={session}>ok</AwsCredentialsProvider>
      </ErrorBoundary>,
    );
    rerender(
      <ErrorBoundary fallback={fallback}>
        <AwsCredentialsProvider oidc={oidc} roleArn="arn:aws:iam::123456789012:role/web">
          ok
        </AwsCredentialsProvider>
      </ErrorBoundary>,
    );
    silence.mockRestore();
    expect(screen.getByTestId('error-boundary').textContent).toMatch(/new `key`/);
  });

  it('from the main entry, which imports no oidc-client-ts, names the entry that takes oidc settings', () => {
    const oidc = {
      authority: 'http://127.0.0.1:9',
      client_id: 'spa',
      redirect_uri: 'http://127.0.0.1:5173/',
    };
    const fallback = (error: unknown) => (
      <p data-testid="error-boundary">{error instanceof Error ? error.message : String(error)}</p>
    );
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    // A JavaScript caller, or one that ignores the type error: the main entry takes only `session`.
    const props = { oidc, roleArn: 'arn:aws:iam::123456789012:role/web' } as unknown as {
      session: FederatedSession;
    };
    render(
      <ErrorBoundary fallback={fallback}>
        <SessionOnlyProvider {...props}>ok</SessionOnlyProvider>
      </ErrorBoundary>,
    );
    silence.mockRestore();
    expect(screen.getByTestId('error-boundary').textContent).toMatch(/@fedcreds\/react\/oidc/);
  });
});
