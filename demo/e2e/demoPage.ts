import type { Page } from 'playwright-core';

/** How long the UI may take to show what a step should produce. */
export const UI_TIMEOUT_MS = 15_000;

/** The dev stack's user alice, as she signs in at either IdP. */
export const ALICE = { username: 'alice', password: 'alice-password' };

const byTestId = (testId: string) => `[data-testid="${testId}"]`;

/** Text of an element, waiting for it to appear. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.locator(byTestId(testId)).textContent({ timeout: UI_TIMEOUT_MS })) ?? '';
}

/**
 * Waits until the element's text matches `expected` (equal to a string, or matching a RegExp),
 * and returns that text. Auto-waiting, like Playwright's `expect(...).toHaveText`.
 */
export async function waitForText(
  page: Page,
  testId: string,
  expected: string | RegExp,
  timeout = UI_TIMEOUT_MS,
): Promise<string> {
  const pattern =
    typeof expected === 'string'
      ? { source: `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, flags: '' }
      : { source: expected.source, flags: expected.flags };
  try {
    const handle = await page.waitForFunction(
      ({ selector, source, flags }) => {
        const text = document.querySelector(selector)?.textContent?.trim();
        return text !== undefined && new RegExp(source, flags).test(text) ? text : false;
      },
      { selector: byTestId(testId), ...pattern },
      { timeout, polling: 'raf' },
    );
    return (await handle.jsonValue()) as string;
  } catch (error) {
    const actual = await page
      .locator(byTestId(testId))
      .textContent({ timeout: 100 })
      .catch(() => '(absent)');
    throw new Error(
      `[data-testid="${testId}"] never matched ${String(expected)} within ${timeout} ms; it shows ${JSON.stringify(actual)}`,
      { cause: error },
    );
  }
}

/** Waits until the element shows something other than `previous` (and matching `expected`). */
export async function waitForChange(
  page: Page,
  testId: string,
  previous: string,
  expected: RegExp = /./,
  timeout = UI_TIMEOUT_MS,
): Promise<string> {
  const handle = await page.waitForFunction(
    ({ selector, previous, source, flags }) => {
      const text = document.querySelector(selector)?.textContent?.trim();
      return text !== undefined && text !== previous && new RegExp(source, flags).test(text)
        ? text
        : false;
    },
    { selector: byTestId(testId), previous, source: expected.source, flags: expected.flags },
    { timeout, polling: 'raf' },
  );
  return (await handle.jsonValue()) as string;
}

/** Waits until no element has this test id. */
export async function waitForAbsent(page: Page, testId: string): Promise<void> {
  await page.locator(byTestId(testId)).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
}

/** Clicks the element with this test id, waiting for it to be clickable. */
export async function click(page: Page, testId: string): Promise<void> {
  await page.locator(byTestId(testId)).click({ timeout: UI_TIMEOUT_MS });
}

/** Types `value` into the input with this test id, replacing what it held. */
export async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.locator(byTestId(testId)).fill(value, { timeout: UI_TIMEOUT_MS });
}

/** Fills a dev stack login page (OpenID Provider or SAML IdP) and submits it. */
export async function submitLogin(
  page: Page,
  user: { username: string; password: string },
): Promise<void> {
  await page.locator('input[name=username]').fill(user.username, { timeout: UI_TIMEOUT_MS });
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('button[type=submit]').click();
}

/** Puts a text object, lists the bucket and reads the object back, through the S3 panel. */
export async function s3RoundTrip(page: Page, key: string, body: string): Promise<void> {
  await fill(page, 's3-key', key);
  await fill(page, 's3-body', body);
  await click(page, 's3-put');
  await waitForText(page, 's3-put-result', `Stored ${key}`);
  await click(page, 's3-list');
  await page
    .locator(`${byTestId('s3-objects')} li`, { hasText: key })
    .waitFor({ timeout: UI_TIMEOUT_MS });
  await click(page, 's3-get');
  await waitForText(page, 's3-object-body', body);
}

/** Puts an item and gets it back, through the DynamoDB panel. */
export async function dynamoRoundTrip(page: Page, pk: string, message: string): Promise<void> {
  await fill(page, 'ddb-pk', pk);
  await fill(page, 'ddb-message', message);
  await click(page, 'ddb-put');
  await waitForText(page, 'ddb-put-result', `Stored ${pk}`);
  await click(page, 'ddb-get');
  await waitForText(page, 'ddb-item', `${pk}: ${message}`);
}
