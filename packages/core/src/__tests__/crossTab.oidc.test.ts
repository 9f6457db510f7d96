/**
 * A cross-tab group over real oidc-client-ts UserManagers (one per "tab", each with its own user
 * store) against the dev stack's real OpenID Provider, whose refresh tokens rotate and whose reuse
 * detection revokes the grant when a spent one comes back; STS is the dev stack's. Real time, with
 * credentials of 6 seconds renewed every 3, and ID tokens of 40 seconds that the token sources
 * renew once less than 38 are left: every refresh renews at the IdP. Only Web Locks
 * is stood in for (Node has none): the in-memory lock manager of crossTabHarness.ts.
 */
import { InMemoryWebStorage } from 'oidc-client-ts';
import { afterAll, describe, expect, it } from 'vitest';
import {
  WebIdentityCredentials,
  createFederatedSession,
  crossTab,
  type FederatedSession,
} from '@fedcreds/core';
import { oidcTokenSource } from '@fedcreds/core/oidc';
import { MemoryLocks } from './crossTabHarness.js';
import { grants, newUserManager, signedIn } from './oidcHarness.js';
import { WEB_ROLE, stackForFile, stsCalls, stsConfig, until } from './sessionHarness.js';

const devstack = stackForFile(null, {
  oidc: { idTokenTtlSeconds: 40 },
  sts: { credentialTtlSeconds: 6 },
});
const MIN_VALIDITY_MS = 38_000;
const started: FederatedSession[] = [];
afterAll(() => {
  for (const session of started) session.stop();
});

describe('a cross-tab group over real UserManagers', () => {
  it('renews once per cycle for the whole group, each rotating refresh token spent once, as leadership moves', async () => {
    const locks = new MemoryLocks();
    const markers = new InMemoryWebStorage();
    const first = await signedIn(devstack, { source: { minValidityMs: MIN_VALIDITY_MS } });
    // The other tabs' stores hold a copy of the user, as a tab opened from another gets one.
    const sources = [first.source];
    for (let i = 1; i < 3; i++) {
      const source = oidcTokenSource(newUserManager(devstack), { minValidityMs: MIN_VALIDITY_MS });
      await source.importHandoff(structuredClone(await first.source.exportHandoff()));
      sources.push(source);
    }
    const sessions = sources.map((tokenSource, i) =>
      createFederatedSession({
        credentials: new WebIdentityCredentials(
          { RoleArn: devstack.roleArn(WEB_ROLE), RoleSessionName: 'alice' },
          stsConfig(devstack),
        ),
        tokenSource,
        crossTab: crossTab({ name: 'fedcreds-oidc-group', locks, storage: markers }),
        refreshWindowMs: 3_000,
        refreshJitterMs: 300,
        random: () => (i + 1) / 4,
        environment: null,
      }),
    );
    started.push(...sessions);
    const grantsBefore = grants(devstack, 'refresh_token');
    const stsBefore = stsCalls(devstack);
    for (const session of sessions) session.start();
    await until(() => sessions.every((s) => s.getSnapshot().status === 'ready'));

    const keyOf = (session: FederatedSession) => session.getSnapshot().credentials?.accessKeyId;
    const keys = new Set([keyOf(sessions[0]!)]);
    let running = [...sessions];
    for (let cycle = 1; cycle <= 3; cycle++) {
      const previous = keyOf(running[0]!);
      await until(() => {
        const key = keyOf(running[0]!);
        return key !== undefined && key !== previous && running.every((s) => keyOf(s) === key);
      }, 15_000);
      keys.add(keyOf(running[0]!));
      // One tab closes each cycle; whoever leads next renews with the refresh token it was handed.
      if (cycle < 3) {
        running[0]!.stop();
        running = running.slice(1);
      }
    }
    await until(() => running.every((s) => !s.getSnapshot().isRefreshing));

    const renewals = grants(devstack, 'refresh_token') - grantsBefore;
    const exchanges = stsCalls(devstack) - stsBefore;
    // Every STS call after the first (which used the token from the sign-in) came with one
    // renewal, and no tab renewed on its own: one grant per key, not one per tab.
    expect(keys.size).toBe(4);
    expect(exchanges).toBeGreaterThanOrEqual(4);
    expect(exchanges).toBeLessThanOrEqual(5);
    expect(renewals).toBe(exchanges - 1);
    // A refresh token used twice would have revoked the grant: every tab still signed in.
    expect(running.map((s) => s.getSnapshot().status)).toEqual(running.map(() => 'ready'));
    const token = await running[0]!.credentialProvider();
    expect(token.accessKeyId).toBe(keyOf(running[0]!));
    expect(markers.length).toBe(0);
    console.info(
      `cross-tab oidc: 3 tabs, ${keys.size - 1} cycles → ${exchanges} STS calls, ${renewals} refresh-token grants`,
    );
  }, 60_000);
});
