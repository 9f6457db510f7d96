'use client';
import { describeError, snapshotPhase, type FedcredsError } from '@fedcreds/core';
import type { ReactNode } from 'react';
import { useAwsCredentials } from './useAwsCredentials.js';
import type { AwsCredentialsState } from './credentialsStore.js';

/** Props of {@link RequireAwsCredentials}. */
export interface RequireAwsCredentialsProps {
  /**
   * Rendered whenever the session holds usable credentials — also while a refresh retries, and
   * after a refresh failed while the old credentials are still valid (`degraded` and `error` of
   * `useAwsCredentials()` say so).
   */
  children?: ReactNode;
  /** Rendered while the session works towards credentials (`idle`, `loading`, `expired`). @default null */
  fallback?: ReactNode;
  /** Rendered when there are no credentials and only the user can get some (`signed-out`, `reauth-required`). @default null */
  signIn?: ReactNode;
  /**
   * Rendered when there are no credentials because the session stopped on an error retrying
   * cannot fix (`error`): a node, or a function of the typed error.
   * @default a `<p role="alert">` with the error's end-user sentence (`describeError`)
   */
  errorFallback?: ReactNode | ((error: FedcredsError) => ReactNode);
  /**
   * Throw that error to the nearest error boundary instead of rendering `errorFallback`.
   * @default false
   */
  throwOnError?: boolean;
}

// The phase, not the status: ready ↔ refreshing on every refresh does not re-render the gate.
// Decided in the core: credentials present = AWS calls can be signed, whatever the last refresh did.
const selectPhase = (state: AwsCredentialsState) => snapshotPhase(state);
const selectError = (state: AwsCredentialsState) => state.error;

/** The sentence an end user can act on, as an alert; the gate's default `errorFallback`. */
function DefaultErrorFallback({ error }: { error: FedcredsError }): ReactNode {
  return <p role="alert">{describeError(error).sentence}</p>;
}

/**
 * Renders its children whenever the session can sign AWS requests; without usable credentials,
 * a fallback while it is getting them, a sign-in element when the user must sign in, and for a
 * fatal error `errorFallback` (by default the error's sentence; `throwOnError` sends it to an
 * error boundary instead). A failed refresh while the credentials still work does not take the
 * children away. Re-renders only when that phase (or the error) changes, not on every refresh.
 *
 * @example
 * ```tsx
 * <RequireAwsCredentials
 *   fallback={<Spinner />}
 *   signIn={<SignInButton />}
 *   errorFallback={(error) => <p role="alert">{describeError(error).sentence}</p>}
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
  throwOnError = false,
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
      if (throwOnError) throw error;
      if (errorFallback === undefined) return <DefaultErrorFallback error={error} />;
      return typeof errorFallback === 'function' ? errorFallback(error) : errorFallback;
  }
}
