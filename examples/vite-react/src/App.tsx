import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsClient,
  useAwsCredentials,
} from '@fedcreds/react/oidc';
import { useEffect, useState } from 'react';
import { config } from './config';

export function App() {
  return (
    // Builds one session: OIDC sign-in (oidc-client-ts, PKCE), then STS AssumeRoleWithWebIdentity,
    // renewed before the credentials expire for as long as the page is open.
    <AwsCredentialsProvider
      oidc={{
        authority: config.oidcAuthority,
        client_id: config.oidcClientId,
        redirect_uri: `${window.location.origin}/`,
        scope: 'openid profile offline_access',
        // Sign-out revokes the tokens (RFC 7009, whose answer has no body to read). oidc-client-ts
        // still checks its Content-Type, and node-oidc-provider (the dev stack's) says text/plain:
        // without this the revocation, though done, counts as failed and shows as cancelled.
        revokeTokenAdditionalContentTypes: ['text/plain'],
      }}
      roleArn={config.roleArn}
      region={config.region}
      clientConfig={config.stsEndpoint ? { endpoint: config.stsEndpoint } : {}}
    >
      <h1>My files</h1>
      <Status />
      {/* Renders its children only while there are credentials to sign with. */}
      <RequireAwsCredentials fallback={<p>Getting AWS credentials…</p>} signIn={<SignIn />}>
        <Files />
      </RequireAwsCredentials>
    </AwsCredentialsProvider>
  );
}

function Status() {
  const status = useAwsCredentials((state) => state.status);
  return <p data-testid="status">{status}</p>;
}

function SignIn() {
  const signIn = useAwsCredentials((state) => state.signIn);
  return (
    <button data-testid="sign-in" onClick={() => void signIn()}>
      Sign in
    </button>
  );
}

/** The signed-in user's own S3 prefix, `<their sub>/`: all the role lets them touch. */
function Files() {
  const subject = useAwsCredentials((state) => state.identity?.subject);
  const signOut = useAwsCredentials((state) => state.signOut);
  // One client for this component, signing every request with the session's credentials.
  const s3 = useAwsClient(S3Client, {
    region: config.region,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
  });
  const prefix = `${subject}/`;
  const [keys, setKeys] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(0);

  useEffect(() => {
    let current = true;
    s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix })).then(
      (listed) => current && setKeys((listed.Contents ?? []).map((object) => object.Key ?? '')),
      (failure: unknown) => current && setError(String(failure)),
    );
    return () => {
      current = false;
    };
  }, [s3, prefix, saved]);

  async function save() {
    setError(null);
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: `${prefix}hello.txt`,
          Body: `Hello from ${subject} at ${new Date().toISOString()}`,
          ContentType: 'text/plain',
        }),
      );
      setSaved((count) => count + 1);
    } catch (failure) {
      setError(String(failure));
    }
  }

  return (
    <section>
      <p>
        s3://{config.bucket}/{prefix}{' '}
        <button data-testid="sign-out" onClick={() => void signOut()}>
          Sign out
        </button>
      </p>
      {error !== null && <p role="alert">{error}</p>}
      {keys === null ? (
        <p>Listing…</p>
      ) : keys.length === 0 ? (
        <p data-testid="empty">Nothing here yet.</p>
      ) : (
        <ul data-testid="objects">
          {keys.map((key) => (
            <li key={key}>{key}</li>
          ))}
        </ul>
      )}
      <button data-testid="save" onClick={() => void save()}>
        Save hello.txt
      </button>
    </section>
  );
}
