/**
 * What only ChainableTemporaryCredentials does: refresh through master credentials of any depth,
 * the role-chaining cap, MFA through tokenCodeFn, and requests signed (SigV4, checked by the
 * devstack STS) with the master's current keys.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  ChainableTemporaryCredentials,
  Credentials,
  InvalidParameterError,
  MfaError,
  MissingCredentialsError,
  StsError,
  WebIdentityCredentials,
  type MasterCredentials,
  type TokenCodeCallback,
  type TokenCodeFn,
} from '@fedcreds/core';
import { defaultDevstackConfig } from '@fedcreds/devstack';
import { credentialsStackForFile } from './fixtures/credentialsStack.js';

// A third level, assumable only from the chained role: web identity → chained → level3.
const stack = credentialsStackForFile({
  roles: [
    ...defaultDevstackConfig().roles,
    {
      name: 'fedcreds-test-level3',
      maxSessionDurationSeconds: 3600,
      assumableBy: ['fedcreds-demo-chained'],
    },
  ],
});

const byAccessKey = (key: string) => stack.sts.stats().byAccessKey[key] ?? 0;

async function webIdentity(): Promise<WebIdentityCredentials> {
  return new WebIdentityCredentials(
    {
      RoleArn: stack.roleArn('fedcreds-demo-web'),
      WebIdentityToken: await stack.oidc.mintIdToken({ sub: 'alice' }),
    },
    stack.stsConfig,
  );
}

const ciUser = () => new Credentials(stack.ciUser.accessKeyId, stack.ciUser.secretAccessKey);

/** The stack's chained role, assumed with `masterCredentials` through the stack's STS. */
const chainedRole = (masterCredentials: MasterCredentials) =>
  new ChainableTemporaryCredentials({
    params: { RoleArn: stack.roleArn('fedcreds-demo-chained') },
    masterCredentials,
    stsConfig: stack.stsConfig,
  });

describe('ChainableTemporaryCredentials', () => {
  it('needs masterCredentials, and says what to pass', () => {
    const attempt = () =>
      new ChainableTemporaryCredentials({
        params: { RoleArn: stack.roleArn('fedcreds-demo-chained') },
      });
    expect(attempt).toThrow(MissingCredentialsError);
    expect(attempt).toThrow(/pass masterCredentials/);
  });

  it('assumes the role with RoleSessionName "temporary-credentials" by default, signed by the master key', async () => {
    const creds = chainedRole(ciUser());
    const before = byAccessKey(stack.ciUser.accessKeyId);
    await creds.getPromise();
    expect(creds.data?.AssumedRoleUser?.Arn).toMatch(
      /:assumed-role\/fedcreds-demo-chained\/temporary-credentials$/,
    );
    expect(byAccessKey(stack.ciUser.accessKeyId)).toBe(before + 1);
  });

  it('gives a RoleArn set after construction the default RoleSessionName too', async () => {
    const creds = new ChainableTemporaryCredentials({
      masterCredentials: ciUser(),
      stsConfig: stack.stsConfig,
    });
    creds.params.RoleArn = stack.roleArn('fedcreds-demo-chained');
    await creds.getPromise();
    expect(creds.data?.AssumedRoleUser?.Arn).toMatch(
      /:assumed-role\/fedcreds-demo-chained\/temporary-credentials$/,
    );
  });

  it('is refused by STS when the master secret is wrong (the server checks the signature)', async () => {
    const creds = chainedRole(new Credentials(stack.ciUser.accessKeyId, 'not-the-right-secret'));
    await expect(creds.getPromise()).rejects.toMatchObject({
      code: 'ERR_STS_INVALID_CLIENT',
      wireCode: 'SignatureDoesNotMatch',
    });
  });

  it('exposes the STS client as service, configured by stsConfig (region defaults to us-east-1)', async () => {
    const creds = new ChainableTemporaryCredentials({
      masterCredentials: ciUser(),
      stsConfig: { ...stack.stsConfig, region: 'eu-west-3' },
    });
    expect(await creds.service.config.region()).toBe('eu-west-3');
    const defaults = new ChainableTemporaryCredentials({ masterCredentials: ciUser() });
    expect(await defaults.service.config.region()).toBe('us-east-1');
    const web = new WebIdentityCredentials({
      RoleArn: stack.roleArn('fedcreds-demo-web'),
      WebIdentityToken: await stack.oidc.mintIdToken({ sub: 'alice' }),
    });
    expect(await web.service.config.region()).toBe('us-east-1');
  });

  describe('chains', () => {
    it('role A from role B from a web identity keeps refreshing: each level refreshes its master first', async () => {
      const web = await webIdentity();
      const chained = chainedRole(web);
      const level3 = new ChainableTemporaryCredentials({
        params: { RoleArn: stack.roleArn('fedcreds-test-level3') },
        masterCredentials: chained,
        stsConfig: stack.stsConfig,
      });
      const webCalls = () => stack.stsCalls('AssumeRoleWithWebIdentity');
      const assumeCalls = () => stack.stsCalls('AssumeRole');
      const [web0, assume0] = [webCalls(), assumeCalls()];

      await level3.getPromise();
      expect([webCalls() - web0, assumeCalls() - assume0]).toEqual([1, 2]);
      expect(level3.data?.AssumedRoleUser?.Arn).toContain('fedcreds-test-level3');
      // Each AssumeRole was signed with the keys of the level below.
      expect(byAccessKey(web.accessKeyId)).toBe(1);
      expect(byAccessKey(chained.accessKeyId)).toBe(1);

      // An hour later every level is inside its expiry window: one get() renews the whole chain.
      vi.useFakeTimers({ toFake: ['Date'] });
      const latest = Math.max(...[web, chained, level3].map((c) => c.expireTime!.getTime()));
      vi.setSystemTime(latest - 5_000);
      expect([web, chained, level3].map((c) => c.needsRefresh())).toEqual([true, true, true]);
      const oldKeys = [web, chained, level3].map((c) => c.accessKeyId);
      await level3.getPromise();
      expect([webCalls() - web0, assumeCalls() - assume0]).toEqual([2, 4]);
      expect([web, chained, level3].map((c) => c.accessKeyId)).not.toEqual(
        expect.arrayContaining(oldKeys),
      );
      expect(byAccessKey(chained.accessKeyId)).toBe(1);
    });

    it('refreshes a master only when it needs it', async () => {
      const web = await webIdentity();
      const chained = chainedRole(web);
      await chained.getPromise();
      const webBefore = stack.stsCalls('AssumeRoleWithWebIdentity');
      await chained.refreshPromise();
      expect(stack.stsCalls('AssumeRoleWithWebIdentity')).toBe(webBefore);
      web.expired = true;
      await chained.refreshPromise();
      expect(stack.stsCalls('AssumeRoleWithWebIdentity')).toBe(webBefore + 1);
    });

    it("signs with the master's current keys, even when the master was refreshed in between", async () => {
      const web = await webIdentity();
      const chained = chainedRole(web);
      await chained.getPromise();
      const firstKey = web.accessKeyId;
      await web.refreshPromise();
      expect(web.accessKeyId).not.toBe(firstKey);
      await chained.refreshPromise();
      expect(byAccessKey(web.accessKeyId)).toBe(1);
      expect(byAccessKey(firstKey)).toBe(1);
    });

    it('accepts an SDK v3 provider as master and asks it once on every refresh', async () => {
      const web = await webIdentity();
      const provider = vi.fn(() => web.getPromise());
      const chained = chainedRole(provider);
      await chained.getPromise();
      expect(provider).toHaveBeenCalledTimes(1);
      await chained.refreshPromise();
      expect(chained.data?.AssumedRoleUser?.Arn).toContain('fedcreds-demo-chained');
      // An unmemoized provider (fromWebToken, …) makes an STS call each time it is asked.
      expect(provider).toHaveBeenCalledTimes(2);
    });

    it('turns a provider master that fails into MissingCredentialsError carrying the failure, before any request', async () => {
      const failure = new Error('no session in this browser');
      const creds = chainedRole(() => Promise.reject(failure));
      const before = stack.stsCalls();
      const err = await creds.getPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingCredentialsError);
      expect(err).toMatchObject({ code: 'ERR_MISSING_CREDENTIALS', cause: failure });
      expect(stack.stsCalls()).toBe(before);
    });

    it('signs with the identity the provider gave for this refresh, not a second answer', async () => {
      const { accessKeyId, secretAccessKey } = stack.ciUser;
      let asked = 0;
      // A second answer in the same refresh would carry a wrong secret, which STS refuses.
      const provider = () =>
        Promise.resolve({
          accessKeyId,
          secretAccessKey: ++asked === 1 ? secretAccessKey : 'a-second-answer',
        });
      const creds = chainedRole(provider);
      await expect(creds.getPromise()).resolves.toMatchObject({
        accessKeyId: expect.stringMatching(/^ASIA/),
      });
      expect(asked).toBe(1);
    });

    it('keeps the master session token out of errors (the raw HTTP exchange is dropped)', async () => {
      const web = await webIdentity();
      const chained = chainedRole(web);
      stack.sts.faults.failNext({ action: 'AssumeRole', code: 'AccessDenied' });
      const err = await chained.getPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StsError);
      expect(web.sessionToken).toBeTruthy();
      const printed = inspect(err, { depth: Infinity, showHidden: true });
      expect(printed).not.toContain(web.sessionToken);
      expect(printed).not.toContain(web.secretAccessKey);
    });
  });

  describe('the role-chaining cap', () => {
    it('rejects DurationSeconds > 3600 at construction when the master is temporary', async () => {
      for (const masterCredentials of [
        await webIdentity(),
        new Credentials({
          accessKeyId: 'ASIAEXAMPLE',
          secretAccessKey: 's',
          sessionToken: 'token',
        }),
      ]) {
        const attempt = () =>
          new ChainableTemporaryCredentials({
            params: { RoleArn: stack.roleArn('fedcreds-demo-chained'), DurationSeconds: 3601 },
            masterCredentials,
            stsConfig: stack.stsConfig,
          });
        expect(attempt).toThrow(InvalidParameterError);
        expect(attempt).toThrow('role chaining caps sessions at 3600 seconds');
      }
    });

    it('blames a chained DurationSeconds under 900 on the floor, not on the cap', async () => {
      const attempt = () =>
        new ChainableTemporaryCredentials({
          params: { RoleArn: stack.roleArn('fedcreds-demo-chained'), DurationSeconds: 600 },
          masterCredentials: chainedRole(ciUser()),
          stsConfig: stack.stsConfig,
        });
      expect(attempt).toThrow(InvalidParameterError);
      expect(attempt).toThrow('must be between 900 and 3600 seconds, got 600');
      expect(attempt).not.toThrow('role chaining');
    });

    it('rejects it before the AssumeRole request when a provider turns out to give temporary credentials', async () => {
      const web = await webIdentity();
      await web.getPromise();
      const creds = new ChainableTemporaryCredentials({
        params: { RoleArn: stack.roleArn('fedcreds-demo-chained'), DurationSeconds: 7200 },
        masterCredentials: () => web.getPromise(),
        stsConfig: stack.stsConfig,
      });
      const before = stack.stsCalls('AssumeRole');
      const err = await creds.getPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidParameterError);
      expect((err as InvalidParameterError).parameter).toBe('DurationSeconds');
      expect(stack.stsCalls('AssumeRole')).toBe(before);
    });

    it('allows up to 43200 seconds from long-term master keys', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const creds = new ChainableTemporaryCredentials({
        params: { RoleArn: stack.roleArn('fedcreds-demo-chained'), DurationSeconds: 7200 },
        masterCredentials: ciUser(),
        stsConfig: stack.stsConfig,
      });
      await creds.getPromise();
      expect(creds.expireTime!.getTime() - Date.now()).toBeGreaterThan(3600_000);
    });
  });

  describe('GetSessionToken with temporary master credentials', () => {
    // STS answers AccessDenied "Cannot call GetSessionToken with session credentials": only an IAM
    // user's long-term keys may call it. The devstack's STS refuses it the same way.
    it('is refused at construction when the master is known to be temporary', async () => {
      for (const masterCredentials of [
        await webIdentity(),
        new Credentials({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't' }),
        { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't' },
      ]) {
        let thrown: unknown;
        try {
          new ChainableTemporaryCredentials({ masterCredentials, stsConfig: stack.stsConfig });
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(InvalidParameterError);
        expect((thrown as InvalidParameterError).parameter).toBe('masterCredentials');
        expect((thrown as Error).message).toMatch(/GetSessionToken/);
        expect((thrown as Error).message).toMatch(/RoleArn/);
      }
    });

    it('is refused before the request when a provider turns out to give temporary credentials', async () => {
      const web = await webIdentity();
      await web.getPromise();
      const creds = new ChainableTemporaryCredentials({
        masterCredentials: () => web.getPromise(),
        stsConfig: stack.stsConfig,
      });
      const before = stack.stsCalls('GetSessionToken');
      const err = await creds.getPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidParameterError);
      expect((err as InvalidParameterError).parameter).toBe('masterCredentials');
      expect(stack.stsCalls('GetSessionToken')).toBe(before);
    });

    it('still works from long-term keys, and AssumeRole from temporary ones', async () => {
      const session = new ChainableTemporaryCredentials({
        masterCredentials: ciUser(),
        stsConfig: stack.stsConfig,
      });
      await expect(session.getPromise()).resolves.toMatchObject({
        sessionToken: expect.any(String),
      });
      await expect(chainedRole(await webIdentity()).getPromise()).resolves.toBeDefined();
    });
  });

  describe('MFA', () => {
    const mfaParams = () => ({
      RoleArn: stack.roleArn('fedcreds-demo-mfa'),
      SerialNumber: stack.ciUser.mfaSerial,
    });
    /** The MFA role, assumed with the ci-user's keys and the code `tokenCodeFn` gives. */
    const mfaRole = (tokenCodeFn: TokenCodeFn) =>
      new ChainableTemporaryCredentials({
        params: mfaParams(),
        masterCredentials: ciUser(),
        tokenCodeFn,
        stsConfig: stack.stsConfig,
      });

    it('SerialNumber without tokenCodeFn is an error at construction', () => {
      const attempt = () =>
        new ChainableTemporaryCredentials({ params: mfaParams(), masterCredentials: ciUser() });
      expect(attempt).toThrow(InvalidParameterError);
      try {
        attempt();
      } catch (err) {
        expect((err as InvalidParameterError).parameter).toBe('tokenCodeFn');
      }
    });

    it('asks a callback-style tokenCodeFn once per refresh, however many callers wait', async () => {
      const asked: string[] = [];
      const tokenCodeFn = (serial: string, callback: TokenCodeCallback) => {
        asked.push(serial);
        setTimeout(() => callback(null, stack.ciUser.mfaCode), 10);
      };
      const creds = mfaRole(tokenCodeFn);
      const before = stack.stsCalls('AssumeRole');
      await Promise.all([creds.getPromise(), creds.getPromise(), creds.refreshPromise()]);
      expect(asked).toEqual([stack.ciUser.mfaSerial]);
      expect(stack.stsCalls('AssumeRole')).toBe(before + 1);
      expect(creds.data?.AssumedRoleUser?.Arn).toContain('fedcreds-demo-mfa');
      await creds.refreshPromise();
      expect(asked).toHaveLength(2);
    });

    it('accepts a promise-returning tokenCodeFn', async () => {
      const creds = mfaRole(() => Promise.resolve(stack.ciUser.mfaCode));
      await expect(creds.getPromise()).resolves.toMatchObject({
        accessKeyId: expect.stringMatching(/^ASIA/),
      });
    });

    it('wraps a tokenCodeFn failure in MfaError, makes no request, and asks again next time', async () => {
      const failure = new Error('user cancelled');
      let attempts = 0;
      const creds = mfaRole((_serial, callback) => {
        attempts += 1;
        if (attempts === 1) callback(failure);
        else callback(null, stack.ciUser.mfaCode);
      });
      const before = stack.stsCalls('AssumeRole');
      const err = await creds.getPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MfaError);
      expect(err).toMatchObject({
        code: 'ERR_MFA',
        serialNumber: stack.ciUser.mfaSerial,
        cause: failure,
      });
      expect(stack.stsCalls('AssumeRole')).toBe(before);
      await expect(creds.getPromise()).resolves.toBeDefined();
      expect(attempts).toBe(2);
    });

    it('keeps the code tokenCodeFn gave out of errors, even when the server echoes it', async () => {
      const creds = mfaRole(() => Promise.resolve(stack.ciUser.mfaCode));
      stack.sts.faults.failNext({
        action: 'AssumeRole',
        code: 'AccessDenied',
        message: `MFA code ${stack.ciUser.mfaCode} refused`,
      });
      const err = await creds.getPromise().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StsError);
      expect((err as StsError).message).toContain('MFA code [redacted] refused');
      expect(inspect(err, { depth: Infinity, showHidden: true })).not.toContain(
        stack.ciUser.mfaCode,
      );
    });

    it('turns a code that is not six digits into MfaError, and a wrong code into STS AccessDenied', async () => {
      const bad = mfaRole(() => Promise.resolve('12ab'));
      await expect(bad.getPromise()).rejects.toBeInstanceOf(MfaError);
      const wrong = mfaRole(() => Promise.resolve('000000'));
      await expect(wrong.getPromise()).rejects.toMatchObject({ code: 'ERR_STS_ACCESS_DENIED' });
    });
  });
});
