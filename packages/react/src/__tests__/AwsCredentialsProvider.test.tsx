import { act, render, screen } from '@testing-library/react';
import {
  useAwsClient,
  useAwsCredentials,
  useCredentialExpiry,
  useFederatedSession,
} from '@fedcreds/react';
import type { FederatedSession } from '@fedcreds/core';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import {
  RenderLog,
  devstackForFile,
  fakeTimers,
  renderInProvider,
  s3Config,
  stsCalls,
  untilStatus,
  useRenderLog,
  webIdentitySession,
} from './harness.js';

const devstack = devstackForFile();

describe('AwsCredentialsProvider', () => {
  it('under StrictMode makes one session and one STS call, not two', async () => {
    const session = await webIdentitySession(devstack);
    const before = stsCalls(devstack);
    const sessionsSeen = new Set<FederatedSession>();
    const log = new RenderLog();
    function Probe() {
      sessionsSeen.add(useFederatedSession());
      const status = useAwsCredentials((state) => state.status);
      useRenderLog(log, 'probe', status);
      return <p data-testid="status">{status}</p>;
    }
    renderInProvider(session, <Probe />);
    await act(() => untilStatus(session, 'ready'));
    expect(screen.getByTestId('status').textContent).toBe('ready');
    expect(stsCalls(devstack) - before).toBe(1);
    expect([...sessionsSeen]).toEqual([session]);
    // What the user saw: no flash back to `idle` from StrictMode's unmount–remount.
    expect(log.valuesOf('probe')).toEqual(['idle', 'loading', 'ready']);
  });

  it('stops the session on unmount: no timer left, no STS request afterwards', async () => {
    const pending = new Set<unknown>();
    // The session's timers, counted: the core resolves them on each call, so this sees them all.
    const timers = {
      setTimeout(callback: () => void, delayMs: number) {
        const handle: unknown = globalThis.setTimeout(() => {
          pending.delete(handle);
          callback();
        }, delayMs);
        pending.add(handle);
        return handle;
      },
      clearTimeout(handle: unknown) {
        pending.delete(handle);
        globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
      },
    };
    const session = await webIdentitySession(devstack, {
      timers,
      refreshWindowMs: 0,
      refreshJitterMs: 0,
    });
    function Countdown() {
      const { msLeft } = useCredentialExpiry({ intervalMs: 1000 });
      useAwsClient(S3Client, s3Config(devstack));
      return <p>{msLeft}</p>;
    }
    const view = renderInProvider(session, <Countdown />);
    await act(() => untilStatus(session, 'ready'));
    expect(pending.size).toBeGreaterThan(0); // the refresh alarm (and the countdown's tick)
    const before = stsCalls(devstack);

    fakeTimers();
    view.unmount();
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(pending.size).toBe(0);
    expect(stsCalls(devstack)).toBe(before);
  });

  it('lets a hook outside any provider throw an error that says so', () => {
    function Orphan() {
      useAwsCredentials();
      return null;
    }
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(<Orphan />)).toThrow(
      'useAwsCredentials must be used inside <AwsCredentialsProvider>',
    );
    spy.mockRestore();
  });
});
