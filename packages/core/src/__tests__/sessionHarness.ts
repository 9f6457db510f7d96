// Shared by the session, token source and OIDC tests (not a test file itself): simulated time
// that leaves the network real, a dev stack whose STS runs on that time, and small helpers.
import type { STSClientConfig } from '@aws-sdk/client-sts';
import {
  SAMLCredentials,
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
  type EnvironmentSignal,
  type FederatedSession,
  type FederatedSessionOptions,
  type SessionEnvironment,
  type SessionEventMap,
  type SessionSnapshot,
  type TimerProvider,
  type TokenSource,
} from '@fedcreds/core';
import { startDevstack, type Devstack, type StartDevstackOptions } from '@fedcreds/devstack';
import { beforeEach } from 'vitest';
import { standIn, startedForFile } from './fixtures/startedForFile.js';

export const WEB_ROLE = 'fedcreds-demo-web';
export const SAML_ROLE = 'fedcreds-demo-saml';
export const CHAINED_ROLE = 'fedcreds-demo-chained';
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock and timers that move only when told to. Injected into sessions (and the dev stack's
 * STS), so hours pass in milliseconds while HTTP to 127.0.0.1 stays real — global fake timers
 * would freeze the SDK's HTTP handler too.
 */
export class FakeTime {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, FakeTimer>();

  constructor(startMs = Math.floor(Date.now() / 1000) * 1000) {
    this.#now = startMs;
  }

  readonly clock = { now: (): number => this.#now };
  /** The same clock as a function, the dev stack's shape. */
  readonly now = (): number => this.#now;

  readonly timers: TimerProvider = {
    setTimeout: (callback, delayMs) => {
      const seq = ++this.#seq;
      this.#timers.set(seq, { at: this.#now + Math.max(0, delayMs), seq, callback });
      return seq;
    },
    clearTimeout: (handle) => {
      this.#timers.delete(handle as number);
    },
  };

  /** Timers still waiting. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order; after each one (and at the end)
   * waits for `settle`, e.g. for the HTTP request a timer started to finish.
   */
  async advance(ms: number, settle: () => Promise<void> = flush): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.#timers.values()) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        ) {
          next = timer;
        }
      }
      if (!next) break;
      this.#timers.delete(next.seq);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /**
   * The laptop sleeps for `ms`: the clock jumps, and timers, paused meanwhile, still have the
   * delay they had left.
   */
  sleep(ms: number): void {
    this.#now += ms;
    for (const timer of this.#timers.values()) timer.at += ms;
  }

  /** The local clock is set `ms` ahead (or back) without anything else moving. */
  jump(ms: number): void {
    this.#now += ms;
  }
}

/** Lets promise callbacks and already-arrived I/O run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits (in real time, for real I/O) until `predicate` holds; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await flush();
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('until: condition not met in time');
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

/** A settle function for {@link FakeTime.advance}: waits until no session refresh is in flight. */
export function idle(...sessions: FederatedSession[]): () => Promise<void> {
  return () => until(() => sessions.every((s) => !s.getSnapshot().isRefreshing));
}

/**
 * A dev stack on ephemeral ports whose STS, SAML IdP and gateway run on `clock` (e.g.
 * `() => time.now()` of the current test's {@link FakeTime}).
 */
export function startStack(
  clock: (() => number) | null,
  options: StartDevstackOptions = {},
): Promise<Devstack> {
  return startDevstack({ ephemeralPorts: true, ...(clock && { clock }), ...options });
}

/**
 * The file's dev stack ({@link startStack}): started before its first test, stopped after its
 * last, its STS faults cleared before each test so one test's leftover fault cannot hit the next.
 */
export function stackForFile(
  clock: (() => number) | null,
  options: StartDevstackOptions = {},
): Devstack {
  const devstack = startedForFile('devstack', () => startStack(clock, options));
  beforeEach(() => devstack.faults.sts.clear());
  return devstack;
}

/** A {@link FakeTime} of its own for every test; what this returns is the current test's. */
export function fakeTimePerTest(): FakeTime {
  let current = new FakeTime();
  beforeEach(() => {
    current = new FakeTime();
  });
  return standIn('time', () => current);
}

/** The session tests' setting: fresh simulated time per test, and the file's stack running on it. */
export function timedStackForFile(): { devstack: Devstack; time: FakeTime } {
  const time = fakeTimePerTest();
  return { devstack: stackForFile(() => time.now()), time };
}

export function stsConfig(devstack: Devstack, extra: STSClientConfig = {}): STSClientConfig {
  return { endpoint: devstack.urls.sts, region: devstack.config.region, maxAttempts: 1, ...extra };
}

/** STS calls of `action` so far. */
export function stsCalls(devstack: Devstack, action = 'AssumeRoleWithWebIdentity'): number {
  return devstack.stats().sts.byAction[action] ?? 0;
}

/** An ID token from the stack's IdP, issued now on `time`'s clock. */
export function mintIdToken(
  devstack: Devstack,
  time: FakeTime | null,
  expiresInSeconds = 3600,
  sub = 'alice',
): Promise<string> {
  return devstack.oidc.mintIdToken({
    sub,
    expiresInSeconds,
    ...(time && { issuedAt: Math.floor(time.now() / 1000) }),
  });
}

/** A token source minting ID tokens from the stack's IdP, counting its calls. */
export function countingTokenSource(
  devstack: Devstack,
  time: FakeTime | null,
  expiresInSeconds = 3600,
): TokenSource & { calls: { forced: number; cached: number } } {
  const calls = { forced: 0, cached: 0 };
  const source = callbackTokenSource(({ forceRefresh }) => {
    if (forceRefresh) calls.forced += 1;
    else calls.cached += 1;
    return mintIdToken(devstack, time, expiresInSeconds);
  });
  return Object.assign(source, { calls });
}

/** Web identity credentials for the stack's web role, with an initial token. */
export async function webIdentityCredentials(
  devstack: Devstack,
  time: FakeTime | null,
  params: { DurationSeconds?: number } = {},
  config: STSClientConfig = {},
): Promise<WebIdentityCredentials> {
  return new WebIdentityCredentials(
    {
      RoleArn: devstack.roleArn(WEB_ROLE),
      RoleSessionName: 'alice',
      WebIdentityToken: await mintIdToken(devstack, time),
      ...params,
    },
    stsConfig(devstack, config),
  );
}

/** SAML credentials for the stack's SAML role, with an initial assertion. */
export async function samlCredentials(devstack: Devstack): Promise<SAMLCredentials> {
  return new SAMLCredentials(
    {
      RoleArn: devstack.roleArn(SAML_ROLE),
      PrincipalArn: devstack.samlProviderArn,
      SAMLAssertion: await devstack.saml.issueAssertion({ username: 'alice' }),
    },
    stsConfig(devstack),
  );
}

/** A session over `time` with no browser environment, unless the options say otherwise. */
export function timedSession(time: FakeTime, options: FederatedSessionOptions): FederatedSession {
  return createFederatedSession({
    clock: time.clock,
    timers: time.timers,
    environment: null,
    random: () => 0.5,
    ...options,
  });
}

/** Every event a session emits, in order. */
export function recordEvents(
  session: FederatedSession,
): { type: keyof SessionEventMap; event: unknown }[] {
  const log: { type: keyof SessionEventMap; event: unknown }[] = [];
  const types: (keyof SessionEventMap)[] = [
    'refreshed',
    'expiring',
    'expired',
    'token-expiring',
    'reauth-required',
    'error',
    'signed-out',
    'identity-changed',
  ];
  for (const type of types) session.on(type, (event) => log.push({ type, event }));
  return log;
}

/** Every distinct snapshot a session goes through. */
export function recordSnapshots(session: FederatedSession): SessionSnapshot[] {
  const log: SessionSnapshot[] = [session.getSnapshot()];
  session.subscribe(() => log.push(session.getSnapshot()));
  return log;
}

/** An environment the test fires by hand. */
export function manualEnvironment(): SessionEnvironment & {
  emit(signal: EnvironmentSignal): void;
  listeners: number;
} {
  const listeners = new Set<(signal: EnvironmentSignal) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(signal) {
      for (const listener of [...listeners]) listener(signal);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

/** The rejection of `promise` (fails if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
