import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STSClient } from '@aws-sdk/client-sts';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { CredentialStore, resolveDevstackConfig, startSts } from '@fedcreds/devstack';
import type { DevstackConfig, DevstackOptions, StsServer } from '@fedcreds/devstack';

/** A tiny OpenID Provider: discovery + JWKS on 127.0.0.1, tokens signed in-process. */
export interface LocalIssuer {
  issuer: string;
  /** Signs claims (iss defaults to this issuer; iat/exp relative to `nowSeconds`). */
  sign(claims: JWTPayload & { expiresInSeconds?: number; nowSeconds?: number }): Promise<string>;
  /** Requests served (discovery + JWKS), to observe caching. */
  hits(): number;
  stop(): Promise<void>;
}

export async function startLocalIssuer(options: { kid?: string } = {}): Promise<LocalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = options.kid ?? 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async sign({ expiresInSeconds = 3600, nowSeconds = Math.floor(Date.now() / 1000), ...claims }) {
      return new SignJWT({
        iss: issuer,
        iat: nowSeconds,
        exp: nowSeconds + expiresInSeconds,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(privateKey);
    },
    hits: () => hits,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A clock tests move by hand; starts at the real time so SDK-signed requests are current. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** A started STS with its config, store and clock. */
export interface StsHarness {
  config: DevstackConfig;
  store: CredentialStore;
  clock: TestClock;
  sts: StsServer;
  /** An STS client for this server (no retries unless asked). */
  client(config?: Partial<STSClientConfig>): STSClient;
}

export async function startStsHarness(
  options: DevstackOptions = {},
  deps: {
    oidcIssuer?: string;
    samlSigningCertPem?: string;
    logFile?: string;
    clock?: TestClock;
  } = {},
): Promise<StsHarness> {
  const config = resolveDevstackConfig(options);
  const { clock = testClock(), ...stsDeps } = deps;
  const store = new CredentialStore(config, clock.now);
  const sts = await startSts(config, { store, port: 0, clock: clock.now, ...stsDeps });
  return {
    config,
    store,
    clock,
    sts,
    client: (overrides = {}) =>
      new STSClient({ endpoint: sts.url, region: 'us-east-1', maxAttempts: 1, ...overrides }),
  };
}

/** The configured long-term key of the default config's `ci-user`. */
export const CI_USER = {
  accessKeyId: 'AKIADEVSTACKCIUSER01',
  secretAccessKey: 'devstack/ci-user/secret/not-a-real-key-000',
};

/** Posts a raw Query-protocol request (for inputs the SDK would refuse to send). */
export async function rawSts(
  url: string,
  body: string | Record<string, string>,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const method = init.method ?? 'POST';
  const encoded = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  const response = await fetch(method === 'GET' ? `${url}/?${encoded}` : url, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    ...(method === 'GET' ? {} : { body: encoded }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** What a rejected SDK call carried. */
export interface CaughtStsError {
  name: string;
  message: string;
  status: number | undefined;
  requestId: string | undefined;
}

/** Awaits a call that must fail and returns the SDK error's name, message, status and request id. */
export async function caught(promise: Promise<unknown>): Promise<CaughtStsError> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      requestId: e.$metadata?.requestId,
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
