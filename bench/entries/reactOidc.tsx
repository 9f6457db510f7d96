// @fedcreds/react: the provider from OIDC settings and the hook, rendered with react-dom.
import { useAwsCredentials } from '@fedcreds/react';
import { AwsCredentialsProvider } from '@fedcreds/react/oidc';
import { createRoot } from 'react-dom/client';

function Status() {
  const { status } = useAwsCredentials();
  return <p>{status}</p>;
}
createRoot(document.body).render(
  <AwsCredentialsProvider
    oidc={{ authority: 'https://idp.example.com', client_id: 'spa', redirect_uri: location.href }}
    roleArn="arn:aws:iam::123456789012:role/web"
  >
    <Status />
  </AwsCredentialsProvider>,
);
