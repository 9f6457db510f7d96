/**
 * The lobby protocol behind `crossTab.joinWhenSignedOut`, on simulated time: who answers a tab
 * that asks to join, how often, and what an answer must be for the tab to take it. Sessions in
 * one process stand for tabs (the in-memory Web Locks of crossTabHarness.ts, Node's real
 * BroadcastChannel) against the dev stack's real STS; each tab's token source keeps its own user
 * at the in-process IdP with rotating refresh tokens (`RotatingIdp`). The join itself over real
 * oidc-client-ts UserManagers is tested in crossTab.join.test.ts.
 */
import { InMemoryWebStorage } from 'oidc-client-ts';
import { crossTab, DEFAULT_ANSWER_TIMEOUT_MS } from '@fedcreds/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  CrossTabChannel,
  CrossTabLocks,
  FederatedSession,
  SessionLogEntry,
} from '@fedcreds/core';
import { MemoryLocks, RotatingIdp, userTokenSource, type IdpUser } from './crossTabHarness.js';
import {
  HOUR_MS,
  flush,
  mintIdToken,
  stsCalls,
  timedSession,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();
let locks = new MemoryLocks();
let markers = new InMemoryWebStorage();
let idp: RotatingIdp;
let prefix = '';
let testNumber = 0;
const started: FederatedSession[] = [];
const posted: { name: string; message: Record<string, unknown> }[] = [];
const logs: SessionLogEntry[] = [];

beforeEach(() => {
  locks = new MemoryLocks();
  markers = new InMemoryWebStorage();
  prefix = `fedcreds-lobby-test-${++testNumber}`;
  posted.length = 0;
  logs.length = 0;
  idp = new RotatingIdp(devstack.oidc.issuer, async (subject) => ({
    idToken: await mintIdToken(devstack, time, 600, subject),
    issuedAtMs: Math.floor(time.now() / 1000) * 1000,
  }));
});
afterEach(() => {
  for (const session of started.splice(0)) session.stop();
});

function channel(name: string): CrossTabChannel {
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

/** A tab whose token source holds `user` (a copy), or nobody; joins allowed. */
async function tab(user: IdpUser | null, tabLocks: CrossTabLocks = locks) {
  const source = userTokenSource(idp, user && { ...user });
  const session = timedSession(time, {
    credentials: await webIdentityCredentials(devstack, time, { DurationSeconds: 3600 }),
    tokenSource: source,
    crossTab: crossTab({
      name: prefix,
      locks: tabLocks,
      storage: markers,
      channel,
      joinWhenSignedOut: true,
    }),
    logger: (entry) => logs.push(entry),
  });
  started.push(session);
  return Object.assign(session, { source });
}

const statusOf = (session: FederatedSession) => session.getSnapshot().status;
const settled = (...sessions: FederatedSession[]) =>
  until(
    () =>
      !locks.busy &&
      sessions.every(
        (s) => !s.getSnapshot().isRefreshing && !['idle', 'loading'].includes(statusOf(s)),
      ),
  );
const hostLocks = () => locks.heldNames.filter((name) => name.includes(':host:'));
const hosting = (count: number) => until(() => hostLocks().length === count);
const ofType = (type: string) => posted.filter(({ message }) => message['type'] === type);
const refusals = () =>
  logs.filter(({ message }) => message.startsWith('not joining')).map(({ message }) => message);

describe('the lobby (joinWhenSignedOut)', () => {
  it('one member answers for its group, however many tabs it has; the next one when it stops; none once all stopped', async () => {
    const alice = await idp.signIn('alice');
    const members = [await tab(alice), await tab(alice), await tab(alice)];
    for (const session of members) session.start();
    await settled(...members);
    await hosting(1);
    const before = stsCalls(devstack);

    const first = await tab(null);
    first.start();
    await settled(first);
    expect(first.getSnapshot().identity?.subject).toBe('alice');
    expect(ofType('join-request')).toHaveLength(1);
    expect(ofType('join-offer')).toHaveLength(1);

    // The host stops (its tab closed): the next member in the lock's queue answers from then on.
    for (const session of members) {
      session.stop();
      await hosting(1);
      const next = await tab(null);
      next.start();
      await settled(next);
      expect(next.getSnapshot().identity?.subject).toBe('alice');
    }
    const answerers = new Set(ofType('join-offer').map(({ message }) => message['from']));
    expect(ofType('join-offer')).toHaveLength(ofType('join-request').length);
    expect(answerers.size).toBeGreaterThan(1);
    expect(stsCalls(devstack)).toBe(before);

    // Every tab stopped: nobody answers, not even to a tab that cannot count the hosts.
    for (const session of started) session.stop();
    await hosting(0);
    const offersBefore = ofType('join-offer').length;
    const uncounted: CrossTabLocks = { request: locks.request.bind(locks) };
    const last = await tab(null, uncounted);
    last.start();
    await until(() => ofType('join-request').length === offersBefore + 1);
    await time.advance(DEFAULT_ANSWER_TIMEOUT_MS + 100, flush);
    await settled(last);
    expect(statusOf(last)).toBe('signed-out');
    expect(ofType('join-offer')).toHaveLength(offersBefore);
    expect(refusals().at(-1)).toBe('not joining another tab’s group: no group answered');
  });

  it('takes an answer only if it is well-formed, in range, and the named user’s and group’s', async () => {
    const [alice, bob] = [await idp.signIn('alice'), await idp.signIn('bob')];
    // Real offers to forge from: a new tab joins alice's group, another bob's.
    const offerOf = async (user: IdpUser) => {
      const member = await tab(user);
      member.start();
      await settled(member);
      await hosting(1);
      const joiner = await tab(null);
      joiner.start();
      await settled(joiner);
      expect(joiner.getSnapshot().identity?.subject).toBe(user.subject);
      for (const session of [member, joiner]) session.stop();
      await hosting(0);
      return ofType('join-offer').at(-1)!.message;
    };
    const [aliceOffer, bobOffer] = [await offerOf(alice), await offerOf(bob)];
    const lobbyName = ofType('join-request')[0]!.name;

    // An intruder plays a group's host: it holds that group's host lock while a tab asks, and
    // answers with `forged`.
    let forged: (id: unknown) => unknown = () => null;
    /** Replies that reached the reply channel (a listener of its own there sees each). */
    let delivered = 0;
    const intruder = new BroadcastChannel(lobbyName);
    intruder.addEventListener('message', ({ data }) => {
      const request = data as Record<string, unknown>;
      if (request['type'] !== 'join-request') return;
      const name = `${lobbyName}:reply:${String(request['id'])}`;
      const witness = new BroadcastChannel(name);
      witness.addEventListener('message', () => {
        delivered += 1;
        witness.close();
      });
      const reply = new BroadcastChannel(name);
      reply.postMessage(forged(request['id']));
      reply.close();
    });
    const askWith = async (forge: (id: unknown) => unknown, hostOf = aliceOffer['group']) => {
      forged = forge;
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const hostLock = `${lobbyName}:host:${String(hostOf)}`;
      void locks.request(hostLock, { mode: 'exclusive' }, () => held);
      await hosting(1);
      const replies = delivered;
      const joiner = await tab(null);
      joiner.start();
      // The reply arrived before the answer timeout runs out: a refusal is the checks' doing.
      await until(() => delivered === replies + 1);
      await flush();
      await time.advance(DEFAULT_ANSWER_TIMEOUT_MS + 100, flush);
      await settled(joiner);
      release();
      // Let go (a tab that joined queues for the same lock, and holds it next).
      if (statusOf(joiner) !== 'ready') await until(() => !locks.heldNames.includes(hostLock));
      return joiner;
    };
    const record = aliceOffer['record'] as Record<string, unknown>;
    const now = time.now();
    const cases: [string, (id: unknown) => unknown, string, unknown?][] = [
      [
        'an answer for a group whose host is not there',
        (id) => ({ ...bobOffer, id }),
        'no group answered',
      ],
      [
        'a key not its user’s',
        (id) => ({ ...aliceOffer, id, group: bobOffer['group'] }),
        'an offer whose key is not its user’s',
        bobOffer['group'],
      ],
      [
        'another identity’s credentials',
        (id) => ({ ...bobOffer, id, record }),
        'an offer of credentials that are not the group’s, or no longer usable',
        bobOffer['group'],
      ],
      [
        'another user’s hand-off than it names',
        (id) => ({ ...aliceOffer, id, user: bobOffer['user'] }),
        'the IdP user handed over is not the one offered',
      ],
      [
        'credentials issued in the future',
        (id) => ({
          ...aliceOffer,
          id,
          record: { ...record, issuedAtMs: now + HOUR_MS, expiresAtMs: now + 2 * HOUR_MS },
        }),
        'no group answered',
      ],
      [
        'credentials living longer than STS grants',
        (id) => ({ ...aliceOffer, id, record: { ...record, expiresAtMs: now + 40 * HOUR_MS } }),
        'no group answered',
      ],
      [
        'a term in the future',
        (id) => ({ ...aliceOffer, id, term: now + HOUR_MS }),
        'no group answered',
      ],
      [
        'a user issued in the future',
        (id) => ({ ...aliceOffer, id, issuedAtMs: now + HOUR_MS }),
        'no group answered',
      ],
      ['no hand-off', (id) => ({ ...aliceOffer, id, user: undefined }), 'no group answered'],
      [
        'a subject beyond bounds',
        (id) => ({ ...aliceOffer, id, subject: 'a'.repeat(5_000) }),
        'no group answered',
      ],
      [
        'a group key beyond bounds',
        (id) => ({ ...aliceOffer, id, group: 'k'.repeat(500) }),
        'no group answered',
      ],
      [
        'the id of another request',
        () => ({ ...aliceOffer, id: 'another-request' }),
        'no group answered',
      ],
      [
        'another protocol',
        (id) => ({ ...aliceOffer, id, protocol: 'fedcreds-cross-tab/1' }),
        'no group answered',
      ],
      ['not an object', () => 'join-offer', 'no group answered'],
    ];
    for (const [what, forge, refusal, hostOf] of cases) {
      const joiner = await askWith(forge, hostOf);
      expect([what, statusOf(joiner), joiner.source.user]).toEqual([what, 'signed-out', null]);
      expect([what, refusals().at(-1)]).toEqual([
        what,
        `not joining another tab’s group: ${refusal}`,
      ]);
    }

    // The real offer, replayed as it was: taken. The checks above are what refused the others.
    const control = await askWith((id) => ({ ...aliceOffer, id }));
    expect([statusOf(control), control.getSnapshot().identity?.subject]).toEqual([
      'ready',
      'alice',
    ]);
    // Once its credentials expired, the same offer is refused.
    control.stop();
    await time.advance(2 * HOUR_MS, flush);
    const late = await askWith((id) => ({ ...aliceOffer, id }));
    expect(statusOf(late)).toBe('signed-out');
    expect(refusals().at(-1)).toBe(
      'not joining another tab’s group: an offer of credentials that are not the group’s, or no longer usable',
    );
    intruder.close();
  });

  it('answers a tab asking in a loop once, and a flood of tabs at most 20 times a second', async () => {
    const alice = await idp.signIn('alice');
    const member = await tab(alice);
    member.start();
    await settled(member);
    await hosting(1);
    const lobbyName = hostLocks()[0]!.split(':host:')[0]!;
    const first = await tab(null);
    first.start();
    await settled(first);
    const request = ofType('join-request')[0]!.message;
    const host = ofType('join-offer')[0]!.message['from'];
    const answers = () =>
      ofType('join-offer')
        .filter(({ message }) => message['from'] === host)
        .map(({ message }) => String(message['id']));
    const intruder = new BroadcastChannel(lobbyName);
    const ask = (from: string, id: string) => intruder.postMessage({ ...request, from, id });
    /** Waits until a request asked a second later is answered: every earlier one was handled. */
    const handled = async (tag: string) => {
      await time.advance(1_000, flush);
      ask(`sentinel-${tag}`, `sentinel-${tag}`);
      await until(() => answers().includes(`sentinel-${tag}`));
    };

    for (let i = 0; i < 50; i++) ask('looping-tab', `loop-${i}`);
    await until(() => answers().includes('loop-0'));
    for (let i = 0; i < 100; i++) ask(`tab-${i}`, `burst-${i}`);
    await until(() => answers().filter((id) => id.startsWith('burst-')).length >= 18);
    await handled('a');
    expect(answers().filter((id) => id.startsWith('loop-'))).toEqual(['loop-0']);
    // 20 answers in that second: the first tab's, the loop's one, and 18 of the flood.
    expect(answers().filter((id) => id.startsWith('burst-'))).toHaveLength(18);

    // A second later the tab in the loop is answered again — once.
    for (let i = 50; i < 100; i++) ask('looping-tab', `loop-${i}`);
    await handled('b');
    expect(answers().filter((id) => id.startsWith('loop-'))).toEqual(['loop-0', 'loop-50']);
    intruder.close();
  });
});
