import type { SessionStatus } from '@fedcreds/core';
import { useAwsCredentials } from '@fedcreds/react';
import type { SignInMethod } from '../auth/signInMethod';
import { needsSignIn } from './needsSignIn';
import { STATUS_LABELS, statusTone } from './StatusPill';

const selectStatus = (state: { status: SessionStatus }) => state.status;
const selectDegraded = (state: { credentials: unknown; error: unknown }) =>
  state.credentials !== null && state.error !== null;

/** The top bar: the product, how the user signed in, and the session's state in a word. */
export function Header({ method }: { method: SignInMethod | undefined }) {
  const status = useAwsCredentials(selectStatus);
  const degraded = useAwsCredentials(selectDegraded);
  return (
    <TopBar status={status} degraded={degraded} method={needsSignIn(status) ? undefined : method} />
  );
}

/** The top bar outside any session (the SAML role picker). */
export function TopBar({
  status,
  degraded = false,
  method,
}: {
  status?: SessionStatus | undefined;
  /** Credentials that work, but the last refresh failed. */
  degraded?: boolean;
  method?: SignInMethod | undefined;
}) {
  return (
    <header className="topbar">
      <p className="brand">
        <span className="brand-mark" aria-hidden="true">
          fc
        </span>
        fedcreds <span className="brand-sub">AWS from the browser</span>
      </p>
      {status !== undefined && (
        <div className="topbar-status">
          {method !== undefined && status !== 'idle' && (
            <span className="method" data-testid="sign-in-method">
              {method.label}
            </span>
          )}
          <span
            className={`pill ${degraded ? 'pill-warn' : statusTone(status)}`}
            data-testid="header-status"
          >
            {degraded ? 'Refresh failed' : STATUS_LABELS[status]}
          </span>
        </div>
      )}
    </header>
  );
}
