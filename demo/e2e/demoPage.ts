import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** How long the UI may take to show what a step should produce. */
export const UI_TIMEOUT_MS = 15_000;

/** The dev stack's user alice, as she signs in at either IdP. */
export const ALICE = { username: 'alice', password: 'alice-password' };

const byTestId = (testId: string) => `[data-testid="${testId}"]`;

/** `text` as a RegExp source that matches it literally. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
      ? { source: `^${escape(expected)}$`, flags: '' }
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

/** Signs in through the OpenID Connect redirect as `user`, back on the demo with credentials. */
export async function signInWithOidc(
  page: Page,
  origin: string,
  oidcUrl: string,
  user: { username: string; password: string } = ALICE,
): Promise<void> {
  await click(page, 'sign-in-oidc');
  await page.waitForURL((url) => url.href.startsWith(oidcUrl));
  await submitLogin(page, user);
  await page.waitForURL((url) => url.origin === origin);
  await waitForText(page, 'status', 'ready');
}

/** Uploads a text file through the Files card's file picker; waits until the list shows it. */
export async function uploadFile(page: Page, name: string, body: string): Promise<void> {
  await page
    .locator(byTestId('s3-file'))
    .setInputFiles(
      { name, mimeType: 'text/plain', buffer: Buffer.from(body) },
      { timeout: UI_TIMEOUT_MS },
    );
  await waitForText(page, 's3-put-result', `Uploaded ${name}`);
  await fileRow(page, name).waitFor({ timeout: UI_TIMEOUT_MS });
}

/** The Files card's row of `name`. */
export const fileRow = (page: Page, name: string) =>
  page.locator(byTestId('s3-object')).filter({
    has: page.locator(byTestId('s3-object-name'), { hasText: new RegExp(`^${escape(name)}$`) }),
  });

/** Downloads `name` with its row's button and returns the file's content. */
export async function downloadFile(page: Page, name: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: UI_TIMEOUT_MS }),
    fileRow(page, name).locator(byTestId('s3-download')).click({ timeout: UI_TIMEOUT_MS }),
  ]);
  expect(download.suggestedFilename()).toBe(name);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Uploads a file, downloads it back and checks its content, through the Files card. */
export async function s3RoundTrip(page: Page, name: string, body: string): Promise<void> {
  await uploadFile(page, name, body);
  expect(await downloadFile(page, name)).toBe(body);
}

/** The Notes card's row of a note. */
export const noteRow = (page: Page, text: string) =>
  page.locator(byTestId('ddb-item')).filter({
    has: page.locator(byTestId('ddb-item-text'), { hasText: new RegExp(`^${escape(text)}$`) }),
  });

/** Adds a note through the Notes card and waits until the Query-backed list shows it. */
export async function addNote(page: Page, text: string): Promise<void> {
  await fill(page, 'ddb-note', text);
  await click(page, 'ddb-put');
  await noteRow(page, text).waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Adds a note and deletes it again, through the Notes card. */
export async function dynamoRoundTrip(page: Page, text: string): Promise<void> {
  await addNote(page, text);
  await noteRow(page, text).locator(byTestId('ddb-delete')).click({ timeout: UI_TIMEOUT_MS });
  await noteRow(page, text).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
}
