/**
 * The session's pure parts, one by one. They are not public API, so this file imports them by
 * path; everything else is tested through `@fedcreds/core`.
 */
import { describe, expect, it } from 'vitest';
import { AbortedError, ReauthRequiredError, StsError, TimeoutError } from '@fedcreds/core';
import { backoffDelayMs, MIN_RETRY_DELAY_MS } from '../session/backoffDelayMs.js';
import { estimateClockSkew } from '../session/estimateClockSkew.js';
import { planRefresh } from '../session/planRefresh.js';
import {
  initialSessionState,
  reduceSession,
  type SessionAction,
} from '../session/reduceSession.js';
import { singleFlight } from '../session/singleFlight.js';
import { Alarm, MAX_TIMER_SLICE_MS } from '../time/Alarm.js';
import { raceSignal } from '../time/raceSignal.js';
import { timeoutSignal } from '../time/timeoutSignal.js';
import { FakeTime, HOUR_MS, MINUTE_MS, rejectionOf } from './sessionHarness.js';

const T0 = Date.UTC(2030, 0, 1);
const identity = { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' };
const received = (at = T0): SessionAction => ({
  type: 'credentialsReceived',
  credentials: identity,
  expiresAt: new Date(at + HOUR_MS),
  tokenExpiresAt: null,
  identity: null,
  refreshedAt: new Date(at),
  clockSkewMs: 0,
});
const throttled = new StsError('ERR_STS_THROTTLED', 'slow down', true, { wireCode: 'Throttling' });

describe('reduceSession', () => {
  it('moves idle → loading → ready → refreshing → ready', () => {
    let state = reduceSession(initialSessionState, { type: 'refreshStarted' });
    expect(state).toMatchObject({ status: 'loading', isRefreshing: true });
    state = reduceSession(state, received());
    expect(state).toMatchObject({
      status: 'ready',
      isRefreshing: false,
      credentials: identity,
      error: null,
    });
    state = reduceSession(state, { type: 'refreshStarted' });
    expect(state.status).toBe('refreshing');
    expect(reduceSession(state, received(T0 + 1)).status).toBe('ready');
  });

  it('returns the very same object when an action changes nothing', () => {
    const loading = reduceSession(initialSessionState, { type: 'refreshStarted' });
    expect(reduceSession(loading, { type: 'refreshStarted' })).toBe(loading);
    expect(reduceSession(initialSessionState, { type: 'credentialsExpired' })).toBe(
      initialSessionState,
    );
  });

  it('freezes every state it makes', () => {
    const state = reduceSession(initialSessionState, received());
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(initialSessionState)).toBe(true);
  });

  it('keeps retrying states apart from fatal ones', () => {
    const ready = reduceSession(initialSessionState, received());
    const retrying = reduceSession(ready, {
      type: 'refreshFailed',
      error: throttled,
      fatal: false,
    });
    expect(retrying).toMatchObject({
      status: 'refreshing',
      error: throttled,
      credentials: identity,
    });
    const loading = reduceSession(initialSessionState, {
      type: 'refreshFailed',
      error: throttled,
      fatal: false,
    });
    expect(loading.status).toBe('loading');
    const denied = new StsError('ERR_STS_ACCESS_DENIED', 'no', false, { wireCode: 'AccessDenied' });
    expect(
      reduceSession(ready, { type: 'refreshFailed', error: denied, fatal: true }),
    ).toMatchObject({
      status: 'error',
      credentials: identity,
    });
    const reauth = new ReauthRequiredError('login_required');
    expect(reduceSession(ready, { type: 'refreshFailed', error: reauth, fatal: true }).status).toBe(
      'reauth-required',
    );
  });

  it('expires credentials to status expired, which a refresh and a failure keep', () => {
    const ready = reduceSession(initialSessionState, received());
    const expired = reduceSession(ready, { type: 'credentialsExpired' });
    expect(expired).toMatchObject({ status: 'expired', credentials: null });
    expect(expired.expiresAt).toEqual(ready.expiresAt);
    const retrying = reduceSession(expired, { type: 'refreshStarted' });
    expect(retrying).toMatchObject({ status: 'expired', isRefreshing: true });
    expect(
      reduceSession(retrying, { type: 'refreshFailed', error: throttled, fatal: false }).status,
    ).toBe('expired');
    expect(reduceSession(retrying, received()).status).toBe('ready');
  });

  it('keeps a fatal status when the credentials then expire', () => {
    const ready = reduceSession(initialSessionState, received());
    const reauth = reduceSession(ready, {
      type: 'refreshFailed',
      error: new ReauthRequiredError('login_required'),
      fatal: true,
    });
    expect(reduceSession(reauth, { type: 'credentialsExpired' })).toMatchObject({
      status: 'reauth-required',
      credentials: null,
    });
  });

  it('goes back to where it was when a refresh is aborted', () => {
    const loading = reduceSession(initialSessionState, { type: 'refreshStarted' });
    expect(reduceSession(loading, { type: 'refreshAborted' }).status).toBe('idle');
    const refreshing = reduceSession(reduceSession(initialSessionState, received()), {
      type: 'refreshStarted',
    });
    expect(reduceSession(refreshing, { type: 'refreshAborted' })).toMatchObject({
      status: 'ready',
      isRefreshing: false,
    });
  });

  it('forgets everything but the clock skew on sign-out', () => {
    const ready = reduceSession(initialSessionState, {
      ...received(),
      clockSkewMs: 1234,
    } as SessionAction);
    expect(reduceSession(ready, { type: 'signedOut' })).toEqual({
      ...initialSessionState,
      status: 'signed-out',
      clockSkewMs: 1234,
    });
  });
});

describe('planRefresh', () => {
  it('renews the window plus jitter before expiry', () => {
    expect(
      planRefresh({
        issuedAtMs: 0,
        expiresAtMs: HOUR_MS,
        refreshWindowMs: 300_000,
        jitterMs: 10_000,
      }),
    ).toEqual({
      refreshAtMs: HOUR_MS - 310_000,
      usableUntilMs: HOUR_MS - 15_000,
    });
  });

  it('hands them out until expiryMarginMs before expiry, at most a quarter of their lifetime', () => {
    const plan = (expiresAtMs: number, expiryMarginMs?: number) =>
      planRefresh({
        issuedAtMs: 0,
        expiresAtMs,
        refreshWindowMs: 300_000,
        jitterMs: 0,
        ...(expiryMarginMs !== undefined && { expiryMarginMs }),
      }).usableUntilMs;
    expect(plan(HOUR_MS, MINUTE_MS)).toBe(HOUR_MS - MINUTE_MS);
    expect(plan(HOUR_MS, 0)).toBe(HOUR_MS);
    // 120-second credentials: served until 105 s, not held back for a quarter of their life.
    expect(plan(120_000)).toBe(105_000);
    expect(plan(40_000)).toBe(30_000);
  });

  it('never renews before half the lifetime, so short credentials do not loop', () => {
    const plan = planRefresh({
      issuedAtMs: 0,
      expiresAtMs: 4_000,
      refreshWindowMs: 300_000,
      jitterMs: 30_000,
    });
    expect(plan.refreshAtMs).toBe(2_000);
    expect(plan.usableUntilMs).toBe(3_000);
  });
});

describe('backoffDelayMs', () => {
  const retry = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

  it('draws uniformly below a ceiling that doubles per attempt', () => {
    expect(backoffDelayMs(1, retry, () => 0.999)).toBe(999);
    expect(backoffDelayMs(2, retry, () => 0.5)).toBe(1_000);
    expect(backoffDelayMs(4, retry, () => 0.5)).toBe(4_000);
  });

  it('caps the ceiling at maxDelayMs', () => {
    expect(backoffDelayMs(30, retry, () => 0.999999)).toBe(59_999);
    expect(backoffDelayMs(1_000, retry, () => 0.5)).toBe(30_000);
  });

  it('never returns less than the minimum delay, even when random() is 0', () => {
    expect(backoffDelayMs(1, retry, () => 0)).toBe(MIN_RETRY_DELAY_MS);
  });
});

describe('estimateClockSkew', () => {
  const t = T0;

  it('reads the Date header at the middle of the request', () => {
    const estimate = estimateClockSkew({
      requestStartMs: t,
      responseEndMs: t + 1_000,
      serverDateMs: t + HOUR_MS, // server one hour ahead
      expirationMs: t + 2 * HOUR_MS,
      maxLifetimeMs: HOUR_MS,
    });
    expect(estimate.source).toBe('date-header');
    expect(estimate.clockSkewMs).toBe(HOUR_MS);
    expect(estimate.expiresAtMs).toBe(t + HOUR_MS);
  });

  it('without a Date header, assumes the requested lifetime: a fast local clock is corrected', () => {
    // Local clock one hour fast: the server's "now" is t - 1 h; STS grants one hour.
    const estimate = estimateClockSkew({
      requestStartMs: t,
      responseEndMs: t,
      expirationMs: t - HOUR_MS + HOUR_MS,
      maxLifetimeMs: HOUR_MS,
    });
    expect(estimate).toEqual({ clockSkewMs: -HOUR_MS, expiresAtMs: t + HOUR_MS, source: 'bounds' });
  });

  it("takes the token's iat as a lower bound when the session was cut short", () => {
    // Clock right; the IdP cut the session to 15 minutes; a fresh token issued 1 s ago.
    const estimate = estimateClockSkew({
      requestStartMs: t,
      responseEndMs: t,
      expirationMs: t + 15 * MINUTE_MS,
      maxLifetimeMs: HOUR_MS,
      tokenIssuedAtMs: t - 1_000,
    });
    expect(estimate.clockSkewMs).toBe(-1_000);
    expect(estimate.expiresAtMs).toBe(t + 15 * MINUTE_MS + 1_000);
  });

  it('never trusts a lifetime longer than requested', () => {
    // A Date header claiming the server is an hour behind would stretch 1 h credentials to 2 h.
    const estimate = estimateClockSkew({
      requestStartMs: t,
      responseEndMs: t,
      serverDateMs: t - HOUR_MS,
      expirationMs: t + HOUR_MS,
      maxLifetimeMs: HOUR_MS,
    });
    expect(estimate.expiresAtMs).toBe(t + HOUR_MS);
  });

  it('never judges credentials STS just issued as already expired', () => {
    // A Date header (say from a proxy) two hours ahead would make them look expired on arrival.
    const estimate = estimateClockSkew({
      requestStartMs: t,
      responseEndMs: t,
      serverDateMs: t + 2 * HOUR_MS,
      expirationMs: t + HOUR_MS,
      maxLifetimeMs: HOUR_MS,
    });
    expect(estimate.expiresAtMs).toBe(t + HOUR_MS);
  });
});

describe('Alarm', () => {
  it('fires once the clock reaches the time, through slices of at most a minute', async () => {
    const time = new FakeTime(T0);
    let fired = 0;
    const alarm = new Alarm(time.clock, time.timers, () => fired++);
    alarm.set(T0 + HOUR_MS);
    await time.advance(HOUR_MS - 1);
    expect(fired).toBe(0);
    expect(time.pendingTimers).toBe(1);
    await time.advance(1);
    expect(fired).toBe(1);
    expect(time.pendingTimers).toBe(0);
  });

  it('notices a clock that jumped within one slice, not when the stale timer ends', async () => {
    const time = new FakeTime(T0);
    let firedAt: number | undefined;
    const alarm = new Alarm(time.clock, time.timers, () => (firedAt = time.now()));
    alarm.set(T0 + HOUR_MS);
    time.sleep(2 * HOUR_MS);
    await time.advance(MAX_TIMER_SLICE_MS);
    expect(firedAt).toBeDefined();
    expect(firedAt! - T0).toBeLessThanOrEqual(2 * HOUR_MS + MAX_TIMER_SLICE_MS);
  });

  it('leaves no timer once cleared', () => {
    const time = new FakeTime(T0);
    const alarm = new Alarm(time.clock, time.timers, () => {});
    alarm.set(T0 + 10);
    alarm.set(T0 + 20);
    expect(time.pendingTimers).toBe(1);
    alarm.clear();
    expect(time.pendingTimers).toBe(0);
  });
});

describe('singleFlight', () => {
  it('shares one run between concurrent callers and runs again after it settled', async () => {
    let runs = 0;
    const fetch = singleFlight(async () => ++runs);
    expect(await Promise.all([fetch(), fetch(), fetch()])).toEqual([1, 1, 1]);
    expect(await fetch()).toBe(2);
  });

  it('does not cache a failure', async () => {
    let runs = 0;
    const fetch = singleFlight(async () => {
      runs += 1;
      if (runs === 1) throw new Error('first fails');
      return runs;
    });
    await expect(fetch()).rejects.toThrow('first fails');
    await expect(fetch()).resolves.toBe(2);
  });

  it('aborts the shared run only when every caller gave up, and then starts afresh', async () => {
    const signals: AbortSignal[] = [];
    const fetch = singleFlight((signal) => {
      signals.push(signal);
      return new Promise<never>(() => {});
    });
    const a = new AbortController();
    const b = new AbortController();
    const first = fetch(a.signal);
    const second = fetch(b.signal);
    a.abort();
    expect(await rejectionOf(first)).toBeInstanceOf(AbortedError);
    expect(signals[0]!.aborted).toBe(false);
    b.abort();
    expect(await rejectionOf(second)).toBeInstanceOf(AbortedError);
    expect(signals[0]!.aborted).toBe(true);
    void fetch(new AbortController().signal).catch(() => {});
    expect(signals).toHaveLength(2);
  });
});

describe('timeoutSignal', () => {
  it('aborts with a TimeoutError on the injected timers, and cleans up', async () => {
    const time = new FakeTime(T0);
    const parent = new AbortController();
    const timeout = timeoutSignal(parent.signal, 5_000, time.timers, 'test');
    const waiting = rejectionOf(raceSignal(new Promise<never>(() => {}), timeout.signal));
    await time.advance(5_000);
    const error = await waiting;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(timeout.timedOut).toBe(true);
    timeout.dispose();
    expect(time.pendingTimers).toBe(0);
  });

  it('follows its parent and clears its timer at once', () => {
    const time = new FakeTime(T0);
    const parent = new AbortController();
    const timeout = timeoutSignal(parent.signal, 5_000, time.timers, 'test');
    parent.abort();
    expect(timeout.signal.aborted).toBe(true);
    expect(timeout.signal.reason).toBeInstanceOf(AbortedError);
    expect(timeout.timedOut).toBe(false);
    expect(time.pendingTimers).toBe(0);
  });
});
