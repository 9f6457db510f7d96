/**
 * Issue 2's "Behaviour every class must show", items 1–7, run against the devstack's STS for each
 * STS-backed class. Item 8 (SDK clients) is in provider.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  ChainableTemporaryCredentials,
  Credentials,
  FedcredsError,
  InvalidParameterError,
  NetworkError,
  SAMLCredentials,
  StsError,
  TimeoutError,
  WebIdentityCredentials,
  type FedcredsErrorCode,
  type StsCredentials,
} from '@fedcreds/core';
import { credentialsStackForFile, type CredentialsStack } from './fixtures/credentialsStack.js';

type AnyStsCredentials = StsCredentials<object, object>;

interface Kind {
  name: string;
  /** STS action a refresh calls. */
  action: string;
  /** Builds a fresh instance; `params` is frozen so any mutation would throw. */
  create(stack: CredentialsStack, config?: STSClientConfig): Promise<AnyStsCredentials>;
  /** Valid-shaped params with one bad value, and the parameter the error must name. */
  invalid: [label: string, patch: Record<string, unknown>, parameter: string][];
  /** Changes `creds.params` so the next refresh differs visibly; returns what to look for in `data`. */
  update(
    stack: CredentialsStack,
    creds: AnyStsCredentials,
  ): Promise<(creds: AnyStsCredentials) => void>;
  /** Secret values of the request, which must never be printed. */
  requestSecrets(creds: AnyStsCredentials, stack: CredentialsStack): string[];
}

const frozen = <T extends object>(value: T): T => Object.freeze(structuredClone(value));

const LONG_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'x'.repeat(2100) }],
});
const ELEVEN_POLICIES = Array.from({ length: 11 }, (_, i) => ({
  arn: `arn:aws:iam::123456789012:policy/p${i}`,
}));
const READ_ONLY = { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
// A hole at index 1: forEach and every() skip holes, so a check written with them passes it.
const SPARSE_POLICIES = [READ_ONLY];
SPARSE_POLICIES[2] = READ_ONLY;
const COMMON_INVALID: Kind['invalid'] = [
  ['a malformed RoleArn', { RoleArn: 'arn:aws:iam::123:role/x' }, 'RoleArn'],
  ['a RoleArn of a user', { RoleArn: 'arn:aws:iam::123456789012:user/x' }, 'RoleArn'],
  [
    'a RoleArn with an empty path segment',
    { RoleArn: 'arn:aws:iam::123456789012:role//x' },
    'RoleArn',
  ],
  ['a RoleArn with no role name', { RoleArn: 'arn:aws:iam::123456789012:role/team/' }, 'RoleArn'],
  [
    'a RoleArn of an unknown partition',
    { RoleArn: 'arn:aws-moon:iam::123456789012:role/x' },
    'RoleArn',
  ],
  ['a sparse PolicyArns', { PolicyArns: SPARSE_POLICIES }, 'PolicyArns[1]'],
  [
    'a PolicyArns entry of an unknown partition',
    { PolicyArns: [{ arn: 'arn:aws-moon:iam::aws:policy/ReadOnlyAccess' }] },
    'PolicyArns[0].arn',
  ],
  ['DurationSeconds below 900', { DurationSeconds: 899 }, 'DurationSeconds'],
  ['DurationSeconds above 43200', { DurationSeconds: 43201 }, 'DurationSeconds'],
  ['a fractional DurationSeconds', { DurationSeconds: 1000.5 }, 'DurationSeconds'],
  ['11 PolicyArns', { PolicyArns: ELEVEN_POLICIES }, 'PolicyArns'],
  [
    'a PolicyArns entry that is not a policy ARN',
    { PolicyArns: [{ arn: 'arn:aws:iam::123456789012:role/r' }] },
    'PolicyArns[0].arn',
  ],
  ['a Policy over 2048 characters', { Policy: LONG_POLICY }, 'Policy'],
  ['a Policy that is not JSON', { Policy: '{Version:' }, 'Policy'],
];

const webIdentity: Kind = {
  name: 'WebIdentityCredentials',
  action: 'AssumeRoleWithWebIdentity',
  async create(stack, config) {
    const params = frozen({
      RoleArn: stack.roleArn('fedcreds-demo-web'),
      WebIdentityToken: await stack.oidc.mintIdToken({ sub: 'alice' }),
    });
    return new WebIdentityCredentials(
      params,
      config ?? stack.stsConfig,
    ) as unknown as AnyStsCredentials;
  },
  invalid: [
    ...COMMON_INVALID,
    ['an empty WebIdentityToken', { WebIdentityToken: '' }, 'WebIdentityToken'],
    [
      'a WebIdentityToken that is not a JWT',
      { WebIdentityToken: 'not-a-jwt-at-all' },
      'WebIdentityToken',
    ],
    [
      'a JWT whose payload is not JSON',
      { WebIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln' },
      'WebIdentityToken',
    ],
    ['a RoleSessionName with a space', { RoleSessionName: 'two words' }, 'RoleSessionName'],
    ['a one-character RoleSessionName', { RoleSessionName: 'a' }, 'RoleSessionName'],
    ['a ProviderId with spaces', { ProviderId: 'www amazon com' }, 'ProviderId'],
  ],
  async update(stack, creds) {
    (creds.params as { WebIdentityToken: string }).WebIdentityToken = await stack.oidc.mintIdToken({
      sub: 'bob',
    });
    return (c) =>
      expect((c.data as { SubjectFromWebIdentityToken?: string }).SubjectFromWebIdentityToken).toBe(
        'bob',
      );
  },
  requestSecrets: (creds) => [(creds.params as { WebIdentityToken: string }).WebIdentityToken],
};

const saml: Kind = {
  name: 'SAMLCredentials',
  action: 'AssumeRoleWithSAML',
  async create(stack, config) {
    const params = frozen({
      RoleArn: stack.roleArn('fedcreds-demo-saml-readonly'),
      PrincipalArn: stack.samlProviderArn,
      SAMLAssertion: await stack.saml.issueAssertion({ username: 'alice' }),
    });
    return new SAMLCredentials(params, config ?? stack.stsConfig) as unknown as AnyStsCredentials;
  },
  invalid: [
    ...COMMON_INVALID,
    [
      'a PrincipalArn that is a role',
      { PrincipalArn: 'arn:aws:iam::123456789012:role/idp' },
      'PrincipalArn',
    ],
    [
      'a PrincipalArn of an unknown partition',
      { PrincipalArn: 'arn:aws-moon:iam::123456789012:saml-provider/idp' },
      'PrincipalArn',
    ],
    ['a missing SAMLAssertion', { SAMLAssertion: undefined }, 'SAMLAssertion'],
    ['a SAMLAssertion that is not base64', { SAMLAssertion: '<<not base64>>' }, 'SAMLAssertion'],
    [
      'a SAMLAssertion that is base64 of text',
      { SAMLAssertion: btoa('just some text, not XML') },
      'SAMLAssertion',
    ],
  ],
  async update(stack, creds) {
    (creds.params as { SAMLAssertion: string }).SAMLAssertion = await stack.saml.issueAssertion({
      username: 'bob',
    });
    return (c) => expect((c.data as { Subject?: string }).Subject).toBe('bob');
  },
  requestSecrets: (creds) => [(creds.params as { SAMLAssertion: string }).SAMLAssertion],
};

const chainableAssumeRole: Kind = {
  name: 'ChainableTemporaryCredentials (AssumeRole)',
  action: 'AssumeRole',
  async create(stack, config) {
    const params = frozen({ RoleArn: stack.roleArn('fedcreds-demo-chained') });
    return new ChainableTemporaryCredentials({
      params,
      masterCredentials: new Credentials(stack.ciUser.accessKeyId, stack.ciUser.secretAccessKey),
      stsConfig: config ?? stack.stsConfig,
    }) as unknown as AnyStsCredentials;
  },
  invalid: [
    ...COMMON_INVALID,
    ['a RoleSessionName with a slash', { RoleSessionName: 'a/b' }, 'RoleSessionName'],
    ['a malformed SerialNumber', { SerialNumber: 'short', TokenCode: '123456' }, 'SerialNumber'],
    [
      'a TokenCode of letters',
      { SerialNumber: 'arn:aws:iam::123456789012:mfa/ci-user', TokenCode: 'abcdef' },
      'TokenCode',
    ],
    ['an ExternalId with spaces', { ExternalId: 'has spaces' }, 'ExternalId'],
  ],
  async update(_stack, creds) {
    (creds.params as { RoleSessionName: string }).RoleSessionName = 'renamed-session';
    return (c) =>
      expect((c.data as { AssumedRoleUser?: { Arn?: string } }).AssumedRoleUser?.Arn).toMatch(
        /\/renamed-session$/,
      );
  },
  requestSecrets: (_creds, stack) => [stack.ciUser.secretAccessKey],
};

const chainableSessionToken: Kind = {
  name: 'ChainableTemporaryCredentials (GetSessionToken)',
  action: 'GetSessionToken',
  async create(stack, config) {
    const { accessKeyId, secretAccessKey } = stack.ciUser;
    return new ChainableTemporaryCredentials({
      params: frozen({ DurationSeconds: 3600 }),
      // An SDK v3 provider as master.
      masterCredentials: () => Promise.resolve({ accessKeyId, secretAccessKey }),
      stsConfig: config ?? stack.stsConfig,
    }) as unknown as AnyStsCredentials;
  },
  invalid: [
    ['DurationSeconds below 900', { DurationSeconds: 600 }, 'DurationSeconds'],
    ['DurationSeconds above 129600', { DurationSeconds: 129601 }, 'DurationSeconds'],
    ['a malformed SerialNumber', { SerialNumber: 'x', TokenCode: '123456' }, 'SerialNumber'],
  ],
  async update(_stack, creds) {
    // Frozen clock: the expiry STS computes is exactly now + DurationSeconds.
    vi.useFakeTimers({ toFake: ['Date'] });
    (creds.params as { DurationSeconds: number }).DurationSeconds = 1800;
    return (c) => {
      const lifetimeMs = (c.expireTime?.getTime() ?? 0) - Date.now();
      expect(lifetimeMs).toBeGreaterThan(1799_000);
      expect(lifetimeMs).toBeLessThanOrEqual(1800_000);
    };
  },
  requestSecrets: (_creds, stack) => [stack.ciUser.secretAccessKey],
};

const KINDS = [webIdentity, saml, chainableAssumeRole, chainableSessionToken];

/** A constructor call of the same class with `patch` applied to valid params, the way a caller would. */
async function constructorWith(
  kind: Kind,
  stack: CredentialsStack,
  patch: Record<string, unknown>,
): Promise<() => unknown> {
  const valid = await kind.create(stack);
  const params = { ...valid.params, ...patch };
  if (valid instanceof WebIdentityCredentials) {
    return () => new WebIdentityCredentials(params as never, stack.stsConfig);
  }
  if (valid instanceof SAMLCredentials) {
    return () => new SAMLCredentials(params as never, stack.stsConfig);
  }
  const chainable = valid as unknown as ChainableTemporaryCredentials;
  return () =>
    new ChainableTemporaryCredentials({
      params,
      masterCredentials: chainable.masterCredentials,
      tokenCodeFn: () => Promise.resolve('123456'),
      stsConfig: stack.stsConfig,
    });
}

function collectUnhandled(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/** Lets Node report any unhandled rejection (it does so after the microtask queue drains). */
const settleEvents = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

const stack = credentialsStackForFile();
afterEach(() => {
  vi.unstubAllGlobals();
});

describe.each(KINDS)('$name', (kind) => {
  const calls = () => stack.stsCalls(kind.action);

  describe('1. needsRefresh()', () => {
    it('is true before the first refresh (no keys), then false', async () => {
      const creds = await kind.create(stack);
      expect(creds.accessKeyId).toBe('');
      expect(creds.needsRefresh()).toBe(true);
      await creds.getPromise();
      expect(creds.accessKeyId).toMatch(/^ASIA/);
      expect(creds.needsRefresh()).toBe(false);
    });

    it('turns true inside the expiry window and stays false at window + 5 s', async () => {
      const creds = await kind.create(stack);
      await creds.getPromise();
      const expiresAt = creds.expireTime!.getTime();
      expect(creds.expiryWindow).toBe(15);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(expiresAt - 20_000);
      expect(creds.needsRefresh()).toBe(false);
      vi.setSystemTime(expiresAt - 14_000);
      expect(creds.needsRefresh()).toBe(true);
      creds.expiryWindow = 60;
      vi.setSystemTime(expiresAt - 65_000);
      expect(creds.needsRefresh()).toBe(false);
      vi.setSystemTime(expiresAt - 59_000);
      expect(creds.needsRefresh()).toBe(true);
    });

    it('is forced by expired = true; the refresh that follows clears it', async () => {
      const creds = await kind.create(stack);
      await creds.getPromise();
      const before = calls();
      const oldKey = creds.accessKeyId;
      creds.expired = true;
      expect(creds.needsRefresh()).toBe(true);
      await new Promise<void>((resolve, reject) =>
        creds.get((err) => (err ? reject(err) : resolve())),
      );
      expect(calls()).toBe(before + 1);
      expect(creds.expired).toBe(false);
      expect(creds.accessKeyId).not.toBe(oldKey);
    });
  });

  describe('2. get() and refresh()', () => {
    it('get() calls STS only when needed; refresh() always does', async () => {
      const creds = await kind.create(stack);
      const before = calls();
      await creds.getPromise();
      await creds.getPromise();
      await new Promise<void>((resolve) => creds.get(() => resolve()));
      expect(calls()).toBe(before + 1);
      await new Promise<void>((resolve) => creds.refresh(() => resolve()));
      expect(calls()).toBe(before + 2);
      await creds.refreshPromise();
      expect(calls()).toBe(before + 3);
    });

    it('resolves with { accessKeyId, secretAccessKey, sessionToken, expiration } matching the properties', async () => {
      const creds = await kind.create(stack);
      const identity = await creds.getPromise();
      expect({ ...identity }).toMatchObject({
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        expiration: creds.expireTime,
      });
      expect(Object.isFrozen(identity)).toBe(true);
      expect(await creds.getPromise()).toBe(identity);
    });
  });

  describe('3. concurrency', () => {
    it('N concurrent get/getPromise/refresh/refreshPromise cause one STS request and settle alike', async () => {
      const creds = await kind.create(stack);
      const before = calls();
      const viaCallback = (method: 'get' | 'refresh') =>
        new Promise<FedcredsError | null>((resolve) => creds[method]((err) => resolve(err)));
      const results = await Promise.all([
        creds.getPromise(),
        creds.refreshPromise(),
        creds.getPromise(),
        creds.refreshPromise(),
        viaCallback('get'),
        viaCallback('refresh'),
        viaCallback('get'),
      ]);
      expect(calls()).toBe(before + 1);
      const identities = results.slice(0, 4) as AwsCredentialIdentity[];
      for (const identity of identities) expect(identity).toBe(identities[0]);
      expect(results.slice(4)).toEqual([null, null, null]);
    });

    it('shares one failure among concurrent callers, does not cache it, and leaves no unhandled rejection', async () => {
      const creds = await kind.create(stack);
      const unhandled = collectUnhandled();
      try {
        stack.sts.faults.failNext({ action: kind.action, code: 'Throttling' });
        const before = calls();
        const callbackErrors: (FedcredsError | null)[] = [];
        creds.get(); // no callback
        creds.refresh(); // no callback
        creds.get((err) => callbackErrors.push(err));
        const settled = await Promise.allSettled([
          creds.getPromise(),
          creds.refreshPromise(),
          creds.getPromise(),
        ]);
        await settleEvents();
        expect(calls()).toBe(before + 1);
        const reasons = settled.map((s) =>
          s.status === 'rejected' ? (s.reason as unknown) : s.value,
        );
        expect(reasons[0]).toBeInstanceOf(StsError);
        for (const reason of reasons) expect(reason).toBe(reasons[0]);
        expect(callbackErrors).toEqual([reasons[0]]);
        expect(unhandled.reasons).toEqual([]);

        await expect(creds.getPromise()).resolves.toMatchObject({
          accessKeyId: expect.stringMatching(/^ASIA/),
        });
        expect(calls()).toBe(before + 2);
      } finally {
        unhandled.stop();
      }
    });

    it('a waiter whose callback throws does not starve the others; its error is reported', async () => {
      const reported: unknown[] = [];
      vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
      const creds = await kind.create(stack);
      const boom = new Error('callback bug');
      const heard: string[] = [];
      const last = new Promise<void>((resolve) => {
        creds.get(() => {
          heard.push('first');
          throw boom;
        });
        creds.get(() => heard.push('second'));
        creds.refresh(() => {
          heard.push('third');
          resolve();
        });
      });
      await last;
      await settleEvents();
      expect(heard).toEqual(['first', 'second', 'third']);
      expect(reported).toEqual([boom]);
    });
  });

  describe("4. the caller's params", () => {
    it('are copied, not mutated, and an update of creds.params is used by the next refresh', async () => {
      const creds = await kind.create(stack);
      const original = creds.params;
      await creds.getPromise();
      const observe = await kind.update(stack, creds);
      await creds.refreshPromise();
      observe(creds);
      expect(creds.params).toBe(original);
    });

    it('the constructor works on a frozen params object (it never writes to it)', async () => {
      // create() freezes its params; building one and refreshing it must not throw.
      const creds = await kind.create(stack);
      await expect(creds.refreshPromise()).resolves.toBeDefined();
    });
  });

  describe('5. input checked before any request', () => {
    // A missing token is not a construction error: a federated session writes the token in
    // before every refresh. Refresh rejects it (the "set later" cases below).
    const invalidAtConstruction = kind.invalid.filter(
      ([, patch]) => !Object.values(patch).includes(undefined),
    );
    it.each(invalidAtConstruction)(
      '%s → InvalidParameterError naming it, at construction',
      async (_label, patch, parameter) => {
        const construct = await constructorWith(kind, stack, patch);
        const before = stack.stsCalls();
        let thrown: unknown;
        try {
          construct();
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(InvalidParameterError);
        expect((thrown as InvalidParameterError).parameter).toBe(parameter);
        expect(stack.stsCalls()).toBe(before);
      },
    );

    it.each(kind.invalid)(
      '%s → refresh rejects (no throw, no request) when set later',
      async (_label, patch, parameter) => {
        const creds = await kind.create(stack);
        Object.assign(creds.params, patch);
        const before = stack.stsCalls();
        let promise: Promise<unknown> | undefined;
        expect(() => {
          promise = creds.refreshPromise();
        }).not.toThrow();
        const err: unknown = await promise!.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidParameterError);
        expect((err as InvalidParameterError).parameter).toBe(parameter);
        expect(stack.stsCalls()).toBe(before);
      },
    );
  });

  describe('6. typed errors', () => {
    it.each<
      [wire: string, status: number | undefined, code: FedcredsErrorCode, retryable: boolean]
    >([
      ['ExpiredTokenException', undefined, 'ERR_STS_EXPIRED_TOKEN', false],
      ['ExpiredToken', undefined, 'ERR_STS_EXPIRED_TOKEN', false],
      ['InvalidIdentityToken', undefined, 'ERR_STS_INVALID_IDENTITY_TOKEN', false],
      ['IDPRejectedClaim', undefined, 'ERR_STS_IDP_REJECTED_CLAIM', false],
      ['IDPCommunicationError', undefined, 'ERR_STS_IDP_COMMUNICATION', true],
      ['AccessDenied', undefined, 'ERR_STS_ACCESS_DENIED', false],
      ['MalformedPolicyDocument', undefined, 'ERR_STS_MALFORMED_POLICY', false],
      ['PackedPolicyTooLarge', undefined, 'ERR_STS_PACKED_POLICY_TOO_LARGE', false],
      ['RegionDisabledException', 403, 'ERR_STS_REGION_DISABLED', false],
      ['SignatureDoesNotMatch', undefined, 'ERR_STS_INVALID_CLIENT', false],
      ['ValidationError', undefined, 'ERR_STS_VALIDATION', false],
      ['Throttling', undefined, 'ERR_STS_THROTTLED', true],
      ['TooManyRequestsException', 429, 'ERR_STS_THROTTLED', true],
      ['InternalFailure', 500, 'ERR_STS_UNAVAILABLE', true],
      ['ServiceUnavailable', 503, 'ERR_STS_UNAVAILABLE', true],
      ['SomethingUnexpected', 400, 'ERR_STS', false],
    ])('wire %s → %s', async (wire, status, code, retryable) => {
      const creds = await kind.create(stack);
      stack.sts.faults.failNext({
        action: kind.action,
        code: wire,
        ...(status !== undefined && { status }),
      });
      const err = (await creds.refreshPromise().catch((e: unknown) => e)) as StsError;
      expect(err).toBeInstanceOf(StsError);
      expect(err).toBeInstanceOf(FedcredsError);
      expect(err).toMatchObject({ code, retryable, wireCode: wire });
      expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(err.statusCode).toEqual(status ?? expect.any(Number));
      expect(err.cause).toBeInstanceOf(Error);
      expect(err.message).toContain(kind.action);
    });

    it('no answer → NetworkError (retryable)', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const creds = await kind.create(stack, {
        ...stack.stsConfig,
        endpoint: `http://127.0.0.1:${port}`,
      });
      const err = await creds.refreshPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(err).toMatchObject({ code: 'ERR_NETWORK', retryable: true });
    });

    it('an aborted call rejects with AbortedError (all waiters), is not cached, and the next call works', async () => {
      const creds = await kind.create(stack);
      stack.sts.faults.failNext({ action: kind.action, hang: true });
      const before = calls();
      const controller = new AbortController();
      const started = creds.refreshPromise({ signal: controller.signal });
      const joined = creds.getPromise();
      // Abort once the request is on the wire, so it is the request that gets cut off.
      await vi.waitFor(() => expect(calls()).toBe(before + 1));
      controller.abort();
      await expect(started).rejects.toBeInstanceOf(AbortedError);
      await expect(joined).rejects.toBeInstanceOf(AbortedError);
      expect(creds.accessKeyId).toBe('');
      await expect(creds.getPromise()).resolves.toMatchObject({
        accessKeyId: expect.stringMatching(/^ASIA/),
      });
    });

    it('a call whose signal times out rejects with TimeoutError', async () => {
      const creds = await kind.create(stack);
      stack.sts.faults.failNext({ action: kind.action, hang: true });
      const err = await creds
        .refreshPromise({ signal: AbortSignal.timeout(50) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).retryable).toBe(true);
    });

    it('a joiner that gives up only stops waiting; the request goes on for the others', async () => {
      const creds = await kind.create(stack);
      stack.sts.faults.failNext({ action: kind.action, delayMs: 100 });
      const before = calls();
      const starter = creds.refreshPromise();
      const controller = new AbortController();
      const joiner = creds.getPromise({ signal: controller.signal });
      controller.abort();
      await expect(joiner).rejects.toBeInstanceOf(AbortedError);
      await expect(starter).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
      expect(calls()).toBe(before + 1);
    });
  });

  describe('7. secrets are never printed', () => {
    it('not by JSON.stringify, String, util.inspect of the object, its params, data and identity', async () => {
      const creds = await kind.create(stack);
      const identity = await creds.getPromise();
      const secrets = [
        creds.secretAccessKey,
        creds.sessionToken!,
        ...kind.requestSecrets(creds, stack),
      ];
      for (const secret of secrets) expect(secret.length).toBeGreaterThan(8);
      const printed = [
        JSON.stringify(creds),
        String(creds),
        `${creds}`,
        inspect(creds, { depth: Infinity }),
        inspect({ nested: { creds } }, { depth: Infinity }),
        JSON.stringify(creds.params),
        inspect(creds.params, { depth: Infinity }),
        JSON.stringify(creds.data),
        inspect(creds.data, { depth: Infinity }),
        JSON.stringify(identity),
        inspect(identity, { depth: Infinity }),
      ];
      for (const text of printed) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
      expect(JSON.stringify(creds)).toContain(creds.accessKeyId);
      expect(inspect(identity)).toContain('[redacted]');
      // Still usable: the secret is a plain readable property, as in v2.
      expect(creds.secretAccessKey).toBe(identity.secretAccessKey);
    });

    it('not by error messages or causes, even when the server echoes the request', async () => {
      const creds = await kind.create(stack);
      await creds.getPromise();
      const secrets = [
        creds.secretAccessKey,
        creds.sessionToken!,
        ...kind.requestSecrets(creds, stack),
      ];
      stack.sts.faults.failNext({
        action: kind.action,
        code: 'AccessDenied',
        message: `Denied: ${secrets.join(' ')}`,
      });
      const err = (await creds.refreshPromise().catch((e: unknown) => e)) as StsError;
      expect(err).toBeInstanceOf(StsError);
      const printed = [
        err.message,
        String(err),
        JSON.stringify(err),
        inspect(err, { depth: Infinity, showHidden: true }),
      ];
      for (const text of printed) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    });
  });
});
