import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsCredentials,
} from '@fedcreds/react/oidc';

/**
 * The same tree on the server and in the browser. `origin` is a prop because the server has no
 * `window.location`: the redirect URI must be the same string on both sides.
 */
export function App({ origin }: { origin: string }) {
  return (
    <AwsCredentialsProvider
      oidc={{
        authority: 'https://idp.example.com',
        client_id: 'my-spa',
        redirect_uri: `${origin}/`,
      }}
      roleArn="arn:aws:iam::123456789012:role/web"
      region="eu-west-1"
    >
      <Status />
      {/* On the server and while hydrating: the fallback. Credentials exist only in the browser. */}
      <RequireAwsCredentials fallback={<p>Getting AWS credentials…</p>}>
        <p>Signed in.</p>
      </RequireAwsCredentials>
    </AwsCredentialsProvider>
  );
}

function Status() {
  // `idle` on the server and during hydration, then whatever the browser's session says.
  const status = useAwsCredentials((state) => state.status);
  return <p data-testid="status">{status}</p>;
}
