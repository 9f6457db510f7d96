// Shared by the React tests: a dev stack on 127.0.0.1 per test file, sessions over it built with the
// public core API, rendering under a provider, and small probes that record what components
// render. Not a test file itself.
import {
  callbackTokenSource,
  createFederatedSession,
  WebIdentityCredentials,
} from '@fedcreds/core';
import type {
  FederatedSession,
  FederatedSessionOptions,
  SessionSnapshot,
  TokenSource,
} from '@fedcreds/core';
import { AwsCredentialsProvider } from '@fedcreds/react';
import { DEMO_CLIENT_ID, startDevstack } from '@fedcreds/devstack';
import type { Devstack } from '@fedcreds/devstack';
import { cleanup, render } from '@testing-library/react';
import type { RenderResult } from '@testing-library/react';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OidcClient } from 'oidc-client-ts';
import type { OidcClientSettings } from 'oidc-client-ts';
import { Component, StrictMode, useEffect } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { afterEach, vi } from 'vitest';
import { startedForFile } from '../../../core/src/__tests__/fixtures/startedForFile.js';
export { linkedTabs } from '../../../core/src/__tests__/fixtures/linkedTabs.js';

export const WEB_ROLE = 'fedcreds-demo-web';
export const BUCKET = 'fedcreds-demo';

/**
 * The file's dev stack: started before its first test, stopped after its last. After each test
 * whatever it left is undone: rendered trees unmounted, real timers back, no injected fault, empty
 * web storage.
 */
export function devstackForFile(): Devstack {
  const devstack = startedForFile('devstack', () => startDevstack({ ephemeralPorts: true }));
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    devstack.faults.sts.clear();
    devstack.faults.oidc.clear();
    sessionStorage.clear();
    localStorage.clear();
  });
  return devstack;
}

/** Fakes timers and `Date` from now on; promises and I/O stay real, so the dev stack answers. */
export function fakeTimers(): void {
  vi.useFakeTimers({
    now: Date.now(),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

/** `ui` as an app mounts it: under StrictMode, inside a provider of `session`. */
export function inProvider(session: FederatedSession, ui: ReactNode): ReactElement {
  return (
    <StrictMode>
      <AwsCredentialsProvider session={session}>{ui}</AwsCredentialsProvider>
    </StrictMode>
  );
}

/** Renders `ui` as an app mounts it (see {@link inProvider}). */
export function renderInProvider(session: FederatedSession, ui: ReactNode): RenderResult {
  return render(inProvider(session, ui));
}

/** The IdP settings of the demo's SPA client, redirecting back to the page's origin. */
export function oidcSettings(devstack: Devstack): OidcClientSettings {
  return {
    authority: devstack.urls.oidc,
    client_id: DEMO_CLIENT_ID,
    redirect_uri: `${location.origin}/`,
    scope: 'openid profile offline_access',
  };
}

/** S3 client configuration for the stack's gateway. */
export function s3Config(devstack: Devstack) {
  return { region: 'us-east-1', endpoint: devstack.urls.s3, forcePathStyle: true };
}

/** Makes STS refuse the next AssumeRoleWithWebIdentity for good (AccessDenied). */
export function denyNextWebIdentity(devstack: Devstack): void {
  devstack.faults.sts.failNext({
    code: 'AccessDenied',
    status: 403,
    action: 'AssumeRoleWithWebIdentity',
  });
}

/** A web-identity session over the stack's STS, its ID tokens minted by the stack's IdP. */
export async function webIdentitySession(
  devstack: Devstack,
  {
    params,
    clientConfig,
    ...options
  }: Partial<Omit<FederatedSessionOptions, 'credentials'>> & {
    tokenSource?: TokenSource;
    /** STS parameters besides `RoleArn` and the token, e.g. `DurationSeconds`. */
    params?: { DurationSeconds?: number };
    /** STS client configuration besides endpoint and region, e.g. a `requestHandler`. */
    clientConfig?: ConstructorParameters<typeof WebIdentityCredentials>[1];
  } = {},
): Promise<FederatedSession> {
  return createFederatedSession({
    credentials: new WebIdentityCredentials(
      // A first token (the constructor checks it); the session puts a fresh one here before every STS call.
      {
        RoleArn: devstack.roleArn(WEB_ROLE),
        WebIdentityToken: await devstack.oidc.mintIdToken({ sub: 'alice' }),
        RoleSessionName: 'alice',
        ...params,
      },
      {
        endpoint: devstack.urls.sts,
        region: devstack.config.region,
        maxAttempts: 1,
        ...clientConfig,
      },
    ),
    tokenSource: callbackTokenSource(() => devstack.oidc.mintIdToken({ sub: 'alice' })),
    environment: null,
    ...options,
  });
}

/** STS calls of one action so far. */
export function stsCalls(devstack: Devstack, action = 'AssumeRoleWithWebIdentity'): number {
  return devstack.stats().sts.byAction[action] ?? 0;
}

/** Tokens the stack's IdP granted so far, of one grant type. */
export function tokenGrants(
  devstack: Devstack,
  grantType: 'authorization_code' | 'refresh_token',
): number {
  return devstack.stats().oidc.tokenGrants[grantType] ?? 0;
}

/** Resolves with the first snapshot that satisfies `predicate` (now or later). */
export function until(
  session: FederatedSession,
  predicate: (snapshot: SessionSnapshot) => boolean,
): Promise<SessionSnapshot> {
  return new Promise((resolve) => {
    const first = session.getSnapshot();
    if (predicate(first)) return resolve(first);
    const unsubscribe = session.subscribe(() => {
      const snapshot = session.getSnapshot();
      if (!predicate(snapshot)) return;
      unsubscribe();
      resolve(snapshot);
    });
  });
}

export const untilStatus = (session: FederatedSession, status: SessionSnapshot['status']) =>
  until(session, (snapshot) => snapshot.status === status);

/**
 * Counts a component's committed renders (a dependency-less effect runs once per commit; StrictMode
 * runs it twice on mount only) and its render calls (StrictMode calls each render twice).
 */
export class RenderLog {
  readonly commits = new Map<string, number>();
  readonly calls = new Map<string, number>();
  readonly values = new Map<string, unknown[]>();

  commitsOf(name: string): number {
    return this.commits.get(name) ?? 0;
  }
  callsOf(name: string): number {
    return this.calls.get(name) ?? 0;
  }
  valuesOf(name: string): unknown[] {
    return this.values.get(name) ?? [];
  }
  /** Commits of every name since `before` (a {@link RenderLog.snapshot}). */
  commitsSince(before: Map<string, number>): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [name, count] of this.commits) result[name] = count - (before.get(name) ?? 0);
    return result;
  }
  snapshot(): Map<string, number> {
    return new Map(this.commits);
  }
}

/** Records a component's renders and, per commit, `value` in `log`. */
export function useRenderLog(log: RenderLog, name: string, value?: unknown): void {
  log.calls.set(name, log.callsOf(name) + 1);
  useEffect(() => {
    log.commits.set(name, log.commitsOf(name) + 1);
    const values = log.values.get(name) ?? [];
    log.values.set(name, values);
    if (values.length === 0 || !Object.is(values[values.length - 1], value)) values.push(value);
  });
}

/** Renders `fallback(error)` for anything thrown below it. */
export class ErrorBoundary extends Component<
  { fallback: (error: unknown) => ReactNode; children?: ReactNode },
  { error: unknown }
> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error === undefined
      ? this.props.children
      : this.props.fallback(this.state.error);
  }
}

/**
 * Does what a user does after `signinRedirect()`: starts an authorization request (its state
 * stored where the app's UserManager will look for it), signs in at the stack's IdP with a
 * password, and returns the redirect back to the app, carrying `code` and `state`.
 */
export async function signInAtIdp(
  settings: OidcClientSettings,
  user = { username: 'alice', password: 'alice-password' },
): Promise<string> {
  // Tagged as a redirect sign-in ('si:r'), as UserManager.signinRedirect() does: the core
  // completes it with signinCallback, which refuses a state without its request type.
  const request = await new OidcClient(settings).createSigninRequest({ request_type: 'si:r' });
  return loginAtIdp(request.url, user);
}

/**
 * Follows an authorization URL the app navigated to (its state already stored by the app's
 * UserManager), signs in with a password, and returns the redirect back to the app.
 */
export async function loginAtIdp(
  authorizeUrl: string,
  user = { username: 'alice', password: 'alice-password' },
): Promise<string> {
  const script = join(import.meta.dirname, 'scriptedLogin.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', script, authorizeUrl, user.username, user.password],
    { cwd: import.meta.dirname },
  );
  return stdout;
}
