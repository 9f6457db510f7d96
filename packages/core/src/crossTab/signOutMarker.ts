import type { MarkerStorage } from './CrossTabOptions.js';
import { FUTURE_TOLERANCE_MS } from './crossTabMessage.js';

export type { MarkerStorage } from './CrossTabOptions.js';

/**
 * A group's durable note that it signed out: `{"v":1,"atMs":…}` under `key`, in `localStorage`
 * by default. It holds no secret — only the time of the sign-out, under a key that is a hash of
 * the identity — which is why it may outlive the tab: a tab that was stopped or closed when the
 * group signed out reads it when it starts again, and a reload after sign-out asks for a sign-in
 * instead of coming up with the leftover user. A later sign-in removes it.
 */
export interface SignOutMarker {
  /** When the group last signed out, or `null` (none, unreadable, or out of range). */
  read(nowMs: number): number | null;
  /** Records a sign-out at `atMs`. */
  write(atMs: number): void;
  /** Forgets it (the user signed in again). */
  clear(): void;
}

/**
 * The marker at `key` in `storage` (`undefined`: `localStorage`, looked up at each call so
 * nothing touches `window` at import; `null`: none, then sign-outs last only as long as the tabs
 * that heard them). Storage failures (private modes, quota) are swallowed: the marker is a
 * safety net, the channel message is the sign-out.
 */
export function signOutMarker(
  storage: MarkerStorage | null | undefined,
  key: string,
): SignOutMarker {
  const resolve = (): MarkerStorage | null => {
    if (storage !== undefined) return storage;
    try {
      return (globalThis as { localStorage?: Storage }).localStorage ?? null;
    } catch {
      return null;
    }
  };
  const attempt = <T>(fn: (s: MarkerStorage) => T, fallback: T): T => {
    const s = resolve();
    if (!s) return fallback;
    try {
      return fn(s);
    } catch {
      return fallback;
    }
  };
  return {
    read: (nowMs) =>
      attempt((s) => {
        const text = s.getItem(key);
        if (text === null) return null;
        const value = JSON.parse(text) as { v?: unknown; atMs?: unknown } | null;
        const atMs = value?.atMs;
        return value?.v === 1 &&
          typeof atMs === 'number' &&
          Number.isFinite(atMs) &&
          atMs >= 0 &&
          atMs <= nowMs + FUTURE_TOLERANCE_MS
          ? atMs
          : null;
      }, null),
    write: (atMs) => attempt((s) => s.setItem(key, JSON.stringify({ v: 1, atMs })), undefined),
    clear: () => attempt((s) => s.removeItem(key), undefined),
  };
}

/**
 * Whether a user whose token was issued at `issuedAtMs` signed in after the group's sign-out at
 * `signedOutAtMs` (`null`: none): the one rule for telling a user who signed in again from a
 * leftover, which the marker check, the lobby's host and a joining tab all apply.
 */
export function signedInSince(
  issuedAtMs: number | null | undefined,
  signedOutAtMs: number | null,
): boolean {
  return signedOutAtMs === null || (issuedAtMs != null && issuedAtMs > signedOutAtMs);
}
