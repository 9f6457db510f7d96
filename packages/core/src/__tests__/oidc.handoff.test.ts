/**
 * What the cross-tab group needs from `oidcTokenSource`, with real UserManagers ("tabs") against
 * the dev stack's real OpenID Provider: who the user is (`describeUser`), the IdP user moving to
 * another tab in memory (`exportHandoff` / `importHandoff`) so the next leader renews with the
 * current refresh token, and a stored user that changes under a tab (alice → bob in a shared
 * store) showing in the token's subject.
 */
import { InMemoryWebStorage } from 'oidc-client-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidParameterError, decodeJwt } from '@fedcreds/core';
import { oidcTokenSource } from '@fedcreds/core/oidc';
import {
  BOB,
  grants,
  holdRefreshAnswers,
  newUserManager,
  signal,
  signedIn,
} from './oidcHarness.js';
import { rejectionOf, stackForFile } from './sessionHarness.js';

const devstack = stackForFile(null);
afterEach(() => vi.unstubAllGlobals());
const subjectOf = (token: string) => decodeJwt(token).payload.sub;

describe('describeUser()', () => {
  it('names the stored user (issuer + subject) without a network call; null when nobody is signed in', async () => {
    const before = Date.now();
    const { source } = await signedIn(devstack);
    const requests = devstack.stats().oidc.requests;
    const { id_token } = (await source.userManager.getUser())!;
    const described = await source.describeUser();
    expect(described).toEqual({
      issuer: devstack.urls.oidc,
      subject: 'alice',
      issuedAtMs: decodeJwt(id_token!).payload.iat! * 1000,
      // This page completed the sign-in (the callback): when, on the local clock.
      signedInAtMs: expect.any(Number),
    });
    expect(described!.signedInAtMs).toBeGreaterThanOrEqual(before);
    expect(described!.signedInAtMs).toBeLessThanOrEqual(Date.now());
    expect(devstack.stats().oidc.requests).toBe(requests);
    await source.signOut({ local: true });
    expect(await source.describeUser()).toBeNull();
  });
});

describe('exportHandoff() / importHandoff()', () => {
  it('a tab with no user of its own takes the leader’s IdP user and renews with its refresh token — once', async () => {
    const leader = await signedIn(devstack);
    const followerStorage = new InMemoryWebStorage();
    const follower = oidcTokenSource(
      newUserManager(devstack, undefined, { userStorage: followerStorage }),
    );
    expect(await follower.exportHandoff()).toBeNull();

    const handoff = await leader.source.exportHandoff();
    // The value crosses tabs by structured clone (BroadcastChannel), never through storage.
    await follower.importHandoff(structuredClone(handoff));
    const before = grants(devstack, 'refresh_token');
    const token = await follower.getToken({ forceRefresh: false, signal: signal() });
    expect(token).toBe((await leader.userManager.getUser())!.id_token);
    expect(grants(devstack, 'refresh_token')).toBe(before);

    const renewed = await follower.getToken({ forceRefresh: true, signal: signal() });
    expect(grants(devstack, 'refresh_token')).toBe(before + 1);
    expect(subjectOf(renewed)).toBe('alice');
    // Its current token's iat: the group tells a user signed in after a sign-out by it.
    expect(await follower.describeUser()).toEqual({
      issuer: devstack.urls.oidc,
      subject: 'alice',
      issuedAtMs: decodeJwt(renewed).payload.iat! * 1000,
    });
  });

  it('refuses, changing nothing, a malformed value, another client’s user, or another user than the one stored', async () => {
    const alice = await signedIn(devstack);
    const bob = await signedIn(devstack, { user: BOB });
    const good = (await alice.source.exportHandoff())!;
    const otherClient = structuredClone(good);
    (otherClient.user.profile as { aud: string }).aud = 'someone-else';
    const noRefreshToken = structuredClone(good);
    noRefreshToken.user.access_token = '';
    for (const [value, problem] of [
      [null, /not an IdP user/],
      [{}, /not an IdP user/],
      ['{"kind":"fedcreds.oidc-user"}', /not an IdP user/],
      [{ ...good, version: 2 }, /not an IdP user/],
      [noRefreshToken, /access_token/],
      [otherClient, /another client/],
      [good, /another user/],
    ] as const) {
      const before = (await bob.userManager.getUser())!.toStorageString();
      const error = await rejectionOf(bob.source.importHandoff(value));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error).toMatchObject({ parameter: 'state' });
      expect((error as Error).message).toMatch(problem);
      // Nothing secret in the message, and bob is still bob.
      expect((error as Error).message).not.toContain(good.user.refresh_token!);
      expect((await bob.userManager.getUser())!.toStorageString()).toBe(before);
    }
  });

  it('a renewal that started before a hand-off arrived does not overwrite it', async () => {
    const leader = await signedIn(devstack);
    const follower = await signedIn(devstack);
    const handoff = await leader.source.exportHandoff();
    const held = holdRefreshAnswers();
    const renewal = follower.source.getToken({ forceRefresh: true, signal: signal() });
    const { refreshToken: renewedRefreshToken } = await held.answered;
    await follower.source.importHandoff(handoff);
    held.release();
    // The renewal's caller gets the token of the user held now, not the one it renewed.
    expect(await renewal).toBe(handoff!.user.id_token);
    expect(renewedRefreshToken).not.toBe(handoff!.user.refresh_token);
    // The imported user (the leader's refresh token) is what the follower holds now.
    expect((await follower.userManager.getUser())!.refresh_token).toBe(
      (await leader.userManager.getUser())!.refresh_token,
    );
  });
});

describe('a stored user that changes under the tab', () => {
  it('alice → bob in a shared store: the next token is bob’s (its subject says so), and alice’s renewal does not overwrite him', async () => {
    const shared = new InMemoryWebStorage();
    const tabA = await signedIn(devstack, { userStorage: shared });
    expect(subjectOf(await tabA.source.getToken({ forceRefresh: false, signal: signal() }))).toBe(
      'alice',
    );
    const held = holdRefreshAnswers();
    const aliceRenewal = tabA.source.getToken({ forceRefresh: true, signal: signal() });
    await held.answered;
    // Another tab of the origin signs bob in on the same store while alice's renewal is answered.
    await signedIn(devstack, { userStorage: shared, user: BOB });
    held.release();
    // The token handed out is bob's: the session compares its subject with its identity.
    expect(subjectOf(await aliceRenewal)).toBe('bob');
    expect(await tabA.source.describeUser()).toMatchObject({ subject: 'bob' });
    expect(subjectOf(await tabA.source.getToken({ forceRefresh: false, signal: signal() }))).toBe(
      'bob',
    );
  });
});
