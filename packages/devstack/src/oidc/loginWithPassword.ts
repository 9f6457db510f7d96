import { unescapeXml } from '../text/escapeXml.js';
import { CookieJar } from './cookieJar.js';

/** Redirects, forms and pages a scripted login may go through before giving up. */
const MAX_STEPS = 20;

/**
 * Signs in at the devstack's OpenID Provider without a browser: follows `authorizeUrl` (an
 * authorization request the client built, e.g. with oidc-client-ts's `createSigninRequest`),
 * fills the same login form a person would, follows the redirects and resolves with the final
 * redirect to the client's `redirect_uri` (carrying `code` and `state`, or an OAuth `error`),
 * without requesting it.
 *
 * Pass `options.cookieJar` to keep the provider's session cookie across calls, as one browser
 * would: a second authorization (e.g. `prompt=none`) then finds the session. Wrong credentials
 * reject with an error that says so (and never contains the password).
 */
export async function loginWithPassword(
  authorizeUrl: string,
  credentials: { username: string; password: string },
  options: { cookieJar?: CookieJar } = {},
): Promise<string> {
  const jar = options.cookieJar ?? new CookieJar();
  const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('loginWithPassword: the authorization URL has no redirect_uri');
  const isRedirectUri = (url: URL) =>
    `${url.origin}${url.pathname}` === redirectUri.replace(/[?#].*$/, '');

  let url = new URL(authorizeUrl);
  let init: RequestInit = {};
  let submitted = false;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const response = await jar.fetch(url, init);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (isRedirectUri(next)) return next.href;
      url = next;
      init = {};
      continue;
    }
    const html = await response.text();
    const form = /<form\b[^>]*\bmethod="post"[^>]*\baction="([^"]*)"/i.exec(html);
    const hasLoginFields = /\bname="username"/.test(html) && /\bname="password"/.test(html);
    if (!form || !hasLoginFields) {
      throw new Error(
        `loginWithPassword: unexpected ${response.status} response from ${url.origin}${url.pathname}`,
      );
    }
    if (submitted) {
      throw new Error(
        `loginWithPassword: the provider rejected the credentials of "${credentials.username}"`,
      );
    }
    url = new URL(unescapeXml(form[1] ?? ''), url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: credentials.username,
        password: credentials.password,
      }).toString(),
    };
    submitted = true;
  }
  throw new Error(`loginWithPassword: no redirect to ${redirectUri} after ${MAX_STEPS} steps`);
}
