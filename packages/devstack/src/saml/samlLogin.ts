import { unescapeXml } from '../text/escapeXml.js';

/**
 * Signs in at the devstack's SAML IdP without a browser and walks the same hand-off a browser
 * does: login form → page that posts the `SAMLResponse` to the ACS → `303` to the app's return
 * URL with the response in the fragment. Resolves with the base64 `samlResponse` read from that
 * fragment and the `returnUrl` without the fragment. Wrong credentials reject with an error that
 * says so (and never contains the password).
 */
export async function samlLogin(
  idp: { loginUrl: string },
  credentials: { username: string; password: string },
): Promise<{ samlResponse: string; returnUrl: string }> {
  const loginUrl = new URL(idp.loginUrl);
  const loginPage = await fetch(loginUrl, { redirect: 'manual' });
  const loginAction = formAction(await loginPage.text());
  if (!loginAction) throw new Error(`samlLogin: no login form at ${loginUrl.href}`);

  const posted = await fetch(new URL(loginAction, loginUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: credentials.username,
      password: credentials.password,
    }).toString(),
  });
  const autopost = await posted.text();
  if (posted.status === 401) {
    throw new Error(`samlLogin: the IdP rejected the credentials of "${credentials.username}"`);
  }
  const acsAction = formAction(autopost);
  const field = /<input\b[^>]*\bname="SAMLResponse"[^>]*\bvalue="([^"]*)"/i.exec(autopost);
  if (!posted.ok || !acsAction || !field) {
    throw new Error(
      `samlLogin: expected the page that posts to the ACS, got HTTP ${posted.status}`,
    );
  }

  const acs = await fetch(new URL(acsAction, loginUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: unescapeXml(field[1] ?? '') }).toString(),
  });
  await acs.body?.cancel();
  const location = acs.headers.get('location');
  if (acs.status !== 303 || !location)
    throw new Error(`samlLogin: the ACS answered HTTP ${acs.status}, not a redirect`);
  const target = new URL(location);
  const samlResponse = new URLSearchParams(target.hash.slice(1)).get('SAMLResponse');
  if (!samlResponse)
    throw new Error('samlLogin: the ACS redirect carries no SAMLResponse fragment');
  target.hash = '';
  return { samlResponse, returnUrl: target.href };
}

function formAction(html: string): string | undefined {
  const match = /<form\b[^>]*\bmethod="post"[^>]*\baction="([^"]*)"/i.exec(html);
  return match ? unescapeXml(match[1] ?? '') : undefined;
}
