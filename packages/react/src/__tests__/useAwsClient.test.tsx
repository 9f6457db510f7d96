import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { act, cleanup, render } from '@testing-library/react';
import { AwsCredentialsProvider, useAwsClient } from '@fedcreds/react';
import type { Devstack } from '@fedcreds/devstack';
import { StrictMode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUCKET, startStack, untilStatus, webIdentitySession } from './harness.js';

let devstack: Devstack;
beforeAll(async () => {
  devstack = await startStack();
});
afterAll(async () => {
  await devstack?.stop();
});
afterEach(() => {
  cleanup();
});

describe('useAwsClient', () => {
  it('sends PutObject and GetObject to the gateway, signed with the session’s credentials', async () => {
    const session = webIdentitySession(devstack);
    let s3: S3Client | undefined;
    function Files() {
      s3 = useAwsClient(S3Client, {
        region: 'us-east-1',
        endpoint: devstack.urls.s3,
        forcePathStyle: true,
      });
      return null;
    }
    render(
      <StrictMode>
        <AwsCredentialsProvider session={session}>
          <Files />
        </AwsCredentialsProvider>
      </StrictMode>,
    );
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

  it('keeps one client across renders, rebuilds it when the config changes and destroys the ones it drops', async () => {
    const session = webIdentitySession(devstack);
    const clients: S3Client[] = [];
    function Files({ region }: { region: string }) {
      // A new (structurally equal) config object on every render.
      const s3 = useAwsClient(S3Client, {
        region,
        endpoint: devstack.urls.s3,
        forcePathStyle: true,
      });
      if (clients.at(-1) !== s3) clients.push(s3);
      return null;
    }
    const tree = (region: string) => (
      <StrictMode>
        <AwsCredentialsProvider session={session}>
          <Files region={region} />
        </AwsCredentialsProvider>
      </StrictMode>
    );
    const view = render(tree('us-east-1'));
    const first = clients.at(-1)!;
    const destroyFirst = vi.spyOn(first, 'destroy');
    view.rerender(tree('us-east-1'));
    view.rerender(tree('us-east-1'));
    await act(() => untilStatus(session, 'ready'));
    await Promise.resolve();
    expect(clients.at(-1)).toBe(first);
    expect(destroyFirst).not.toHaveBeenCalled(); // StrictMode's effect re-run kept it

    view.rerender(tree('eu-west-1'));
    await act(() => Promise.resolve());
    const second = clients.at(-1)!;
    expect(second).not.toBe(first);
    expect(await second.config.region()).toBe('eu-west-1');
    expect(destroyFirst).toHaveBeenCalledTimes(1);

    const destroySecond = vi.spyOn(second, 'destroy');
    view.unmount();
    await Promise.resolve();
    expect(destroySecond).toHaveBeenCalledTimes(1);
  });
});
