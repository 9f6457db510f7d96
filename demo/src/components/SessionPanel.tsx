import { sessionPhase, type SessionIdentity } from '@fedcreds/core';
import { useAwsCredentials, useCredentialExpiry } from '@fedcreds/react';
import { BreakableArn } from './BreakableArn';
import { CountdownMeter } from './CountdownMeter';
import { ErrorNotice } from './ErrorNotice';
import { formatTime, parseArn } from './format';
import { StatusPill } from './StatusPill';
import { useAction } from './useAction';
import { useRefreshCount } from './useRefreshCount';
import { useTimeLeft } from './useTimeLeft';

const ignore = () => undefined;

/** The ID token's `name` claim, when the identity carries the token's profile. */
function profileName(identity: SessionIdentity | null): string | undefined {
  const name = (identity as { profile?: { name?: unknown } } | null)?.profile?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Who is signed in, as a person reads it: a name, a role, an account. */
function IdentityCard({ identity }: { identity: SessionIdentity | null }) {
  const role = parseArn(identity?.assumedRoleArn ?? identity?.roleArn);
  const name = profileName(identity) ?? identity?.subject ?? 'Not signed in';
  return (
    <div className="identity">
      {identity?.subject !== undefined && (
        <span className="avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
      )}
      <div>
        <p className="identity-name" data-testid="identity-name">
          {name}
        </p>
        <p className="identity-sub" data-testid="identity">
          {role.roleName === undefined ? (
            'No AWS role yet'
          ) : (
            <>
              <span className="nowrap">{role.roleName}</span> ·{' '}
              <span className="nowrap">account {role.account ?? 'unknown'}</span>
            </>
          )}
        </p>
      </div>
    </div>
  );
}

/**
 * The session at a glance: who, which role, two live countdowns (AWS credentials, ID token), the
 * access key id (never the secret), and what the user can do about it. A failed refresh while the
 * credentials still work is a warning, not an outage.
 */
export function SessionPanel({ idpSignOut = false }: { idpSignOut?: boolean }) {
  const state = useAwsCredentials();
  const { status, credentials, expiresAt, tokenExpiresAt, identity, error, lastRefreshedAt } =
    state;
  const { msLeft } = useCredentialExpiry({ intervalMs: 1000 });
  const tokenMsLeft = useTimeLeft(tokenExpiresAt);
  const refreshCount = useRefreshCount(credentials?.accessKeyId);
  const action = useAction();
  const phase = sessionPhase(status);
  const hasCredentials = credentials !== null && msLeft !== null && msLeft > 0;
  const signedIn = phase !== 'sign-in';

  return (
    <section className="card" aria-labelledby="session-title" data-testid="credentials-panel">
      <div className="card-header">
        <h2 id="session-title">Session</h2>
        <StatusPill status={status} degraded={hasCredentials && error !== null} testId="status" />
      </div>
      <IdentityCard identity={identity} />
      <CountdownMeter
        label="AWS credentials"
        msLeft={credentials === null ? null : msLeft}
        expiresAt={expiresAt}
        issuedAt={lastRefreshedAt}
        caption={
          expiresAt === null
            ? 'None yet'
            : `Expire at ${formatTime(expiresAt)} · renewed automatically before then`
        }
        testId="expires-in"
      />
      <CountdownMeter
        label="ID token"
        msLeft={tokenMsLeft}
        expiresAt={tokenExpiresAt}
        caption={
          tokenExpiresAt === null
            ? 'None yet'
            : `Expires at ${formatTime(tokenExpiresAt)} · renewed before the next AWS refresh`
        }
        testId="token-expires-in"
      />
      <dl className="facts">
        <dt>Access key</dt>
        <dd className="mono" data-testid="access-key-id">
          {credentials?.accessKeyId ?? '—'}
        </dd>
        <dt>Session</dt>
        <dd>
          {identity?.assumedRoleArn === undefined ? (
            '—'
          ) : (
            <BreakableArn arn={identity.assumedRoleArn} testId="assumed-role-arn" />
          )}
        </dd>
        <dt>Refreshes</dt>
        <dd data-testid="refresh-count">{refreshCount}</dd>
        <dt>Expires at</dt>
        <dd data-testid="expires-at">{formatTime(expiresAt)}</dd>
        <dt>Token until</dt>
        <dd data-testid="token-expires-at">{formatTime(tokenExpiresAt)}</dd>
      </dl>
      {/* Why a sign-in is needed is the sign-in card's to say. */}
      {signedIn && (
        <ErrorNotice
          error={error}
          testId="credentials-error"
          tone={hasCredentials ? 'warn' : 'danger'}
          {...(hasCredentials
            ? { prefix: 'The last refresh failed; your access still works.' }
            : {})}
        />
      )}
      <ErrorNotice error={action.error} testId="action-error" />
      <div className="actions">
        <button
          type="button"
          className="button"
          data-testid="refresh-now"
          disabled={action.busy || !signedIn || status === 'idle'}
          // The outcome shows in the snapshot (its error, or new credentials); the rejection of
          // refresh() would only say the same thing twice.
          onClick={() => void action.run(() => state.refresh({ force: true }).then(ignore, ignore))}
        >
          Refresh now
        </button>
        <button
          type="button"
          className="button button-secondary"
          data-testid="sign-out"
          disabled={action.busy || !signedIn}
          onClick={() => void action.run(() => state.signOut())}
        >
          Sign out
        </button>
        {idpSignOut && (
          <button
            type="button"
            className="button button-secondary"
            data-testid="sign-out-idp"
            disabled={action.busy || !signedIn}
            onClick={() => void action.run(() => state.signOut({ idp: true }))}
          >
            Sign out everywhere
          </button>
        )}
      </div>
    </section>
  );
}
