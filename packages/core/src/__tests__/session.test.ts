/**
 * createFederatedSession: lifecycle, snapshots, events, the credential provider, refresh
 * scheduling, sign-out and persistence — against the dev stack's STS on 127.0.0.1 through the real
 * STS client, on simulated time.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { STSClient } from '@aws-sdk/client-sts';
import {
  ChainableTemporaryCredentials,
  Credentials,
  InvalidParameterError,
  StsCredentials,
  SignedOutError,
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
  type SessionRecord,
} from '@fedcreds/core';
import {
  HOUR_MS,
  MINUTE_MS,
  WEB_ROLE,
  countingTokenSource,
  flush,
  idle,
  mintIdToken,
  recordEvents,
  recordSnapshots,
  rejectionOf,
  stsCalls,
  stsConfig,
  timedSession,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();

async function session(options: Parameters<typeof timedSession>[1] | null = null) {
  const credentials = await webIdentityCredentials(devstack, time);
  const tokenSource = countingTokenSource(devstack, time);
  const s = timedSession(time, options ?? { credentials, tokenSource });
  return { session: s, credentials, tokenSource };
}

function storage(): {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  items: Map<string, string>;
} {
  const items = new Map<string, string>();
  return {
    items,
    storage: {
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
      removeItem: (key) => void items.delete(key),
    },
  };
}

describe('createFederatedSession', () => {
  it('does nothing until started: no token, no STS call, no timer', async () => {
    const before = stsCalls(devstack);
    const { session: s, tokenSource } = await session();
    await flush();
    expect(s.getSnapshot().status).toBe('idle');
    expect(tokenSource.calls).toEqual({ forced: 0, cached: 0 });
    expect(stsCalls(devstack)).toBe(before);
    expect(time.pendingTimers).toBe(0);
  });

  it('on start gets the token, writes it into params.WebIdentityToken, then calls STS', async () => {
    const tokens: string[] = [];
    const credentials = await webIdentityCredentials(devstack, time);
    const s = timedSession(time, {
      credentials,
      tokenSource: callbackTokenSource(async () => {
        const token = await mintIdToken(devstack, time, 1800);
        tokens.push(token);
        return token;
      }),
    });
    const snapshots = recordSnapshots(s);
    const before = stsCalls(devstack);
    s.start();
    await until(() => s.getSnapshot().status === 'ready');

    expect(snapshots.map((snapshot) => snapshot.status)).toEqual(['idle', 'loading', 'ready']);
    expect(tokens).toHaveLength(1);
    expect(credentials.params.WebIdentityToken).toBe(tokens[0]);
    expect(stsCalls(devstack)).toBe(before + 1);
    const snapshot = s.getSnapshot();
    expect(snapshot.credentials?.accessKeyId).toMatch(/^ASIA/);
    // The Date header has whole seconds, so the skew estimate may be off by half a second.
    expect(Math.abs(snapshot.expiresAt!.getTime() - (time.now() + HOUR_MS))).toBeLessThanOrEqual(
      500,
    );
    expect(snapshot.credentials?.expiration).toEqual(snapshot.expiresAt);
    expect(
      Math.abs(snapshot.tokenExpiresAt!.getTime() - (time.now() + 1800_000)),
    ).toBeLessThanOrEqual(500);
    expect(snapshot.lastRefreshedAt?.getTime()).toBe(time.now());
    expect(snapshot.clockSkewMs).toBeGreaterThanOrEqual(-1000);
    expect(snapshot.clockSkewMs).toBeLessThanOrEqual(1000);
    expect(snapshot.identity).toEqual({
      subject: 'alice',
      issuer: devstack.oidc.issuer,
      audience: 'fedcreds-demo',
      roleArn: devstack.roleArn(WEB_ROLE),
      assumedRoleArn: expect.stringMatching(/:assumed-role\/fedcreds-demo-web\/alice$/),
    });
    s.stop();
  });

  it('needs no token at construction: the token source supplies it', async () => {
    const credentials = new WebIdentityCredentials(
      { RoleArn: devstack.roleArn(WEB_ROLE), WebIdentityToken: undefined },
      stsConfig(devstack),
    );
    const s = timedSession(time, { credentials, tokenSource: countingTokenSource(devstack, time) });
    expect(await s.refresh()).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it('returns the same frozen snapshot while nothing changes, and notifies only on change', async () => {
    const { session: s } = await session();
    const first = s.getSnapshot();
    expect(s.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    let notified = 0;
    const unsubscribe = s.subscribe(() => notified++);
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    const ready = s.getSnapshot();
    expect(notified).toBe(2); // loading, ready
    await time.advance(MINUTE_MS);
    expect(s.getSnapshot()).toBe(ready);
    expect(notified).toBe(2);
    unsubscribe();
    await s.refresh({ force: true });
    expect(notified).toBe(2);
    s.stop();
  });

  it('refreshes refreshWindowMs + jitter before expiry, once', async () => {
    const { session: s, tokenSource } = await session();
    const before = stsCalls(devstack);
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    // random() = 0.5: jitter 15 s, so the refresh is due 5 min 15 s before expiry.
    const refreshAt = s.getSnapshot().expiresAt!.getTime() - 315_000;
    await time.advance(refreshAt - time.now() - 1, idle(s));
    expect(stsCalls(devstack)).toBe(before + 1);
    await time.advance(1, idle(s));
    expect(stsCalls(devstack)).toBe(before + 2);
    expect(tokenSource.calls.cached).toBe(2);
    expect(s.getSnapshot().lastRefreshedAt?.getTime()).toBe(refreshAt);
    s.stop();
  });

  it('emits refreshed and token-expiring', async () => {
    const credentials = await webIdentityCredentials(devstack, time);
    const s = timedSession(time, {
      credentials,
      tokenSource: countingTokenSource(devstack, time, 300),
    });
    const events = recordEvents(s);
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    expect(events.map((e) => e.type)).toEqual(['refreshed']);
    const tokenExpiresAt = s.getSnapshot().tokenExpiresAt!;
    await time.advance(tokenExpiresAt.getTime() - 60_000 - time.now() - 1);
    expect(events).toHaveLength(1);
    await time.advance(1);
    expect(events[1]).toEqual({
      type: 'token-expiring',
      event: { tokenExpiresAt, msLeft: 60_000 },
    });
    s.stop();
  });

  it('answers concurrent provider calls with one STS call, even before start()', async () => {
    const { session: s, tokenSource } = await session();
    const before = stsCalls(devstack);
    const results = await Promise.all(Array.from({ length: 50 }, () => s.credentialProvider()));
    expect(new Set(results).size).toBe(1);
    expect(stsCalls(devstack)).toBe(before + 1);
    expect(tokenSource.calls.cached).toBe(1);
    expect(await s.credentialProvider()).toBe(results[0]);
    expect(stsCalls(devstack)).toBe(before + 1);
    // Not started: fetched on demand, nothing scheduled.
    expect(time.pendingTimers).toBe(0);
  });

  it('is shared by several SDK clients, signing real requests with one STS call', async () => {
    const { session: s } = await session();
    const before = stsCalls(devstack);
    s.start();
    const config = {
      region: devstack.config.region,
      credentials: s.credentialProvider,
      maxAttempts: 1,
    };
    const s3 = new S3Client({ ...config, endpoint: devstack.urls.s3, forcePathStyle: true });
    const dynamo = new DynamoDBClient({ ...config, endpoint: devstack.urls.dynamodb });
    const [objects, tables] = await Promise.all([
      s3.send(new ListObjectsV2Command({ Bucket: 'fedcreds-demo' })),
      dynamo.send(new ListTablesCommand({})),
      s3.send(new ListObjectsV2Command({ Bucket: 'fedcreds-demo' })),
    ]);
    expect(objects.$metadata.httpStatusCode).toBe(200);
    expect(tables.$metadata.httpStatusCode).toBe(200);
    expect(stsCalls(devstack)).toBe(before + 1);
    s.stop();
  });

  it('refresh() returns fresh credentials as they are, and goes to STS with force', async () => {
    const { session: s } = await session();
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    const current = s.getSnapshot().credentials;
    const before = stsCalls(devstack);
    expect(await s.refresh()).toBe(current);
    expect(stsCalls(devstack)).toBe(before);
    const [a, b] = await Promise.all([s.refresh({ force: true }), s.refresh({ force: true })]);
    expect(a).toBe(b);
    expect(a).not.toBe(current);
    expect(stsCalls(devstack)).toBe(before + 1);
    s.stop();
  });

  it('counts start() and stop(): the last stop leaves no timer and no listener', async () => {
    const { session: s } = await session();
    s.start();
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    s.stop();
    expect(time.pendingTimers).toBeGreaterThan(0);
    s.stop();
    expect(time.pendingTimers).toBe(0);
    s.stop(); // extra stops are harmless
    const before = stsCalls(devstack);
    await time.advance(2 * HOUR_MS);
    expect(stsCalls(devstack)).toBe(before);
  });

  it('aborts a refresh in flight on the last stop, without reporting an error', async () => {
    const { session: s } = await session();
    const events = recordEvents(s);
    devstack.faults.sts.failNext({ hang: true });
    const before = stsCalls(devstack);
    s.start();
    await until(() => stsCalls(devstack) > before);
    const pending = rejectionOf(s.refresh());
    s.stop();
    expect(time.pendingTimers).toBe(0);
    expect(((await pending) as Error).name).toBe('AbortedError');
    expect(s.getSnapshot()).toMatchObject({ status: 'idle', isRefreshing: false, error: null });
    expect(events).toEqual([]);
  });

  it('aborts on the last stop a refresh fetched on demand before start()', async () => {
    const { session: s } = await session();
    const events = recordEvents(s);
    devstack.faults.sts.failNext({ hang: true });
    const before = stsCalls(devstack);
    const pending = rejectionOf(s.credentialProvider());
    await until(() => stsCalls(devstack) > before);
    s.start(); // joins the refresh in flight rather than starting another
    s.stop();
    expect(time.pendingTimers).toBe(0);
    expect(((await pending) as Error).name).toBe('AbortedError');
    expect(stsCalls(devstack)).toBe(before + 1);
    expect(s.getSnapshot()).toMatchObject({ status: 'idle', isRefreshing: false, error: null });
    expect(events).toEqual([]);
  });

  it('signs out: clears credentials, token and storage, stops timers, and says so', async () => {
    const { storage: store, items } = storage();
    const credentials = await webIdentityCredentials(devstack, time);
    let signedOutAtSource = 0;
    const s = timedSession(time, {
      credentials,
      persistence: { storage: store },
      tokenSource: callbackTokenSource(() => mintIdToken(devstack, time), {
        signOut: async () => void signedOutAtSource++,
      }),
    });
    const events = recordEvents(s);
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    expect(items.size).toBe(1);

    await s.signOut();
    expect(s.getSnapshot()).toMatchObject({
      status: 'signed-out',
      credentials: null,
      expiresAt: null,
    });
    expect(events.at(-1)).toEqual({ type: 'signed-out', event: {} });
    expect(signedOutAtSource).toBe(1);
    expect(credentials.params.WebIdentityToken).toBeUndefined();
    expect(credentials.secretAccessKey).toBe('');
    expect(items.size).toBe(0);
    expect(time.pendingTimers).toBe(0);
    expect(await rejectionOf(s.credentialProvider())).toBeInstanceOf(SignedOutError);
    expect(await rejectionOf(s.refresh())).toBeInstanceOf(SignedOutError);

    await s.signIn();
    expect(s.getSnapshot().status).toBe('ready');
    expect(time.pendingTimers).toBeGreaterThan(0);
    s.stop();
  });

  it('does not let a refresh that was in flight bring credentials back after sign-out', async () => {
    const { session: s } = await session();
    devstack.faults.sts.failNext({ delayMs: 50 });
    const before = stsCalls(devstack);
    s.start();
    await until(() => stsCalls(devstack) > before);
    await s.signOut();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await flush();
    expect(s.getSnapshot()).toMatchObject({ status: 'signed-out', credentials: null });
    s.stop();
  });

  it('keeps credentials in memory only by default', async () => {
    const writes: string[] = [];
    const spy = {
      getItem: () => null,
      setItem: (key: string) => void writes.push(key),
      removeItem: () => {},
    };
    const g = globalThis as { sessionStorage?: unknown; localStorage?: unknown };
    g.sessionStorage = spy;
    g.localStorage = spy;
    try {
      const { session: s } = await session();
      s.start();
      await until(() => s.getSnapshot().status === 'ready');
      s.stop();
      expect(writes).toEqual([]);
    } finally {
      delete g.sessionStorage;
      delete g.localStorage;
    }
  });

  it("with persistence 'sessionStorage', a reload reuses fresh credentials without calling STS", async () => {
    const { storage: store, items } = storage();
    const localWrites: string[] = [];
    const g = globalThis as { sessionStorage?: unknown; localStorage?: unknown };
    g.sessionStorage = store;
    g.localStorage = {
      getItem: () => null,
      setItem: (key: string) => void localWrites.push(key),
      removeItem: () => {},
    };
    try {
      const first = timedSession(time, {
        credentials: await webIdentityCredentials(devstack, time),
        tokenSource: countingTokenSource(devstack, time),
        persistence: 'sessionStorage',
      });
      first.start();
      await until(() => first.getSnapshot().status === 'ready');
      first.stop();
      const stored = JSON.parse([...items.values()][0]!) as SessionRecord;
      expect([...items.keys()]).toEqual([`fedcreds:session:${devstack.roleArn(WEB_ROLE)}`]);
      expect(stored.secretAccessKey).toBeTruthy();

      await time.advance(10 * MINUTE_MS);
      const before = stsCalls(devstack);
      const tokenSource = countingTokenSource(devstack, time);
      const reloaded = timedSession(time, {
        credentials: await webIdentityCredentials(devstack, time),
        tokenSource,
        persistence: 'sessionStorage',
      });
      const sources: string[] = [];
      reloaded.on('refreshed', ({ source }) => void sources.push(source));
      reloaded.start();
      expect(sources).toEqual(['storage']);
      expect(reloaded.getSnapshot()).toMatchObject({ status: 'ready' });
      expect(reloaded.getSnapshot().credentials?.accessKeyId).toBe(stored.accessKeyId);
      // The credential object's v2-style fields hold the restored credentials too.
      expect(reloaded.credentials).toMatchObject({
        accessKeyId: stored.accessKeyId,
        secretAccessKey: stored.secretAccessKey,
        sessionToken: stored.sessionToken,
        expireTime: new Date(stored.expiresAtMs),
        expired: false,
      });
      await flush();
      expect(stsCalls(devstack)).toBe(before);
      expect(tokenSource.calls.cached).toBe(0);
      reloaded.stop();

      // An entry already inside its refresh window is not worth keeping.
      await time.advance(HOUR_MS - 10 * MINUTE_MS - 4 * MINUTE_MS);
      const late = timedSession(time, {
        credentials: await webIdentityCredentials(devstack, time),
        tokenSource: countingTokenSource(devstack, time),
        persistence: 'sessionStorage',
      });
      late.start();
      await until(() => late.getSnapshot().status === 'ready');
      expect(stsCalls(devstack)).toBe(before + 1);
      late.stop();
      expect(localWrites).toEqual([]);
    } finally {
      delete g.sessionStorage;
      delete g.localStorage;
    }
  });

  it('never shows a secret in JSON of its snapshot, events or errors', async () => {
    const credentials = await webIdentityCredentials(devstack, time);
    let token = '';
    const s = timedSession(time, {
      credentials,
      tokenSource: callbackTokenSource(async () => (token = await mintIdToken(devstack, time))),
    });
    const events = recordEvents(s);
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    devstack.faults.sts.failNext({ code: 'AccessDenied' });
    await rejectionOf(s.refresh({ force: true }));
    const secrets = [credentials.secretAccessKey, credentials.sessionToken!, token];
    const text = JSON.stringify({ snapshot: s.getSnapshot(), events, record: s.credentials });
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    s.stop();
  });

  it('checks its options before doing anything', async () => {
    const credentials = await webIdentityCredentials(devstack, time);
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as InvalidParameterError;
      }
      throw new Error('expected a throw');
    };
    expect(thrown(() => createFederatedSession({ credentials })).parameter).toBe('tokenSource');
    const chained = new ChainableTemporaryCredentials({
      params: { RoleArn: devstack.roleArn('fedcreds-demo-chained') },
      masterCredentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    const tokenSource = callbackTokenSource(async () => 'x');
    expect(
      thrown(() => createFederatedSession({ credentials: chained, tokenSource })).parameter,
    ).toBe('tokenSource');
    // Only the three STS classes: not static keys, not another subclass of the STS base class.
    class OtherSts extends StsCredentials<object, never> {
      constructor() {
        super({}, new STSClient({ region: 'us-east-1' }));
      }
      protected override validate(): void {}
      protected override send(): Promise<never> {
        return Promise.reject(new Error('not used'));
      }
      protected override get operation(): string {
        return 'Other';
      }
    }
    for (const other of [new Credentials('AKIDEXAMPLE', 'secret'), new OtherSts()]) {
      const error = thrown(() =>
        createFederatedSession({ credentials: other as never, tokenSource }),
      );
      expect(error.parameter).toBe('credentials');
    }
    expect(
      thrown(() => createFederatedSession({ credentials, tokenSource, refreshWindowMs: -1 })),
    ).toBeInstanceOf(InvalidParameterError);
    expect(
      thrown(() => createFederatedSession({ credentials, tokenSource, requestTimeoutMs: 0 }))
        .parameter,
    ).toBe('requestTimeoutMs');
    for (const expiryMarginMs of [-1, Number.NaN, Infinity]) {
      expect(
        thrown(() => createFederatedSession({ credentials, tokenSource, expiryMarginMs }))
          .parameter,
      ).toBe('expiryMarginMs');
    }
  });
});
