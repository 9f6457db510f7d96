/**
 * Cached reads of `session.credentialProvider` against `@smithy/property-provider`'s `memoize`
 * (what SDK v3 clients wrap providers in): reading fresh credentials must cost no more.
 * Run with `pnpm bench` from the workspace root.
 */
import { memoize } from '@smithy/property-provider';
import type { AwsCredentialIdentity } from '@smithy/types';
import { bench, describe } from 'vitest';
import {
  WebIdentityCredentials,
  callbackTokenSource,
  createFederatedSession,
} from '@fedcreds/core';

const ROLE = 'arn:aws:iam::123456789012:role/web';
const now = Date.now();
const record = {
  version: 1,
  accessKeyId: 'ASIABENCH',
  secretAccessKey: 'bench-secret',
  sessionToken: 'bench-session-token',
  issuedAtMs: now,
  expiresAtMs: now + 3_600_000,
  tokenExpiresAtMs: null,
  identity: null,
  clockSkewMs: 0,
};
const items = new Map([[`fedcreds:session:${ROLE}`, JSON.stringify(record)]]);

// A started session holding fresh credentials restored from storage: no network involved.
const session = createFederatedSession({
  credentials: new WebIdentityCredentials({ RoleArn: ROLE, WebIdentityToken: undefined }),
  tokenSource: callbackTokenSource(async () => {
    throw new Error('not reached: the credentials are fresh');
  }),
  environment: null,
  persistence: {
    storage: {
      getItem: (key) => items.get(key) ?? null,
      setItem: () => {},
      removeItem: () => {},
    },
  },
});
session.start();
if (session.getSnapshot().status !== 'ready') throw new Error('bench: the session did not restore');

const identity: AwsCredentialIdentity = session.getSnapshot().credentials!;
const memoized = memoize(
  async () => identity,
  (c: AwsCredentialIdentity) =>
    c.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000,
  (c: AwsCredentialIdentity) => c.expiration !== undefined,
);
await memoized(); // prime the cache, like the first SDK request does

const provider = session.credentialProvider;

// Both functions are JIT-warmed before either is measured: vitest runs benches one after the
// other, and without this whichever runs first pays for the warm-up (we saw the ratio flip with
// the order).
for (let i = 0; i < 200_000; i++) {
  await provider();
  await memoized();
}

const options = { time: 2_000, warmupTime: 500 };

describe('cached credential reads', () => {
  bench(
    'session.credentialProvider()',
    async () => {
      await provider();
    },
    options,
  );
  bench(
    '@smithy/property-provider memoize()',
    async () => {
      await memoized();
    },
    options,
  );
});
