import { act, render, screen } from '@testing-library/react';
import { AwsCredentialsProvider, useAwsCredentials, useCredentialExpiry } from '@fedcreds/react';
import { describe, expect, it, vi } from 'vitest';
import {
  RenderLog,
  devstackForFile,
  fakeTimers,
  renderInProvider,
  untilStatus,
  useRenderLog,
  webIdentitySession,
} from './harness.js';

const devstack = devstackForFile();

describe('useCredentialExpiry', () => {
  it('ticks every intervalMs, re-rendering only the component that uses it', async () => {
    fakeTimers();
    const session = await webIdentitySession(devstack, { params: { DurationSeconds: 900 } });
    const log = new RenderLog();
    function Countdown() {
      const { msLeft, expired } = useCredentialExpiry({ intervalMs: 1000 });
      useRenderLog(log, 'countdown', msLeft);
      return (
        <p data-testid="countdown">
          {msLeft === null ? '–' : `${Math.ceil(msLeft / 1000)} s${expired ? ' (expired)' : ''}`}
        </p>
      );
    }
    function Sibling() {
      useRenderLog(
        log,
        'sibling',
        useAwsCredentials((state) => state.status),
      );
      return null;
    }
    function Layout() {
      useRenderLog(log, 'layout');
      return (
        <>
          <Sibling />
          <Countdown />
        </>
      );
    }
    renderInProvider(session, <Layout />);
    const ready = await act(() => untilStatus(session, 'ready'));
    const expiresAtMs = (ready.expiresAt as Date).getTime();
    expect(screen.getByTestId('countdown').textContent).toBe(
      `${Math.ceil((expiresAtMs - Date.now()) / 1000)} s`,
    );
    const before = log.snapshot();
    const shown = log.valuesOf('countdown').length;

    await act(() => vi.advanceTimersByTimeAsync(3000));

    expect(log.commitsSince(before)).toEqual({ countdown: 3, sibling: 0, layout: 0 });
    const ticks = log.valuesOf('countdown').slice(shown) as number[];
    expect(ticks).toHaveLength(3);
    expect(ticks[0]! - ticks[2]!).toBe(2000);
  });

  it('reports expired and stops ticking once the credentials have expired', async () => {
    fakeTimers();
    const session = await webIdentitySession(devstack, { params: { DurationSeconds: 900 } });
    const log = new RenderLog();
    function Countdown() {
      const { msLeft, expired } = useCredentialExpiry({ intervalMs: 60_000 });
      useRenderLog(log, 'countdown', expired);
      return <p data-testid="countdown">{expired ? 'expired' : msLeft}</p>;
    }
    render(
      <AwsCredentialsProvider session={session}>
        <Countdown />
      </AwsCredentialsProvider>,
    );
    await act(() => untilStatus(session, 'ready'));
    // Nobody refreshes: the session is stopped, only the countdown runs.
    session.stop();
    await act(() => vi.advanceTimersByTimeAsync(900_000));
    expect(screen.getByTestId('countdown').textContent).toBe('expired');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('renders no time left without credentials', async () => {
    const session = await webIdentitySession(devstack);
    function Countdown() {
      const { msLeft, expiresAt, expired } = useCredentialExpiry();
      return <p data-testid="countdown">{JSON.stringify({ msLeft, expiresAt, expired })}</p>;
    }
    render(
      <AwsCredentialsProvider session={session}>
        <Countdown />
      </AwsCredentialsProvider>,
    );
    expect(screen.getByTestId('countdown').textContent).toBe(
      '{"msLeft":null,"expiresAt":null,"expired":false}',
    );
  });
});
