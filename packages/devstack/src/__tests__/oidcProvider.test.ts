import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  ErrorResponse,
  InMemoryWebStorage,
  OidcClient,
  WebStorageStateStore,
} from 'oidc-client-ts';
import type { RefreshState, SigninResponse } from 'oidc-client-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CookieJar,
  DEMO_CLIENT_ID,
  loginWithPassword,
  resolveDevstackConfig,
  startOidcProvider,
} from '@fedcreds/devstack';
import type { DevstackConfig, OidcServer } from '@fedcreds/devstack';

const REDIRECT_URI = 'http://127.0.0.1:5173/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:5173/';
const ALLOWED_ORIGIN = 'http://127.0.0.1:5173';
const ID_TOKEN_TTL_SECONDS = 7;
const ALICE = { username: 'alice', password: 'alice-password' };
const BOB = { username: 'bob', password: 'bob-password' };

let config: DevstackConfig;
let op: OidcServer;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  config = resolveDevstackConfig({
    ports: { oidc: 0 },
    oidc: { idTokenTtlSeconds: ID_TOKEN_TTL_SECONDS, accessTokenTtlSeconds: 120 },
  });
  op = await startOidcProvider(config, { port: 0 });
  const discovery = (await (
    await fetch(`${op.issuer}/.well-known/openid-configuration`)
  ).json()) as {
    jwks_uri: string;
  };
  jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
});

afterAll(async () => {
  await op.stop();
});

function newClient(): OidcClient {
  return new OidcClient({
    authority: op.issuer,
    client_id: DEMO_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    post_logout_redirect_uri: POST_LOGOUT_URI,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
  });
}

async function signIn(
  credentials: { username: string; password: string },
  cookieJar = new CookieJar(),
): Promise<{ client: OidcClient; response: SigninResponse; cookieJar: CookieJar }> {
  const client = newClient();
  const request = await client.createSigninRequest({});
  const callbackUrl = await loginWithPassword(request.url, credentials, { cookieJar });
  const response = await client.processSigninResponse(callbackUrl);
  return { client, response, cookieJar };
}

function verifyIdToken(token: string) {
  return jwtVerify(token, jwks, { issuer: op.issuer, audience: DEMO_CLIENT_ID });
}

async function refresh(client: OidcClient, response: SigninResponse, refreshToken: string) {
  // oidc-client-ts exports RefreshState as a type only; its UserManager passes a plain User here too.
  const state: RefreshState = {
    refresh_token: refreshToken,
    session_state: null,
    profile: response.profile,
  };
  return client.useRefreshToken({ state });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Runs a `prompt=none` authorization with the jar's session and returns the redirect it ends in. */
async function silentAuthorize(
  cookieJar: CookieJar,
): Promise<{ client: OidcClient; location: string }> {
  const client = newClient();
  const request = await client.createSigninRequest({ prompt: 'none' });
  const response = await cookieJar.fetch(request.url);
  const location = response.headers.get('location');
  expect(response.status).toBe(303);
  expect(location).toBeTruthy();
  return { client, location: new URL(location ?? '', request.url).href };
}

/** Hidden inputs and the post target of the first form of a page. */
function readForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form\b[^>]*\baction="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
  )) {
    if (name !== undefined) fields[name] = value ?? '';
  }
  return { action, fields };
}

describe('startOidcProvider', () => {
  it('signs alice in with PKCE through oidc-client-ts and issues ID, access and refresh tokens', async () => {
    const before = op.stats();
    const { response } = await signIn(ALICE);

    const { payload, protectedHeader } = await verifyIdToken(response.id_token ?? '');
    expect(payload.sub).toBe('alice');
    expect(payload.email).toBe('alice@example.test');
    expect(protectedHeader.alg).toBe('RS256');
    expect(response.access_token).toEqual(expect.any(String));
    expect(response.refresh_token).toEqual(expect.any(String));
    expect(response.scope?.split(' ')).toContain('offline_access');

    const after = op.stats();
    expect(after.authorizations - before.authorizations).toBe(1);
    expect(
      (after.tokenGrants.authorization_code ?? 0) - (before.tokenGrants.authorization_code ?? 0),
    ).toBe(1);
    expect(after.requests).toBeGreaterThan(before.requests);
  });

  it('signs bob in too', async () => {
    const { response } = await signIn(BOB);
    const { payload } = await verifyIdToken(response.id_token ?? '');
    expect(payload.sub).toBe('bob');
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = new URL(`${op.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: 'no-pkce',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('rotates the refresh token on every use and rejects a rotated one', async () => {
    const { client, response } = await signIn(ALICE);
    const first = response.refresh_token ?? '';

    const renewed = await refresh(client, response, first);
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.refresh_token).not.toBe(first);
    expect((await verifyIdToken(renewed.id_token ?? '')).payload.sub).toBe('alice');

    const reused = await rejection(refresh(client, response, first));
    expect(reused).toBeInstanceOf(ErrorResponse);
    expect((reused as ErrorResponse).error).toBe('invalid_grant');
  });

  it('honours a short idTokenTtlSeconds', async () => {
    const { response } = await signIn(ALICE);
    const { payload } = await verifyIdToken(response.id_token ?? '');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(ID_TOKEN_TTL_SECONDS);
    expect(response.expires_in).toBeGreaterThan(100);
    expect(response.expires_in).toBeLessThanOrEqual(120);
  });

  it('answers prompt=none without a session with login_required', async () => {
    const { client, location } = await silentAuthorize(new CookieJar());
    const error = await rejection(client.processSigninResponse(location));
    expect(error).toBeInstanceOf(ErrorResponse);
    expect((error as ErrorResponse).error).toBe('login_required');
  });

  it('renews silently with prompt=none while the session lasts', async () => {
    const { cookieJar } = await signIn(ALICE);
    const { client, location } = await silentAuthorize(cookieJar);
    const response = await client.processSigninResponse(location);
    expect((await verifyIdToken(response.id_token ?? '')).payload.sub).toBe('alice');
  });

  describe('faults.refuseSilentRenew', () => {
    it('answers the next refresh_token grant with invalid_grant and leaves the refresh token usable', async () => {
      const { client, response } = await signIn(ALICE);
      op.faults.refuseSilentRenew(1);
      try {
        const refused = await rejection(refresh(client, response, response.refresh_token ?? ''));
        expect((refused as ErrorResponse).error).toBe('invalid_grant');
        const renewed = await refresh(client, response, response.refresh_token ?? '');
        expect(renewed.refresh_token).toEqual(expect.any(String));
      } finally {
        op.faults.clear();
      }
    });

    it('answers prompt=none with login_required until cleared, even with a session', async () => {
      const { cookieJar } = await signIn(ALICE);
      op.faults.refuseSilentRenew();
      try {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const { client, location } = await silentAuthorize(cookieJar);
          const error = await rejection(client.processSigninResponse(location));
          expect((error as ErrorResponse).error).toBe('login_required');
        }
      } finally {
        op.faults.clear();
      }
      const { client, location } = await silentAuthorize(cookieJar);
      await expect(client.processSigninResponse(location)).resolves.toMatchObject({
        id_token: expect.any(String),
      });
    });

    it('counts refused refresh grants in stats', async () => {
      const { client, response } = await signIn(ALICE);
      const before = op.stats().tokenGrants.refresh_token ?? 0;
      op.faults.refuseSilentRenew(2);
      try {
        await rejection(refresh(client, response, response.refresh_token ?? ''));
        await rejection(refresh(client, response, response.refresh_token ?? ''));
      } finally {
        op.faults.clear();
      }
      expect((op.stats().tokenGrants.refresh_token ?? 0) - before).toBe(2);
    });
  });

  describe('login page', () => {
    /** Starts a sign-in and follows its redirects, in one browser, to the login page. */
    async function openLoginPage(args: { login_hint?: string } = {}) {
      const request = await newClient().createSigninRequest(args);
      const jar = new CookieJar();
      let response = await jar.fetch(request.url);
      while (response.status >= 300 && response.status < 400) {
        response = await jar.fetch(new URL(response.headers.get('location') ?? '', request.url));
      }
      return { request, jar, response };
    }

    it('keeps the user at the login form after a wrong password', async () => {
      const { request, jar, response } = await openLoginPage();
      const page = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1] ?? '';
      expect(page).toContain('name="username"');

      const wrong = await jar.fetch(new URL(action, op.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'alice', password: 'not-her-password' }).toString(),
      });
      const again = await wrong.text();
      expect(wrong.status).toBe(401);
      expect(again).toContain('name="password"');
      expect(again).toContain('id="submit"');
      expect(again).toContain('Wrong username or password');
      expect(again).not.toContain('not-her-password');

      await expect(
        loginWithPassword(request.url, { username: 'alice', password: 'not-her-password' }),
      ).rejects.toThrow(/rejected the credentials of "alice"/);
    });

    it('pre-fills the username with the request’s login_hint, escaped, as an IdP does', async () => {
      const hinted = await (await openLoginPage({ login_hint: 'alice' })).response.text();
      expect(hinted).toMatch(/<input id="username" name="username" type="text" value="alice"/);
      const quoted = await (await openLoginPage({ login_hint: '"><b>x' })).response.text();
      expect(quoted).toContain('value="&quot;&gt;&lt;b&gt;x"');
      const plain = await (await openLoginPage()).response.text();
      expect(plain).toMatch(/<input id="username" name="username" type="text" value=""/);
    });

    it('serves pages that load nothing from elsewhere and run no inline code', async () => {
      const { response } = await openLoginPage();
      const loginPage = await response.text();
      const csp = response.headers.get('content-security-policy') ?? '';
      const errorResponse = await fetch(`${op.issuer}/auth?client_id=unknown-client`);
      const errorPage = await errorResponse.text();

      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(loginPage).toContain('<form method="post"');
      expect(errorPage).toContain('invalid_client');
      for (const page of [loginPage, errorPage]) {
        const urls = [...page.matchAll(/(?:src|href|action)="([^"]*)"/g)].map(
          (match) => match[1] ?? '',
        );
        expect(urls.length).toBeGreaterThan(0);
        for (const url of urls) expect(url).toMatch(/^\/(?!\/)/);
        expect(page).not.toMatch(/https?:\/\//);
        expect(page).not.toMatch(/<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=/i);
      }
    });
  });

  it('signs out through end_session and then has no session for prompt=none', async () => {
    const { client, response, cookieJar } = await signIn(ALICE);
    const signout = await client.createSignoutRequest({ id_token_hint: response.id_token ?? '' });
    const page = await cookieJar.fetch(signout.url);
    const html = await page.text();
    expect(html).toContain('data-autosubmit');
    expect(html).toContain('<script src="/autosubmit.js"');
    const { action, fields } = readForm(html);

    const confirmed = await cookieJar.fetch(new URL(action, op.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, logout: 'yes' }).toString(),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toMatch(new RegExp(`^${POST_LOGOUT_URI}`));

    const { client: silent, location } = await silentAuthorize(cookieJar);
    const error = await rejection(silent.processSigninResponse(location));
    expect((error as ErrorResponse).error).toBe('login_required');
  });

  it('answers CORS requests from allowed origins only', async () => {
    const { response } = await signIn(ALICE);
    const tokenRequest = (origin: string) =>
      fetch(`${op.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: DEMO_CLIENT_ID,
          refresh_token: 'not-a-refresh-token',
        }).toString(),
      });
    const allowed = await tokenRequest(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const other = await tokenRequest('http://127.0.0.1:6666');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const userinfo = await fetch(`${op.issuer}/me`, {
      headers: { authorization: `Bearer ${response.access_token}`, origin: ALLOWED_ORIGIN },
    });
    expect(userinfo.status).toBe(200);
    expect(userinfo.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('alice');
  });

  it('publishes a discovery document with loopback URLs only', async () => {
    const discovery: unknown = await (
      await fetch(`${op.issuer}/.well-known/openid-configuration`)
    ).json();
    const urls = JSON.stringify(discovery).match(/https?:\/\/[^"]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(4);
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(discovery).toMatchObject({
      issuer: op.issuer,
      code_challenge_methods_supported: ['S256'],
    });
  });

  describe('mintIdToken', () => {
    it('signs with the provider key and kid so the JWKS verifies it', async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 10;
      const token = await op.mintIdToken({
        sub: 'carol',
        nonce: 'n-1',
        issuedAt,
        expiresInSeconds: 600,
        email: 'c@x.test',
      });
      const { payload } = await verifyIdToken(token);
      expect(payload).toMatchObject({
        sub: 'carol',
        nonce: 'n-1',
        iat: issuedAt,
        exp: issuedAt + 600,
        email: 'c@x.test',
      });
      expect(decodeProtectedHeader(token).kid).toBe(
        op.jwks.keys[0] && (op.jwks.keys[0] as { kid?: string }).kid,
      );
    });

    it('defaults aud to the first client and exp to idTokenTtlSeconds', async () => {
      const { payload } = await verifyIdToken(await op.mintIdToken({ sub: 'alice' }));
      expect(payload.aud).toBe(config.oidc.clients[0]?.clientId);
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(ID_TOKEN_TTL_SECONDS);
    });

    it('lets a test forge a wrong audience that still verifies by signature', async () => {
      const token = await op.mintIdToken({ sub: 'alice', aud: 'someone-else' });
      await expect(verifyIdToken(token)).rejects.toThrow(/aud/);
      await expect(
        jwtVerify(token, jwks, { issuer: op.issuer, audience: 'someone-else' }),
      ).resolves.toBeTruthy();
    });

    it('publishes only public key material', () => {
      for (const key of op.jwks.keys) expect(key).not.toHaveProperty('d');
    });
  });

  it('stop() closes the server', async () => {
    const other = await startOidcProvider(config, { port: 0 });
    await expect(fetch(`${other.issuer}/jwks`)).resolves.toMatchObject({ status: 200 });
    await other.stop();
    await expect(fetch(`${other.issuer}/jwks`)).rejects.toThrow();
  });
});
