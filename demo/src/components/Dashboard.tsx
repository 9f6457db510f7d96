import { RequireAwsCredentials, useAwsCredentials, useFederatedSession } from '@fedcreds/react';
import { useEffect, type ReactNode } from 'react';
import type { SignInMethod } from '../auth/signInMethod';
import { useTimeline } from '../timeline/TimelineContext';
import { ChainedRolePanel } from './ChainedRolePanel';
import { ErrorNotice } from './ErrorNotice';
import { Header } from './Header';
import { needsSignIn } from './needsSignIn';
import { NotesPanel } from './NotesPanel';
import { S3Panel } from './S3Panel';
import { SessionPanel } from './SessionPanel';
import { SignInPanel, type OidcSignInRequest } from './SignInPanel';
import { TimelinePanel } from './TimelinePanel';

/** A card standing in for the AWS panels until credentials arrive. */
function Waiting({ children }: { children: ReactNode }) {
  return (
    <section className="card" data-testid="waiting" aria-live="polite">
      <p className="lead">{children}</p>
    </section>
  );
}

/**
 * The page under a session: the session and its timeline on one side; sign-in, or the files,
 * notes and role chaining once there are credentials to call AWS with.
 */
export function Dashboard({
  method,
  onOidcSignIn,
  onSignedOut,
  idpSignOut = false,
}: {
  method: SignInMethod;
  onOidcSignIn: (request: OidcSignInRequest) => Promise<void>;
  onSignedOut?: () => void;
  /** Whether the session can end the IdP's session too (OpenID Connect RP-initiated logout). */
  idpSignOut?: boolean;
}) {
  const session = useFederatedSession();
  const timeline = useTimeline();
  const { status, error } = useAwsCredentials();
  const signInNeeded = needsSignIn(status);
  const signedOut = status === 'signed-out';

  // Before the provider's own effect starts the session (children's effects run first), so the
  // timeline sees the first credentials arrive.
  useEffect(() => timeline.track(session), [session, timeline]);
  useEffect(() => {
    if (signedOut) onSignedOut?.();
  }, [signedOut, onSignedOut]);

  return (
    <>
      <Header method={method} />
      <main className={`page${signInNeeded ? ' page-signed-out' : ''}`}>
        <div className="column column-side">
          <SessionPanel idpSignOut={idpSignOut} />
          <TimelinePanel />
        </div>
        <div className="column column-main">
          {signInNeeded ? (
            <SignInPanel
              onOidcSignIn={onOidcSignIn}
              reason={status === 'reauth-required' ? error : undefined}
            />
          ) : (
            <RequireAwsCredentials
              fallback={<Waiting>Getting your AWS credentials…</Waiting>}
              errorFallback={(failure) => (
                <section className="card">
                  <ErrorNotice error={failure} testId="gate-error" />
                </section>
              )}
            >
              <S3Panel />
              <NotesPanel />
              <ChainedRolePanel />
            </RequireAwsCredentials>
          )}
        </div>
      </main>
    </>
  );
}
