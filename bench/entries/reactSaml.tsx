// @fedcreds/react in a SAML-only app: a session the app builds, the provider and the hook.
import { SAMLCredentials, callbackTokenSource, createFederatedSession } from '@fedcreds/core';
import { AwsCredentialsProvider, useAwsCredentials } from '@fedcreds/react';
import { createRoot } from 'react-dom/client';

declare const getAssertion: () => Promise<string>;
const session = createFederatedSession({
  credentials: new SAMLCredentials({
    RoleArn: 'arn:aws:iam::123456789012:role/saml',
    PrincipalArn: 'arn:aws:iam::123456789012:saml-provider/idp',
  }),
  tokenSource: callbackTokenSource(getAssertion),
});
function Status() {
  const { status } = useAwsCredentials();
  return <p>{status}</p>;
}
createRoot(document.body).render(
  <AwsCredentialsProvider session={session}>
    <Status />
  </AwsCredentialsProvider>,
);
