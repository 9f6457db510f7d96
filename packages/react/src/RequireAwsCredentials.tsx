'use client';
import { sessionPhase, type FedcredsError } from '@fedcreds/core';
import type { ReactNode } from 'react';
import { useAwsCredentials } from './useAwsCredentials.js';
import type { AwsCredentialsState } from './credentialsStore.js';

/** Props of {@link RequireAwsCredentials}. */
export interface RequireAwsCredentialsProps {
  /** Rendered once credentials are ready (`ready`, or `refreshing` with the old ones still valid). */
  children?: ReactNode;
  /** Rendered while the session works towards credentials (`idle`, `loading`, `expired`). @default null */
  fallback?: ReactNode;
  /** Rendered when the user must sign in (`signed-out`, `reauth-required`). @default null */
  signIn?: ReactNode;
  /**
   * Rendered when the session failed fatally (`error`), given the typed error. Without it the
   * error is thrown to the nearest error boundary.
   */
  errorFallback?: ReactNode | ((error: FedcredsError) => ReactNode);
}

// The phase, not the status: ready ↔ refreshing on every refresh does not re-render the gate.
const selectPhase = (state: AwsCredentialsState) => sessionPhase(state.status);
const selectError = (state: AwsCredentialsState) => state.error;

/**
 * Renders its children only once the session has credentials; a fallback while it is getting
 * them, a sign-in element when the user must sign in, and for a fatal error either
 * `errorFallback` or — when that is absent — a throw to the nearest error boundary. Re-renders
 * only when the status (or error) changes, not on every refresh.
 *
 * @example
 * ```tsx
 * <RequireAwsCredentials
 *   fallback={<Spinner />}
 *   signIn={<SignInButton />}
 *   errorFallback={(error) => <p role="alert">{error.message}</p>}
 * >
 *   <Files />
 * </RequireAwsCredentials>
 * ```
 */
export function RequireAwsCredentials({
  children,
  fallback = null,
  signIn = null,
  errorFallback,
}: RequireAwsCredentialsProps): ReactNode {
  const phase = useAwsCredentials(selectPhase);
  const error = useAwsCredentials(selectError);
  switch (phase) {
    case 'usable':
      return children;
    case 'pending':
      return fallback;
    case 'sign-in':
      return signIn;
    case 'failed':
      if (error === null) return fallback;
      if (errorFallback === undefined) throw error;
      return typeof errorFallback === 'function' ? errorFallback(error) : errorFallback;
  }
}
