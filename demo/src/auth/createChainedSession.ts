import { ChainableTemporaryCredentials, createFederatedSession } from '@fedcreds/core';
import type { FederatedSession } from '@fedcreds/core';
import { config, refreshTiming, stsClientConfig } from '../config';

/**
 * A session policy that narrows the chained role to reading the user's own files: whatever the
 * role itself allows, these credentials can list and download, not write or delete.
 */
const readOnlyFiles = (subject: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${config.bucket}`,
        Condition: { StringLike: { 's3:prefix': [`${subject}/*`, `${subject}/`] } },
      },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${config.bucket}/${subject}/*`,
      },
    ],
  });

/**
 * Role chaining: AssumeRole into the narrower `config.chainedRoleArn`, signed with the signed-in
 * session's own credentials (`master`). The chained session refreshes on its own schedule and
 * through the master, and signs out with it.
 */
export function createChainedSession(master: FederatedSession, subject: string): FederatedSession {
  const credentials = new ChainableTemporaryCredentials({
    params: {
      RoleArn: config.chainedRoleArn,
      RoleSessionName: `demo-${subject}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
      // The shortest STS allows; a chained session is capped at an hour anyway.
      DurationSeconds: 900,
      Policy: readOnlyFiles(subject),
    },
    masterCredentials: master.credentialProvider,
    stsConfig: stsClientConfig,
  });
  return createFederatedSession({ credentials, master, ...refreshTiming });
}
