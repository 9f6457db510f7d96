/**
 * 24 simulated hours: one-hour credentials from the dev stack's STS (running on the same
 * simulated clock), ID tokens living 5 minutes to 1 hour, renewed through `oidcTokenSource`
 * (over a stand-in UserManager whose silent renew mints at the stack's IdP), and many readers
 * calling the credential provider concurrently. The provider must never hand out credentials
 * within 60 s of expiry, and STS calls and token renewals must be exactly what the schedule
 * implies.
 */
import type { UserManager } from 'oidc-client-ts';
import { expect, it } from 'vitest';
import {
  createFederatedSession,
  DEFAULT_REFRESH_WINDOW_MS,
  DEFAULT_REFRESH_JITTER_MS,
} from '@fedcreds/core';
import { oidcTokenSource } from '@fedcreds/core/oidc';
import {
  FakeTime,
  HOUR_MS,
  flush,
  mintIdToken,
  stackForFile,
  stsCalls,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const SIMULATED_MS = 24 * HOUR_MS;
const TOKEN_LIFETIMES_S = [300, 900, 1800, 3600, 600, 2700];
const READERS = 40;
const MIN_VALIDITY_MS = 60_000;

const time = new FakeTime();
const devstack = stackForFile(() => time.now());

/** A small deterministic PRNG (mulberry32), so the jitter is random-looking but repeatable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it('runs 24 hours with exactly the STS calls and token renewals the schedule implies', async () => {
  // The stand-in IdP: each silent renew mints the next lifetime in the list. (No refresh token,
  // so oidcTokenSource renews through signinSilent(), the part stood in for.)
  let minted = 0;
  const mint = () =>
    mintIdToken(devstack, time, TOKEN_LIFETIMES_S[minted++ % TOKEN_LIFETIMES_S.length]);
  let user = { id_token: await mint(), profile: { sub: 'alice' } };
  let renewals = 0;
  const userManager = {
    settings: { silent_redirect_uri: 'https://app.example/silent' },
    getUser: async () => user,
    signinSilent: async () => {
      renewals += 1;
      user = { ...user, id_token: await mint() };
      return user;
    },
  } as unknown as UserManager;

  const credentials = await webIdentityCredentials(devstack, time);
  const session = createFederatedSession({
    credentials,
    tokenSource: oidcTokenSource(userManager, { clock: time.clock }),
    clock: time.clock,
    timers: time.timers,
    environment: null,
    random: seeded(42),
  });

  // True (STS-clock) expiry of every access key handed out, and each refresh's time.
  const trueExpiry = new Map<string, number>();
  const refreshes: { atMs: number; expiresAtMs: number }[] = [];
  session.on('refreshed', ({ credentials: identity, expiresAt }) => {
    const data = session.credentials.data as { Credentials: { Expiration: Date } };
    trueExpiry.set(identity.accessKeyId, data.Credentials.Expiration.getTime());
    refreshes.push({ atMs: time.now(), expiresAtMs: expiresAt.getTime() });
  });

  // Readers: each calls the provider on its own period, several at once, like SDK clients would.
  let reads = 0;
  let minLeftLocalMs = Number.POSITIVE_INFINITY;
  let minLeftTrueMs = Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();
  const read = () => {
    const readAt = time.now();
    const p = session.credentialProvider().then((identity) => {
      reads += 1;
      minLeftLocalMs = Math.min(minLeftLocalMs, identity.expiration!.getTime() - readAt);
      minLeftTrueMs = Math.min(minLeftTrueMs, trueExpiry.get(identity.accessKeyId)! - readAt);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  let stopped = false;
  for (let r = 0; r < READERS; r++) {
    const periodMs = 20_000 + (r % 8) * 10_000; // readers share periods, so calls coincide
    const tick = () => {
      if (stopped) return;
      for (let burst = 0; burst < 3; burst++) read();
      time.timers.setTimeout(tick, periodMs);
    };
    time.timers.setTimeout(tick, (r % 5) * 1_000);
  }

  const settle = async () => {
    await flush();
    await until(() => inFlight.size === 0 && !session.getSnapshot().isRefreshing);
  };
  const stsBefore = stsCalls(devstack);
  const start = time.now();
  session.start();
  await time.advance(SIMULATED_MS, settle);
  stopped = true;
  session.stop();

  // The schedule: each refresh at expiresAt − refreshWindowMs − jitter, jitter = random() × 30 s.
  const random = seeded(42);
  const implied: number[] = [start];
  let expected = refreshes[0]!;
  for (let i = 1; i < refreshes.length; i++) {
    const jitter = random() * DEFAULT_REFRESH_JITTER_MS;
    implied.push(expected.expiresAtMs - DEFAULT_REFRESH_WINDOW_MS - jitter);
    expected = refreshes[i]!;
  }
  const nextDue =
    expected.expiresAtMs - DEFAULT_REFRESH_WINDOW_MS - random() * DEFAULT_REFRESH_JITTER_MS;
  expect(refreshes.map((r) => r.atMs)).toEqual(implied);
  expect(nextDue).toBeGreaterThan(start + SIMULATED_MS); // no refresh was skipped at the end

  // Token renewals: whenever the held ID token had less than a minute left at a refresh.
  let impliedRenewals = 0;
  let tokenExpMs = start + TOKEN_LIFETIMES_S[0]! * 1000;
  for (const { atMs } of refreshes) {
    if (tokenExpMs - atMs <= MIN_VALIDITY_MS) {
      impliedRenewals += 1;
      tokenExpMs = atMs + TOKEN_LIFETIMES_S[impliedRenewals % TOKEN_LIFETIMES_S.length]! * 1000;
    }
  }

  const stsCallCount = stsCalls(devstack) - stsBefore;
  expect(stsCallCount).toBe(refreshes.length);
  expect(renewals).toBe(impliedRenewals);
  expect(minLeftLocalMs).toBeGreaterThan(60_000);
  expect(minLeftTrueMs).toBeGreaterThan(60_000);
  expect(reads).toBeGreaterThan(100_000);
  expect(devstack.stats().sts.errors).toEqual({});
  expect(time.pendingTimers).toBe(READERS);
  console.info(
    `24 h simulation: ${stsCallCount} STS calls, ${renewals} ID token renewals, ${reads} provider reads, ` +
      `minimum remaining lifetime handed out ${Math.round(minLeftTrueMs / 1000)} s (true), ${Math.round(minLeftLocalMs / 1000)} s (local)`,
  );
}, 120_000);
