/**
 * Time going wrong: a local clock an hour fast or slow (with and without a readable `Date`
 * header), a laptop that sleeps through expiry, a visibility change after it. The dev stack's STS
 * keeps true time; the session's clock is the fake one, shifted.
 */
import { describe, expect, it, vi } from 'vitest';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  createFederatedSession,
  type FederatedSession,
  type FederatedSessionOptions,
  type WebIdentityCredentials,
} from '@fedcreds/core';
import {
  HOUR_MS,
  MINUTE_MS,
  countingTokenSource,
  idle,
  manualEnvironment,
  recordEvents,
  stsCalls,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();

/** Makes the STS client unable to read the `Date` header, as in a browser without CORS exposure. */
function hideDateHeader(credentials: WebIdentityCredentials): void {
  credentials.service.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers: Record<string, string> }).headers;
      for (const name of Object.keys(headers))
        if (name.toLowerCase() === 'date') delete headers[name];
      return result;
    },
    // Low priority: innermost, so the header is gone before anything else sees the response.
    { step: 'deserialize', priority: 'low', name: 'testHideDate' },
  );
}

/** True expiry (STS's clock) of what the session hands out. */
function serverExpiry(session: FederatedSession): number {
  const data = session.credentials.data as { Credentials?: { Expiration?: Date } } | null;
  return data!.Credentials!.Expiration!.getTime();
}

/** A started session on simulated time, once it holds its first credentials. */
async function readySession(
  options: Omit<FederatedSessionOptions, 'credentials' | 'tokenSource' | 'clock' | 'timers'>,
): Promise<FederatedSession> {
  const s = createFederatedSession({
    credentials: await webIdentityCredentials(devstack, time),
    tokenSource: countingTokenSource(devstack, time),
    clock: time.clock,
    timers: time.timers,
    ...options,
  });
  s.start();
  await until(() => s.getSnapshot().status === 'ready');
  return s;
}

describe('a wrong local clock', () => {
  it.each([
    ['one hour fast', HOUR_MS, true],
    ['one hour slow', -HOUR_MS, true],
    ['one hour fast, no Date header', HOUR_MS, false],
    ['one hour slow, no Date header', -HOUR_MS, false],
  ])(
    '%s: one STS call per refresh window, never dead credentials',
    async (_label, offsetMs, dateHeader) => {
      const credentials = await webIdentityCredentials(devstack, time);
      if (!dateHeader) hideDateHeader(credentials);
      const tokenSource = countingTokenSource(devstack, time);
      const localClock = { now: () => time.now() + offsetMs };
      const s = createFederatedSession({
        credentials,
        tokenSource,
        clock: localClock,
        timers: time.timers,
        environment: null,
        random: () => 0.5,
      });
      const before = stsCalls(devstack);
      s.start();
      await until(() => s.getSnapshot().status === 'ready');
      const skew = s.getSnapshot().clockSkewMs;
      expect(Math.abs(skew + offsetMs)).toBeLessThanOrEqual(1_000);
      expect(
        Math.abs(s.getSnapshot().expiresAt!.getTime() - (localClock.now() + HOUR_MS)),
      ).toBeLessThanOrEqual(1_000);

      // Six hours, a reader every minute checking against the servers' own clock.
      let minLeftMs = Number.POSITIVE_INFINITY;
      for (let minute = 0; minute < 6 * 60; minute++) {
        await time.advance(MINUTE_MS, idle(s));
        const identity: AwsCredentialIdentity = await s.credentialProvider();
        expect(identity.accessKeyId).toBe(s.credentials.accessKeyId);
        minLeftMs = Math.min(minLeftMs, serverExpiry(s) - time.now());
      }
      // Renewed every 60 min − 5 min 15 s (window + jitter): 6 renewals in 6 hours, plus the first.
      expect(stsCalls(devstack) - before).toBe(1 + Math.floor((6 * HOUR_MS) / (HOUR_MS - 315_000)));
      expect(minLeftMs).toBeGreaterThan(4 * MINUTE_MS);
      // Before the first STS answer the skew is unknown, and to a clock an hour fast a fresh one-hour
      // token looks expired: it is renewed once, then never again.
      expect(tokenSource.calls.forced).toBe(offsetMs > 0 ? 1 : 0);
      s.stop();
    },
  );
});

describe('a sleeping laptop', () => {
  it('sleeps 2 h through expiry: on visibilitychange it reports expired and refreshes at once', async () => {
    const env = manualEnvironment();
    const s = await readySession({ environment: env, random: () => 0.5 });
    expect(env.listeners).toBe(1);
    const events = recordEvents(s);
    const statuses: string[] = [];
    s.subscribe(() => statuses.push(s.getSnapshot().status));
    const before = stsCalls(devstack);
    const oldExpiresAt = s.getSnapshot().expiresAt!;

    time.sleep(2 * HOUR_MS); // the clock jumps; timers were paused and did not fire
    env.emit('visible');
    expect(statuses.slice(0, 2)).toEqual(['expired', 'expired']); // expired, then refreshing while expired
    expect(events[0]).toEqual({ type: 'expired', event: { expiredAt: oldExpiresAt } });
    expect(s.getSnapshot()).toMatchObject({
      status: 'expired',
      credentials: null,
      isRefreshing: true,
    });
    const served = await s.credentialProvider(); // waits for the refresh instead of dead credentials
    expect(served.expiration!.getTime()).toBeGreaterThan(time.now() + 50 * MINUTE_MS);
    expect(s.getSnapshot().status).toBe('ready');
    expect(stsCalls(devstack)).toBe(before + 1);
    s.stop();
    expect(env.listeners).toBe(0);
  });

  it("by default listens to the page's visibilitychange and online events while started", async () => {
    const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const window = new EventTarget();
    vi.stubGlobal('document', document);
    vi.stubGlobal('window', window);
    try {
      const s = await readySession({});
      const before = stsCalls(devstack);
      time.sleep(2 * HOUR_MS);
      document.dispatchEvent(new Event('visibilitychange')); // still hidden: nothing
      expect(s.getSnapshot().status).toBe('ready');
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      expect(s.getSnapshot().status).toBe('expired');
      await until(() => s.getSnapshot().status === 'ready');
      time.sleep(2 * HOUR_MS);
      window.dispatchEvent(new Event('online'));
      expect(s.getSnapshot().status).toBe('expired');
      await until(() => s.getSnapshot().status === 'ready');
      expect(stsCalls(devstack)).toBe(before + 2);
      s.stop();
      time.sleep(2 * HOUR_MS);
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
      expect(s.getSnapshot().status).toBe('ready'); // detached on stop
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('wakes without any event: the provider still never hands out the dead credentials', async () => {
    const s = await readySession({ environment: null });
    const old = s.getSnapshot().credentials!;
    time.sleep(2 * HOUR_MS);
    const served = await s.credentialProvider();
    expect(served).not.toBe(old);
    expect(served.expiration!.getTime()).toBeGreaterThan(time.now());
    s.stop();
  });

  it('wakes past the refresh time but before expiry: refreshes within a minute, no expiry', async () => {
    const s = await readySession({ environment: null, random: () => 0.5 });
    const events = recordEvents(s);
    await time.advance(40 * MINUTE_MS, idle(s));
    time.sleep(17 * MINUTE_MS); // now 3 minutes before expiry
    const before = stsCalls(devstack);
    await time.advance(MINUTE_MS, idle(s));
    expect(stsCalls(devstack)).toBe(before + 1);
    expect(events.map((e) => e.type)).toEqual(['refreshed']);
    s.stop();
  });
});
