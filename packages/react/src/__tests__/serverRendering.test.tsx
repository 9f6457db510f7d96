// @vitest-environment node
import { renderToString } from 'react-dom/server';
import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsCredentials,
  useCredentialExpiry,
} from '@fedcreds/react';
import { describe, expect, it } from 'vitest';

function Status() {
  const { status, credentials } = useAwsCredentials();
  const { msLeft } = useCredentialExpiry();
  return (
    <p>{`${status} ${credentials === null ? 'no credentials' : 'credentials'} ${String(msLeft)}`}</p>
  );
}

describe('server rendering', () => {
  it('renders a tree with the provider built from OIDC settings, with no window, as idle', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const html = renderToString(
      <AwsCredentialsProvider
        oidc={{
          authority: 'https://idp.example.test',
          client_id: 'spa',
          redirect_uri: 'https://app.example.test/',
        }}
        roleArn="arn:aws:iam::123456789012:role/web"
        region="eu-west-1"
      >
        <Status />
        <RequireAwsCredentials fallback={<p>Getting AWS credentials…</p>}>
          <p>secret app</p>
        </RequireAwsCredentials>
      </AwsCredentialsProvider>,
    );
    expect(html).toBe('<p>idle no credentials null</p><p>Getting AWS credentials…</p>');
  });
});
