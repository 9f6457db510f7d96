/**
 * oidcTokenSource's rules, over a stand-in UserManager (the parts of it the source calls) so each
 * case is exact: when a stored token is good enough, how oidc-client-ts failures map, hangs. The
 * stand-in users have no refresh token, so renewals go through `signinSilent()` (the iframe); the
 * refresh-token grant is tested against the real IdP in oidc.test.ts and oidc.signOut.test.ts.
 */
import type { UserManager } from 'oidc-client-ts';
import { describe, expect, it } from 'vitest';
import { AbortedError, ReauthRequiredError, TokenUnavailableError } from '@fedcreds/core';
import { oidcTokenSource } from '@fedcreds/core/oidc';
import { rejectionOf } from './sessionHarness.js';

const NOW = Date.UTC(2030, 0, 1);
const clock = { now: () => NOW };

/** An unsigned JWT with the given exp (seconds) — the source only reads it. */
function jwt(expSeconds: number, sub = 'alice'): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'RS256' })}.${part({ sub, exp: expSeconds, iat: expSeconds - 3600 })}.c2ln`;
}

interface StandInUser {
  id_token?: string;
  access_token: string;
  refresh_token?: string;
  expires_at?: number;
  profile: { sub: string };
}

function standIn(user: StandInUser | null, renew: () => Promise<StandInUser | null>) {
  const calls = { renew: 0 };
  let current = user;
  const userManager = {
    settings: { silent_redirect_uri: 'https://app.example/callback' },
    getUser: async () => current,
    signinSilent: async () => {
      calls.renew += 1;
      const renewed = await renew();
      if (renewed) current = renewed;
      return renewed;
    },
  } as unknown as UserManager;
  return { userManager, calls };
}

const options = (forceRefresh = false, signal = new AbortController().signal) => ({
  forceRefresh,
  signal,
});
const alice = (idExpSeconds: number, extra: Partial<StandInUser> = {}): StandInUser => ({
  id_token: jwt(idExpSeconds),
  access_token: 'opaque-access-token',
  profile: { sub: 'alice' },
  ...extra,
});

describe('oidcTokenSource rules', () => {
  it('keeps the stored ID token while its own exp is more than minValidityMs away', async () => {
    const stored = alice(NOW / 1000 + 61);
    const { userManager, calls } = standIn(stored, async () => alice(NOW / 1000 + 3600));
    const source = oidcTokenSource(userManager, { clock });
    expect(await source.getToken(options())).toBe(stored.id_token);
    expect(calls.renew).toBe(0);
  });

  it('renews one whose exp is within minValidityMs, even when expires_at says otherwise', async () => {
    // expires_at describes the access token; the ID token's own exp is what STS checks.
    const stored = alice(NOW / 1000 + 59, { expires_at: NOW / 1000 + 3600 });
    const fresh = alice(NOW / 1000 + 3600);
    const { userManager, calls } = standIn(stored, async () => fresh);
    const source = oidcTokenSource(userManager, { clock });
    expect(await source.getToken(options())).toBe(fresh.id_token);
    expect(calls.renew).toBe(1);
  });

  it('honours minValidityMs', async () => {
    const stored = alice(NOW / 1000 + 300);
    const { userManager, calls } = standIn(stored, async () => alice(NOW / 1000 + 3600));
    await oidcTokenSource(userManager, { clock, minValidityMs: 600_000 }).getToken(options());
    expect(calls.renew).toBe(1);
  });

  it("with tokenType 'access_token', an opaque token is judged by expires_at", async () => {
    const stored = alice(NOW / 1000 - 10, { expires_at: NOW / 1000 + 600 });
    const { userManager, calls } = standIn(stored, async () => null);
    const source = oidcTokenSource(userManager, { clock, tokenType: 'access_token' });
    expect(await source.getToken(options())).toBe('opaque-access-token');
    expect(calls.renew).toBe(0);
  });

  it('a different user coming back from the renewal is subject_changed', async () => {
    const { userManager } = standIn(alice(NOW / 1000), async () => ({
      ...alice(NOW / 1000 + 3600),
      profile: { sub: 'mallory' },
    }));
    const error = await rejectionOf(oidcTokenSource(userManager, { clock }).getToken(options()));
    expect(error).toMatchObject({ code: 'ERR_REAUTH_REQUIRED', reason: 'subject_changed' });
  });

  it.each([
    ['login_required', 'login_required'],
    ['interaction_required', 'interaction_required'],
    ['consent_required', 'consent_required'],
    ['invalid_grant', 'invalid_grant'],
  ])('an ErrorResponse %s is ReauthRequiredError(%s)', async (oauthError, reason) => {
    const { userManager } = standIn(alice(NOW / 1000), async () => {
      throw Object.assign(new Error('refused'), {
        name: 'ErrorResponse',
        error: oauthError,
        form: 'refresh_token=secret',
      });
    });
    const error = await rejectionOf(oidcTokenSource(userManager, { clock }).getToken(options()));
    expect(error).toBeInstanceOf(ReauthRequiredError);
    expect(error).toMatchObject({ reason });
    // Not kept as the cause: oidc-client-ts's ErrorResponse may carry the request's form.
    expect((error as Error).cause).toBeUndefined();
  });

  it.each([
    ['temporarily_unavailable', true],
    ['server_error', true],
    ['invalid_client', false],
  ])(
    'an ErrorResponse %s is a TokenUnavailableError (retryable: %s)',
    async (oauthError, retryable) => {
      const { userManager } = standIn(alice(NOW / 1000), async () => {
        throw Object.assign(new Error('x'), { name: 'ErrorResponse', error: oauthError });
      });
      const error = await rejectionOf(oidcTokenSource(userManager, { clock }).getToken(options()));
      expect(error).toBeInstanceOf(TokenUnavailableError);
      expect(error).toMatchObject({ retryable });
    },
  );

  it('an iframe timeout (ErrorTimeout) is retryable', async () => {
    const { userManager } = standIn(alice(NOW / 1000), async () => {
      throw Object.assign(new Error('IFrame timed out without a response'), {
        name: 'ErrorTimeout',
      });
    });
    expect(
      await rejectionOf(oidcTokenSource(userManager, { clock }).getToken(options())),
    ).toMatchObject({
      code: 'ERR_TOKEN_UNAVAILABLE',
      retryable: true,
    });
  });

  it('a caller that gives up stops waiting at once; the next caller joins the renewal still under way', async () => {
    // A second renewal beside a slow one would present the same refresh token twice (rotation:
    // the IdP refuses the second and may revoke the grant). oidc-client-ts bounds the slow one.
    let finish: (user: StandInUser) => void = () => {};
    const { userManager, calls } = standIn(
      alice(NOW / 1000),
      () => new Promise<StandInUser>((resolve) => (finish = resolve)),
    );
    const source = oidcTokenSource(userManager, { clock });
    const controller = new AbortController();
    const first = source.getToken(options(false, controller.signal));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await rejectionOf(first)).toBeInstanceOf(AbortedError);
    const second = source.getToken(options());
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.renew).toBe(1);
    const fresh = alice(NOW / 1000 + 3600);
    finish(fresh);
    expect(await second).toBe(fresh.id_token);
    expect(calls.renew).toBe(1);
    // Settled: a forced renewal now starts a new one.
    finish = (user) => void user;
    const third = source.getToken(options(true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.renew).toBe(2);
    finish(alice(NOW / 1000 + 7200));
    await third;
  });

  it('renewals are single-flight', async () => {
    const { userManager, calls } = standIn(alice(NOW / 1000), async () => alice(NOW / 1000 + 3600));
    const source = oidcTokenSource(userManager, { clock });
    await Promise.all([
      source.getToken(options(true)),
      source.getToken(options(true)),
      source.getToken(options()),
    ]);
    expect(calls.renew).toBe(1);
  });
});
