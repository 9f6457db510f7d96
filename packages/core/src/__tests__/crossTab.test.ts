/**
 * Cross-tab coordination: several sessions in one process stand for the tabs of one origin. They
 * share an in-memory lock manager (standing in for Web Locks, which Node lacks) and talk over
 * Node's real BroadcastChannel; STS is the dev stack's, on simulated time, through the real STS
 * client. STS calls are counted by the dev stack.
 */
import { DEMO_CLIENT_ID, DEMO_ORIGIN } from '@fedcreds/devstack';
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  InvalidParameterError,
  SignedOutError,
  callbackTokenSource,
  createCrossTabCoordinator,
  crossTab,
  type CrossTabChannel,
  type CrossTabLocks,
  type CrossTabOptions,
  type FederatedSession,
  type FederatedSessionOptions,
  type SessionRecord,
} from '@fedcreds/core';
import { createOidcSession } from '@fedcreds/core/oidc';
import { MemoryLocks } from './crossTabHarness.js';
import {
  HOUR_MS,
  MINUTE_MS,
  WEB_ROLE,
  flush,
  manualEnvironment,
  mintIdToken,
  rejectionOf,
  stsCalls,
  timedSession,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();
let locks = new MemoryLocks();
let markers = new InMemoryWebStorage();
let channelName = '';
let testNumber = 0;
const started: FederatedSession[] = [];

beforeEach(() => {
  locks = new MemoryLocks();
  markers = new InMemoryWebStorage();
  // A channel of its own per test: Node delivers BroadcastChannel messages process-wide.
  channelName = `fedcreds:cross-tab-test-${++testNumber}`;
});
afterEach(() => {
  for (const session of started.splice(0)) session.stop();
});

/** A tab: a session for the web role, coordinated with the other tabs of this test. */
async function tab(
  options: Omit<Partial<FederatedSessionOptions>, 'crossTab'> & { crossTab?: CrossTabOptions } = {},
): Promise<FederatedSession> {
  const { crossTab: group, ...rest } = options;
  const session = timedSession(time, {
    credentials: await webIdentityCredentials(devstack, time, { DurationSeconds: 3600 }),
    tokenSource: callbackTokenSource(() => mintIdToken(devstack, time)),
    ...((group !== undefined || !rest.coordinator) && {
      crossTab: crossTab({ name: channelName, locks, storage: markers, ...group }),
    }),
    ...rest,
  });
  started.push(session);
  return session;
}

/** `count` tabs with different jitter draws, so they fall due at different times as real tabs do. */
async function tabs(count: number, options?: Parameters<typeof tab>[0]) {
  const list: FederatedSession[] = [];
  for (let i = 0; i < count; i++) {
    const draw = (i + 1) / (count + 1);
    list.push(await tab({ random: () => draw, ...options }));
  }
  return list;
}

/** A promise to open by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits until no tab refreshes, holds the refresh lock or waits for it. */
function quiet(...sessions: FederatedSession[]): () => Promise<void> {
  return () =>
    until(() => !locks.busy && sessions.every((session) => !session.getSnapshot().isRefreshing));
}

/** A real BroadcastChannel that also records what this tab posts, and the names it opens. */
function spyChannel(posted: unknown[], names: string[] = []): (name: string) => CrossTabChannel {
  return (name) => {
    names.push(name);
    const channel = new BroadcastChannel(name);
    return {
      postMessage: (message) => {
        posted.push(message);
        channel.postMessage(message);
      },
      addEventListener: (type, listener) => channel.addEventListener(type, listener),
      close: () => channel.close(),
    };
  };
}

const keyOf = (session: FederatedSession) => session.getSnapshot().credentials?.accessKeyId;

/** The credential object's v2-style fields hold the snapshot's credentials and expiry. */
function expectMirrored(session: FederatedSession): void {
  const { credentials, expiresAt } = session.getSnapshot();
  expect(credentials).not.toBeNull();
  expect(session.credentials).toMatchObject({
    accessKeyId: credentials!.accessKeyId,
    secretAccessKey: credentials!.secretAccessKey,
    sessionToken: credentials!.sessionToken,
    expireTime: expiresAt,
    expired: false,
  });
}

function countRefreshed(session: FederatedSession): { count: number; sources: string[] } {
  const counter = { count: 0, sources: [] as string[] };
  session.on('refreshed', ({ source }) => {
    counter.count += 1;
    counter.sources.push(source);
  });
  return counter;
}

describe('createCrossTabCoordinator', () => {
  it('three tabs started together make one STS call, and one per refresh cycle after that', async () => {
    const all = await tabs(3);
    const before = stsCalls(devstack);
    for (const session of all) session.start();
    await until(() => all.every((session) => session.getSnapshot().status === 'ready'));
    await quiet(...all)();
    expect(stsCalls(devstack) - before).toBe(1);
    const keys = [keyOf(all[0]!)];
    expect(all.map(keyOf)).toEqual([keys[0], keys[0], keys[0]]);

    for (let cycle = 1; cycle <= 3; cycle++) {
      await time.advance(HOUR_MS - 5 * MINUTE_MS, quiet(...all));
      expect(stsCalls(devstack) - before).toBe(1 + cycle);
      const key = keyOf(all[0]!);
      expect(keys).not.toContain(key);
      keys.push(key);
      expect(all.map(keyOf)).toEqual([key, key, key]);
      expect(all.map((session) => session.getSnapshot().status)).toEqual([
        'ready',
        'ready',
        'ready',
      ]);
    }
  });

  it('tabs refreshing at the same moment queue on the lock and adopt the first one’s credentials', async () => {
    const all = await tabs(3);
    for (const session of all) session.start();
    await until(() => all.every((session) => session.getSnapshot().status === 'ready'));
    await quiet(...all)();
    await time.advance(MINUTE_MS, quiet(...all));
    const old = keyOf(all[0]!);
    const refreshed = all.map(countRefreshed);
    const before = stsCalls(devstack);

    const results = await Promise.all(all.map((session) => session.refresh({ force: true })));
    await quiet(...all)();

    // One tab called STS; the others, waiting for the lock, took its credentials as announced.
    expect(stsCalls(devstack) - before).toBe(1);
    const key = results[0]!.accessKeyId;
    expect(key).not.toBe(old);
    expect(results.map((identity) => identity.accessKeyId)).toEqual([key, key, key]);
    expect(all.map(keyOf)).toEqual([key, key, key]);
    // Adopted once, even when the broadcast arrived while the tab waited for the lock.
    expect(refreshed.map((counter) => counter.count)).toEqual([1, 1, 1]);
    // The event says which tab called STS and which adopted (the demo's timeline shows it).
    expect(refreshed.flatMap((counter) => counter.sources).sort()).toEqual(['peer', 'peer', 'sts']);
  });

  it('a tab opened later gets the others’ credentials without an STS call', async () => {
    const [first, second] = await tabs(2);
    first!.start();
    second!.start();
    await until(() => keyOf(second!) !== undefined);
    await quiet(first!, second!)();
    const before = stsCalls(devstack);

    const late = await tab();
    const lateSources = countRefreshed(late);
    late.start();
    await until(() => late.getSnapshot().status === 'ready');
    await quiet(first!, second!, late)();

    expect(stsCalls(devstack)).toBe(before);
    expect(lateSources.sources).toEqual(['peer']);
    expect(keyOf(late)).toBe(keyOf(first!));
    expect(late.getSnapshot().identity?.subject).toBe('alice');
    // The adopted record kept its expiry: the late tab plans its refresh on the same credentials.
    expect(late.getSnapshot().expiresAt?.getTime()).toBe(first!.getSnapshot().expiresAt?.getTime());
    // The v2-style fields of each tab's credential object say what its snapshot says.
    for (const session of [first!, second!, late]) expectMirrored(session);
  });

  it('a tab whose user signed in during its first refresh is in the group as soon as it is ready', async () => {
    // As on a sign-in callback page: nobody is signed in when the session starts, the first
    // token completes the sign-in. A tab opened the moment the first one is ready must find it.
    let signedIn = false;
    const signingIn = await tab({
      tokenSource: {
        getToken: async () => {
          const token = await mintIdToken(devstack, time);
          signedIn = true;
          return token;
        },
        describeUser: () =>
          Promise.resolve(signedIn ? { issuer: devstack.urls.oidc, subject: 'alice' } : null),
      },
    });
    // Present in the group (its presence lock held) at the moment it reports ready.
    let presentWhenReady: boolean | undefined;
    const unsubscribe = signingIn.subscribe(() => {
      if (presentWhenReady === undefined && signingIn.getSnapshot().status === 'ready') {
        presentWhenReady = locks.heldNames.some((name) => name.endsWith(':tabs'));
      }
    });
    signingIn.start();
    await until(() => signingIn.getSnapshot().status === 'ready');
    unsubscribe();
    expect(presentWhenReady).toBe(true);
    const before = stsCalls(devstack);

    const opened = await tab({
      tokenSource: {
        getToken: () => mintIdToken(devstack, time),
        describeUser: () => Promise.resolve({ issuer: devstack.urls.oidc, subject: 'alice' }),
      },
    });
    const sources = countRefreshed(opened);
    opened.start();
    await until(() => opened.getSnapshot().status === 'ready');
    await quiet(signingIn, opened)();

    expect(stsCalls(devstack)).toBe(before);
    expect(sources.sources).toEqual(['peer']);
    expect(keyOf(opened)).toBe(keyOf(signingIn));
  });

  it('a tab whose user shows up only during its first refresh still stays signed out after a group sign-out', async () => {
    // The group signed out; this tab's stored user predates that sign-out and is known only once
    // its first token is read (as a sign-in callback page learns it): it must not come up ready.
    const other = await tab();
    other.start();
    await until(() => other.getSnapshot().status === 'ready');
    const token = await mintIdToken(devstack, time);
    await time.advance(1_000);
    await other.signOut();
    await time.advance(1_000);
    const before = stsCalls(devstack);
    let known = false;
    const reloaded = await tab({
      tokenSource: {
        getToken: () => {
          known = true;
          return Promise.resolve(token);
        },
        describeUser: () =>
          Promise.resolve(known ? { issuer: devstack.urls.oidc, subject: 'alice' } : null),
      },
    });
    const statuses: string[] = [];
    reloaded.subscribe(() => statuses.push(reloaded.getSnapshot().status));
    reloaded.start();
    await until(() => ['signed-out', 'ready', 'error'].includes(reloaded.getSnapshot().status));
    await quiet(reloaded)();

    expect(reloaded.getSnapshot().status).toBe('signed-out');
    expect(statuses).not.toContain('ready');
    expect(reloaded.getSnapshot().credentials).toBeNull();
    expect(stsCalls(devstack) - before).toBeLessThanOrEqual(1);
  });

  it('never adopts credentials inside the asking tab’s refresh window', async () => {
    // The first tab renews 1 minute before expiry; the late one wants 50 minutes of margin.
    const early = await tab({ refreshWindowMs: MINUTE_MS, refreshJitterMs: 0 });
    early.start();
    await until(() => early.getSnapshot().status === 'ready');
    await quiet(early)();
    const old = keyOf(early);
    await time.advance(35 * MINUTE_MS, quiet(early));
    expect(keyOf(early)).toBe(old);
    const before = stsCalls(devstack);

    // 25 minutes left: past the late tab's refresh point (half-life, 30 minutes in).
    const late = await tab({ refreshWindowMs: 50 * MINUTE_MS, refreshJitterMs: 0 });
    late.start();
    await until(() => late.getSnapshot().status === 'ready');
    await quiet(early, late)();

    expect(stsCalls(devstack) - before).toBe(1);
    expect(keyOf(late)).not.toBe(old);
    // The fresher credentials reach the first tab too.
    expect(keyOf(early)).toBe(keyOf(late));
  });

  it('signing out in one tab signs out every tab, and signing in again signs them all in', async () => {
    const all = await tabs(3);
    for (const session of all) session.start();
    await until(() => all.every((session) => session.getSnapshot().status === 'ready'));
    await quiet(...all)();

    await all[1]!.signOut();
    await until(() => all.every((session) => session.getSnapshot().status === 'signed-out'));
    for (const session of all) {
      expect(session.getSnapshot().credentials).toBeNull();
      expect(session.credentials.secretAccessKey).toBe('');
      expect(await rejectionOf(session.credentialProvider())).toBeInstanceOf(SignedOutError);
    }

    await time.advance(MINUTE_MS, quiet(...all));
    const before = stsCalls(devstack);
    await all[2]!.signIn();
    await until(() => all.every((session) => session.getSnapshot().status === 'ready'));
    expect(stsCalls(devstack) - before).toBe(1);
    expect(all.map(keyOf)).toEqual([keyOf(all[2]!), keyOf(all[2]!), keyOf(all[2]!)]);
    for (const session of all) expectMirrored(session);
  });

  it('credentials obtained before a sign-out but delivered after it sign no tab back in', async () => {
    const posted: unknown[] = [];
    const names: string[] = [];
    const first = await tab({ crossTab: { channel: spyChannel(posted, names) } });
    const second = await tab();
    // The first tab calls STS (and so announces the credentials on the spied channel); the
    // second, started once it has them, adopts them. Started together, either could lead.
    first.start();
    await until(() => first.getSnapshot().status === 'ready');
    second.start();
    await until(() => second.getSnapshot().status === 'ready');
    await quiet(first, second)();
    const [announced] = posted.filter(
      (message) => (message as { type?: unknown }).type === 'credentials',
    );
    expect(announced).toBeDefined();
    await time.advance(MINUTE_MS, quiet(first, second));

    await second.signOut();
    await until(() => first.getSnapshot().status === 'signed-out');
    // Another tab's announcement, sent before the sign-out, overtaken by it on the way.
    const late = new BroadcastChannel(names[0]!);
    late.postMessage({ ...(announced as object), from: 'a-third-tab' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    late.close();
    await flush();

    expect([first, second].map((s) => s.getSnapshot().status)).toEqual([
      'signed-out',
      'signed-out',
    ]);
  });

  it('createOidcSession takes crossTab too, and a tab with no IdP user does not take a group’s credentials', async () => {
    const signedIn = await tab();
    signedIn.start();
    await until(() => signedIn.getSnapshot().status === 'ready');
    await quiet(signedIn)();
    const before = stsCalls(devstack);

    // No user in this user manager: on its own, this session would report reauth-required.
    const store = () => new WebStorageStateStore({ store: new InMemoryWebStorage() });
    const userManager = new UserManager({
      authority: devstack.urls.oidc,
      client_id: DEMO_CLIENT_ID,
      redirect_uri: `${DEMO_ORIGIN}/callback`,
      userStore: store(),
      stateStore: store(),
      automaticSilentRenew: false,
      monitorSession: false,
    });
    const oidcTab = createOidcSession({
      userManager,
      roleArn: devstack.roleArn(WEB_ROLE),
      region: devstack.config.region,
      clientConfig: { endpoint: devstack.urls.sts },
      clock: time.clock,
      timers: time.timers,
      environment: null,
      crossTab: crossTab({ name: channelName, locks }),
    });
    started.push(oidcTab);
    oidcTab.start();
    // Nobody is signed in here: whose group would it join? It asks for a sign-in instead.
    await until(() => oidcTab.getSnapshot().status === 'signed-out');
    expect(oidcTab.getSnapshot().credentials).toBeNull();
    expect(stsCalls(devstack)).toBe(before);
  });

  it('a stopped session that signs out still signs out the other tabs', async () => {
    const all = await tabs(2);
    for (const session of all) session.start();
    await until(() => all.every((session) => session.getSnapshot().status === 'ready'));
    await quiet(...all)();

    all[0]!.stop();
    await all[0]!.signOut();
    await until(() => all[1]!.getSnapshot().status === 'signed-out');
  });

  it('when the refreshing tab stops mid-refresh, the next tab waiting takes over', async () => {
    let hang = false;
    const hung: AbortSignal[] = [];
    const leader = await tab({
      tokenSource: callbackTokenSource(({ signal }) => {
        if (!hang) return mintIdToken(devstack, time);
        hung.push(signal);
        // An IdP that never answers; only the session's abort ends the wait.
        return new Promise<string>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      }),
    });
    const [next, other] = await tabs(2);
    for (const session of [leader, next!, other!]) session.start();
    await until(() => [leader, next!, other!].every((s) => s.getSnapshot().status === 'ready'));
    await quiet(leader, next!, other!)();
    await time.advance(MINUTE_MS, quiet(leader, next!, other!));
    const old = keyOf(leader);
    const before = stsCalls(devstack);

    hang = true;
    const leaderRefresh = leader.refresh({ force: true });
    await until(() => hung.length === 1);
    const nextRefresh = next!.refresh({ force: true });
    await flush();
    // The leader holds the lock, the next tab waits for it.
    expect(locks.busy).toBe(true);
    expect(stsCalls(devstack)).toBe(before);

    leader.stop();
    expect(await rejectionOf(leaderRefresh)).toBeInstanceOf(AbortedError);
    const identity = await nextRefresh;
    await quiet(next!, other!)();

    expect(stsCalls(devstack) - before).toBe(1);
    expect(identity.accessKeyId).not.toBe(old);
    expect(keyOf(other!)).toBe(identity.accessKeyId);
    // The stopped tab no longer listens.
    expect(keyOf(leader)).toBe(old);
  });

  it('a tab stopped while waiting for the lock leaves the queue without calling STS', async () => {
    let held: ReturnType<typeof gate> | null = null;
    let entered = false;
    const holder = await tab({
      tokenSource: callbackTokenSource(async () => {
        if (held) {
          entered = true;
          await held.promise;
        }
        return mintIdToken(devstack, time);
      }),
    });
    const waiter = await tab();
    holder.start();
    waiter.start();
    await until(() => waiter.getSnapshot().status === 'ready');
    await quiet(holder, waiter)();
    const old = keyOf(waiter);
    const before = stsCalls(devstack);

    held = gate();
    const holding = holder.refresh({ force: true });
    await until(() => entered);
    const waiting = waiter.refresh({ force: true });
    await flush();
    waiter.stop();
    expect(await rejectionOf(waiting)).toBeInstanceOf(AbortedError);

    held.open();
    await holding;
    await quiet(holder)();
    expect(stsCalls(devstack) - before).toBe(1);
    expect(locks.busy).toBe(false);
    // Stopped, the waiter heard nothing of the holder's new credentials.
    expect(keyOf(waiter)).toBe(old);
  });

  it('sends plain records over the channel and ignores foreign or malformed messages', async () => {
    const posted: unknown[] = [];
    const names: string[] = [];
    const [first, second] = [
      await tab({ crossTab: { channel: spyChannel(posted, names) } }),
      await tab(),
    ];
    first!.start();
    await until(() => first!.getSnapshot().status === 'ready');
    second!.start();
    await until(() => second!.getSnapshot().status === 'ready');
    await quiet(first!, second!)();

    const credentials = posted.filter(
      (message): message is { type: string; record: SessionRecord } =>
        typeof (message as { record?: unknown }).record === 'object' &&
        (message as { record?: unknown }).record !== null,
    );
    expect(credentials.length).toBeGreaterThan(0);
    for (const { record } of credentials) {
      // Plain data: a JSON round trip loses nothing (no Date, no hook, no frozen identity).
      expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      expect(Object.isFrozen(record.identity)).toBe(false);
    }

    const key = keyOf(second!);
    const intruder = new BroadcastChannel(names[0]!);
    const forged = {
      ...credentials[0]!.record,
      accessKeyId: 'ASIAFORGED',
      expiresAtMs: time.now() + 2 * HOUR_MS,
    };
    const { group, term } = credentials[0] as unknown as { group: string; term: number };
    const envelope = { protocol: 'fedcreds-cross-tab/2', group, from: 'x', term };
    intruder.postMessage({ type: 'credentials', record: forged });
    intruder.postMessage({ ...envelope, type: 'signed-out-please' });
    intruder.postMessage({
      ...envelope,
      type: 'credentials',
      record: { ...forged, secretAccessKey: undefined },
    });
    intruder.postMessage(null);
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    intruder.close();
    expect(keyOf(second!)).toBe(key);
    expect(second!.getSnapshot().status).toBe('ready');
  });

  it('without Web Locks each tab refreshes on its own', async () => {
    const all = await tabs(3, { crossTab: { locks: null } });
    const before = stsCalls(devstack);
    for (const session of all) session.start();
    await until(() => all.every((session) => session.getSnapshot().status === 'ready'));
    expect(stsCalls(devstack) - before).toBe(3);
    expect(new Set(all.map(keyOf)).size).toBe(3);
    const credentials = all[0]!.credentials;
    expect(createCrossTabCoordinator({ credentials, locks: null }).active).toBe(false);
    expect(createCrossTabCoordinator({ credentials, channel: null, locks }).active).toBe(false);
    expect(createCrossTabCoordinator({ credentials, locks }).active).toBe(true);
  });

  it('refuses an empty name, bad timeouts, no credentials, crossTab with coordinator, and a shared coordinator', async () => {
    const { credentials } = await tab();
    const refusal = (options: object) => {
      try {
        createCrossTabCoordinator({ credentials, ...options });
      } catch (error) {
        return error instanceof InvalidParameterError ? error.parameter : error;
      }
      return null;
    };
    expect(refusal({ name: '' })).toBe('name');
    expect(refusal({ answerTimeoutMs: 0 })).toBe('answerTimeoutMs');
    expect(refusal({ lockTimeoutMs: Number.NaN })).toBe('lockTimeoutMs');
    expect(refusal({ credentials: null })).toBe('credentials');
    const coordinator = createCrossTabCoordinator({ credentials, name: channelName, locks });
    const error = await rejectionOf(tab({ coordinator, crossTab: { name: channelName, locks } }));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe('crossTab');
    // The flag and the options object of earlier versions are refused by name, not ignored.
    const fresh = await webIdentityCredentials(devstack, time, { DurationSeconds: 3600 });
    for (const old of [true, { name: channelName }]) {
      expect(() =>
        timedSession(time, {
          credentials: fresh,
          tokenSource: callbackTokenSource(() => mintIdToken(devstack, time)),
          crossTab: old as never,
        }),
      ).toThrow(expect.objectContaining({ parameter: 'crossTab' }));
    }
    expect(() => crossTab('fedcreds' as never)).toThrow(InvalidParameterError);
    expect(crossTab(false)).toBe(false);

    const one = await tab({ coordinator });
    const environment = manualEnvironment();
    const two = await tab({ coordinator, environment });
    one.start();
    expect(() => two.start()).toThrow(InvalidParameterError);
    // The failed start() left nothing attached, and did not count: once the coordinator is free,
    // start() starts for real.
    expect(environment.listeners).toBe(0);
    one.stop();
    two.start();
    expect(environment.listeners).toBe(1);
    await until(() => two.getSnapshot().status === 'ready');
  });

  it('accepts the browser’s LockManager and BroadcastChannel types', () => {
    // Compile-time: navigator.locks and BroadcastChannel fit the options.
    const fromBrowser = (navigatorLocks: LockManager): CrossTabOptions => ({
      locks: navigatorLocks satisfies CrossTabLocks,
      channel: (name) => new BroadcastChannel(name),
    });
    expect(typeof fromBrowser).toBe('function');
  });
});
