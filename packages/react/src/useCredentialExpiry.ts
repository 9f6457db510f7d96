'use client';
import { ExpiryCountdown } from '@fedcreds/core';
import type { ExpiryCountdownSnapshot } from '@fedcreds/core';
import { useMemo, useSyncExternalStore } from 'react';
import { useCredentialsStore } from './AwsCredentialsContext.js';

/** Options of {@link useCredentialExpiry}. */
export interface UseCredentialExpiryOptions {
  /** How often the component re-renders with the new time left, in milliseconds. @default 1000 */
  intervalMs?: number;
}

/** What {@link useCredentialExpiry} returns. */
export type CredentialExpiry = ExpiryCountdownSnapshot;

const SERVER_EXPIRY: CredentialExpiry = Object.freeze({
  msLeft: null,
  expiresAt: null,
  expired: false,
});
const getServerExpiry = (): CredentialExpiry => SERVER_EXPIRY;

/**
 * Time left on the session's credentials, re-rendering every `intervalMs` — only the component
 * that calls it, and only while credentials are live (no timer once they expired or while there
 * are none). `msLeft` is `null` without credentials and 0 once they expired.
 *
 * @example
 * ```tsx
 * function Countdown() {
 *   const { msLeft, expired } = useCredentialExpiry({ intervalMs: 1000 });
 *   if (msLeft === null) return null;
 *   return <span>{expired ? 'expired' : `${Math.ceil(msLeft / 1000)} s left`}</span>;
 * }
 * ```
 */
export function useCredentialExpiry({
  intervalMs,
}: UseCredentialExpiryOptions = {}): CredentialExpiry {
  const { session } = useCredentialsStore('useCredentialExpiry');
  // Side-effect free until subscribed: the countdown sets its timer on subscribe, clears it on unsubscribe.
  const countdown = useMemo(
    () => new ExpiryCountdown(session, intervalMs === undefined ? {} : { intervalMs }),
    [session, intervalMs],
  );
  return useSyncExternalStore(countdown.subscribe, countdown.getSnapshot, getServerExpiry);
}
