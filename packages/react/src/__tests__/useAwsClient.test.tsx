import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import { act, render } from '@testing-library/react';
import { useAwsClient } from '@fedcreds/react';
import { describe, expect, it } from 'vitest';
import {
  BUCKET,
  devstackForFile,
  inProvider,
  renderInProvider,
  s3Config,
  untilStatus,
  webIdentitySession,
} from './harness.js';

// Stable across renders, like any non-plain value in a client config.
const handler = new FetchHttpHandler();

const devstack = devstackForFile();

describe('useAwsClient', () => {
  it('sends PutObject and GetObject to the gateway, signed with the session’s credentials', async () => {
    const session = await webIdentitySession(devstack);
    let s3: S3Client | undefined;
    function Files() {
      s3 = useAwsClient(S3Client, s3Config(devstack));
      return null;
    }
    renderInProvider(session, <Files />);
    const ready = await act(() => untilStatus(session, 'ready'));
    const gatewayBefore = devstack.stats().gateway;

    await s3!.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'react/hello.txt', Body: 'hello from React' }),
    );
    const object = await s3!.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'react/hello.txt' }));

    expect(await object.Body?.transformToString()).toBe('hello from React');
    // Signed with the session's access key, which the gateway knows from the stack's STS.
    expect(await s3!.config.credentials()).toMatchObject({
      accessKeyId: ready.credentials?.accessKeyId,
    });
    expect(devstack.stats().gateway).not.toEqual(gatewayBefore);
  });

  it('works the browser’s way too: fetch from the app’s origin, through CORS, for STS and S3', async () => {
    // Under happy-dom the SDK resolves its Node build (Node ignores the "browser" field); the
    // browser build's request handler makes every call a cross-origin fetch from location.origin.
    expect(location.origin).toBe('http://127.0.0.1:5173');
    const session = await webIdentitySession(devstack, {
      clientConfig: { requestHandler: new FetchHttpHandler() },
    });
    let s3: S3Client | undefined;
    function Files() {
      s3 = useAwsClient(S3Client, { ...s3Config(devstack), requestHandler: handler });
      return null;
    }
    renderInProvider(session, <Files />);
    await act(() => untilStatus(session, 'ready'));
    await s3!.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'react/cors.txt', Body: 'over fetch' }),
    );
    const object = await s3!.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'react/cors.txt' }));
    expect(await object.Body?.transformToString()).toBe('over fetch');
  });

  it('keeps one client across renders, rebuilds it when the config changes and destroys the ones it drops', async () => {
    const session = await webIdentitySession(devstack);
    // Counts destroy() from construction on, so StrictMode's effect re-run would be seen.
    class CountingS3Client extends S3Client {
      destroyed = 0;
      override destroy(): void {
        this.destroyed += 1;
        super.destroy();
      }
    }
    const clients: CountingS3Client[] = [];
    function Files({ region }: { region: string }) {
      // A new (structurally equal) config object on every render.
      const s3 = useAwsClient(CountingS3Client, { ...s3Config(devstack), region });
      if (clients.at(-1) !== s3) clients.push(s3);
      return null;
    }
    const tree = (region: string) => inProvider(session, <Files region={region} />);
    const view = render(tree('us-east-1'));
    view.rerender(tree('us-east-1'));
    view.rerender(tree('us-east-1'));
    await act(() => untilStatus(session, 'ready'));
    const [first] = clients;
    expect(clients).toHaveLength(1);
    expect(first!.destroyed).toBe(0); // StrictMode's effect re-run kept it

    view.rerender(tree('eu-west-1'));
    await act(() => Promise.resolve());
    expect(clients).toHaveLength(2);
    const second = clients[1]!;
    expect(await second.config.region()).toBe('eu-west-1');
    expect(first!.destroyed).toBe(1);

    view.unmount();
    await Promise.resolve();
    expect(second.destroyed).toBe(1);
  });
});
