/**
 * The `Credentials` base class: v2's constructor forms and expiry rules for fixed keys, and the
 * single-flight refresh machinery a subclass gets by overriding `load()` — here a subclass that
 * calls the devstack's real STS (GetSessionToken) with the real STSClient.
 */
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  Credentials,
  MissingCredentialsError,
  protectIdentity,
  type CredentialsCallOptions,
  type LoadedCredentials,
} from '@fedcreds/core';
import { credentialsStackForFile } from './fixtures/credentialsStack.js';

const stack = credentialsStackForFile();

/** A user-written subclass: session-token credentials for the devstack's ci-user. */
class SessionTokenCredentials extends Credentials {
  readonly client = new STSClient({
    ...stack.stsConfig,
    credentials: {
      accessKeyId: stack.ciUser.accessKeyId,
      secretAccessKey: stack.ciUser.secretAccessKey,
    },
  });
  loads = 0;

  protected override async load({ signal }: CredentialsCallOptions): Promise<LoadedCredentials> {
    this.loads += 1;
    const out = await this.client.send(
      new GetSessionTokenCommand({}),
      signal ? { abortSignal: signal } : {},
    );
    return {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken,
      expireTime: out.Credentials!.Expiration ?? null,
    };
  }
}

/** A subclass whose loads the test settles by hand, to order them. */
class ManualCredentials extends Credentials {
  readonly pending: { resolve(value: LoadedCredentials): void; reject(err: unknown): void }[] = [];
  protected override load(): Promise<LoadedCredentials> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
}
const keys = (n: number): LoadedCredentials => ({
  accessKeyId: `ASIAKEY${n}`,
  secretAccessKey: `secret-${n}`,
  sessionToken: `token-${n}`,
  expireTime: new Date(Date.now() + 3600_000),
});

describe('Credentials', () => {
  it('takes an options object or v2 positional arguments', () => {
    const fromOptions = new Credentials({
      accessKeyId: 'AKIA1',
      secretAccessKey: 's1',
      sessionToken: 't1',
    });
    const positional = new Credentials('AKIA2', 's2', 't2');
    expect([
      fromOptions.accessKeyId,
      fromOptions.secretAccessKey,
      fromOptions.sessionToken,
    ]).toEqual(['AKIA1', 's1', 't1']);
    expect([positional.accessKeyId, positional.secretAccessKey, positional.sessionToken]).toEqual([
      'AKIA2',
      's2',
      't2',
    ]);
    expect(positional.expireTime).toBeNull();
    expect(positional.expired).toBe(false);
    expect(positional.expiryWindow).toBe(15);
  });

  it('needs no refresh with keys and no expiry; needs one without keys or when expired is set', () => {
    expect(new Credentials('AKIA', 's').needsRefresh()).toBe(false);
    expect(new Credentials().needsRefresh()).toBe(true);
    expect(new Credentials({ accessKeyId: 'AKIA' }).needsRefresh()).toBe(true);
    const creds = new Credentials('AKIA', 's');
    creds.expired = true;
    expect(creds.needsRefresh()).toBe(true);
  });

  it('counts expiryWindow seconds before expireTime as expired', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const creds = new Credentials({
      accessKeyId: 'AKIA',
      secretAccessKey: 's',
      expireTime: new Date('2030-01-01T01:00:00Z'),
    });
    vi.setSystemTime(new Date('2030-01-01T00:59:40Z')); // window + 5 s before
    expect(creds.needsRefresh()).toBe(false);
    vi.setSystemTime(new Date('2030-01-01T00:59:46Z')); // inside the 15 s window
    expect(creds.needsRefresh()).toBe(true);
  });

  it('fixed keys: getPromise resolves with them, refresh clears expired (as v2 does)', async () => {
    const creds = new Credentials('AKIAFIXED', 'fixed-secret');
    await expect(creds.getPromise()).resolves.toEqual({
      accessKeyId: 'AKIAFIXED',
      secretAccessKey: 'fixed-secret',
    });
    creds.expired = true;
    await new Promise<void>((resolve, reject) =>
      creds.refresh((err) => (err ? reject(err) : resolve())),
    );
    expect(creds.expired).toBe(false);
  });

  it('without keys, get() calls back with MissingCredentialsError and getPromise rejects with it', async () => {
    const creds = new Credentials();
    const err = await new Promise((resolve) => creds.get(resolve));
    expect(err).toBeInstanceOf(MissingCredentialsError);
    await expect(creds.getPromise()).rejects.toBeInstanceOf(MissingCredentialsError);
  });

  it('reflects keys assigned directly to its properties (v2 code does this)', async () => {
    const creds = new Credentials('AKIAOLD', 'old');
    await creds.getPromise();
    creds.accessKeyId = 'AKIANEW';
    creds.secretAccessKey = 'new';
    await expect(creds.getPromise()).resolves.toEqual({
      accessKeyId: 'AKIANEW',
      secretAccessKey: 'new',
    });
  });

  it('never prints the secret or the session token', () => {
    const creds = new Credentials('AKIAPRINT', 'print-secret-value', 'print-session-token');
    for (const text of [
      JSON.stringify(creds),
      String(creds),
      inspect(creds, { depth: Infinity }),
      inspect([creds]),
    ]) {
      expect(text).toContain('AKIAPRINT');
      expect(text).not.toContain('print-secret-value');
      expect(text).not.toContain('print-session-token');
    }
  });

  describe('toProvider()', () => {
    it('resolves like getPromise, and refreshes when the SDK asks forceRefresh', async () => {
      const creds = new SessionTokenCredentials();
      const provider = creds.toProvider();
      const first = await provider();
      expect(await provider()).toBe(first);
      expect(creds.loads).toBe(1);
      const forced = await provider({ forceRefresh: true });
      expect(creds.loads).toBe(2);
      expect(forced.accessKeyId).not.toBe(first.accessKeyId);
    });
  });

  describe('a subclass overriding load()', () => {
    it('gets single-flight refreshes against the real STS', async () => {
      const creds = new SessionTokenCredentials();
      const before = stack.stsCalls('GetSessionToken');
      const identities = await Promise.all([
        creds.getPromise(),
        creds.getPromise(),
        creds.refreshPromise(),
      ]);
      expect(stack.stsCalls('GetSessionToken')).toBe(before + 1);
      expect(new Set(identities).size).toBe(1);
      expect(creds.accessKeyId).toMatch(/^ASIA/);
      expect(creds.expireTime).toBeInstanceOf(Date);
    });

    it('maps failures of load() to FedcredsErrors', async () => {
      const creds = new SessionTokenCredentials();
      stack.sts.faults.failNext({ action: 'GetSessionToken', code: 'Throttling' });
      await expect(creds.getPromise()).rejects.toMatchObject({
        code: 'ERR_STS_THROTTLED',
        retryable: true,
      });
    });

    it('passes the signal to load(), so aborting cancels the STS request', async () => {
      const creds = new SessionTokenCredentials();
      stack.sts.faults.failNext({ action: 'GetSessionToken', hang: true });
      const before = stack.stsCalls('GetSessionToken');
      const controller = new AbortController();
      const call = creds.getPromise({ signal: controller.signal });
      await vi.waitFor(() => expect(stack.stsCalls('GetSessionToken')).toBe(before + 1));
      controller.abort();
      await expect(call).rejects.toBeInstanceOf(AbortedError);
    });

    it('an aborted call whose load answers late never overwrites a newer result', async () => {
      const creds = new ManualCredentials();
      const controller = new AbortController();
      const first = creds.refreshPromise({ signal: controller.signal });
      controller.abort();
      await expect(first).rejects.toBeInstanceOf(AbortedError);
      const second = creds.refreshPromise();
      expect(creds.pending).toHaveLength(2);
      creds.pending[1]!.resolve(keys(2));
      await expect(second).resolves.toMatchObject({ accessKeyId: 'ASIAKEY2' });
      creds.pending[0]!.resolve(keys(1));
      await Promise.resolve();
      await expect(creds.getPromise()).resolves.toMatchObject({ accessKeyId: 'ASIAKEY2' });
      expect(creds.accessKeyId).toBe('ASIAKEY2');
    });

    it('starts a new load after a failure, and rejects synchronously-throwing loads as errors', async () => {
      const creds = new ManualCredentials();
      const first = creds.refreshPromise();
      creds.pending[0]!.reject(new Error('boom'));
      await expect(first).rejects.toMatchObject({ code: 'ERR_STS' });
      const second = creds.refreshPromise();
      expect(creds.pending).toHaveLength(2);
      creds.pending[1]!.resolve(keys(3));
      await expect(second).resolves.toMatchObject({ accessKeyId: 'ASIAKEY3' });

      class Throwing extends Credentials {
        protected override load(): Promise<LoadedCredentials> {
          throw new MissingCredentialsError('nothing to load');
        }
      }
      const throwing = new Throwing();
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = throwing.refreshPromise();
      }).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(MissingCredentialsError);
    });
  });
});

describe('protectIdentity', () => {
  it('returns a frozen, spreadable copy whose JSON and inspect output redact the secrets', () => {
    const expiration = new Date('2030-01-01T00:00:00Z');
    const identity = protectIdentity({
      accessKeyId: 'ASIAX',
      secretAccessKey: 'sk-secret',
      sessionToken: 'st-secret',
      expiration,
    });
    expect(Object.isFrozen(identity)).toBe(true);
    expect({ ...identity }).toEqual({
      accessKeyId: 'ASIAX',
      secretAccessKey: 'sk-secret',
      sessionToken: 'st-secret',
      expiration,
    });
    expect(Object.keys(identity)).toEqual([
      'accessKeyId',
      'secretAccessKey',
      'sessionToken',
      'expiration',
    ]);
    expect(JSON.parse(JSON.stringify(identity))).toEqual({
      accessKeyId: 'ASIAX',
      secretAccessKey: '[redacted]',
      sessionToken: '[redacted]',
      expiration: expiration.toISOString(),
    });
    const printed = inspect({ identity }, { depth: Infinity });
    expect(printed).not.toContain('sk-secret');
    expect(printed).not.toContain('st-secret');
    expect(printed).toContain('ASIAX');
  });
});
