import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { FederatedSession } from '@fedcreds/core';
import {
  AwsCredentialsProvider,
  useAwsClient,
  useAwsCredentials,
  useCredentialExpiry,
  useFederatedSession,
} from '@fedcreds/react';
import { useEffect, useState } from 'react';
import { createChainedSession } from '../auth/createChainedSession';
import { config } from '../config';
import { useTimeline } from '../timeline/TimelineContext';
import { CountdownMeter } from './CountdownMeter';
import { ErrorNotice } from './ErrorNotice';
import { formatTime, parseArn, plural } from './format';
import { StatusPill } from './StatusPill';
import { useAction } from './useAction';
import { useRefreshCount } from './useRefreshCount';

const ignore = () => undefined;

/**
 * Role chaining: the signed-in session's credentials assume a narrower role (read-only files).
 * The chained session shows its own countdown and refreshes, and joins the timeline.
 */
export function ChainedRolePanel() {
  const master = useFederatedSession();
  const subject = useAwsCredentials((state) => state.identity?.subject);
  const masterRole = useAwsCredentials((state) => parseArn(state.identity?.roleArn).roleName);
  const [chained, setChained] = useState<FederatedSession | null>(null);
  const timeline = useTimeline();
  const chainedRole = parseArn(config.chainedRoleArn).roleName ?? config.chainedRoleArn;

  useEffect(
    () => (chained === null ? undefined : timeline.track(chained, 'Chained role')),
    [chained, timeline],
  );

  return (
    <section className="card" aria-labelledby="chain-title" data-testid="chain-panel">
      <div className="card-header">
        <h2 id="chain-title">Role chaining</h2>
        <span className="card-sub">STS AssumeRole</span>
      </div>
      {chained === null ? (
        <>
          <p className="lead">
            Use your signed-in role to assume <strong>{chainedRole}</strong>, narrowed by a session
            policy to reading your own files. It refreshes on its own, through your session.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button"
              data-testid="chain-assume"
              disabled={subject === undefined}
              onClick={() =>
                subject !== undefined && setChained(createChainedSession(master, subject))
              }
            >
              Assume {chainedRole}
            </button>
          </div>
        </>
      ) : (
        // A provider of its own: the hooks below read the chained session, not the signed-in one.
        <AwsCredentialsProvider session={chained}>
          <ChainedSession
            subject={subject ?? ''}
            masterRole={masterRole ?? 'Your role'}
            onDrop={() => setChained(null)}
          />
        </AwsCredentialsProvider>
      )}
    </section>
  );
}

function ChainedSession({
  subject,
  masterRole,
  onDrop,
}: {
  subject: string;
  masterRole: string;
  onDrop: () => void;
}) {
  const { status, credentials, expiresAt, identity, error, lastRefreshedAt, refresh } =
    useAwsCredentials();
  const { msLeft } = useCredentialExpiry({ intervalMs: 1000 });
  const refreshCount = useRefreshCount(credentials?.accessKeyId);
  const s3 = useAwsClient(S3Client, {
    region: config.region,
    ...(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    forcePathStyle: true,
  });
  const action = useAction();
  const [fileCount, setFileCount] = useState<number | undefined>(undefined);
  const role = parseArn(identity?.assumedRoleArn ?? identity?.roleArn);
  const usable = status === 'ready' || status === 'refreshing';

  const listFiles = () =>
    action.run(async () => {
      const result = await s3.send(
        new ListObjectsV2Command({ Bucket: config.bucket, Prefix: `${subject}/` }),
      );
      setFileCount(result.KeyCount ?? result.Contents?.length ?? 0);
    });

  return (
    <>
      <div className="chain">
        <p className="chain-step">
          <span className="nowrap">{masterRole}</span>
          <span className="chain-arrow" aria-hidden="true">
            →
          </span>
          <strong data-testid="chain-role">{role.roleName ?? '…'}</strong>
          <StatusPill status={status} degraded={usable && error !== null} testId="chain-status" />
        </p>
        <CountdownMeter
          label="Chained credentials"
          msLeft={credentials === null ? null : msLeft}
          expiresAt={expiresAt}
          issuedAt={lastRefreshedAt}
          caption={`Refreshed ${plural(refreshCount, 'time')} · last at ${formatTime(lastRefreshedAt)}`}
          testId="chain-expires-in"
        />
        <p className="hint">
          Access key{' '}
          <span className="mono" data-testid="chain-access-key-id">
            {credentials?.accessKeyId ?? '—'}
          </span>{' '}
          · <span data-testid="chain-refresh-count">{refreshCount}</span>{' '}
          {refreshCount === 1 ? 'refresh' : 'refreshes'}
        </p>
      </div>
      <ErrorNotice error={error} testId="chain-error" tone={usable ? 'warn' : 'danger'} />
      <ErrorNotice error={action.error} testId="chain-action-error" />
      {fileCount !== undefined && (
        <p className="hint" role="status" data-testid="chain-file-count">
          This role sees {fileCount} {fileCount === 1 ? 'file' : 'files'} of yours.
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="button"
          data-testid="chain-list"
          disabled={action.busy || !usable}
          onClick={() => void listFiles()}
        >
          List my files as this role
        </button>
        <button
          type="button"
          className="button button-secondary"
          data-testid="chain-refresh"
          disabled={action.busy || !usable}
          // The outcome shows in the chained snapshot; its rejection would say it twice.
          onClick={() => void action.run(() => refresh({ force: true }).then(ignore, ignore))}
        >
          Refresh now
        </button>
        <button
          type="button"
          className="button button-secondary"
          data-testid="chain-drop"
          onClick={onDrop}
        >
          Drop role
        </button>
      </div>
    </>
  );
}
