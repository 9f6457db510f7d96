'use client';
import { sessionPhase, SignedOutError } from '@fedcreds/core';
import { useSyncExternalStoreWithSelector } from 'use-sync-external-store/with-selector';
import { useCredentialsStore } from './AwsCredentialsContext.js';
import type { AwsCredentialsState, CredentialsStore } from './credentialsStore.js';

/** Options of {@link useAwsCredentials}. */
export interface UseAwsCredentialsOptions<T> {
  /**
   * Suspend (throw a promise to the nearest `<Suspense>`) while the session has no credentials
   * yet (`idle`, `loading`, `expired`), and throw its error to the nearest error boundary when it
   * stopped without credentials (`error`, `reauth-required`, `signed-out`). Put the `<Suspense>`
   * boundary inside the provider: the provider starts the session only once it has committed. On
   * a server, where no session starts, it throws an error instead, so React sends that boundary's
   * fallback and renders its content in the browser.
   * @default false
   */
  suspense?: boolean;
  /**
   * Decides whether a new selection equals the previous one (then the component does not
   * re-render).
   * @default Object.is
   */
  isEqual?: (a: T, b: T) => boolean;
}

const selectAll = (state: AwsCredentialsState): AwsCredentialsState => state;

/**
 * The nearest {@link AwsCredentialsProvider}'s credentials, status and actions. Re-renders when
 * the session's snapshot changes — or, given a `selector`, only when the selected value changes.
 *
 * @throws Error if called outside an `<AwsCredentialsProvider>`.
 *
 * @example
 * ```tsx
 * function Status() {
 *   const { status, expiresAt, signIn } = useAwsCredentials();
 *   if (status === 'signed-out') return <button onClick={() => void signIn()}>Sign in</button>;
 *   return <p>{status} until {expiresAt?.toLocaleTimeString()}</p>;
 * }
 * // Re-renders only when the status changes, not on every refresh:
 * const status = useAwsCredentials((s) => s.status);
 * // Suspends until ready; fatal errors go to the error boundary:
 * const { credentials } = useAwsCredentials({ suspense: true });
 * ```
 */
export function useAwsCredentials(
  options?: UseAwsCredentialsOptions<AwsCredentialsState>,
): AwsCredentialsState;
/**
 * The part of the credentials state that `selector` picks; the component re-renders only when
 * that part changes (by `options.isEqual`, default `Object.is`).
 */
export function useAwsCredentials<T>(
  selector: (state: AwsCredentialsState) => T,
  options?: UseAwsCredentialsOptions<T>,
): T;
export function useAwsCredentials<T>(
  selectorOrOptions?:
    ((state: AwsCredentialsState) => T) | UseAwsCredentialsOptions<AwsCredentialsState>,
  maybeOptions?: UseAwsCredentialsOptions<T>,
): T | AwsCredentialsState {
  const store = useCredentialsStore('useAwsCredentials');
  const [selector, options] =
    typeof selectorOrOptions === 'function'
      ? [selectorOrOptions, maybeOptions]
      : [
          selectAll as (state: AwsCredentialsState) => T,
          selectorOrOptions as UseAwsCredentialsOptions<T>,
        ];
  if (options?.suspense === true) suspendUntilSettled(store);
  return useSyncExternalStoreWithSelector(
    store.subscribe,
    store.getState,
    store.getServerState,
    selector,
    options?.isEqual ?? Object.is,
  );
}

/** One promise per store, so StrictMode's double render and sibling consumers share it. */
const pending = new WeakMap<CredentialsStore, Promise<void>>();

function suspendUntilSettled(store: CredentialsStore): void {
  // A server never starts the session (effects do not run there), so a promise thrown there would
  // never settle and a streamed render would wait until aborted. An error instead makes React
  // send the nearest <Suspense> fallback and render this part in the browser (as React's docs
  // advise for client-only content).
  if (typeof window === 'undefined') {
    throw new Error(
      'useAwsCredentials({ suspense: true }) waits for credentials, which only the browser gets: on the server React renders the nearest <Suspense> fallback instead, and the browser renders this part.',
    );
  }
  const { status, error } = store.getState();
  const phase = sessionPhase(status);
  if (phase === 'sign-in' || phase === 'failed') throw error ?? new SignedOutError();
  if (phase !== 'pending') return;
  let promise = pending.get(store);
  if (promise === undefined) {
    promise = new Promise<void>((resolve) => {
      const unsubscribe = store.subscribe(() => {
        if (sessionPhase(store.getState().status) === 'pending') return;
        unsubscribe();
        pending.delete(store);
        resolve();
      });
    });
    pending.set(store, promise);
  }
  throw promise;
}
