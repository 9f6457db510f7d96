/**
 * The failure matrix: every kind of STS error, network errors, timeouts, an IdP that wants the
 * user, a silent renew that hangs — what the session's status, events, retries (counted) and
 * served credentials are in each case. Dev stack STS on 127.0.0.1 with injected faults, simulated
 * time (random() = 0.5, so backoff delays are 500, 1000, 2000 … ms).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FedcredsError } from '@fedcreds/core';
import {
  NetworkError,
  ReauthRequiredError,
  StsError,
  TimeoutError,
  TokenUnavailableError,
  callbackTokenSource,
  type FederatedSession,
} from '@fedcreds/core';
import {
  HOUR_MS,
  countingTokenSource,
  flush,
  idle,
  manualEnvironment,
  mintIdToken,
  recordEvents,
  rejectionOf,
  stsCalls,
  timedSession,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();

/** A started session holding its first credentials, and where its proactive refresh is due. */
async function readySession(extra: Partial<Parameters<typeof timedSession>[1]> = {}) {
  const tokenSource = countingTokenSource(devstack, time);
  const s = timedSession(time, {
    credentials: await webIdentityCredentials(devstack, time),
    tokenSource,
    ...extra,
  });
  s.start();
  await until(() => s.getSnapshot().status === 'ready');
  const first = s.getSnapshot().credentials!;
  const expiresAtMs = s.getSnapshot().expiresAt!.getTime();
  const events = recordEvents(s);
  const calls = stsCalls(devstack);
  return { s, tokenSource, first, expiresAtMs, refreshAtMs: expiresAtMs - 315_000, events, calls };
}

/** Advances to `atMs` (simulated), waiting for every refresh a timer starts. */
function advanceTo(s: FederatedSession, atMs: number) {
  return time.advance(Math.max(0, atMs - time.now()), idle(s));
}

const errorEvents = (events: ReturnType<typeof recordEvents>) =>
  events
    .filter((e) => e.type === 'error')
    .map(
      (e) =>
        e.event as {
          error: FedcredsError;
          willRetry: boolean;
          attempt: number;
          retryInMs?: number;
        },
    );

describe('retryable STS errors', () => {
  it.each([
    ['Throttling', 'ERR_STS_THROTTLED'],
    ['InternalFailure', 'ERR_STS_UNAVAILABLE'],
    ['ServiceUnavailable', 'ERR_STS_UNAVAILABLE'],
    ['IDPCommunicationError', 'ERR_STS_IDP_COMMUNICATION'],
  ])(
    '%s: backs off with jitter, keeps serving the valid credentials, recovers',
    async (code, fedcredsCode) => {
      const { s, first, refreshAtMs, events, calls } = await readySession();
      devstack.faults.sts.failNext({ code, count: 3 });

      await advanceTo(s, refreshAtMs);
      expect(stsCalls(devstack)).toBe(calls + 1);
      expect(s.getSnapshot()).toMatchObject({
        status: 'refreshing',
        isRefreshing: false,
        credentials: first,
      });
      expect(s.getSnapshot().error).toMatchObject({ code: fedcredsCode, retryable: true });
      expect(await s.credentialProvider()).toBe(first);
      expect(events.map((e) => e.type)).toEqual(['error', 'expiring']);
      expect(events[1]!.event).toEqual({ expiresAt: s.getSnapshot().expiresAt, msLeft: 315_000 });

      await time.advance(500 + 1000 + 2000, idle(s));
      expect(stsCalls(devstack)).toBe(calls + 4);
      expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null });
      expect(s.getSnapshot().credentials).not.toBe(first);
      expect(
        errorEvents(events).map(({ willRetry, attempt, retryInMs }) => ({
          willRetry,
          attempt,
          retryInMs,
        })),
      ).toEqual([
        { willRetry: true, attempt: 1, retryInMs: 500 },
        { willRetry: true, attempt: 2, retryInMs: 1000 },
        { willRetry: true, attempt: 3, retryInMs: 2000 },
      ]);
      expect(errorEvents(events)[0]!.error).toBeInstanceOf(StsError);
      expect(events.at(-1)!.type).toBe('refreshed');
      s.stop();
    },
  );

  it('caps the backoff at maxDelayMs and reports the expiry when retries outlast the credentials', async () => {
    const { s, first, refreshAtMs, expiresAtMs, events, calls } = await readySession({
      retry: { baseDelayMs: 1000, maxDelayMs: 8000 },
    });
    devstack.faults.sts.failNext({ code: 'Throttling', count: 1000 });
    await advanceTo(s, refreshAtMs);
    const usableUntilMs = expiresAtMs - 15_000;
    // Served through the failures until 15 s before expiry (expiryMarginMs), a request signed
    // then still reaching AWS in time; the snapshot says it is degraded meanwhile.
    await advanceTo(s, usableUntilMs - 1);
    expect(await s.credentialProvider()).toBe(first);
    expect(s.getSnapshot()).toMatchObject({ degraded: true, credentials: first });
    const delays = errorEvents(events).map((e) => e.retryInMs);
    expect(Math.max(...(delays as number[]))).toBe(4000);
    expect(delays.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);

    // Within 15 s of expiry the provider stops handing them out: a read waits while the
    // session retries (recoveryTimeoutMs, 30 s), then says why.
    await advanceTo(s, usableUntilMs);
    const read = rejectionOf(s.credentialProvider());
    await time.advance(30_000, idle(s));
    const refused = await read;
    expect(refused).toBeInstanceOf(StsError);
    expect((refused as StsError).code).toBe('ERR_STS_THROTTLED');

    await advanceTo(s, expiresAtMs);
    expect(s.getSnapshot()).toMatchObject({ status: 'expired', credentials: null });
    expect(events.filter((e) => e.type === 'expired')).toEqual([
      { type: 'expired', event: { expiredAt: new Date(expiresAtMs) } },
    ]);
    const late = rejectionOf(s.credentialProvider());
    await time.advance(30_000, idle(s));
    expect(await late).toBeInstanceOf(StsError);

    devstack.faults.sts.clear();
    const callsBefore = stsCalls(devstack);
    await time.advance(4000, idle(s));
    expect(s.getSnapshot().status).toBe('ready');
    expect(stsCalls(devstack)).toBe(callsBefore + 1);
    expect(stsCalls(devstack) - calls).toBe(errorEvents(events).length + 1);
    s.stop();
  });
});

describe('fatal STS errors', () => {
  it.each([
    ['AccessDenied', 'ERR_STS_ACCESS_DENIED'],
    ['MalformedPolicyDocument', 'ERR_STS_MALFORMED_POLICY'],
    ['RegionDisabledException', 'ERR_STS_REGION_DISABLED'],
    ['ValidationError', 'ERR_STS_VALIDATION'],
  ])(
    '%s: stops, reports, serves the still-valid credentials, never retries',
    async (code, fedcredsCode) => {
      const { s, first, refreshAtMs, expiresAtMs, events, calls, tokenSource } =
        await readySession();
      devstack.faults.sts.failNext({ code });
      await advanceTo(s, refreshAtMs);
      expect(s.getSnapshot()).toMatchObject({
        status: 'error',
        credentials: first,
        isRefreshing: false,
      });
      expect(s.getSnapshot().error).toMatchObject({ code: fedcredsCode, retryable: false });
      expect(errorEvents(events)).toEqual([
        { error: s.getSnapshot().error, willRetry: false, attempt: 1 },
      ]);
      expect(await s.credentialProvider()).toBe(first);

      await advanceTo(s, expiresAtMs + 3 * HOUR_MS);
      expect(stsCalls(devstack)).toBe(calls + 1);
      expect(tokenSource.calls.cached).toBe(2);
      expect(s.getSnapshot()).toMatchObject({ status: 'error', credentials: null });
      expect(events.map((e) => e.type).filter((type) => type !== 'token-expiring')).toEqual([
        'error',
        'expired',
      ]);
      expect(await rejectionOf(s.credentialProvider())).toBe(s.getSnapshot().error);

      // The app may try again explicitly.
      await s.refresh();
      expect(s.getSnapshot().status).toBe('ready');
      s.stop();
    },
  );

  it('refresh() after a fatal error tries again at once, though the credentials are still valid', async () => {
    const { s, refreshAtMs, calls, first } = await readySession();
    devstack.faults.sts.failNext({ code: 'AccessDenied' });
    await advanceTo(s, refreshAtMs);
    expect(s.getSnapshot()).toMatchObject({ status: 'error', credentials: first });
    const fresh = await s.refresh();
    expect(fresh).not.toBe(first);
    expect(stsCalls(devstack)).toBe(calls + 2);
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null });
    s.stop();
  });

  it('an invalid parameter is fatal before any request', async () => {
    const { s, refreshAtMs, calls } = await readySession();
    (s.credentials.params as { DurationSeconds?: number }).DurationSeconds = 10;
    await advanceTo(s, refreshAtMs);
    expect(s.getSnapshot().status).toBe('error');
    expect(s.getSnapshot().error).toMatchObject({
      code: 'ERR_INVALID_PARAMETER',
      parameter: 'DurationSeconds',
    });
    expect(stsCalls(devstack)).toBe(calls);
    s.stop();
  });
});

describe('a rejected IdP token', () => {
  it.each([['ExpiredTokenException'], ['InvalidIdentityToken']])(
    '%s once: one forced re-acquisition, one retry, success',
    async (code) => {
      const { s, refreshAtMs, calls, tokenSource, events } = await readySession();
      devstack.faults.sts.failNext({ code });
      await advanceTo(s, refreshAtMs);
      expect(stsCalls(devstack)).toBe(calls + 2);
      expect(tokenSource.calls).toEqual({ cached: 2, forced: 1 });
      expect(s.getSnapshot().status).toBe('ready');
      expect(events.map((e) => e.type)).toEqual(['refreshed']);
      s.stop();
    },
  );

  it.each([['ExpiredTokenException'], ['InvalidIdentityToken']])(
    '%s again after the forced re-acquisition: stops with the error — no loop',
    async (code) => {
      const { s, refreshAtMs, calls, tokenSource, events } = await readySession();
      devstack.faults.sts.failNext({ code, count: 1000 });
      await advanceTo(s, refreshAtMs);
      expect(stsCalls(devstack)).toBe(calls + 2);
      expect(tokenSource.calls).toEqual({ cached: 2, forced: 1 });
      expect(s.getSnapshot().status).toBe('error');
      expect(s.getSnapshot().error).toBeInstanceOf(StsError);
      expect(errorEvents(events)).toHaveLength(1);
      await advanceTo(s, refreshAtMs + 5 * HOUR_MS);
      expect(stsCalls(devstack)).toBe(calls + 2);
      expect(tokenSource.calls).toEqual({ cached: 2, forced: 1 });
      s.stop();
    },
  );

  it('a token the source returns already expired is re-acquired before STS sees it', async () => {
    let calls = 0;
    const forced: boolean[] = [];
    const s = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      tokenSource: callbackTokenSource(({ forceRefresh }) => {
        calls += 1;
        forced.push(forceRefresh);
        return mintIdToken(devstack, time, forceRefresh ? 3600 : -60);
      }),
    });
    const before = stsCalls(devstack);
    const rejectedBefore = devstack.stats().sts.errors['ExpiredTokenException'] ?? 0;
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    expect(forced).toEqual([false, true]);
    expect(calls).toBe(2);
    expect(stsCalls(devstack)).toBe(before + 1);
    expect(devstack.stats().sts.errors['ExpiredTokenException'] ?? 0).toBe(rejectedBefore);
    s.stop();
  });
});

describe('the identity provider', () => {
  it('login_required: status reauth-required, one event, no retry, valid credentials still served', async () => {
    let tokenCalls = 0;
    const s = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      tokenSource: callbackTokenSource(async () => {
        tokenCalls += 1;
        if (tokenCalls > 1) throw new ReauthRequiredError('login_required');
        return mintIdToken(devstack, time);
      }),
    });
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    const first = s.getSnapshot().credentials;
    const events = recordEvents(s);
    const calls = stsCalls(devstack);
    await time.advance(HOUR_MS - 315_000, idle(s));
    expect(s.getSnapshot().status).toBe('reauth-required');
    expect(s.getSnapshot().error).toMatchObject({
      code: 'ERR_REAUTH_REQUIRED',
      reason: 'login_required',
    });
    expect(events.map((e) => e.type)).toEqual(['error', 'reauth-required']);
    expect(events[1]!.event).toEqual({ error: s.getSnapshot().error });
    expect(await s.credentialProvider()).toBe(first);
    await time.advance(6 * HOUR_MS, idle(s));
    expect(tokenCalls).toBe(2);
    expect(stsCalls(devstack)).toBe(calls);
    expect(s.getSnapshot()).toMatchObject({ status: 'reauth-required', credentials: null });
    s.stop();
  });

  it('a silent renew that hangs is cut by requestTimeoutMs and retried with backoff', async () => {
    let tokenCalls = 0;
    const s = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      requestTimeoutMs: 10_000,
      tokenSource: callbackTokenSource(() => {
        tokenCalls += 1;
        // The 2nd and 3rd renewals never answer and ignore their signal.
        if (tokenCalls === 2 || tokenCalls === 3) return new Promise<string>(() => {});
        return mintIdToken(devstack, time);
      }),
    });
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    const first = s.getSnapshot().credentials;
    const events = recordEvents(s);
    await time.advance(HOUR_MS - 315_000);
    expect(s.getSnapshot()).toMatchObject({ status: 'refreshing', isRefreshing: true });
    expect(await s.credentialProvider()).toBe(first);
    await time.advance(10_000);
    expect(s.getSnapshot().error).toBeInstanceOf(TimeoutError);
    expect(s.getSnapshot().error).toMatchObject({ retryable: true, timeoutMs: 10_000 });
    await time.advance(500 + 10_000);
    expect(tokenCalls).toBe(3);
    await time.advance(1_000, idle(s));
    expect(tokenCalls).toBe(4);
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null });
    expect(errorEvents(events).map((e) => [e.error.code, e.attempt, e.willRetry])).toEqual([
      ['ERR_TIMEOUT', 1, true],
      ['ERR_TIMEOUT', 2, true],
    ]);
    expect(time.pendingTimers).toBeGreaterThan(0);
    s.stop();
    expect(time.pendingTimers).toBe(0);
  });

  it('a token source failure that is not a fedcreds error is retried', async () => {
    let tokenCalls = 0;
    const s = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      tokenSource: callbackTokenSource(async () => {
        tokenCalls += 1;
        if (tokenCalls === 1) throw new TypeError('fetch failed');
        return mintIdToken(devstack, time);
      }),
    });
    const events = recordEvents(s);
    s.start();
    await until(() => s.getSnapshot().error !== null);
    expect(s.getSnapshot()).toMatchObject({ status: 'loading', credentials: null });
    expect(s.getSnapshot().error).toBeInstanceOf(TokenUnavailableError);
    await time.advance(500, idle(s));
    expect(s.getSnapshot().status).toBe('ready');
    expect(errorEvents(events)).toHaveLength(1);
    s.stop();
  });
});

describe('timeouts and the network', () => {
  it('an STS request that hangs times out after requestTimeoutMs and is retried', async () => {
    const { s, first, refreshAtMs, calls, events } = await readySession({
      requestTimeoutMs: 5_000,
    });
    devstack.faults.sts.failNext({ hang: true });
    await time.advance(refreshAtMs - time.now());
    await until(() => stsCalls(devstack) === calls + 1);
    expect(s.getSnapshot().isRefreshing).toBe(true);
    expect(await s.credentialProvider()).toBe(first);
    await time.advance(5_000);
    await until(() => !s.getSnapshot().isRefreshing);
    expect(s.getSnapshot().error).toMatchObject({ code: 'ERR_TIMEOUT', timeoutMs: 5_000 });
    expect(errorEvents(events)[0]).toMatchObject({ willRetry: true, attempt: 1, retryInMs: 500 });
    await time.advance(500, idle(s));
    expect(s.getSnapshot().status).toBe('ready');
    expect(stsCalls(devstack)).toBe(calls + 2);
    s.stop();
  });

  it('a network error is retried; coming back online retries at once', async () => {
    const proxy = await startProxy(Number(new URL(devstack.urls.sts).port));
    try {
      const env = manualEnvironment();
      const s = timedSession(time, {
        credentials: await webIdentityCredentials(devstack, time, {}, { endpoint: proxy.url }),
        tokenSource: countingTokenSource(devstack, time),
        environment: env,
      });
      const events = recordEvents(s);
      await proxy.setOnline(false);
      s.start();
      await until(() => s.getSnapshot().error !== null);
      expect(s.getSnapshot()).toMatchObject({ status: 'loading', credentials: null });
      expect(s.getSnapshot().error).toBeInstanceOf(NetworkError);
      await time.advance(500 + 1000, idle(s));
      expect(errorEvents(events).map((e) => e.retryInMs)).toEqual([500, 1000, 2000]);

      await proxy.setOnline(true);
      env.emit('online');
      await until(() => s.getSnapshot().status === 'ready');
      expect(errorEvents(events)).toHaveLength(3);
      s.stop();
      expect(env.listeners).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('stopping', () => {
  it('a failure does not leave a retry timer once stopped', async () => {
    const { s, refreshAtMs } = await readySession();
    devstack.faults.sts.failNext({ code: 'Throttling', count: 10 });
    await advanceTo(s, refreshAtMs);
    expect(s.getSnapshot().error).not.toBeNull();
    s.stop();
    expect(time.pendingTimers).toBe(0);
    await flush();
  });
});

/**
 * A TCP proxy to 127.0.0.1:`port` that can go offline (stops listening, drops its connections:
 * clients get ECONNREFUSED) and come back on the same port.
 */
async function startProxy(
  port: number,
): Promise<{ url: string; setOnline(online: boolean): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
  });
  const listen = (at: number) =>
    new Promise<void>((resolve) => server.listen(at, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) server.close(() => resolve());
      else resolve();
    });
  await listen(0);
  const proxyPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    setOnline: (online) => (online ? listen(proxyPort) : close()),
    close,
  };
}
