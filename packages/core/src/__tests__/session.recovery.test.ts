/**
 * How callers settle when STS fails for a while, and who the credentials belong to: `refresh()`
 * and credential reads wait for the session's own recovery (`recoveryTimeoutMs`) instead of
 * rejecting on the first transient failure; the snapshot says `degraded` while valid credentials
 * are served through failures; a session used before `start()` backs off too; a token for
 * another user stops the session (`IdentityChangedError`) instead of being used; the `logger`
 * hears the engine's decisions and no secret. Dev stack STS on 127.0.0.1 with injected faults,
 * simulated time (random() = 0.5: backoff delays 500, 1000, 2000 … ms).
 */
import { describe, expect, it, vi } from 'vitest';
import {
  IdentityChangedError,
  InvalidParameterError,
  StsError,
  callbackTokenSource,
  type SessionLogEntry,
} from '@fedcreds/core';
import {
  HOUR_MS,
  countingTokenSource,
  idle,
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

/** A token source whose user the test switches, as a shared IdP user store would. */
function switchableSource() {
  const state = { sub: 'alice' };
  const source = callbackTokenSource(() => mintIdToken(devstack, time, 3600, state.sub));
  return Object.assign(source, { state });
}

async function readySession(extra: Partial<Parameters<typeof timedSession>[1]> = {}) {
  const s = timedSession(time, {
    credentials: await webIdentityCredentials(devstack, time),
    tokenSource: countingTokenSource(devstack, time),
    ...extra,
  });
  s.start();
  await until(() => s.getSnapshot().status === 'ready');
  return { s, first: s.getSnapshot().credentials!, events: recordEvents(s) };
}

describe('settling with the session', () => {
  it('a forced refresh hit by two Throttling answers resolves with the recovered credentials, leaving no error', async () => {
    const { s, first } = await readySession();
    devstack.faults.sts.failNext({ code: 'Throttling', count: 2 });
    const before = stsCalls(devstack);
    const refreshed = s.refresh({ force: true });
    await idle(s)(); // the first answer (a failure) has arrived; its retry is planned
    await time.advance(5_000, idle(s));
    const credentials = await refreshed;
    expect(credentials.accessKeyId).not.toBe(first.accessKeyId);
    expect(stsCalls(devstack) - before).toBe(3);
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null, degraded: false });
    s.stop();
  });

  it('a forced refresh rejects with the last error once recoveryTimeoutMs passes, the old credentials still served', async () => {
    const { s, first } = await readySession({ recoveryTimeoutMs: 10_000 });
    devstack.faults.sts.failNext({ code: 'Throttling', count: 1000 });
    const refreshed = rejectionOf(s.refresh({ force: true }));
    await idle(s)();
    await time.advance(10_000, idle(s));
    const error = await refreshed;
    expect(error).toBeInstanceOf(StsError);
    expect((error as StsError).code).toBe('ERR_STS_THROTTLED');
    expect(s.getSnapshot()).toMatchObject({ credentials: first, degraded: true });
    expect(await s.credentialProvider()).toBe(first);
    devstack.faults.sts.clear();
    s.stop();
  });

  it('recoveryTimeoutMs: 0 rejects on the first failure, as before', async () => {
    const { s } = await readySession({ recoveryTimeoutMs: 0 });
    devstack.faults.sts.failNext({ code: 'Throttling', count: 1 });
    expect(await rejectionOf(s.refresh({ force: true }))).toBeInstanceOf(StsError);
    await time.advance(5_000, idle(s));
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null });
    s.stop();
  });

  it('the first read retries a transient failure within its deadline and resolves', async () => {
    const s = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      tokenSource: countingTokenSource(devstack, time),
    });
    devstack.faults.sts.failNext({ code: 'ServiceUnavailable', count: 1 });
    const before = stsCalls(devstack);
    s.start();
    const read = s.credentialProvider();
    // A second SDK call during the backoff waits for the same retry, calling nothing itself.
    const second = s.credentialProvider();
    await idle(s)();
    await time.advance(1_000, idle(s));
    const [a, b] = await Promise.all([read, second]);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(stsCalls(devstack) - before).toBe(2);
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null });
    s.stop();
  });

  it('reads of a session used before start() back off instead of calling STS each time', async () => {
    const s = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      tokenSource: countingTokenSource(devstack, time),
    });
    devstack.faults.sts.failNext({ code: 'Throttling', count: 1000 });
    const before = stsCalls(devstack);
    const reads = [];
    for (let i = 0; i < 10; i++) reads.push(await rejectionOf(s.credentialProvider()));
    expect(reads.every((e) => e instanceof StsError)).toBe(true);
    expect(stsCalls(devstack) - before).toBe(1);
    // Once the backoff has passed, the next read tries again: once.
    await time.advance(500);
    await rejectionOf(s.credentialProvider());
    await rejectionOf(s.credentialProvider());
    expect(stsCalls(devstack) - before).toBe(2);
    devstack.faults.sts.clear();
  });
});

describe('degraded', () => {
  it('is set while valid credentials are served through failures, and cleared by the recovery', async () => {
    const { s, first } = await readySession();
    const expiresAtMs = s.getSnapshot().expiresAt!.getTime();
    devstack.faults.sts.failNext({ code: 'Throttling', count: 3 });
    await time.advance(expiresAtMs - 315_000 - time.now(), idle(s));
    expect(s.getSnapshot()).toMatchObject({ credentials: first, degraded: true });
    expect(s.getSnapshot().error).toBeInstanceOf(StsError);
    expect(await s.credentialProvider()).toBe(first);
    await time.advance(10_000, idle(s));
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', error: null, degraded: false });
    expect(s.getSnapshot().credentials).not.toBe(first);
    s.stop();
  });

  it('is set after a fatal failure while the credentials last, and off once they expire', async () => {
    const { s, first } = await readySession();
    const expiresAtMs = s.getSnapshot().expiresAt!.getTime();
    devstack.faults.sts.failNext({ code: 'AccessDenied' });
    await time.advance(expiresAtMs - 315_000 - time.now(), idle(s));
    expect(s.getSnapshot()).toMatchObject({ status: 'error', credentials: first, degraded: true });
    await time.advance(expiresAtMs - time.now(), idle(s));
    expect(s.getSnapshot()).toMatchObject({ status: 'error', credentials: null, degraded: false });
    s.stop();
  });
});

describe('identity', () => {
  it('a token for another user stops the session: nothing sent to STS, credentials dropped, identity-changed', async () => {
    const tokenSource = switchableSource();
    const { s, events } = await readySession({ tokenSource });
    expect(s.getSnapshot().identity?.subject).toBe('alice');
    tokenSource.state.sub = 'bob';
    const before = stsCalls(devstack);
    const error = await rejectionOf(s.refresh({ force: true }));
    expect(error).toBeInstanceOf(IdentityChangedError);
    expect(error).toMatchObject({
      code: 'ERR_REAUTH_REQUIRED',
      reason: 'subject_changed',
      previous: { subject: 'alice' },
      next: { subject: 'bob' },
    });
    expect(stsCalls(devstack)).toBe(before);
    expect(s.getSnapshot()).toMatchObject({
      status: 'reauth-required',
      credentials: null,
      identity: null,
      degraded: false,
    });
    expect(s.getSnapshot().error).toBe(error);
    expect(events.map((e) => e.type)).toEqual(['identity-changed', 'error', 'reauth-required']);
    expect(events[0]!.event).toMatchObject({
      previous: { subject: 'alice' },
      next: { subject: 'bob' },
    });
    // The reads refuse rather than hand out anyone's keys; nothing renews by itself.
    expect(await rejectionOf(s.credentialProvider())).toBe(error);
    await time.advance(HOUR_MS, idle(s));
    expect(stsCalls(devstack)).toBe(before);

    // The app (or the user, through signIn()) goes on as the new user.
    await s.refresh();
    expect(s.getSnapshot()).toMatchObject({ status: 'ready', identity: { subject: 'bob' } });
    s.stop();
  });

  it('a restored record of alice is not renewed with bob’s token', async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    const tokenSource = switchableSource();
    const { s } = await readySession({ tokenSource, persistence: { storage } });
    s.stop();
    tokenSource.state.sub = 'bob';
    const reloaded = timedSession(time, {
      credentials: await webIdentityCredentials(devstack, time),
      tokenSource,
      persistence: { storage },
    });
    reloaded.start();
    expect(reloaded.getSnapshot().identity?.subject).toBe('alice');
    expect(await rejectionOf(reloaded.refresh({ force: true }))).toBeInstanceOf(
      IdentityChangedError,
    );
    expect(reloaded.getSnapshot().credentials).toBeNull();
    expect(items.size).toBe(0);
    reloaded.stop();
  });
});

describe('logger', () => {
  it('hears why each refresh ran, what arrived and what failed, and never a secret', async () => {
    const entries: SessionLogEntry[] = [];
    const { s } = await readySession({ logger: (entry) => void entries.push(entry) });
    devstack.faults.sts.failNext({ code: 'Throttling', count: 1 });
    const refreshed = s.refresh({ force: true });
    await idle(s)();
    await time.advance(5_000, idle(s));
    await refreshed;
    const messages = entries.map((e) => e.message);
    expect(messages).toContain('refreshing: forced');
    expect(messages).toContain('refresh failed: ERR_STS_THROTTLED');
    expect(messages).toContain('refreshing: retry due');
    expect(messages.filter((m) => m === 'credentials from sts')).toHaveLength(2);
    expect(entries.find((e) => e.message.startsWith('refresh failed'))).toMatchObject({
      level: 'warn',
      details: { willRetry: true, retryInMs: 500 },
    });
    const text = JSON.stringify(entries);
    const { credentials } = s.getSnapshot();
    for (const secret of [credentials!.secretAccessKey, credentials!.sessionToken!]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/eyJ[\w-]+\./); // no JWT
    s.stop();
  });

  it('a throwing logger does not break the session; its error is reported as uncaught', async () => {
    // The platform's reportError (browsers have it), so the test sees what an app's error
    // monitoring would instead of an uncaught exception in the runner.
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    try {
      const { s } = await readySession({
        logger: () => {
          throw new Error('logger bug');
        },
      });
      expect(s.getSnapshot().status).toBe('ready');
      expect(reported.length).toBeGreaterThan(0);
      expect((reported[0] as Error).message).toBe('logger bug');
      s.stop();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('refuses bad options before any network call, naming them', async () => {
    const credentials = await webIdentityCredentials(devstack, time);
    const tokenSource = countingTokenSource(devstack, time);
    for (const [options, name] of [
      [{ recoveryTimeoutMs: -1 }, 'recoveryTimeoutMs'],
      [{ logger: 'console' }, 'logger'],
    ] as const) {
      let error: unknown;
      try {
        timedSession(time, { credentials, tokenSource, ...(options as object) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).message).toContain(name);
    }
  });
});
