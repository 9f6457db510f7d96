import type { SessionSnapshot } from '@fedcreds/core';

/**
 * What hooks read on the server and while hydrating: a session that has not started.
 * @internal
 */
export const idleSnapshot: SessionSnapshot = Object.freeze({
  status: 'idle',
  credentials: null,
  expiresAt: null,
  tokenExpiresAt: null,
  identity: null,
  error: null,
  lastRefreshedAt: null,
  isRefreshing: false,
  clockSkewMs: 0,
});
