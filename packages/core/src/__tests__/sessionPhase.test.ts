import { describe, expect, it } from 'vitest';
import { sessionPhase, type SessionStatus } from '@fedcreds/core';

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
