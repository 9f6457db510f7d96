import { describe, expect, it } from 'vitest';
import {
  ALICE,
  click,
  dynamoRoundTrip,
  s3RoundTrip,
  submitLogin,
  textOf,
  waitForAbsent,
  waitForText,
} from './demoPage.js';
import { demoForSuite } from './demoForSuite.js';
import { CONTENT_SECURITY_POLICY } from '../scripts/csp.js';

describe('OpenID Connect sign-in', () => {
  const demo = demoForSuite();

  const webIdentityCalls = () => demo.devstack.stats().sts.byAction.AssumeRoleWithWebIdentity ?? 0;

  it('signs in with PKCE, calls S3 and DynamoDB, survives a reload and signs out', async () => {
    const { page } = await demo.openWatchedPage();
    const response = await page.goto(`${demo.origin}/`);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    // No stored user: nobody is signed in.
    await waitForText(page, 'status', 'signed-out');
    await waitForAbsent(page, 's3-panel');

    await click(page, 'sign-in-oidc');
    await page.waitForURL((url) => url.href.startsWith(demo.devstack.urls.oidc));
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === demo.origin);
    await waitForText(page, 'status', 'ready');

    const returned = new URL(page.url());
    expect(returned.searchParams.has('code')).toBe(false);
    expect(returned.searchParams.has('state')).toBe(false);
    const accessKeyId = await textOf(page, 'access-key-id');
    expect(accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(await textOf(page, 'identity')).toContain('fedcreds-demo-web');
    expect(await textOf(page, 'sign-in-method')).toContain('OpenID Connect');
    expect(await textOf(page, 'expires-in')).toMatch(/^\d+ (h \d\d min|min \d\d s)$/);
    // The access key id is shown; the secret key and session token never reach the page.
    const issued = demo.devstack.store.lookup(accessKeyId);
    const html = await page.content();
    expect(issued?.secretAccessKey).toBeTruthy();
    expect(html).not.toContain(issued?.secretAccessKey);
    expect(html).not.toContain(issued?.sessionToken);
    const stored = await page.evaluate(() =>
      JSON.stringify([{ ...sessionStorage }, { ...localStorage }]),
    );
    expect(stored).not.toContain(issued?.secretAccessKey);

    await s3RoundTrip(page, 'oidc-hello.txt', 'Hello from alice over OIDC');
    await dynamoRoundTrip(page, 'Hello from alice over OIDC');
    // One sign-in, one credential lifetime, however many clients and calls: one STS call.
    expect(webIdentityCalls()).toBe(1);

    await page.reload();
    await waitForText(page, 'status', 'ready');
    await s3RoundTrip(page, 'oidc-after-reload.txt', 'Still signed in');
    // A reload starts from the stored ID token: credentials live in memory only, so one new call.
    expect(webIdentityCalls()).toBe(2);

    const keyBefore = await textOf(page, 'access-key-id');
    await click(page, 'refresh-now');
    await waitForText(page, 'refresh-count', '1');
    expect(await textOf(page, 'access-key-id')).not.toBe(keyBefore);
    expect(webIdentityCalls()).toBe(3);
    await s3RoundTrip(page, 'oidc-after-refresh.txt', 'Fresh keys');

    await click(page, 'sign-out');
    await waitForText(page, 'status', 'signed-out');
    await waitForAbsent(page, 's3-panel');
    await waitForAbsent(page, 'dynamodb-panel');
    expect(await textOf(page, 'access-key-id')).toBe('—');

    // Signed out for good: the stored user is gone, a reload finds nobody.
    await page.reload();
    await waitForText(page, 'status', 'signed-out');
    await page.locator('[data-testid="sign-in-oidc"]').waitFor();
    await waitForAbsent(page, 's3-panel');
    expect(webIdentityCalls()).toBe(3);
  });

  it('catches CSP violations (the watcher the other tests rely on works)', async () => {
    const { page, log } = await demo.openPage();
    await page.goto(`${demo.origin}/`);
    await page.locator('[data-testid="sign-in-oidc"]').waitFor();
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
    });
    await page.waitForFunction(() => document.readyState === 'complete');
    await expect.poll(() => log.problems.map((problem) => problem.kind)).toContain('csp-violation');
    log.problems.length = 0;
  });
});

describe('OpenID Connect token renewal', () => {
  // Access tokens that oidc-client-ts calls "expiring" one second after they are issued (it warns
  // 60 s ahead); the ID token, which is what the session renews by, lives the default hour.
  const demo = demoForSuite({ devstack: { oidc: { accessTokenTtlSeconds: 61 } } });

  it('leaves renewing to the session: no refresh-token grant while the ID token is fresh', async () => {
    const { page } = await demo.openWatchedPage();
    await page.goto(`${demo.origin}/`);
    await click(page, 'sign-in-oidc');
    await page.waitForURL((url) => url.href.startsWith(demo.devstack.urls.oidc));
    await submitLogin(page, ALICE);
    await page.waitForURL((url) => url.origin === demo.origin);
    await waitForText(page, 'status', 'ready');

    // Long enough for oidc-client-ts's own silent renew, were it on, to have spent the refresh token.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(demo.devstack.stats().oidc.tokenGrants.refresh_token ?? 0).toBe(0);
    expect(await textOf(page, 'status')).toBe('ready');
  });
});
