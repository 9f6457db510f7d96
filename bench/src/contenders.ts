/**
 * The credential providers the bench compares, each built fresh against a dev stack: fedcreds'
 * session and credential object, SDK v3's `fromWebToken` (bare, memoized as SDK clients do, and
 * inside an S3Client) and SDK v2's `AWS.WebIdentityCredentials`.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { fromWebToken } from '@aws-sdk/credential-providers';
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
} from '@fedcreds/core';
import type { Devstack } from '@fedcreds/devstack';
import { memoize } from '@smithy/property-provider';
import type { AwsCredentialIdentity } from '@smithy/types';
import AWS from 'aws-sdk';

/** One provider under test: `read()` is what a request signer calls. */
export interface Contender {
  name: string;
  read(): Promise<AwsCredentialIdentity>;
  /** IdP token requests it made (only fedcreds asks a token source; the others hold one token). */
  idpCalls(): number;
  stop?(): void;
}

export type ContenderKind =
  | 'fedcreds session'
  | 'fedcreds toProvider()'
  | 'memoize(fromWebToken)'
  | 'fromWebToken (bare)'
  | 'fromWebToken in S3Client'
  | 'SDK v2 getPromise';

/** What every contender needs: the stack, its role, and one attempt per STS call where asked. */
export interface ContenderSetup {
  stack: Devstack;
  /** STS attempts of the SDK v3 clients; the SDK's default (3) when absent. */
  maxAttempts?: number;
}

/** SDK v3's own expiry rule for identities (5 minutes), as its clients memoize providers. */
const isExpiring = (c: AwsCredentialIdentity) =>
  c.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000;
const expires = (c: AwsCredentialIdentity) => c.expiration !== undefined;

/** A long-lived ID token, so only the AWS credentials expire when the bench moves the clock. */
export const mintToken = (stack: Devstack) =>
  stack.oidc.mintIdToken({ sub: 'alice', expiresInSeconds: 86_400 });

export async function createContender(
  kind: ContenderKind,
  setup: ContenderSetup,
): Promise<Contender> {
  const { stack } = setup;
  const roleArn = stack.roleArn('fedcreds-demo-web');
  const stsConfig = {
    endpoint: stack.urls.sts,
    region: stack.config.region,
    ...(setup.maxAttempts !== undefined && { maxAttempts: setup.maxAttempts }),
  };
  let idp = 0;
  const token = await mintToken(stack);
  const idpCalls = () => idp;
  switch (kind) {
    case 'fedcreds session': {
      const session = createFederatedSession({
        // One attempt per STS call, as createOidcSession and the React provider configure it:
        // the session's own backoff does the retrying.
        credentials: new WebIdentityCredentials(
          { RoleArn: roleArn },
          { ...stsConfig, maxAttempts: 1 },
        ),
        tokenSource: callbackTokenSource(async () => {
          idp += 1;
          return mintToken(stack);
        }),
        environment: null,
      });
      session.start();
      return { name: kind, read: session.credentialProvider, idpCalls, stop: () => session.stop() };
    }
    case 'fedcreds toProvider()': {
      const creds = new WebIdentityCredentials(
        { RoleArn: roleArn, WebIdentityToken: token },
        stsConfig,
      );
      return { name: kind, read: creds.toProvider(), idpCalls };
    }
    case 'memoize(fromWebToken)':
    case 'fromWebToken (bare)': {
      const bare = fromWebToken({ roleArn, webIdentityToken: token, clientConfig: stsConfig });
      const read =
        kind === 'fromWebToken (bare)' ? () => bare() : memoize(bare, isExpiring, expires);
      return { name: kind, read, idpCalls };
    }
    case 'fromWebToken in S3Client': {
      const s3 = new S3Client({
        region: stack.config.region,
        credentials: fromWebToken({ roleArn, webIdentityToken: token, clientConfig: stsConfig }),
      });
      // What the client's signer asks before each request: its memoized identity provider.
      const provider = s3.config.credentials;
      return { name: kind, read: () => provider(), idpCalls, stop: () => s3.destroy() };
    }
    case 'SDK v2 getPromise': {
      const creds = new AWS.WebIdentityCredentials(
        { RoleArn: roleArn, WebIdentityToken: token, RoleSessionName: 'web-identity' },
        // v2 hands this to `new AWS.STS(…)`, whose options take `endpoint`; the declared type does not.
        {
          endpoint: stack.urls.sts,
          region: stack.config.region,
          ...(setup.maxAttempts !== undefined && { maxRetries: setup.maxAttempts - 1 }),
        } as AWS.ConfigurationOptions,
      );
      return {
        name: kind,
        read: async () => {
          await creds.getPromise();
          return {
            accessKeyId: creds.accessKeyId,
            secretAccessKey: creds.secretAccessKey,
            sessionToken: creds.sessionToken,
            ...(creds.expireTime && { expiration: creds.expireTime }),
          };
        },
        idpCalls,
      };
    }
  }
}
