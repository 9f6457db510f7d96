/**
 * Cross-tab groups: sessions in one process stand for tabs of one origin, sharing an in-memory
 * lock manager (Node has no Web Locks) and Node's real BroadcastChannel, against the dev stack's
 * real STS on simulated time. Each tab's token source keeps its own user at an in-process IdP with
 * rotating refresh tokens (see `RotatingIdp` in crossTabHarness.ts): what identity, sign-out,
 * hand-off and take-over do to the IdP user is what these tests count.
 */
import { InMemoryWebStorage } from 'oidc-client-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  crossTab,
  IdentityChangedError,
  createFederatedSession,
  type CrossTabChannel,
  type FederatedSession,
  type FederatedSessionOptions,
  type SessionRecord,
  type TimerProvider,
  type TokenSource,
} from '@fedcreds/core';
import { MemoryLocks, RotatingIdp, userTokenSource, type IdpUser } from './crossTabHarness.js';
import {
  HOUR_MS,
  MINUTE_MS,
  flush,
  mintIdToken,
  stsCalls,
  timedSession,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();
/** ID tokens live 10 minutes, credentials an hour: every refresh cycle renews at the IdP. */
const ID_TOKEN_SECONDS = 600;
let locks = new MemoryLocks();
let markers = new InMemoryWebStorage();
let idp: RotatingIdp;
let prefix = '';
let testNumber = 0;
const started: FederatedSession[] = [];
/** Channel names the tabs opened, and every message any tab posted. */
const opened = new Set<string>();
const posted: { name: string; message: Record<string, unknown> }[] = [];

beforeEach(() => {
  locks = new MemoryLocks();
  markers = new InMemoryWebStorage();
  prefix = `fedcreds-group-test-${++testNumber}`;
  opened.clear();
  posted.length = 0;
  idp = new RotatingIdp(devstack.oidc.issuer, async (subject) => ({
    idToken: await mintIdToken(devstack, time, ID_TOKEN_SECONDS, subject),
    issuedAtMs: Math.floor(time.now() / 1000) * 1000,
  }));
});
afterEach(() => {
  for (const session of started.splice(0)) session.stop();
});

/** Node's BroadcastChannel, recording names and posts. */
function channel(name: string): CrossTabChannel {
  opened.add(name);
  const real = new BroadcastChannel(name);
  return {
    postMessage: (message) => {
      posted.push({ name, message: message as Record<string, unknown> });
      real.postMessage(message);
    },
    addEventListener: (type, listener) => real.addEventListener(type, listener),
    close: () => real.close(),
  };
}

/** A tab whose token source holds `user` (a copy: each tab has its own store). */
async function tab(
  user: IdpUser | null,
  draw = 0.5,
  options: Partial<FederatedSessionOptions> = {},
) {
  const source = userTokenSource(idp, user && { ...user });
  const owner = `tab ${started.length + 1}`;
  const session = timedSession(time, {
    credentials: await webIdentityCredentials(devstack, time, { DurationSeconds: 3600 }),
    tokenSource: source,
    crossTab: crossTab({ name: prefix, locks: locks.for(owner), storage: markers, channel }),
    random: () => draw,
    ...options,
  });
  started.push(session);
  return Object.assign(session, { source, owner });
}

const keyOf = (session: FederatedSession) => session.getSnapshot().credentials?.accessKeyId;
const statusOf = (session: FederatedSession) => session.getSnapshot().status;
const quiet =
  (...sessions: FederatedSession[]) =>
  () =>
    until(() => !locks.busy && sessions.every((s) => !s.getSnapshot().isRefreshing));
const ready = (...sessions: FederatedSession[]) =>
  until(() => sessions.every((s) => statusOf(s) === 'ready')).then(quiet(...sessions));

/** The channel a tab's group talks on: the one it posted its credentials on. */
function groupChannelOf(session: FederatedSession): string {
  const key = keyOf(session);
  const found = posted.find(
    ({ message }) => (message['record'] as SessionRecord | undefined)?.accessKeyId === key,
  );
  if (!found) throw new Error('no announcement of this tab’s credentials');
  return found.name;
}

/** Posts `message` on `name` as a tab outside the test would, then lets it arrive. */
async function inject(name: string, ...messages: unknown[]): Promise<void> {
  const intruder = new BroadcastChannel(name);
  for (const message of messages) intruder.postMessage(message);
  await new Promise((resolve) => setTimeout(resolve, 20));
  intruder.close();
  await flush();
}

describe('cross-tab groups', () => {
  it('tabs of two users form two groups that never share keys, cycle after cycle', async () => {
    const [alice, bob] = [await idp.signIn('alice'), await idp.signIn('bob')];
    const tabs = [
      await tab(alice, 0.2),
      await tab(bob, 0.4),
      await tab(alice, 0.6),
      await tab(bob, 0.8),
    ];
    const before = stsCalls(devstack);
    for (const session of tabs) session.start();
    await ready(...tabs);
    // One STS call per group, not per tab.
    expect(stsCalls(devstack) - before).toBe(2);
    const subjects = () => tabs.map((s) => s.getSnapshot().identity?.subject);
    for (let cycle = 0; cycle <= 3; cycle++) {
      if (cycle > 0) await time.advance(HOUR_MS - 5 * MINUTE_MS, quiet(...tabs));
      const [a1, b1, a2, b2] = tabs.map(keyOf);
      expect(a1).toBe(a2);
      expect(b1).toBe(b2);
      expect(a1).not.toBe(b1);
      expect(subjects()).toEqual(['alice', 'bob', 'alice', 'bob']);
      expect(stsCalls(devstack) - before).toBe(2 + 2 * cycle);
    }
    // Two groups, and no name spells out who is signed in.
    expect(opened.size).toBe(2);
    for (const name of opened) expect(name).not.toMatch(/alice|bob|arn:/);
    // Each group's channel carried one user's credentials only.
    for (const name of opened) {
      const named = posted
        .filter((post) => post.name === name && post.message['type'] === 'credentials')
        .map(({ message }) => (message['record'] as SessionRecord).identity?.subject);
      expect(new Set(named).size).toBe(1);
    }
  });

  it('refuses another identity’s credentials announced or offered on its group’s channel, both ways', async () => {
    const [alice, bob] = [await idp.signIn('alice'), await idp.signIn('bob')];
    const a = await tab(alice);
    const b = await tab(bob);
    a.start();
    b.start();
    await ready(a, b);
    const [aliceChannel, bobChannel] = [groupChannelOf(a), groupChannelOf(b)];
    const announced = (session: FederatedSession) =>
      posted.find(
        ({ message }) =>
          (message['record'] as SessionRecord | undefined)?.accessKeyId === keyOf(session),
      )!.message;
    const [fromAlice, fromBob] = [announced(a), announced(b)];
    const [aKey, bKey] = [keyOf(a), keyOf(b)];
    await time.advance(MINUTE_MS, quiet(a, b));

    // By announcement: each group's message, re-addressed to the other group, newer term.
    const term = time.now();
    await inject(bobChannel, { ...fromAlice, group: fromBob['group'], from: 'intruder', term });
    await inject(aliceChannel, { ...fromBob, group: fromAlice['group'], from: 'intruder', term });
    expect([keyOf(a), keyOf(b)]).toEqual([aKey, bKey]);

    // By offer: an intruder on bob's channel answers bob's question with alice's credentials.
    const intruder = new BroadcastChannel(bobChannel);
    intruder.addEventListener('message', ({ data }) => {
      const request = data as Record<string, unknown>;
      if (request['type'] !== 'request') return;
      intruder.postMessage({
        ...fromAlice,
        type: 'answer',
        id: request['id'],
        group: fromBob['group'],
        from: 'intruder',
        term: time.now(),
      });
    });
    const before = stsCalls(devstack);
    const refreshed = await b.refresh({ force: true });
    intruder.close();
    expect(stsCalls(devstack) - before).toBe(1);
    expect(refreshed.accessKeyId).not.toBe(aKey);
    expect(b.getSnapshot().identity?.subject).toBe('bob');
    expect(keyOf(a)).toBe(aKey);
  });

  it('a tab whose user changes moves to the new user’s group and hands nothing to the old one', async () => {
    const [alice, bob] = [await idp.signIn('alice'), await idp.signIn('bob')];
    const stay = await tab(alice, 0.2);
    const changing = await tab(alice, 0.8);
    stay.start();
    changing.start();
    await ready(stay, changing);
    const aliceKey = keyOf(stay);
    await time.advance(MINUTE_MS, quiet(stay, changing));

    changing.source.user = { ...bob };
    const refused = await changing.refresh({ force: true }).catch((error: unknown) => error);
    await quiet(stay, changing)();
    // The changed tab never uses bob's token for alice's session: it drops alice's keys and stops.
    expect(refused).toBeInstanceOf(IdentityChangedError);
    expect(changing.getSnapshot()).toMatchObject({ status: 'reauth-required', credentials: null });
    // Whatever the changed tab now holds, the tab that stayed alice's never took it.
    expect(keyOf(stay)).toBe(aliceKey);
    expect(stay.getSnapshot().identity?.subject).toBe('alice');
    const aliceChannel = groupChannelOf(stay);
    for (const { name, message } of posted) {
      const record = message['record'] as SessionRecord | undefined;
      if (name === aliceChannel && record) expect(record.identity?.subject).toBe('alice');
    }
  });

  it('ignores forged and out-of-range messages', async () => {
    const alice = await idp.signIn('alice');
    const a = await tab(alice);
    const b = await tab(alice);
    a.start();
    b.start();
    await ready(a, b);
    await time.advance(MINUTE_MS, quiet(a, b));
    const name = groupChannelOf(a);
    const real = posted.find(({ message }) => message['type'] === 'credentials')!.message;
    const record = real['record'] as SessionRecord;
    const key = keyOf(b);
    const now = time.now();
    const forge = (patch: Partial<SessionRecord>, extra: Record<string, unknown> = {}) => ({
      ...real,
      from: 'intruder',
      term: now,
      ...extra,
      record: { ...record, accessKeyId: 'ASIAFORGED', ...patch },
    });
    await inject(
      name,
      forge({ issuedAtMs: now + 10 * MINUTE_MS, expiresAtMs: now + 2 * HOUR_MS }), // from the future
      forge({ issuedAtMs: now, expiresAtMs: now + 40 * HOUR_MS }), // longer than STS grants
      forge({ issuedAtMs: now - 40 * HOUR_MS, expiresAtMs: now + HOUR_MS }), // issued too long ago
      forge({ issuedAtMs: now, expiresAtMs: Number.POSITIVE_INFINITY }),
      forge({ issuedAtMs: now, expiresAtMs: now + HOUR_MS, clockSkewMs: 1e15 }),
      forge({ issuedAtMs: now, expiresAtMs: now + HOUR_MS }, { term: now + HOUR_MS }), // term ahead
      forge({ issuedAtMs: now, expiresAtMs: now + HOUR_MS }, { group: 'another-group' }),
      forge({ issuedAtMs: now, expiresAtMs: now + HOUR_MS }, { protocol: 'fedcreds-cross-tab/1' }),
      forge({ issuedAtMs: now, expiresAtMs: now + HOUR_MS }, { from: 'x'.repeat(10_000) }),
      { ...real, type: 'signed-out', atMs: now + HOUR_MS, from: 'intruder' }, // sign-out from the future
      { ...real, type: 'signed-out', atMs: Number.NaN, from: 'intruder' },
      null,
      'signed-out',
    );
    expect(keyOf(b)).toBe(key);
    expect(statusOf(b)).toBe('ready');
    // A marker from the future is no sign-out either.
    markers.setItem(`${name}:signed-out`, JSON.stringify({ v: 1, atMs: now + HOUR_MS }));
    const reloaded = await tab(alice);
    reloaded.start();
    await until(() => statusOf(reloaded) === 'ready');
    // The same message with a sane record is taken: the checks above were what refused them.
    await inject(name, forge({ issuedAtMs: now, expiresAtMs: now + 2 * HOUR_MS }));
    expect(keyOf(b)).toBe('ASIAFORGED');
  });

  it('signing out ends the group: every tab drops its keys and its IdP user, a stopped one when it starts', async () => {
    const alice = await idp.signIn('alice');
    const tabs = [await tab(alice, 0.2), await tab(alice, 0.5), await tab(alice, 0.8)];
    for (const session of tabs) session.start();
    await ready(...tabs);
    const [signingOut, other, stopped] = tabs as [
      (typeof tabs)[0],
      (typeof tabs)[0],
      (typeof tabs)[0],
    ];
    stopped.stop();
    const before = stsCalls(devstack);

    await time.advance(MINUTE_MS, quiet(...tabs));
    await signingOut.signOut();
    await until(() => statusOf(other) === 'signed-out');
    expect(other.getSnapshot().credentials).toBeNull();
    await until(() => other.source.user === null);
    // The follower forgot its user locally; the IdP-side sign-out is the signing-out tab's.
    expect(other.source.signOuts).toEqual([{ local: true }]);
    expect(signingOut.source.signOuts).toEqual([undefined]);

    // The stopped tab still holds the user and fresh keys; starting, it learns of the sign-out.
    expect(stopped.source.user).not.toBeNull();
    stopped.start();
    await until(() => statusOf(stopped) === 'signed-out');
    await until(() => stopped.source.user === null);
    expect(stopped.getSnapshot().credentials).toBeNull();
    expect(stsCalls(devstack)).toBe(before);
    // The durable marker holds a time, nothing secret.
    expect(markers.length).toBe(1);
    expect(markers.getItem(markers.key(0)!)).toMatch(/^\{"v":1,"atMs":\d+\}$/);
  });

  it('a reload after sign-out asks for a sign-in; signing in again ends the group sign-out', async () => {
    const alice = await idp.signIn('alice');
    const first = await tab(alice);
    first.start();
    await ready(first);
    await time.advance(MINUTE_MS, quiet(first));
    await first.signOut();
    await time.advance(MINUTE_MS, quiet(first));
    const before = stsCalls(devstack);

    // A reload whose store still had the user (e.g. a shared store written before the sign-out).
    const reloaded = await tab(alice);
    reloaded.start();
    await until(() => statusOf(reloaded) === 'signed-out');
    expect(reloaded.source.user).toBeNull();
    expect(stsCalls(devstack)).toBe(before);

    // The user signs in again (a redirect: a user issued after the sign-out); reloads come up.
    const again = await idp.signIn('alice');
    const signedIn = await tab(again);
    signedIn.start();
    await ready(signedIn);
    expect(markers.length).toBe(0);
    const later = await tab(again);
    later.start();
    await ready(later);
    expect(keyOf(later)).toBe(keyOf(signedIn));
  });

  it('hands the IdP user to whoever leads next: one renewal per cycle, no refresh token spent twice', async () => {
    const alice = await idp.signIn('alice');
    const tabs = [await tab(alice, 0.1), await tab(alice, 0.4), await tab(alice, 0.7)];
    for (const session of tabs) session.start();
    await ready(...tabs);
    // A tab opened later, with an old copy of the user (its store was copied from its opener).
    const stale = alice;
    let open = [...tabs];
    for (let cycle = 1; cycle <= 3; cycle++) {
      await time.advance(HOUR_MS - 5 * MINUTE_MS, quiet(...open));
      expect(idp.renewals).toBe(cycle);
      expect(idp.reuses).toBe(0);
      expect(open.map(statusOf)).toEqual(open.map(() => 'ready'));
      // The tab that led closes; the next one due leads with the user it was handed.
      const leader = open[0]!;
      leader.stop();
      open = open.slice(1);
      if (open.length === 0 || cycle === 2) {
        const late = await tab(stale, 0.05);
        late.start();
        await ready(late);
        open = [late, ...open];
      }
    }
    expect(idp.renewals).toBe(3);
    expect(idp.reuses).toBe(0);
    // The user went over the channel, never into storage.
    expect(markers.length).toBe(0);
    expect(posted.some(({ message }) => message['type'] === 'user')).toBe(true);
  });

  it('a stuck leader: the others take over before expiry, and what it says afterwards is ignored', async () => {
    const alice = await idp.signIn('alice');
    let armed = false;
    let frozen = false;
    const stuckSource = userTokenSource(idp, { ...alice });
    const stuckTokenSource: TokenSource = {
      ...stuckSource,
      // A tab that stops running mid-refresh: it answers nothing, not even its abort signal.
      getToken: (options) =>
        frozen ? new Promise<string>(() => {}) : stuckSource.getToken(options),
    };
    // …and whose timers stop with it (a hung main thread, or a frozen tab).
    const timers: TimerProvider = {
      setTimeout: (callback, ms) => (frozen ? 0 : time.timers.setTimeout(callback, ms)),
      clearTimeout: (handle) => time.timers.clearTimeout(handle),
    };
    // The highest draw falls due first: the stuck tab leads.
    const stuck = await tab(alice, 0.95, { tokenSource: stuckTokenSource, timers });
    const others = [await tab(alice, 0.5), await tab(alice, 0.1)];
    for (const session of [stuck, ...others]) session.start();
    await ready(stuck, ...others);
    const oldKey = keyOf(stuck);
    const expiresAt = others[0]!.getSnapshot().expiresAt!.getTime();

    armed = true;
    // It stops as its next refresh begins: from then on none of its timers fire.
    stuck.subscribe(() => {
      if (armed && stuck.getSnapshot().isRefreshing) frozen = true;
    });
    // Settled when each of the others is done, or waits for the lock (behind the stuck tab, or
    // behind the one that took over). Counted per tab: the stuck tab's own waits do not count.
    const settled = () =>
      until(() => others.every((s) => !s.getSnapshot().isRefreshing || locks.waiting(s.owner) > 0));
    await time.advance(HOUR_MS - 2 * MINUTE_MS, settled);
    // By now both have given up waiting; what they still do is real I/O, no timer.
    await until(() => others.every((s) => !s.getSnapshot().isRefreshing));
    expect(locks.steals).toBeGreaterThanOrEqual(1);
    expect(time.now()).toBeLessThan(expiresAt);
    const newKey = keyOf(others[0]!);
    expect(newKey).not.toBe(oldKey);
    expect(keyOf(others[1]!)).toBe(newKey);
    expect(others.map(statusOf)).toEqual(['ready', 'ready']);

    // The deposed leader "wakes": credentials under its old term are not taken.
    const fresh = createFederatedSession({
      credentials: await webIdentityCredentials(devstack, time, { DurationSeconds: 3600 }),
      tokenSource: userTokenSource(idp, { ...(await idp.signIn('alice')) }),
      clock: time.clock,
      timers: time.timers,
      environment: null,
    });
    await time.advance(MINUTE_MS, settled);
    const record = await fresh.refresh().then(() => fresh.getSnapshot());
    const template = posted.find(({ message }) => message['type'] === 'credentials')!;
    const wire = {
      ...(template.message['record'] as SessionRecord),
      accessKeyId: record.credentials!.accessKeyId,
      secretAccessKey: record.credentials!.secretAccessKey,
      sessionToken: record.credentials!.sessionToken,
      issuedAtMs: time.now(),
      expiresAtMs: record.expiresAt!.getTime(),
    };
    const oldTerm = template.message['term'] as number;
    await inject(template.name, {
      ...template.message,
      from: 'stuck',
      term: oldTerm,
      record: wire,
    });
    expect(keyOf(others[0]!)).toBe(newKey);
    // With a current term the same record is taken: the term is what refused it.
    await inject(template.name, {
      ...template.message,
      from: 'stuck',
      term: time.now(),
      record: wire,
    });
    expect(keyOf(others[0]!)).toBe(wire.accessKeyId);
  });

  it('a tab with no IdP user of its own does not join a group', async () => {
    const alice = await idp.signIn('alice');
    const signedIn = await tab(alice);
    signedIn.start();
    await ready(signedIn);
    const before = stsCalls(devstack);
    const empty = await tab(null);
    empty.start();
    await until(() => statusOf(empty) !== 'idle' && statusOf(empty) !== 'loading');
    expect(empty.getSnapshot().credentials).toBeNull();
    expect(stsCalls(devstack)).toBe(before);
  });
});
