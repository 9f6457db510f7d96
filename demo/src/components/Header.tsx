import type { SessionStatus } from '@fedcreds/core';
import { useAwsCredentials } from '@fedcreds/react';
import type { SignInMethod } from '../auth/signInMethod';
import { needsSignIn } from './needsSignIn';

const selectStatus = (state: { status: SessionStatus }) => state.status;

const LABELS: Partial<Record<SessionStatus, string>> = {
  idle: 'starting',
  'signed-out': 'not signed in',
  'reauth-required': 'sign in again',
};

/** Title bar with the sign-in status and how the user signed in. */
export function Header({ method }: { method: SignInMethod }) {
  const status = useAwsCredentials(selectStatus);
  return (
    <header className="header">
      <h1>fedcreds demo</h1>
      <p className={`badge badge-${status}`} data-testid="header-status">
        {LABELS[status] ?? status}
        {!needsSignIn(status) && status !== 'idle' && (
          <span data-testid="sign-in-method"> · {method.label}</span>
        )}
      </p>
    </header>
  );
}
