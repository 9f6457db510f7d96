import type { SessionIdentity } from '@fedcreds/core';
import { useAwsCredentials, useCredentialExpiry } from '@fedcreds/react';
import { ErrorLine } from './ErrorLine';
import { needsSignIn } from './needsSignIn';
import { useAction } from './useAction';
import { useRefreshCount } from './useRefreshCount';

/** `<subject> as <assumed role>`, from what the IdP token and STS said. */
function describeIdentity(identity: SessionIdentity | null): string {
  if (identity === null) return '—';
  const role = identity.assumedRoleArn ?? identity.roleArn ?? 'an unknown role';
  return identity.subject === undefined ? role : `${identity.subject} as ${role}`;
}

const formatTime = (date: Date | null) => (date === null ? '—' : date.toLocaleTimeString());

/** Seconds left, rounded up, or a dash without credentials. */
function Countdown() {
  const { msLeft, expired } = useCredentialExpiry({ intervalMs: 1000 });
  if (msLeft === null) return <>—</>;
  return <>{expired ? 'expired' : `${Math.ceil(msLeft / 1000)} s`}</>;
}

/**
 * What the session holds: status, access key id (never the secret), who it is, when it expires,
 * how often it was renewed; and the two things a user can do about it.
 */
export function CredentialsPanel() {
  const { status, credentials, expiresAt, tokenExpiresAt, identity, error, refresh, signOut } =
    useAwsCredentials();
  const refreshCount = useRefreshCount(credentials?.accessKeyId);
  const action = useAction();

  return (
    <section className="panel" data-testid="credentials-panel">
      <h2>Credentials</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="status">{status}</dd>
        <dt>Access key id</dt>
        <dd data-testid="access-key-id">{credentials?.accessKeyId ?? '—'}</dd>
        <dt>Identity</dt>
        <dd data-testid="identity">{describeIdentity(identity)}</dd>
        <dt>Expires in</dt>
        <dd data-testid="expires-in">
          <Countdown />
        </dd>
        <dt>Expires at</dt>
        <dd data-testid="expires-at">{formatTime(expiresAt)}</dd>
        <dt>Token expires at</dt>
        <dd data-testid="token-expires-at">{formatTime(tokenExpiresAt)}</dd>
        <dt>Refreshes</dt>
        <dd data-testid="refresh-count">{refreshCount}</dd>
      </dl>
      <div className="actions">
        <button
          data-testid="refresh-now"
          disabled={action.busy}
          onClick={() => void action.run(async () => void (await refresh({ force: true })))}
        >
          Refresh now
        </button>
        <button
          data-testid="sign-out"
          disabled={action.busy || status === 'signed-out'}
          onClick={() => void action.run(() => signOut())}
        >
          Sign out
        </button>
      </div>
      {/* Why sign-in is needed is the sign-in panel's to say. */}
      {!needsSignIn(status) && <ErrorLine error={error} testId="credentials-error" />}
      <ErrorLine error={action.error} testId="action-error" />
    </section>
  );
}
