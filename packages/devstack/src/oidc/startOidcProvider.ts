import { escapeXml } from '../text/escapeXml.js';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { AccountClaims, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { DevstackConfig, DevstackUser } from '../config.js';
import { handleInteraction } from './handleInteraction.js';
import {
  AUTOSUBMIT_SCRIPT,
  AUTOSUBMIT_SCRIPT_PATH,
  htmlPage,
  messagePage,
  PAGE_HEADERS,
  PAGE_STYLESHEET,
  PAGE_STYLESHEET_PATH,
} from '../http/htmlPage.js';
import { loadOidcProvider } from './loadOidcProvider.js';
import { MemoryAdapter } from './memoryAdapter.js';
import { closeServer, listen } from '../http/serverLifecycle.js';

/** Claims for {@link OidcServer.mintIdToken}; any extra claim is copied into the token. */
export interface MintIdTokenClaims {
  sub: string;
  /** @default the first configured client id */
  aud?: string;
  /** Lifetime in seconds from `issuedAt`; negative gives an already expired token. @default config.oidc.idTokenTtlSeconds */
  expiresInSeconds?: number;
  /** `iat` in epoch seconds. @default now */
  issuedAt?: number;
  nonce?: string;
  [claim: string]: unknown;
}

/** Faults the OpenID Provider can be told to inject, for tests of re-authentication paths. */
export interface OidcFaults {
  /**
   * Refuses the next `count` silent renewals: a `refresh_token` grant answers `invalid_grant`
   * (the refresh token itself stays valid) and a `prompt=none` authorization answers
   * `login_required`. Both kinds draw from the same count.
   * @default count: every silent renewal until {@link OidcFaults.clear}
   */
  refuseSilentRenew(count?: number): void;
  /** Removes every injected fault. */
  clear(): void;
}

/** Counters of what the OpenID Provider has served, for tests that count round trips. */
export interface OidcStats {
  /** HTTP requests received, of any kind. */
  requests: number;
  /** Token endpoint requests by `grant_type`, successful or not. */
  tokenGrants: Record<string, number>;
  /** Requests to the authorization endpoint (interactive or `prompt=none`), not counting resumes. */
  authorizations: number;
}

/** A running OpenID Provider (see {@link startOidcProvider}). */
export interface OidcServer {
  /** `http://127.0.0.1:<port>`; discovery is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The public signing keys (the same document the JWKS endpoint serves). */
  jwks: { keys: JsonWebKey[] };
  /**
   * Signs an ID token with the provider's own key and `kid`, `iss` = {@link OidcServer.issuer}:
   * for tests that need a token without a browser login. Claims given here override the defaults
   * (so a test can forge a wrong `iss` or `aud` that is still correctly signed).
   */
  mintIdToken(claims: MintIdTokenClaims): Promise<string>;
  faults: OidcFaults;
  stats(): OidcStats;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** Scopes every configured client may ask for. */
const CLIENT_SCOPES = 'openid profile email offline_access';
/** Sessions and grants outlive the refresh token so that a valid refresh token is never orphaned. */
const MIN_SESSION_TTL_SECONDS = 86_400;
const INTERACTION_TTL_SECONDS = 600;

/**
 * Starts the devstack's OpenID Provider (oidc-provider) on `config.host`.
 *
 * Every client in `config.oidc.clients` is a public client (`token_endpoint_auth_method: none`)
 * that must use PKCE S256, may use `authorization_code` and `refresh_token` grants, and gets a
 * refresh token when it asks for `offline_access`; refresh tokens rotate on every use, and
 * presenting a rotated one is rejected (and, as reuse detection, revokes the grant). Users sign
 * in on a plain login page with the passwords in `config.users`; consent for configured clients
 * is granted on the user's behalf, like a first-party app. Because oidc-provider drops
 * `offline_access` unless the request says `prompt=consent`, an interactive request for
 * `offline_access` without any `prompt` is treated as if it said `prompt=consent` (the consent
 * step is invisible anyway). Token endpoint, userinfo and the JWKS answer CORS requests from
 * `config.allowedOrigins`.
 *
 * @example
 * const op = await startOidcProvider(resolveDevstackConfig(), { port: 0 });
 * const idToken = await op.mintIdToken({ sub: 'alice' });
 * await op.stop();
 */
export async function startOidcProvider(
  config: DevstackConfig,
  opts: { port?: number } = {},
): Promise<OidcServer> {
  const { Provider, errors, interactionPolicy } = await loadOidcProvider();

  const { privateKey, privateJwk, publicJwk } = await generateSigningKey();
  const firstClient = config.oidc.clients[0];
  if (!firstClient) throw new Error('devstack: config.oidc.clients must name at least one client');

  let refusalsLeft = 0;
  const takeRefusal = (): boolean => {
    if (refusalsLeft <= 0) return false;
    refusalsLeft -= 1;
    return true;
  };
  const counters: OidcStats = { requests: 0, tokenGrants: {}, authorizations: 0 };

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await listen(server, opts.port ?? config.ports.oidc, config.host);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${config.host}:${port}`;

  const policy = interactionPolicy.base();
  policy
    .get('login')
    ?.checks.add(
      new interactionPolicy.Check(
        'devstack_silent_renew_refused',
        'silent renew refused by a devstack fault',
        'login_required',
        (ctx) => ctx.oidc.promptPending('none') && takeRefusal(),
      ),
      0,
    );

  const sessionTtlSeconds = Math.max(MIN_SESSION_TTL_SECONDS, config.oidc.refreshTokenTtlSeconds);
  const usersBySub = new Map(config.users.map((user) => [user.sub, user]));
  const allowedOrigins = new Set(config.allowedOrigins);

  const configuration: Configuration = {
    adapter: MemoryAdapter.factory(),
    clients: config.oidc.clients.map((client) => ({
      client_id: client.clientId,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: CLIENT_SCOPES,
    })),
    jwks: { keys: [privateJwk] },
    cookies: {
      keys: [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')],
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // The demo reads the user's name and email from the ID token; no need to call userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      revocation: {
        enabled: true,
        // A public client may revoke only its own tokens (oidc-provider checks that too).
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          setPage(
            ctx,
            htmlPage({
              title: 'Sign out',
              autosubmit: true,
              bodyHtml: `<h1>Sign out</h1>\n<p>Signing you out of ${escapeXml(ctx.host)}…</p>\n${form}
<button id="submit" type="submit" form="op.logoutForm" name="logout" value="yes" data-autosubmit>Sign out</button>`,
            }),
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          setPage(ctx, messagePage('Signed out', 'You are signed out. You can close this window.'));
        },
      },
    },
    interactions: {
      policy,
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    findAccount: async (_ctx, sub) => {
      const user = usersBySub.get(sub);
      return user ? { accountId: user.sub, claims: () => accountClaims(user) } : undefined;
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: () => {
      if (takeRefusal()) throw new errors.InvalidGrant('silent renew refused by a devstack fault');
      return true;
    },
    clientBasedCORS: (_ctx, origin) => allowedOrigins.has(origin),
    ttl: {
      AccessToken: config.oidc.accessTokenTtlSeconds,
      IdToken: config.oidc.idTokenTtlSeconds,
      RefreshToken: config.oidc.refreshTokenTtlSeconds,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: sessionTtlSeconds,
      Grant: sessionTtlSeconds,
    },
    renderError: async (ctx, out) => {
      // `out` holds only the OAuth error code and its public description, never a token.
      setPage(ctx, messagePage('Sign-in error', `${out.error}: ${out.error_description ?? ''}`));
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => countGrant(ctx));
  provider.on('grant.error', (ctx: KoaContextWithOIDC) => countGrant(ctx));
  function countGrant(ctx: KoaContextWithOIDC): void {
    const grantType = String(ctx.oidc?.params?.grant_type ?? 'unknown');
    counters.tokenGrants[grantType] = (counters.tokenGrants[grantType] ?? 0) + 1;
  }

  const authorizationPath = new URL(provider.urlFor('authorization')).pathname;
  const providerCallback = provider.callback();
  handler = (req, res) => {
    counters.requests += 1;
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === AUTOSUBMIT_SCRIPT_PATH) {
      return sendAsset(res, 'text/javascript; charset=utf-8', AUTOSUBMIT_SCRIPT);
    }
    if (url.pathname === PAGE_STYLESHEET_PATH) {
      return sendAsset(res, 'text/css; charset=utf-8', PAGE_STYLESHEET);
    }
    if (url.pathname.startsWith('/interaction/')) {
      handleInteraction(provider, config, req, res, url).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, PAGE_HEADERS);
          res.end(
            messagePage('Sign-in error', 'The sign-in step failed. Start again from the app.'),
          );
        } else {
          res.destroy();
        }
      });
      return;
    }
    if (url.pathname === authorizationPath) {
      counters.authorizations += 1;
      askConsentForOfflineAccess(req, url);
    }
    providerCallback(req, res);
  };

  return {
    issuer,
    jwks: { keys: [publicJwk as JsonWebKey] },
    async mintIdToken({ expiresInSeconds, issuedAt, ...claims }) {
      const iat = issuedAt ?? Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        aud: firstClient.clientId,
        iat,
        exp: iat + (expiresInSeconds ?? config.oidc.idTokenTtlSeconds),
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid ?? '', typ: 'JWT' })
        .sign(privateKey);
    },
    faults: {
      refuseSilentRenew(count = Number.POSITIVE_INFINITY) {
        refusalsLeft = count;
      },
      clear() {
        refusalsLeft = 0;
      },
    },
    stats: () => ({ ...counters, tokenGrants: { ...counters.tokenGrants } }),
    stop: () => closeServer(server),
  };
}

/**
 * oidc-provider keeps `offline_access` only when the request carries `prompt=consent` (OpenID
 * Connect Core 11). A first-party dev app should not have to know that, so an interactive request
 * for `offline_access` that names no prompt gets `prompt=consent`; `prompt=none` is left alone.
 */
function askConsentForOfflineAccess(req: IncomingMessage, url: URL): void {
  if (req.method !== 'GET') return;
  const scopes = (url.searchParams.get('scope') ?? '').split(' ');
  if (scopes.includes('offline_access') && !url.searchParams.has('prompt')) {
    url.searchParams.set('prompt', 'consent');
    req.url = `${url.pathname}${url.search}`;
  }
}

function accountClaims(user: DevstackUser): AccountClaims {
  return {
    sub: user.sub,
    preferred_username: user.username,
    ...(user.name === undefined ? {} : { name: user.name }),
    ...(user.email === undefined ? {} : { email: user.email, email_verified: true }),
  };
}

async function generateSigningKey(): Promise<{
  privateKey: CryptoKey;
  privateJwk: JWK;
  publicJwk: JWK;
}> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicBase = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicBase);
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk: JWK = { ...publicBase, kid, alg: 'RS256', use: 'sig' };
  return { privateKey, privateJwk, publicJwk };
}

function setPage(ctx: KoaContextWithOIDC, html: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.body = html;
}

function sendAsset(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(200, {
    'content-type': contentType,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  res.end(body);
}
