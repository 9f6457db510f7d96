/**
 * Just enough of a browser's cookie handling for scripted logins against the devstack's own
 * servers: cookies are kept per origin (host and port), sent on every request to that origin
 * whatever their `Path`, and dropped when a server expires them. `Domain`, `Secure` and `SameSite`
 * are not interpreted; every server involved is on 127.0.0.1 over http.
 */
export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  /** `fetch` that never follows redirects, sends this jar's cookies and stores the ones set. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookieHeader = this.cookieHeader(target);
    if (cookieHeader) headers.set('cookie', cookieHeader);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target, response.headers.getSetCookie());
    return response;
  }

  /** The `Cookie` header the jar would send to `url`, or `''`. */
  cookieHeader(url: URL): string {
    const jar = this.#cookies.get(url.origin);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  /** Stores `Set-Cookie` header values received from `url`. */
  store(url: URL, setCookies: readonly string[]): void {
    let jar = this.#cookies.get(url.origin);
    if (!jar) {
      jar = new Map();
      this.#cookies.set(url.origin, jar);
    }
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || attributes.some((attribute) => isExpiry(attribute))) jar.delete(name);
      else jar.set(name, value);
    }
  }
}

/** Whether a cookie attribute removes the cookie (`Max-Age<=0` or an `Expires` in the past). */
function isExpiry(attribute: string): boolean {
  const [rawName = '', ...rest] = attribute.split('=');
  const name = rawName.trim().toLowerCase();
  const value = rest.join('=').trim();
  if (name === 'max-age') return Number(value) <= 0;
  if (name === 'expires') return Date.parse(value) <= Date.now();
  return false;
}
