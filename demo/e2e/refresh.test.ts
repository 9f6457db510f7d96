import { describe, expect, it } from 'vitest';
import { addNote, click, signInWithOidc, textOf, waitForChange } from './demoPage.js';
import { demoForSuite } from './demoForSuite.js';

/** Every credential the dev stack issues lives this long… */
const CREDENTIAL_TTL_SECONDS = 30;
/** …and the demo renews it this long before it expires: a new key every ~10 s. */
const REFRESH_WINDOW_MS = 20_000;
const REFRESHES = 3;
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

  it('renews 30-second credentials three times while S3 and DynamoDB calls never fail; the timeline shows each refresh', async () => {
    const { page } = await demo.openWatchedPage();
    // Every S3/DynamoDB answer the page got: none may be an error, none may go missing.
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(demo.devstack.urls.gateway) && response.status() >= 400) {
        failed.push(`${response.status()} ${response.request().method()} ${response.url()}`);
      }
    });
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(demo.devstack.urls.gateway))
        failed.push(`failed ${request.url()}`);
    });
    await page.goto(`${demo.origin}/`);
    await signInWithOidc(page, demo.origin, demo.devstack.urls.oidc, {
      username: 'bob',
      password: 'bob-password',
    });
    const firstTokenExpiry = await textOf(page, 'token-expires-at');

    const keys = [await textOf(page, 'access-key-id')];
    let calls = 0;
    while (keys.length <= REFRESHES) {
      // Calls keep going through each renewal: a list of files and a note put + Query.
      await click(page, 's3-list');
      await addNote(page, `note ${++calls}`);
      const renewed = await waitForChange(
        page,
        'access-key-id',
        keys.at(-1) ?? '',
        /^ASIA/,
        2_000,
      ).catch(() => undefined);
      if (renewed !== undefined) keys.push(renewed);
    }

    expect(new Set(keys).size).toBe(REFRESHES + 1);
    expect(calls).toBeGreaterThan(REFRESHES);
    expect(failed).toEqual([]);
    expect(demo.devstack.stats().gateway.errors).toEqual({});
    expect(demo.devstack.stats().sts.errors).toEqual({});
    expect(Number(await textOf(page, 'refresh-count'))).toBe(REFRESHES);
    // The timeline: the first credentials, then one line per refresh, each with its time.
    const refreshLines = page.locator('[data-testid="timeline"] [data-kind="refreshed"]');
    expect(await refreshLines.count()).toBe(REFRESHES + 1);
    for (const text of await refreshLines.allInnerTexts()) {
      expect(text).toMatch(
        /^\d\d:\d\d:\d\d\s+Credentials (refreshed|issued)\s+New AWS credentials, valid until \d\d:\d\d:\d\d\.$/,
      );
    }
    // The ID token was renewed along the way, through the refresh token, without a redirect.
    await waitForChange(page, 'token-expires-at', firstTokenExpiry);
    await page.locator('[data-testid="timeline"] [data-kind="token-renewed"]').first().waitFor();
    expect(demo.devstack.stats().oidc.tokenGrants.refresh_token).toBeGreaterThanOrEqual(1);
    expect(demo.devstack.stats().oidc.authorizations).toBe(1);
  });
});
