/** callbackTokenSource: single flight, errors, signals, hooks. */
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  ReauthRequiredError,
  TokenUnavailableError,
  callbackTokenSource,
  type GetTokenOptions,
} from '@fedcreds/core';
import { rejectionOf } from './sessionHarness.js';

/** A callback whose calls stay pending until the test settles them. */
function controlled() {
  const calls: {
    options: GetTokenOptions;
    resolve(token: string): void;
    reject(error: unknown): void;
  }[] = [];
  const getToken = (options: GetTokenOptions) =>
    new Promise<string>((resolve, reject) => calls.push({ options, resolve, reject }));
  return { calls, getToken };
}

const options = (forceRefresh = false, signal = new AbortController().signal) => ({
  forceRefresh,
  signal,
});

describe('callbackTokenSource', () => {
  it('shares one callback call between concurrent requests, then calls again', async () => {
    const { calls, getToken } = controlled();
    const source = callbackTokenSource(getToken);
    const requests = [
      source.getToken(options()),
      source.getToken(options()),
      source.getToken(options()),
    ];
    expect(calls).toHaveLength(1);
    calls[0]!.resolve('token-1');
    expect(await Promise.all(requests)).toEqual(['token-1', 'token-1', 'token-1']);
    const next = source.getToken(options());
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('token-2');
    expect(await next).toBe('token-2');
  });

  it('does not give a forced request the cached fetch in flight, but lets a cached one share a forced fetch', async () => {
    const { calls, getToken } = controlled();
    const source = callbackTokenSource(getToken);
    const cached = source.getToken(options(false));
    const forced = source.getToken(options(true));
    expect(calls.map((c) => c.options.forceRefresh)).toEqual([false, true]);
    const forcedAgain = source.getToken(options(true));
    const cachedLater = source.getToken(options(false));
    expect(calls).toHaveLength(2);
    calls[0]!.resolve('old');
    calls[1]!.resolve('fresh');
    expect(await cached).toBe('old');
    expect(await Promise.all([forced, forcedAgain, cachedLater])).toEqual([
      'fresh',
      'fresh',
      'fresh',
    ]);
  });

  it('passes fedcreds errors through and makes anything else a retryable TokenUnavailableError', async () => {
    const reauth = new ReauthRequiredError('login_required');
    const failing = callbackTokenSource(async () => {
      throw reauth;
    });
    expect(await rejectionOf(failing.getToken(options()))).toBe(reauth);

    const cause = new TypeError('fetch failed');
    const broken = callbackTokenSource(async () => {
      throw cause;
    });
    const error = await rejectionOf(broken.getToken(options()));
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect(error).toMatchObject({ retryable: true, cause });
  });

  it('rejects an empty token as a non-retryable TokenUnavailableError', async () => {
    const empty = callbackTokenSource(async () => '');
    expect(await rejectionOf(empty.getToken(options()))).toMatchObject({
      code: 'ERR_TOKEN_UNAVAILABLE',
      retryable: false,
    });
  });

  it('stops waiting for one aborted caller, and aborts the call when every caller gave up', async () => {
    const { calls, getToken } = controlled();
    const source = callbackTokenSource(getToken);
    const a = new AbortController();
    const b = new AbortController();
    const first = source.getToken(options(false, a.signal));
    const second = source.getToken(options(false, b.signal));
    a.abort();
    expect(await rejectionOf(first)).toBeInstanceOf(AbortedError);
    expect(calls[0]!.options.signal.aborted).toBe(false);
    b.abort();
    expect(await rejectionOf(second)).toBeInstanceOf(AbortedError);
    expect(calls[0]!.options.signal.aborted).toBe(true);
    // The abandoned call does not capture the next request.
    const third = source.getToken(options());
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('token');
    expect(await third).toBe('token');
  });

  it('offers signIn and signOut only when given', async () => {
    const bare = callbackTokenSource(async () => 'token');
    expect(bare.signIn).toBeUndefined();
    expect(bare.signOut).toBeUndefined();
    const log: string[] = [];
    const hooked = callbackTokenSource(async () => 'token', {
      signIn: async () => void log.push('in'),
      signOut: async () => void log.push('out'),
    });
    await hooked.signIn?.();
    await hooked.signOut?.();
    expect(log).toEqual(['in', 'out']);
  });
});
