/**
 * What the environment reports: the page became visible again, or the network came back. Both
 * mean timers may have slept and the clock must be looked at again.
 */
export type EnvironmentSignal = 'visible' | 'online';

/**
 * Signals from the runtime a session re-checks its timers on. The session subscribes on its first
 * `start()` and unsubscribes on its last `stop()`.
 *
 * @example
 * ```ts
 * // React Native: AppState instead of document visibility
 * const environment: SessionEnvironment = {
 *   subscribe(listener) {
 *     const sub = AppState.addEventListener('change', (s) => s === 'active' && listener('visible'));
 *     return () => sub.remove();
 *   },
 * };
 * ```
 */
export interface SessionEnvironment {
  /** Calls `listener` on each signal; returns a function that detaches it. */
  subscribe(listener: (signal: EnvironmentSignal) => void): () => void;
}

/**
 * The browser's signals: `visibilitychange` to visible on `document`, `online` on `window`.
 * Looks the globals up when subscribed, not at import, so it is safe to create during server
 * rendering; where they are absent (Node, workers without `document`) it attaches nothing.
 */
export function browserEnvironment(): SessionEnvironment {
  return {
    subscribe(listener) {
      const g = globalThis as {
        document?: EventTarget & { visibilityState?: string };
        window?: EventTarget;
        addEventListener?: unknown;
      };
      const doc = g.document;
      // Workers have no `window` but fire `online` on their global scope.
      const win =
        g.window ??
        (typeof g.addEventListener === 'function'
          ? (globalThis as unknown as EventTarget)
          : undefined);
      const onVisibility = () => {
        if (doc?.visibilityState !== 'hidden') listener('visible');
      };
      const onOnline = () => listener('online');
      doc?.addEventListener('visibilitychange', onVisibility);
      win?.addEventListener('online', onOnline);
      return () => {
        doc?.removeEventListener('visibilitychange', onVisibility);
        win?.removeEventListener('online', onOnline);
      };
    },
  };
}
