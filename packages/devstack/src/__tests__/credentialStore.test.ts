import { describe, expect, it } from 'vitest';
import { CredentialStore, resolveDevstackConfig } from '@fedcreds/devstack';

const T = Date.UTC(2030, 0, 1);
const config = resolveDevstackConfig();

describe('CredentialStore', () => {
  it('issues ASIA keys with a session token that expire after the duration on its clock', () => {
    const store = new CredentialStore(config, () => T);
    const credential = store.issue({
      kind: 'assume-role',
      durationSeconds: 900,
      roleName: 'r',
      sessionName: 'sess',
    });
    expect(credential).toMatchObject({
      accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      expiresAt: T + 900_000,
      issuedAt: T,
      arn: `arn:aws:sts::${config.accountId}:assumed-role/r/sess`,
      userId: expect.stringMatching(/^AROA[A-Z2-7]{17}:sess$/),
      roleName: 'r',
      kind: 'assume-role',
      chained: false,
      mfaAuthenticated: false,
    });
    expect(credential.secretAccessKey).toHaveLength(40);
    expect(store.lookup(credential.accessKeyId)).toBe(credential);
    const again = store.issue({
      kind: 'assume-role',
      durationSeconds: 900,
      roleName: 'r',
      sessionName: 'other',
      now: T + 5,
    });
    expect(again.accessKeyId).not.toBe(credential.accessKeyId);
    expect(again.expiresAt).toBe(T + 5 + 900_000);
    // The role id is stable across sessions of one role, like IAM's.
    expect(again.userId.split(':')[0]).toBe(credential.userId.split(':')[0]);
  });

  it('issues user session credentials for GetSessionToken', () => {
    const store = new CredentialStore(config, () => T);
    const credential = store.issue({
      kind: 'session-token',
      durationSeconds: 3600,
      userName: 'ci-user',
    });
    expect(credential).toMatchObject({
      arn: `arn:aws:iam::${config.accountId}:user/ci-user`,
      userName: 'ci-user',
    });
    expect(credential.roleName).toBeUndefined();
    expect(credential.userId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(() => store.issue({ kind: 'session-token', durationSeconds: 3600 })).toThrow(TypeError);
  });

  it('looks up configured long-term keys and nothing else', () => {
    const store = new CredentialStore(config);
    expect(store.lookup('AKIADEVSTACKCIUSER01')).toMatchObject({
      kind: 'long-term',
      expiresAt: null,
      userName: 'ci-user',
      arn: `arn:aws:iam::${config.accountId}:user/ci-user`,
    });
    expect(store.lookup('AKIADEVSTACKCIUSER01')?.sessionToken).toBeUndefined();
    expect(store.lookup('ASIANOTISSUED0000000')).toBeUndefined();
  });

  it('keeps secrets out of JSON.stringify while spreading still copies them', () => {
    const store = new CredentialStore(config, () => T);
    const credential = store.issue({
      kind: 'web-identity',
      durationSeconds: 900,
      roleName: 'r',
      sessionName: 's',
    });
    const json = JSON.stringify({ credential, longTerm: store.lookup('AKIADEVSTACKCIUSER01') });
    expect(json).not.toContain(credential.secretAccessKey);
    expect(json).not.toContain(credential.sessionToken);
    expect(json).not.toContain('devstack/ci-user/secret');
    expect(json).toContain(credential.accessKeyId);
    expect({ ...credential }.secretAccessKey).toBe(credential.secretAccessKey);
  });

  it('forgets credentials a day after they expired, but still knows recently expired ones', () => {
    let now = T;
    const store = new CredentialStore(config, () => now);
    const old = store.issue({
      kind: 'web-identity',
      durationSeconds: 900,
      roleName: 'r',
      sessionName: 's',
    });
    now = T + 900_000 + 23 * 3600_000;
    store.issue({ kind: 'web-identity', durationSeconds: 900, roleName: 'r', sessionName: 's' });
    expect(store.lookup(old.accessKeyId)).toBeDefined();
    now = T + 900_000 + 25 * 3600_000;
    store.issue({ kind: 'web-identity', durationSeconds: 900, roleName: 'r', sessionName: 's' });
    expect(store.lookup(old.accessKeyId)).toBeUndefined();
    expect(store.size).toBe(2);
  });
});
