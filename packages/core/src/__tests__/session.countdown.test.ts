/**
 * ExpiryCountdown over a session, and a session on the global timers that `vi.useFakeTimers()`
 * replaces (both restored from storage, so no network is involved).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ExpiryCountdown,
  ReauthRequiredError,
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
  type SessionRecord,
} from '@fedcreds/core';
import { FakeTime, HOUR_MS, MINUTE_MS, timedSession } from './sessionHarness.js';

const ROLE = 'arn:aws:iam::123456789012:role/web';

/** Storage holding credentials obtained at `issuedAtMs`, living one hour. */
function storageWith(issuedAtMs: number) {
  const record: SessionRecord = {
    version: 1,
    accessKeyId: 'ASIASTORED',
    secretAccessKey: 'stored-secret',
    sessionToken: 'stored-session-token',
    issuedAtMs,
    expiresAtMs: issuedAtMs + HOUR_MS,
    tokenExpiresAtMs: null,
    identity: null,
    clockSkewMs: 0,
  };
  const items = new Map([[`fedcreds:session:${ROLE}`, JSON.stringify(record)]]);
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

let tokenCalls = 0;
const refusingSource = callbackTokenSource(async () => {
  tokenCalls += 1;
  throw new ReauthRequiredError('login_required');
});
const credentials = () =>
  new WebIdentityCredentials({ RoleArn: ROLE, WebIdentityToken: undefined });

afterEach(() => {
  vi.useRealTimers();
});

describe('ExpiryCountdown', () => {
  it('ticks only while subscribed, every intervalMs, and stops at expiry', async () => {
    const time = new FakeTime();
    const session = timedSession(time, {
      credentials: credentials(),
      tokenSource: refusingSource,
      persistence: { storage: storageWith(time.now() - HOUR_MS + 5_000) }, // 5 s left
      refreshWindowMs: 1_000,
    });
    session.start();
    const countdown = new ExpiryCountdown(session, {
      intervalMs: 1_000,
      clock: time.clock,
      timers: time.timers,
    });
    await time.advance(0); // its first refresh (due at once) fails: the source wants the user
    const timersBefore = time.pendingTimers;

    const first = countdown.getSnapshot();
    expect(first).toEqual({
      msLeft: 5_000,
      expiresAt: session.getSnapshot().expiresAt,
      expired: false,
    });
    expect(countdown.getSnapshot()).toBe(first);
    await time.advance(2_000);
    expect(countdown.getSnapshot()).toBe(first); // unsubscribed: not recomputed by the clock alone
    expect(time.pendingTimers).toBe(timersBefore);

    const seen: (number | null)[] = [];
    const unsubscribe = countdown.subscribe(() => seen.push(countdown.getSnapshot().msLeft));
    expect(countdown.getSnapshot().msLeft).toBe(3_000);
    expect(time.pendingTimers).toBe(timersBefore + 1);
    const snapshot = countdown.getSnapshot();
    expect(countdown.getSnapshot()).toBe(snapshot);
    await time.advance(3_000);
    expect(seen).toEqual([3_000, 2_000, 1_000, 0]);
    expect(countdown.getSnapshot()).toMatchObject({ msLeft: 0, expired: true });
    unsubscribe();
    session.stop();
    expect(time.pendingTimers).toBe(0);
  });

  it('shows nothing without credentials', () => {
    const time = new FakeTime();
    const session = timedSession(time, { credentials: credentials(), tokenSource: refusingSource });
    const countdown = new ExpiryCountdown(session, { clock: time.clock, timers: time.timers });
    const unsubscribe = countdown.subscribe(() => {});
    expect(countdown.getSnapshot()).toEqual({ msLeft: null, expiresAt: null, expired: false });
    expect(time.pendingTimers).toBe(0);
    unsubscribe();
  });
});

describe('global timers', () => {
  it('are looked up when used, so vi.useFakeTimers() drives a session created before', async () => {
    const session = createFederatedSession({
      credentials: credentials(),
      tokenSource: refusingSource,
      environment: null,
      random: () => 0,
      persistence: { storage: storageWith(Date.now()) },
    });
    // Only timers and Date: nothing here needs the network.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    tokenCalls = 0;
    session.start();
    expect(session.getSnapshot()).toMatchObject({ status: 'ready' });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(HOUR_MS - 5 * MINUTE_MS - 1_000);
    expect(tokenCalls).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tokenCalls).toBe(1);
    expect(session.getSnapshot().status).toBe('reauth-required');
    session.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
