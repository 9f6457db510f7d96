/**
 * `crossTab.joinWhenSignedOut`: a tab whose user store is its own (here a per-tab
 * InMemoryWebStorage, as oidc-client-ts's default sessionStorage is in a browser) and empty joins
 * the one live group of the origin, or stays signed out. Real oidc-client-ts UserManagers against
 * the dev stack's OpenID Provider (rotating refresh tokens, reuse detection) and STS, in real
 * time: credentials of 6 s renewed every ~3 s, ID tokens of 40 s renewed once less than 38 s are
 * left, so every STS call after the first comes with one refresh-token grant. Only Web Locks is
 * stood in for (Node has none): the in-memory lock manager of crossTabHarness.ts; the channels
 * are Node's real BroadcastChannel.
 */
import { loginWithPassword } from '@fedcreds/devstack';
import { InMemoryWebStorage } from 'oidc-client-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  crossTab,
  InvalidParameterError,
  WebIdentityCredentials,
  createFederatedSession,
  type CrossTabChannel,
  type CrossTabLocks,
  type FederatedSession,
  type SessionLogEntry,
} from '@fedcreds/core';
import { oidcTokenSource, type OidcTokenSource } from '@fedcreds/core/oidc';
import { MemoryLocks } from './crossTabHarness.js';
import { ALICE, BOB, grants, newBrowser, newUserManager, signedIn } from './oidcHarness.js';
import {
  WEB_ROLE,
  recordEvents,
  stackForFile,
  stsCalls,
  stsConfig,
  until,
} from './sessionHarness.js';

const devstack = stackForFile(null, {
  oidc: { idTokenTtlSeconds: 40 },
  sts: { credentialTtlSeconds: 6 },
});
const MIN_VALIDITY_MS = 38_000;
let locks = new MemoryLocks();
let markers = new InMemoryWebStorage();
let prefix = '';
let testNumber = 0;
const started: FederatedSession[] = [];
const logs: SessionLogEntry[] = [];
/** Every message any tab posted, with the channel's name. */
const posted: { name: string; message: Record<string, unknown> }[] = [];

beforeEach(() => {
  locks = new MemoryLocks();
  markers = new InMemoryWebStorage();
  prefix = `fedcreds-join-test-${++testNumber}`;
  posted.length = 0;
  logs.length = 0;
});
afterEach(() => {
  for (const session of started.splice(0)) session.stop();
});

/** Node's BroadcastChannel, recording posts; `drop` loses the messages it matches. */
function recordingChannel(drop: (message: Record<string, unknown>) => boolean = () => false) {
  return (name: string): CrossTabChannel => {
    const real = new BroadcastChannel(name);
    return {
      postMessage: (message) => {
        posted.push({ name, message: message as Record<string, unknown> });
        real.postMessage(message);
      },
      addEventListener: (type, listener) =>
        real.addEventListener(type, (event) => {
          if (!drop((event as MessageEvent).data as Record<string, unknown>)) listener(event);
        }),
      close: () => real.close(),
    };
  };
}

interface TabOptions {
  join?: boolean;
  draw?: number;
  locks?: CrossTabLocks;
  storage?: Storage;
  channel?: (name: string) => CrossTabChannel;
  clock?: { now(): number };
}

/** A tab: a session over `tokenSource` (its own user store) in this test's group prefix. */
function tab(tokenSource: OidcTokenSource, options: TabOptions = {}) {
  const session = createFederatedSession({
    credentials: new WebIdentityCredentials(
      { RoleArn: devstack.roleArn(WEB_ROLE), RoleSessionName: 'web' },
      stsConfig(devstack),
    ),
    tokenSource,
    crossTab: crossTab({
      name: prefix,
      locks: options.locks ?? locks,
      storage: options.storage ?? markers,
      channel: options.channel ?? recordingChannel(),
      joinWhenSignedOut: options.join ?? true,
    }),
    refreshWindowMs: 3_000,
    refreshJitterMs: 300,
    random: () => options.draw ?? 0.5,
    environment: null,
    logger: (entry) => logs.push(entry),
    ...(options.clock && { clock: options.clock }),
  });
  started.push(session);
  return Object.assign(session, { source: tokenSource });
}

const source = { minValidityMs: MIN_VALIDITY_MS };
/** A token source whose store (this tab's own) holds nobody: a tab opened by typing the URL. */
const emptySource = () => oidcTokenSource(newUserManager(devstack), source);
const userSource = async (user = { username: 'alice', password: 'alice-password' }) =>
  (await signedIn(devstack, { user, source })).source;

/** A token source back from bob's sign-in at the IdP, its callback not yet processed. */
async function bobReturning() {
  const browser = newBrowser();
  const tokenSource = oidcTokenSource(newUserManager(devstack, browser), source);
  await tokenSource.signIn();
  const callbackUrl = await loginWithPassword(browser.redirects.at(-1)!, BOB, {
    cookieJar: browser.jar,
  });
  return Object.assign(tokenSource, { callbackUrl });
}

/** The sign-out markers the tabs wrote. */
const signOutMarkers = () =>
  Array.from({ length: markers.length }, (_, i) => markers.key(i)!).filter((key) =>
    key.endsWith(':signed-out'),
  );
const statusOf = (session: FederatedSession) => session.getSnapshot().status;
const keyOf = (session: FederatedSession) => session.getSnapshot().credentials?.accessKeyId;
const subjectOf = (session: FederatedSession) => session.getSnapshot().identity?.subject;
const settled = (...sessions: FederatedSession[]) =>
  until(
    () =>
      !locks.busy &&
      sessions.every(
        (s) => !s.getSnapshot().isRefreshing && !['idle', 'loading'].includes(statusOf(s)),
      ),
  );
/** Waits until `count` groups have a tab answering the lobby (their host locks are held). */
const hosting = (count: number) =>
  until(() => locks.heldNames.filter((name) => name.includes(':host:')).length === count);
const storedSubject = async (tokenSource: OidcTokenSource) =>
  (await tokenSource.describeUser())?.subject ?? null;
const offers = () => posted.filter(({ message }) => message['type'] === 'join-offer');
const requests = () => posted.filter(({ message }) => message['type'] === 'join-request');
const refusals = () =>
  logs.filter(({ message }) => message.startsWith('not joining')).map(({ message }) => message);

describe('a tab with no IdP user of its own (joinWhenSignedOut)', () => {
  it('joins the live group when allowed — no STS call, no IdP grant — and then refreshes with it as one group', async () => {
    const alice = tab(await userSource(), { draw: 0.2 });
    alice.start();
    await settled(alice);
    await hosting(1);
    const before = { sts: stsCalls(devstack), grants: grants(devstack, 'refresh_token') };

    const empty = emptySource();
    const joiner = tab(empty, { draw: 0.8 });
    const events = recordEvents(joiner);
    joiner.start();
    await settled(joiner);
    expect(statusOf(joiner)).toBe('ready');
    // It takes the group's identity, visibly: the snapshot says who, and the credentials came
    // from another tab.
    expect(subjectOf(joiner)).toBe('alice');
    expect(keyOf(joiner)).toBe(keyOf(alice));
    const refreshed = events.filter(({ type }) => type === 'refreshed');
    expect(refreshed.map(({ event }) => (event as { source: string }).source)).toEqual(['peer']);
    expect(await storedSubject(empty)).toBe('alice');
    expect(stsCalls(devstack) - before.sts).toBe(0);
    expect(grants(devstack, 'refresh_token') - before.grants).toBe(0);
    // One request, one answer; the IdP user went over the asking tab's own reply channel only.
    expect(requests()).toHaveLength(1);
    expect(offers()).toHaveLength(1);
    const lobby = requests()[0]!.name;
    expect(offers()[0]!.name.startsWith(`${lobby}:reply:`)).toBe(true);
    expect(posted.filter(({ name, message }) => name === lobby && 'user' in message)).toEqual([]);
    for (const { name } of posted) expect(name).not.toMatch(/alice|arn:/);
    expect(markers.length).toBe(0);

    // From now on an ordinary member: one STS call and one IdP renewal per cycle for both tabs.
    const tabs = [alice, joiner];
    let key = keyOf(alice);
    const keys = new Set([key]);
    for (let cycle = 1; cycle <= 3; cycle++) {
      const previous = key;
      await until(() => {
        const now = keyOf(alice);
        return now !== undefined && now !== previous && tabs.every((s) => keyOf(s) === now);
      }, 15_000);
      key = keyOf(alice);
      keys.add(key);
    }
    await settled(...tabs);
    const exchanges = stsCalls(devstack) - before.sts;
    const renewals = grants(devstack, 'refresh_token') - before.grants;
    expect(keys.size).toBe(4);
    // Each new key cost one STS call and one renewal (one more of each if a cycle began as the
    // counts were read): not one per tab.
    expect(exchanges).toBeGreaterThanOrEqual(3);
    expect(exchanges).toBeLessThanOrEqual(4);
    expect(renewals).toBe(exchanges);
    // A refresh token spent twice would have revoked the grant: both still signed in.
    expect(tabs.map(statusOf)).toEqual(['ready', 'ready']);
    expect(tabs.map(subjectOf)).toEqual(['alice', 'alice']);
    console.info(
      `cross-tab join: 2 tabs (one joined), 3 cycles → ${exchanges} STS calls, ${renewals} refresh-token grants`,
    );
  }, 60_000);

  it('does not join when the app did not allow it, in the asking tab or in the group', async () => {
    const alice = tab(await userSource(), { join: true });
    alice.start();
    await settled(alice);
    await hosting(1);
    const before = stsCalls(devstack);

    // Not allowed here: it does not even ask.
    const notAllowed = emptySource();
    const first = tab(notAllowed, { join: false });
    first.start();
    await settled(first);
    expect(statusOf(first)).toBe('signed-out');
    expect(requests()).toEqual([]);
    expect(await storedSubject(notAllowed)).toBeNull();

    // Allowed here, but not by the group's tabs: nobody answers for that group.
    alice.stop();
    await hosting(0);
    const closed = tab(await userSource(), { join: false });
    closed.start();
    await settled(closed);
    const asking = emptySource();
    const second = tab(asking, { join: true });
    second.start();
    await settled(second);
    expect(statusOf(second)).toBe('signed-out');
    expect(offers()).toEqual([]);
    expect(await storedSubject(asking)).toBeNull();
    expect(refusals()).toEqual([
      'not joining another tab’s group: no group of this origin is live',
    ]);
    expect(stsCalls(devstack) - before).toBe(1);
  }, 30_000);

  it('does not join a group that signed out, even through a stale tab that missed the sign-out', async () => {
    const aliceSource = await userSource();
    const copyOfAlice = async () => {
      const copy = oidcTokenSource(newUserManager(devstack), source);
      await copy.importHandoff(structuredClone(await aliceSource.exportHandoff()));
      return copy;
    };
    const alice = tab(aliceSource);
    const follower = tab(await copyOfAlice());
    // A tab that missed the sign-out (its channel lost the message, and it reads another
    // storage): a stand-in for a frozen or buggy tab, which no real peer can be made into.
    const stale = tab(await copyOfAlice(), {
      storage: new InMemoryWebStorage(),
      channel: recordingChannel((message) => message['type'] === 'signed-out'),
    });
    for (const session of [alice, follower, stale]) session.start();
    await settled(alice, follower, stale);
    await alice.signOut();
    await until(() => statusOf(follower) === 'signed-out');
    await settled(alice, follower, stale);
    await hosting(1);
    expect(statusOf(stale)).toBe('ready');
    const before = stsCalls(devstack);

    const empty = emptySource();
    const joiner = tab(empty);
    joiner.start();
    await settled(joiner);
    // The stale tab offered its user, issued before the group's sign-out: refused, never stored.
    expect(offers()).toHaveLength(1);
    expect(statusOf(joiner)).toBe('signed-out');
    expect(await storedSubject(empty)).toBeNull();
    expect(refusals()).toEqual(['not joining another tab’s group: the group signed out']);

    // The tabs that heard the sign-out answer for nobody: with the stale one gone, no group is live.
    stale.stop();
    const second = tab(emptySource());
    second.start();
    await settled(second);
    expect(statusOf(second)).toBe('signed-out');
    expect(refusals().at(-1)).toBe(
      'not joining another tab’s group: no group of this origin is live',
    );
    expect(stsCalls(devstack)).toBe(before);

    // The marker is what refused the stale tab's offer: without it, the same offer is taken.
    markers.clear();
    stale.start();
    await settled(stale);
    await hosting(1);
    const control = tab(emptySource());
    control.start();
    await settled(control);
    expect([statusOf(control), subjectOf(control)]).toEqual(['ready', 'alice']);
  }, 30_000);

  it('a sign-in completed after the group signed out is not signed straight back out, however far the IdP’s clock lags', async () => {
    // The tabs' clock runs 1.5 s ahead of the IdP's: the sign-out's time (local) is later than the
    // iat of a token issued just after it (the IdP's whole seconds). Only the page's own sign-in
    // time tells the new sign-in from a leftover; with iat alone this tab was signed out at once.
    const clock = { now: () => Date.now() + 1_500 };
    const withClock = { ...source, clock };
    const first = tab((await signedIn(devstack, { source: withClock })).source, { clock });
    first.start();
    await settled(first);
    await first.signOut();
    expect(signOutMarkers()).toHaveLength(1);

    const browser = newBrowser();
    const returning = oidcTokenSource(newUserManager(devstack, browser), withClock);
    await returning.signIn();
    const callbackUrl = await loginWithPassword(browser.redirects.at(-1)!, ALICE, {
      cookieJar: browser.jar,
    });
    expect(await returning.completeSignIn(callbackUrl)).not.toBeNull();
    const user = await returning.describeUser();
    expect(user!.issuedAtMs! <= clock.now()).toBe(true);
    const second = tab(returning, { clock });
    second.start();
    await settled(second);
    expect(statusOf(second)).toBe('ready');
    expect(subjectOf(second)).toBe('alice');
    // The new sign-in ended the group's sign-out: the marker is gone.
    expect(signOutMarkers()).toHaveLength(0);
  });

  it('does not join when two identities are live — counted by the lock manager, or answering without one', async () => {
    const alice = tab(await userSource());
    const bob = tab(await userSource(BOB));
    alice.start();
    bob.start();
    await settled(alice, bob);
    await hosting(2);
    const before = stsCalls(devstack);

    // The lock manager shows two groups' hosts: whose would it join? It does not ask.
    const counted = emptySource();
    const first = tab(counted);
    first.start();
    await settled(first);
    expect(statusOf(first)).toBe('signed-out');
    expect(requests()).toEqual([]);
    expect(await storedSubject(counted)).toBeNull();

    // A lock manager that cannot count (no query()): both groups answer, and it joins neither.
    const uncounted: CrossTabLocks = { request: locks.request.bind(locks) };
    const answered = emptySource();
    const second = tab(answered, { locks: uncounted });
    second.start();
    await settled(second);
    expect(statusOf(second)).toBe('signed-out');
    expect(new Set(offers().map(({ message }) => message['group'])).size).toBe(2);
    expect(await storedSubject(answered)).toBeNull();
    expect(refusals()).toEqual([
      'not joining another tab’s group: more than one group is live: whose to join?',
      'not joining another tab’s group: more than one group answered: whose to join?',
    ]);
    expect(stsCalls(devstack)).toBe(before);

    // With bob's tab gone, alice's group is the one live group: a new tab joins it.
    bob.stop();
    await hosting(1);
    const control = tab(emptySource());
    control.start();
    await settled(control);
    expect([statusOf(control), subjectOf(control)]).toEqual(['ready', 'alice']);
  }, 30_000);

  it('a tab with a user of its own never imports another’s — not even one whose sign-in is still completing', async () => {
    const aliceSource = await userSource();
    const alice = tab(aliceSource);
    alice.start();
    await settled(alice);
    await hosting(1);
    const aliceKey = keyOf(alice);

    // Signed in as bob in its own store: it never asks, and stays bob's.
    const bobSource = await userSource(BOB);
    const bob = tab(bobSource);
    bob.start();
    await settled(bob);
    expect([statusOf(bob), subjectOf(bob)]).toEqual(['ready', 'bob']);
    expect(keyOf(bob)).not.toBe(aliceKey);
    expect(requests()).toEqual([]);
    expect(await storedSubject(bobSource)).toBe('bob');

    // A tab coming back from bob's redirect sign-in: its store is empty while the callback is
    // being processed. A hand-off imported meanwhile waits for it, and is refused as another user.
    const handoff = await aliceSource.exportHandoff();
    const direct = await bobReturning();
    const storing = direct.completeSignIn(direct.callbackUrl);
    await expect(direct.importHandoff(structuredClone(handoff))).rejects.toBeInstanceOf(
      InvalidParameterError,
    );
    await storing;
    expect(await storedSubject(direct)).toBe('bob');

    // The same tab with a session: it asks while the callback runs, and alice's offer does not
    // beat bob's own user into it.
    bob.stop();
    await hosting(1);
    const redirected = await bobReturning();
    const returning = tab(redirected);
    const completing = redirected.completeSignIn(redirected.callbackUrl);
    returning.start();
    await completing;
    await settled(returning);
    expect([statusOf(returning), subjectOf(returning)]).toEqual(['ready', 'bob']);
    expect(await storedSubject(redirected)).toBe('bob');
    expect(keyOf(returning)).not.toBe(aliceKey);
    expect(requests()).toHaveLength(1);
    expect(refusals()).toEqual([
      expect.stringMatching(/refused the IdP user offered|has a user of its own now/),
    ]);
    expect(keyOf(alice)).toBe(aliceKey);
    expect(subjectOf(alice)).toBe('alice');
  }, 30_000);
});
