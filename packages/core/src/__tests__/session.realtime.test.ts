/**
 * Real time, real timers, real STS: credentials living 4 seconds, watched through two refreshes.
 * The one test that waits on the wall clock (about 5 s); everything else runs on simulated time.
 */
import { expect, it } from 'vitest';
import { createFederatedSession } from '@fedcreds/core';
import {
  countingTokenSource,
  recordEvents,
  stackForFile,
  stsCalls,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const TTL_SECONDS = 4;
const devstack = stackForFile(null, { sts: { credentialTtlSeconds: TTL_SECONDS } });

it('keeps 4-second credentials fresh through two refreshes, never serving expired ones', async () => {
  const session = createFederatedSession({
    credentials: await webIdentityCredentials(devstack, null),
    tokenSource: countingTokenSource(devstack, null),
    environment: null,
  });
  const events = recordEvents(session);
  const before = stsCalls(devstack);
  const keys = new Set<string>();
  let minLeftMs = Number.POSITIVE_INFINITY;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const identity = await session.credentialProvider();
      keys.add(identity.accessKeyId);
      minLeftMs = Math.min(minLeftMs, identity.expiration!.getTime() - Date.now());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  session.start();
  await until(() => events.filter((e) => e.type === 'refreshed').length === 3, 15_000);
  keys.add((await session.credentialProvider()).accessKeyId);
  reading = false;
  await reader;
  session.stop();

  const { lastRefreshedAt, expiresAt } = session.getSnapshot();
  expect(expiresAt!.getTime() - lastRefreshedAt!.getTime()).toBeGreaterThan(3_000);
  expect(expiresAt!.getTime() - lastRefreshedAt!.getTime()).toBeLessThanOrEqual(
    TTL_SECONDS * 1000 + 1000,
  );
  expect(stsCalls(devstack) - before).toBe(3);
  expect(keys.size).toBe(3);
  // Renewed at half-life and handed out until a quarter of the lifetime is left.
  expect(minLeftMs).toBeGreaterThan(500);
  expect(events.map((e) => e.type)).toEqual(['refreshed', 'refreshed', 'refreshed']);
}, 20_000);
