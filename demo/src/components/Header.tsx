import { useAwsCredentials } from '@fedcreds/react';
import type { SignInMethod } from '../auth/signInMethod';

const selectStatus = (state: { status: string }) => state.status;

/** Title bar with the sign-in status and how the user signed in. */
export function Header({ method }: { method: SignInMethod }) {
  const status = useAwsCredentials(selectStatus);
  return (
    <header className="header">
      <h1>fedcreds demo</h1>
      <p className={`badge badge-${status}`} data-testid="header-status">
        {status}
        {status !== 'signed-out' && <span data-testid="sign-in-method"> · {method.label}</span>}
      </p>
    </header>
  );
}
