// The complete example of packages/react/README.md ("A complete example"), type-checked with the
// package and rendered against the dev stack by readmeExample.test.tsx. Keep the two in sync.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describeError } from '@fedcreds/core';
import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsClient,
  useAwsCredentials,
  useCredentialExpiry,
} from '@fedcreds/react/oidc';
import { useState } from 'react';

/** Where the app's identity provider, role and bucket are. */
export interface AppConfig {
  authority: string; // OpenID Provider issuer
  clientId: string; // its public (PKCE) client for this app
  redirectUri: string; // e.g. `${location.origin}/`
  roleArn: string; // trusts the provider's ID tokens (AssumeRoleWithWebIdentity)
  region: string;
  bucket: string;
  stsEndpoint?: string; // only for a local STS and S3 such as the fedcreds dev stack
  s3Endpoint?: string;
}

export function App({ config }: { config: AppConfig }) {
  return (
    <AwsCredentialsProvider
      oidc={{
        authority: config.authority,
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        scope: 'openid profile offline_access',
      }}
      roleArn={config.roleArn}
      region={config.region}
      clientConfig={config.stsEndpoint === undefined ? {} : { endpoint: config.stsEndpoint }}
    >
      <header>
        <SessionStatus />
      </header>
      <RequireAwsCredentials
        fallback={<p>Getting AWS credentials…</p>}
        signIn={<SignInButton />}
        // Optional: by default the gate shows the error's end-user sentence.
        errorFallback={(error) => <p role="alert">{describeError(error).sentence}</p>}
      >
        <Countdown />
        <Notes config={config} />
      </RequireAwsCredentials>
    </AwsCredentialsProvider>
  );
}

function SessionStatus() {
  // Re-renders only when the status changes, not on every credential refresh.
  const status = useAwsCredentials((state) => state.status);
  return <span data-testid="status">{status}</span>;
}

function SignInButton() {
  const signIn = useAwsCredentials((state) => state.signIn);
  return <button onClick={() => void signIn()}>Sign in</button>;
}

function Countdown() {
  // Ticks once a second, re-rendering this component only.
  const { msLeft } = useCredentialExpiry({ intervalMs: 1000 });
  if (msLeft === null) return null;
  return <p>Credentials renew automatically; these expire in {Math.ceil(msLeft / 1000)} s.</p>;
}

function Notes({ config }: { config: AppConfig }) {
  // One client for the component's lifetime, signing every call with the session's credentials.
  const s3 = useAwsClient(S3Client, {
    region: config.region,
    ...(config.s3Endpoint === undefined
      ? {}
      : { endpoint: config.s3Endpoint, forcePathStyle: true }),
  });
  const [note, setNote] = useState<string | null>(null);

  async function saveAndReload() {
    await s3.send(
      new PutObjectCommand({
        Bucket: config.bucket,
        Key: 'note.txt',
        Body: `Saved at ${new Date().toISOString()}`,
      }),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: 'note.txt' }));
    setNote((await object.Body?.transformToString()) ?? '');
  }

  return (
    <section>
      <button onClick={() => void saveAndReload()}>Save a note to S3</button>
      {note !== null && <p data-testid="note">{note}</p>}
    </section>
  );
}
