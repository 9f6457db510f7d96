/**
 * Chained sessions (role assumed from a web-identity session's role) and SAML sessions, against
 * the dev stack's STS on simulated time.
 */
import { describe, expect, it } from 'vitest';
import {
  ChainableTemporaryCredentials,
  ReauthRequiredError,
  SignedOutError,
  callbackTokenSource,
  type FederatedSession,
} from '@fedcreds/core';
import {
  CHAINED_ROLE,
  HOUR_MS,
  MINUTE_MS,
  SAML_ROLE,
  idle,
  mintIdToken,
  recordEvents,
  rejectionOf,
  samlCredentials,
  stsCalls,
  stsConfig,
  timedSession,
  timedStackForFile,
  until,
  webIdentityCredentials,
} from './sessionHarness.js';

const { devstack, time } = timedStackForFile();

/**
 * Makes the chained STS client sign with the simulated time (the SDK's signer reads `Date.now()`
 * plus `systemClockOffset`), as if the local clock were the one the dev stack runs on.
 */
function signOnSimulatedTime(credentials: ChainableTemporaryCredentials): void {
  const service = credentials.service;
  service.middlewareStack.add(
    (next) => (args) => {
      service.config.systemClockOffset = time.now() - Date.now();
      return next(args);
    },
    { step: 'initialize', name: 'testSimulatedSigningClock' },
  );
}

async function chain(log: string[] = [], gate = { refuse: false }) {
  let signedOut = 0;
  const master = timedSession(time, {
    credentials: await webIdentityCredentials(devstack, time),
    tokenSource: callbackTokenSource(
      async () => {
        if (gate.refuse) throw new ReauthRequiredError('login_required');
        log.push('token');
        return mintIdToken(devstack, time);
      },
      { signOut: async () => void signedOut++ },
    ),
  });
  const chained = timedSession(time, {
    credentials: new ChainableTemporaryCredentials({
      params: { RoleArn: devstack.roleArn(CHAINED_ROLE), RoleSessionName: 'alice-chained' },
      masterCredentials: master.credentialProvider,
      stsConfig: stsConfig(devstack),
    }),
    master,
  });
  master.on('refreshed', () => log.push('master'));
  chained.on('refreshed', () => log.push('chained'));
  return { master, chained, signedOutCount: () => signedOut };
}

const ready = (...sessions: FederatedSession[]) =>
  until(() => sessions.every((s) => s.getSnapshot().status === 'ready'));

describe('a chained session', () => {
  it('starts its master and assumes the chained role with the master credentials', async () => {
    const log: string[] = [];
    const { master, chained } = await chain(log);
    const web = stsCalls(devstack);
    const assume = stsCalls(devstack, 'AssumeRole');
    chained.start();
    await ready(master, chained);
    expect(log).toEqual(['token', 'master', 'chained']);
    expect(stsCalls(devstack) - web).toBe(1);
    expect(stsCalls(devstack, 'AssumeRole') - assume).toBe(1);
    expect(chained.getSnapshot().identity).toEqual({
      subject: 'alice',
      issuer: devstack.oidc.issuer,
      audience: 'fedcreds-demo',
      roleArn: devstack.roleArn(CHAINED_ROLE),
      assumedRoleArn: expect.stringMatching(/assumed-role\/fedcreds-demo-chained\/alice-chained$/),
    });
    expect(chained.getSnapshot().tokenExpiresAt).toEqual(master.getSnapshot().tokenExpiresAt);
    chained.stop();
    expect(time.pendingTimers).toBe(0);
  });

  it('keeps both fresh for hours, one STS call per refresh window each', async () => {
    const { master, chained } = await chain();
    signOnSimulatedTime(chained.credentials as ChainableTemporaryCredentials);
    const web = stsCalls(devstack);
    const assume = stsCalls(devstack, 'AssumeRole');
    chained.start();
    await ready(master, chained);
    await time.advance(3 * HOUR_MS, idle(master, chained));
    const perWindow = 1 + Math.floor((3 * HOUR_MS) / (HOUR_MS - 315_000));
    expect(stsCalls(devstack) - web).toBe(perWindow);
    expect(stsCalls(devstack, 'AssumeRole') - assume).toBe(perWindow);
    expect(chained.getSnapshot().status).toBe('ready');
    chained.stop();
  });

  it('after a long sleep refreshes through the master: IdP token, master credentials, chained role', async () => {
    const log: string[] = [];
    const { master, chained } = await chain(log);
    signOnSimulatedTime(chained.credentials as ChainableTemporaryCredentials);
    chained.start();
    await ready(master, chained);
    log.length = 0;
    time.sleep(3 * HOUR_MS);
    const served = await chained.credentialProvider();
    expect(log).toEqual(['token', 'master', 'chained']);
    expect(served.expiration!.getTime()).toBeGreaterThan(time.now() + 50 * MINUTE_MS);
    chained.stop();
  });

  it('signs again once when the SDK corrected a signing clock more than 15 minutes off', async () => {
    const { master, chained } = await chain();
    chained.start();
    await ready(master, chained);
    // The SDK signs with the real clock; the dev stack now lives 40 minutes later.
    const rejected = devstack.stats().sts.errors['SignatureDoesNotMatch'] ?? 0;
    const assume = stsCalls(devstack, 'AssumeRole');
    time.jump(40 * MINUTE_MS);
    await chained.refresh({ force: true });
    expect(stsCalls(devstack, 'AssumeRole') - assume).toBe(2);
    expect(devstack.stats().sts.errors['SignatureDoesNotMatch'] ?? 0).toBe(rejected + 1);
    expect(chained.getSnapshot().status).toBe('ready');
    chained.stop();
  });

  it("follows its master's reauth-required, and recovers when the master does", async () => {
    const gate = { refuse: false };
    const { master, chained } = await chain([], gate);
    chained.start();
    await ready(master, chained);
    const events = recordEvents(chained);
    gate.refuse = true;
    await rejectionOf(master.refresh({ force: true }));
    expect(master.getSnapshot().status).toBe('reauth-required');
    expect(chained.getSnapshot().status).toBe('reauth-required');
    expect(events.map((e) => e.type)).toEqual(['reauth-required']);
    expect((events[0]!.event as { error: ReauthRequiredError }).error.reason).toBe(
      'login_required',
    );

    gate.refuse = false; // the user signed in again
    await master.signIn();
    await ready(master, chained);
    expect(events.map((e) => e.type)).toEqual(['reauth-required', 'refreshed']);
    chained.stop();
  });

  it('signs out with its master, either way round', async () => {
    const first = await chain();
    first.chained.start();
    await ready(first.master, first.chained);
    await first.master.signOut();
    expect(first.chained.getSnapshot().status).toBe('signed-out');
    expect(await rejectionOf(first.chained.credentialProvider())).toBeInstanceOf(SignedOutError);
    first.chained.stop();

    const second = await chain();
    second.chained.start();
    await ready(second.master, second.chained);
    await second.chained.signOut();
    expect(second.master.getSnapshot().status).toBe('signed-out');
    expect(second.signedOutCount()).toBe(1);
    await second.chained.signIn();
    await ready(second.master, second.chained);
    second.chained.stop();
    expect(time.pendingTimers).toBe(0);
  });
});

describe('a SAML session', () => {
  it('gets a fresh assertion before each refresh and reads its deadlines', async () => {
    let assertions = 0;
    const credentials = await samlCredentials(devstack);
    const s = timedSession(time, {
      credentials,
      tokenSource: callbackTokenSource(async () => {
        assertions += 1;
        return devstack.saml.issueAssertion({ username: 'alice' });
      }),
    });
    const before = stsCalls(devstack, 'AssumeRoleWithSAML');
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    const snapshot = s.getSnapshot();
    expect(snapshot.identity).toMatchObject({
      subject: 'alice',
      roleArn: devstack.roleArn(SAML_ROLE),
    });
    expect(snapshot.identity?.issuer).toBeTruthy();
    // NotOnOrAfter: the dev stack's assertions live 5 minutes.
    expect(
      Math.abs(snapshot.tokenExpiresAt!.getTime() - (time.now() + 5 * MINUTE_MS)),
    ).toBeLessThanOrEqual(1_000);
    expect(Math.abs(snapshot.expiresAt!.getTime() - (time.now() + HOUR_MS))).toBeLessThanOrEqual(
      1_000,
    );
    await time.advance(HOUR_MS, idle(s));
    expect(assertions).toBe(2);
    expect(stsCalls(devstack, 'AssumeRoleWithSAML') - before).toBe(2);
    s.stop();
  });

  it("trusts the IdP's shorter SessionDuration over the requested duration", async () => {
    const s = timedSession(time, {
      credentials: await samlCredentials(devstack),
      tokenSource: callbackTokenSource(() =>
        devstack.saml.issueAssertion({ username: 'alice', sessionDurationSeconds: 900 }),
      ),
    });
    const before = stsCalls(devstack, 'AssumeRoleWithSAML');
    s.start();
    await until(() => s.getSnapshot().status === 'ready');
    expect(
      Math.abs(s.getSnapshot().expiresAt!.getTime() - (time.now() + 15 * MINUTE_MS)),
    ).toBeLessThanOrEqual(1_000);
    await time.advance(HOUR_MS, idle(s));
    // 15-minute sessions renewed 5 min 15 s early: every 9 min 45 s.
    expect(stsCalls(devstack, 'AssumeRoleWithSAML') - before).toBe(
      1 + Math.floor(HOUR_MS / 585_000),
    );
    s.stop();
  });
});
