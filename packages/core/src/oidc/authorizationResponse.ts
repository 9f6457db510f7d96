/** Query (or fragment) parameters of an authorization response, removed from the address bar. */
const CALLBACK_PARAMS = [
  'code',
  'state',
  'session_state',
  'iss',
  'error',
  'error_description',
  'error_uri',
];

/** The page's address, or `undefined` outside a browser. */
export function currentHref(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}

/** The `state` of the authorization response `href` carries (query or fragment), or `null`. */
export function authorizationResponse(href: string): { state: string } | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  for (const params of [url.searchParams, new URLSearchParams(url.hash.slice(1))]) {
    const state = params.get('state');
    if (state && (params.has('code') || params.has('error'))) return { state };
  }
  return null;
}

/**
 * Removes the authorization response from the address bar (`history.replaceState`), keeping the
 * rest of the address and the history entry's state, so a reload cannot replay the response.
 */
export function cleanAddressBar(href: string): void {
  const g = globalThis as {
    location?: { href?: string };
    history?: { state: unknown; replaceState(data: unknown, unused: string, url: string): void };
  };
  if (!g.history || g.location?.href !== href) return;
  const url = new URL(href);
  for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
  if (url.hash.length > 1) {
    const fragment = new URLSearchParams(url.hash.slice(1));
    if (fragment.has('state')) {
      for (const name of CALLBACK_PARAMS) fragment.delete(name);
      url.hash = fragment.toString();
    }
  }
  g.history.replaceState(g.history.state, '', url.toString());
}
