/**
 * Surfaces an exception thrown by the caller's own code (a callback, a listener) the platform's
 * way — `reportError` in browsers, an uncaught exception in Node — without letting it break
 * fedcreds' promise chains or starve the other callers.
 */
export function reportUncaught(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}
