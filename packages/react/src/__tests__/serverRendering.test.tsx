// @vitest-environment node
import { Writable } from 'node:stream';
import { renderToPipeableStream, renderToString } from 'react-dom/server';
import { Suspense } from 'react';
import {
  AwsCredentialsProvider,
  RequireAwsCredentials,
  useAwsCredentials,
  useCredentialExpiry,
} from '@fedcreds/react/oidc';
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

  it('streams the Suspense fallback for a suspense consumer instead of waiting for a session only the browser starts', async () => {
    function Keys() {
      const { status } = useAwsCredentials({ suspense: true });
      return <p>{status}</p>;
    }
    const serverErrors: unknown[] = [];
    const html = await new Promise<string>((resolve, reject) => {
      let out = '';
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          out += chunk.toString();
          done();
        },
      });
      const stream = renderToPipeableStream(
        <AwsCredentialsProvider
          oidc={{
            authority: 'https://idp.example.test',
            client_id: 'spa',
            redirect_uri: 'https://app.example.test/',
          }}
          roleArn="arn:aws:iam::123456789012:role/web"
        >
          <Suspense fallback={<p>Getting AWS credentials…</p>}>
            <Keys />
          </Suspense>
        </AwsCredentialsProvider>,
        {
          onAllReady() {
            stream.pipe(sink);
            sink.on('finish', () => resolve(out));
          },
          onShellError: reject,
          onError: (error) => void serverErrors.push(error),
        },
      );
      // Nothing resolves a suspended session on the server: without an answer, React waits until aborted.
      setTimeout(() => {
        stream.abort();
        reject(new Error('the server render was still waiting for the session after 2 s'));
      }, 2000).unref();
    });
    expect(html).toContain('Getting AWS credentials…');
    expect(html).not.toContain('idle');
    // React reports why it left this part to the browser.
    expect(String(serverErrors[0])).toMatch(/suspense: true.*only the browser/);
  });
});
