'use client';
import type { FederatedSession } from '@fedcreds/core';
import { useCredentialsStore } from './AwsCredentialsContext.js';

/**
 * The nearest {@link AwsCredentialsProvider}'s session itself — for its typed events
 * (`session.on('expiring', …)`) or to pass it outside React. Does not re-render on changes.
 *
 * @example
 * ```tsx
 * const session = useFederatedSession();
 * useEffect(() => session.on('reauth-required', () => toast('Please sign in again')), [session]);
 * ```
 */
export function useFederatedSession(): FederatedSession {
  return useCredentialsStore('useFederatedSession').session;
}
