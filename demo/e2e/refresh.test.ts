import { describe, expect, it } from 'vitest';
import { click, s3RoundTrip, submitLogin, textOf, waitForChange, waitForText } from './demoPage.js';
import { demoForSuite } from './demoForSuite.js';

/** Every credential the dev stack issues lives this long… */
const CREDENTIAL_TTL_SECONDS = 6;
/** …and the demo renews it this long before it expires: a new key every ~3 s. */
const REFRESH_WINDOW_MS = 3_000;
/**
 * ID tokens live this long; the session renews one (with the refresh token) once less than 30 s
 * is left, so within a few seconds of sign-in.
 */
const ID_TOKEN_TTL_SECONDS = 35;

describe('credentials refreshed in real time', () => {
  const demo = demoForSuite({
    devstack: {
      sts: { credentialTtlSeconds: CREDENTIAL_TTL_SECONDS },
      oidc: { idTokenTtlSeconds: ID_TOKEN_TTL_SECONDS },
    },
    env: { VITE_REFRESH_WINDOW_MS: String(REFRESH_WINDOW_MS), VITE_REFRESH_JITTER_MS: '200' },
  });

  it('renews the access key and the ID token without user action; S3 keeps working', async () => {
    const { page } = await demo.openWatchedPage();
    await page.goto(`${demo.origin}/`);
    await click(page, 'sign-in-oidc');
    await page.waitForURL((url) => url.href.startsWith(demo.devstack.urls.oidc));
    await submitLogin(page, { username: 'bob', password: 'bob-password' });
    await page.waitForURL((url) => url.origin === demo.origin);
    await waitForText(page, 'status', 'ready');

    const keys = [await textOf(page, 'access-key-id')];
    const firstTokenExpiry = await textOf(page, 'token-expires-at');
    await s3RoundTrip(page, 'refresh/0.txt', 'before any renewal');
    for (let renewal = 1; renewal <= 2; renewal += 1) {
      // Each renewal shows a new access key id; a few TTLs at most, never a click.
      const renewed = await waitForChange(
        page,
        'access-key-id',
        keys.at(-1) ?? '',
        /^ASIA/,
        CREDENTIAL_TTL_SECONDS * 3_000,
      );
      keys.push(renewed);
      await s3RoundTrip(page, `refresh/${renewal}.txt`, `after renewal ${renewal}`);
    }

    expect(new Set(keys).size).toBe(3);
    expect(Number(await textOf(page, 'refresh-count'))).toBeGreaterThanOrEqual(2);
    expect(await textOf(page, 'status')).toMatch(/^(ready|refreshing)$/);
    // Refreshes are proactive: no call was ever signed with expired credentials.
    const stats = demo.devstack.stats();
    expect(stats.gateway.errors).toEqual({});
    // The ID token was renewed along the way, through the refresh token, without a redirect.
    await waitForChange(page, 'token-expires-at', firstTokenExpiry);
    expect(demo.devstack.stats().oidc.tokenGrants.refresh_token).toBeGreaterThanOrEqual(1);
    expect(stats.oidc.authorizations).toBe(1);
    expect(stats.sts.errors).toEqual({});
  });
});
