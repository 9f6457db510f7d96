/**
 * oidcTokenSource's rules, over a stand-in UserManager (the parts of it the source calls) so each
 * case is exact: when a stored token is good enough, how oidc-client-ts failures map, hangs.
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
  refresh_token: 'rt',
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

  it('a renewal that hangs is left behind when its caller gives up; the next call renews afresh', async () => {
    let hang = true;
    const { userManager, calls } = standIn(alice(NOW / 1000), () =>
      hang ? new Promise<never>(() => {}) : Promise.resolve(alice(NOW / 1000 + 3600)),
    );
    const source = oidcTokenSource(userManager, { clock });
    const controller = new AbortController();
    const first = source.getToken(options(false, controller.signal));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await rejectionOf(first)).toBeInstanceOf(AbortedError);
    hang = false;
    await source.getToken(options());
    expect(calls.renew).toBe(2);
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
