/**
 * The demo as a visitor uses it, in Chromium under the strict CSP, at a laptop's and a phone's
 * width: every card clicked through, a screenshot of each step saved to `e2e/artifacts/` (git
 * ignored), and an axe-core scan of each state with no serious or critical violation.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeScan, blocking } from './axeScan.js';
import {
  ALICE,
  UI_TIMEOUT_MS,
  addNote,
  click,
  downloadFile,
  fileRow,
  noteRow,
  signInWithOidc,
  textOf,
  uploadFile,
  waitForText,
} from './demoPage.js';
import { demoForSuite } from './demoForSuite.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

const VIEWPORTS = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Developer wording that must never be what a user reads. */
const DEVELOPER_TEXT = /ERR_[A-Z_]+|Injected fault|signIn\(\)|\bat [\w.]+ \(|undefined|\[object/;

describe('the demo as a product (Chromium, strict CSP)', () => {
  const demo = demoForSuite();

  async function shoot(page: Page, name: string) {
    await mkdir(ARTIFACTS, { recursive: true });
    // Let the countdown bars' width transition settle so the picture shows the real state.
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  }

  async function expectAccessible(page: Page, state: string) {
    const violations = await axeScan(page);
    expect(blocking(violations), `${state}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
    return violations;
  }

  /** Every <button>, file picker label and text input is at least 44 × 44 px. */
  async function expectTapTargets(page: Page) {
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, label.button, input.input, summary')]
        .filter((element) => (element as HTMLElement).offsetParent !== null)
        .map((element) => {
          const { width, height } = element.getBoundingClientRect();
          return { text: element.textContent?.trim().slice(0, 30), width, height };
        })
        .filter(({ width, height }) => height < 44 || width < 44)
        .filter(({ text }) => text !== 'Technical details'),
    );
    expect(small).toEqual([]);
  }

  it('a second tab adopts the first tab’s credentials, and its timeline says so', async () => {
    const { context, page } = await demo.openWatchedPage();
    const webIdentityCalls = () =>
      demo.devstack.stats().sts.byAction.AssumeRoleWithWebIdentity ?? 0;
    const refreshGrants = () => demo.devstack.stats().oidc.tokenGrants.refresh_token ?? 0;
    const timelineOf = (tab: Page, kind: string) =>
      tab.locator(`[data-testid="timeline"] [data-kind="${kind}"]`);
    /** Both tabs' timelines, for a failure to say which tab called STS and why. */
    const timelines = async (...tabs: Page[]) =>
      (
        await Promise.all(tabs.map((tab) => tab.locator('[data-testid="timeline"]').innerText()))
      ).join('\n---\n');
    await page.goto(`${demo.origin}/`);
    await signInWithOidc(page, demo.origin, demo.devstack.urls.oidc, ALICE);
    const grantsBefore = refreshGrants();
    const calls = webIdentityCalls();

    // A tab opened from this one (with a copy of its sessionStorage, as browsers do) joins its
    // cross-tab group and takes the group's credentials instead of calling STS.
    const opened = context.waitForEvent('page');
    await page.evaluate((url) => void window.open(url, '_blank'), `${demo.origin}/`);
    const second = await opened;
    await second.setViewportSize(VIEWPORTS[0]);
    await waitForText(second, 'status', 'ready');
    expect(await textOf(second, 'access-key-id')).toBe(await textOf(page, 'access-key-id'));
    expect(webIdentityCalls(), await timelines(page, second)).toBe(calls);

    // The first tab refreshes: one STS call, and the second tab adopts the new key — its timeline
    // tells that apart from a refresh of its own, the first tab's does not claim an adoption.
    await click(page, 'refresh-now');
    await waitForText(page, 'refresh-count', '1');
    const renewed = await textOf(page, 'access-key-id');
    await waitForText(second, 'access-key-id', renewed);
    expect(webIdentityCalls()).toBe(calls + 1);
    const adoption = timelineOf(second, 'adopted').first();
    await adoption.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await adoption.innerText()).toMatch(
      /^\d\d:\d\d:\d\d\s+Adopted from another tab\s+New AWS credentials from another open tab, valid until \d\d:\d\d:\d\d\.$/,
    );
    expect(await timelineOf(page, 'adopted').count()).toBe(0);
    expect(await timelineOf(page, 'refreshed').first().innerText()).toContain(
      'Credentials refreshed',
    );
    // A new ID token shows only when the IdP issued one: not each time a refresh re-estimates the
    // clock skew the token's expiry is shown through.
    const renewals = refreshGrants() - grantsBefore;
    expect(await timelineOf(page, 'token-renewed').count()).toBe(renewals);
    expect(await timelineOf(second, 'token-renewed').count()).toBeLessThanOrEqual(renewals);

    await expectAccessible(second, 'second tab');
    await shoot(second, 'laptop-4-second-tab');
    await second.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`works as a user clicks it at ${viewport.width}×${viewport.height} (${viewport.name})`, async () => {
      const { page } = await demo.openWatchedPage();
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      const started = Date.now();
      const shot = async (step: string) => {
        await shoot(page, `${viewport.name}-${step}`);
        console.log(step, Date.now() - started);
      };

      // Signed out: a way in, and nothing to click that cannot work.
      await page.goto(`${demo.origin}/`);
      await waitForText(page, 'status', 'signed-out');
      expect(await page.locator('[data-testid="refresh-now"]').isDisabled()).toBe(true);
      expect(await page.locator('[data-testid="sign-out"]').isDisabled()).toBe(true);
      await expectAccessible(page, 'signed out');
      await expectTapTargets(page);
      await shot('1-signed-out');

      await signInWithOidc(page, demo.origin, demo.devstack.urls.oidc, ALICE);
      expect(await textOf(page, 'identity')).toBe('fedcreds-demo-web · account 123456789012');
      expect(await textOf(page, 'expires-in')).toMatch(/^\d+ (h \d\d min|min \d\d s)$/);
      await page.locator('[data-testid="timeline"] [data-kind="refreshed"]').first().waitFor();

      // Files: upload with progress, list with size and date, download, delete.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { progressSeen: string[] }).progressSeen = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('[data-testid="s3-progress"] [role="progressbar"]');
          const value = bar?.getAttribute('aria-valuenow');
          if (value != null && seen.at(-1) !== value) seen.push(value);
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      const big = 'x'.repeat(1024 * 1024);
      await uploadFile(page, 'big.txt', big);
      const progress = await page.evaluate(
        () => (window as unknown as { progressSeen: string[] }).progressSeen,
      );
      expect(progress[0]).toBe('0');
      await uploadFile(page, 'hello.txt', `Hello from ${viewport.name}`);
      expect(await fileRow(page, 'big.txt').textContent()).toMatch(/1\.0 MB · \w{3} \d+, \d{4}/);
      expect(await downloadFile(page, 'hello.txt')).toBe(`Hello from ${viewport.name}`);
      await fileRow(page, 'big.txt').locator('[data-testid="s3-delete"]').click();
      await fileRow(page, 'big.txt').waitFor({ state: 'detached' });
      // The objects live under the user's own prefix.
      expect(demo.devstack.stats().gateway.errors).toEqual({});

      // Notes: put two, the Query on alice's partition lists both, delete one.
      await addNote(page, `First note (${viewport.name})`);
      await addNote(page, `Second note (${viewport.name})`);
      await noteRow(page, `First note (${viewport.name})`)
        .locator('[data-testid="ddb-delete"]')
        .click();
      await noteRow(page, `First note (${viewport.name})`).waitFor({ state: 'detached' });
      await noteRow(page, `Second note (${viewport.name})`).waitFor();
      await shot('2-signed-in');

      // Role chaining: a narrower role assumed with the signed-in credentials, refreshing too.
      const assumeRoleCalls = () => demo.devstack.stats().sts.byAction.AssumeRole ?? 0;
      const chainedBefore = assumeRoleCalls();
      await click(page, 'chain-assume');
      await waitForText(page, 'chain-status', 'ready');
      expect(await textOf(page, 'chain-role')).toBe('fedcreds-demo-chained');
      const chainedKey = await textOf(page, 'chain-access-key-id');
      await click(page, 'chain-refresh');
      await waitForText(page, 'chain-refresh-count', '1');
      expect(await textOf(page, 'chain-access-key-id')).not.toBe(chainedKey);
      expect(assumeRoleCalls()).toBe(chainedBefore + 2);
      await page
        .locator('[data-testid="timeline"] [data-kind="refreshed"]', { hasText: 'Chained role' })
        .first()
        .waitFor();
      await click(page, 'chain-list');
      await waitForText(page, 'chain-file-count', 'This role sees 1 file of yours.');
      await page.locator('[data-testid="chain-panel"]').scrollIntoViewIfNeeded();
      await shot('3-chained');

      await expectAccessible(page, 'signed in');
      await expectTapTargets(page);
      expect(await page.locator('body').innerText()).not.toMatch(DEVELOPER_TEXT);

      // Signing out leaves nothing to refresh.
      await click(page, 'chain-drop');
      await click(page, 'sign-out');
      await waitForText(page, 'status', 'signed-out');
      expect(await page.locator('[data-testid="refresh-now"]').isDisabled()).toBe(true);
    });
  }
});
