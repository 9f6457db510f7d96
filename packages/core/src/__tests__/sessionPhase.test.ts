import { describe, expect, it } from 'vitest';
import { sessionPhase, snapshotPhase, type SessionStatus } from '@fedcreds/core';

describe('sessionPhase', () => {
  it('classifies every status the way gates and suspense branch on it', () => {
    const table: Record<SessionStatus, ReturnType<typeof sessionPhase>> = {
      idle: 'pending',
      loading: 'pending',
      expired: 'pending',
      ready: 'usable',
      refreshing: 'usable',
      'signed-out': 'sign-in',
      'reauth-required': 'sign-in',
      error: 'failed',
    };
    for (const [status, phase] of Object.entries(table)) {
      expect([status, sessionPhase(status as SessionStatus)]).toEqual([status, phase]);
    }
  });
});

describe('snapshotPhase', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x', sessionToken: 'y' };

  it('is usable whenever the snapshot holds credentials, even after a failed refresh', () => {
    expect(snapshotPhase({ status: 'error', credentials })).toBe('usable');
    expect(snapshotPhase({ status: 'reauth-required', credentials })).toBe('usable');
    expect(snapshotPhase({ status: 'ready', credentials })).toBe('usable');
  });

  it('without credentials, is the phase of the status', () => {
    expect(snapshotPhase({ status: 'error', credentials: null })).toBe('failed');
    expect(snapshotPhase({ status: 'reauth-required', credentials: null })).toBe('sign-in');
    expect(snapshotPhase({ status: 'loading', credentials: null })).toBe('pending');
  });
});
