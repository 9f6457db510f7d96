// Shared by the OIDC tests (not a test file itself): a real oidc-client-ts UserManager against the
// dev stack's real OpenID Provider. Only what Node lacks is stood in for: the redirect (the
// authorization URL is captured and a scripted login follows it), the popup window (the same) and
// the hidden iframe (its `prompt=none` request is made over HTTP with the browser's cookies).
import { CookieJar, DEMO_CLIENT_ID, DEMO_ORIGIN, loginWithPassword } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import {
  InMemoryWebStorage,
  UserManager,
  WebStorageStateStore,
  type INavigator,
} from 'oidc-client-ts';
import { expect, vi } from 'vitest';
import { oidcTokenSource, type OidcTokenSourceOptions } from '@fedcreds/core/oidc';

export const REDIRECT_URI = `${DEMO_ORIGIN}/callback`;
export const POST_LOGOUT_URI = `${DEMO_ORIGIN}/`;

/** A browser stand-in: one cookie jar (the IdP session), the pages it was sent to. */
export interface Browser {
  jar: CookieJar;
  /** Every URL a redirect (sign-in or sign-out) navigated to, in order. */
  redirects: string[];
}

export interface UserManagerOptions {
  /** Ask for `offline_access` (a refresh token). @default true */
  offline?: boolean;
  /** Stand in for the hidden iframe. @default true */
  iframe?: boolean;
  /** The user store, e.g. one shared by two "tabs". @default a new in-memory store */
  userStorage?: Storage;
  /**
   * The popup window: like the redirect, the test signs in at the URL it was given (`login`) and
   * the window "returns" the callback URL it reached, as oidc-client-ts's popup window does.
   */
  popupLogin?: (authorizeUrl: string) => Promise<string>;
}

export function newBrowser(): Browser {
  return { jar: new CookieJar(), redirects: [] };
}

export function newUserManager(
  devstack: Devstack,
  browser: Browser = newBrowser(),
  {
    offline = true,
    iframe: hiddenFrame = true,
    userStorage = new InMemoryWebStorage(),
    popupLogin,
  }: UserManagerOptions = {},
): UserManager {
  const redirect: INavigator = {
    prepare: async () => ({
      navigate: async ({ url }) => {
        browser.redirects.push(url);
        return { url };
      },
      close: () => {},
    }),
    callback: async () => {},
  };
  const popup: INavigator = {
    prepare: async () => ({
      navigate: async ({ url }) => {
        if (!popupLogin) throw new Error('Attempted to navigate on a disposed window');
        return { url: await popupLogin(url) };
      },
      close: () => {},
    }),
    callback: async () => {},
  };
  // The hidden iframe: the `prompt=none` request with the browser's cookies, up to the redirect back.
  const iframe: INavigator = {
    prepare: async () => ({
      navigate: async ({ url }) => {
        let next = new URL(url);
        for (let hop = 0; hop < 10; hop++) {
          const response = await browser.jar.fetch(next);
          await response.body?.cancel();
          const location = response.headers.get('location');
          if (!location) throw new Error(`iframe stand-in: ${response.status} without a redirect`);
          next = new URL(location, next);
          if (next.href.startsWith(REDIRECT_URI)) return { url: next.href };
        }
        throw new Error('iframe stand-in: too many redirects');
      },
      close: () => {},
    }),
    callback: async () => {},
  };
  return new UserManager(
    {
      authority: devstack.urls.oidc,
      client_id: DEMO_CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      popup_redirect_uri: REDIRECT_URI,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      scope: offline ? 'openid profile email offline_access' : 'openid profile email',
      userStore: new WebStorageStateStore({ store: userStorage }),
      stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      automaticSilentRenew: false,
      monitorSession: false,
    },
    redirect,
    popup,
    // Without the stand-in, oidc-client-ts's own iframe navigator meets Node's missing `document`.
    hiddenFrame ? iframe : undefined,
  );
}

export const ALICE = { username: 'alice', password: 'alice-password' };
export const BOB = { username: 'bob', password: 'bob-password' };

/**
 * Signs a user in (alice by default): `signIn()` (captured redirect), the login form, then the
 * callback.
 */
export async function signedIn(
  devstack: Devstack,
  {
    user = ALICE,
    browser = newBrowser(),
    source: sourceOptions = {},
    ...options
  }: UserManagerOptions & {
    user?: typeof ALICE;
    browser?: Browser;
    source?: OidcTokenSourceOptions;
  } = {},
) {
  const userManager = newUserManager(devstack, browser, options);
  const source = oidcTokenSource(userManager, sourceOptions);
  await source.signIn();
  const callbackUrl = await loginWithPassword(browser.redirects.at(-1)!, user, {
    cookieJar: browser.jar,
  });
  expect(await source.completeSignIn(callbackUrl)).not.toBeNull();
  return { userManager, source, browser };
}

/**
 * Follows `authorizeUrl` with `browser`'s cookies: `true` when the IdP shows its login form (asks
 * for the password), `false` when it sends the browser straight back with a code (its session is
 * alive).
 */
export async function asksForPassword(browser: Browser, authorizeUrl: string): Promise<boolean> {
  let url = new URL(authorizeUrl);
  for (let hop = 0; hop < 10; hop++) {
    const response = await browser.jar.fetch(url);
    const location = response.headers.get('location');
    if (location) {
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.href.startsWith(REDIRECT_URI)) return false;
      continue;
    }
    return /\bname="password"/.test(await response.text());
  }
  throw new Error('asksForPassword: too many redirects');
}

/**
 * Follows an RP-initiated logout URL as the browser would: the IdP's confirmation page (whose
 * script would submit it) is submitted, and the redirect back to `post_logout_redirect_uri` is
 * returned.
 */
export async function followLogout(browser: Browser, logoutUrl: string): Promise<string> {
  const page = await browser.jar.fetch(logoutUrl);
  const html = await page.text();
  const form = /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(
    html,
  );
  if (!form) throw new Error(`followLogout: no logout form (${page.status})`);
  const body = new URLSearchParams({ logout: 'yes' });
  for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    body.set(input[1]!, input[2]!);
  }
  const done = await browser.jar.fetch(new URL(form[1]!, logoutUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  await done.body?.cancel();
  return new URL(done.headers.get('location') ?? '', logoutUrl).href;
}

export const grants = (devstack: Devstack, type: string) =>
  devstack.stats().oidc.tokenGrants[type] ?? 0;
export const signal = () => new AbortController().signal;

/**
 * Holds the token endpoint's answers to refresh-token grants until `release()`: the request goes
 * to the real IdP and its real answer comes back, only later — so a test can sign out while a
 * renewal's answer is on its way. (A stand-in for network latency, which no real peer can time.)
 */
export function holdRefreshAnswers() {
  const realFetch = globalThis.fetch;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached: (answer: { refreshToken: string }) => void = () => {};
  const answered = new Promise<{ refreshToken: string }>((resolve) => (reached = resolve));
  const revoked: string[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await realFetch(input, init);
    const body = init?.body;
    if (!(body instanceof URLSearchParams)) return response;
    if (body.get('grant_type') === 'refresh_token') {
      const json = (await response.clone().json()) as { refresh_token: string };
      reached({ refreshToken: json.refresh_token });
      await released;
    } else if (String(input).includes('revocation') && response.ok) {
      revoked.push(body.get('token') ?? '');
    }
    return response;
  });
  return { answered, release, revoked };
}

/** Presents `refreshToken` at the token endpoint; the OAuth error, or `null` if it was accepted. */
export async function tryRefreshToken(
  devstack: Devstack,
  refreshToken: string,
): Promise<string | null> {
  const discovery = (await (
    await fetch(`${devstack.urls.oidc}/.well-known/openid-configuration`)
  ).json()) as { token_endpoint: string };
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'fedcreds-demo',
    }),
  });
  const json = (await response.json()) as { error?: string };
  return response.ok ? null : (json.error ?? String(response.status));
}
