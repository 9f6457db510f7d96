import { parseSessionRecord, type SessionRecord } from './SessionRecord.js';

/** Where a session keeps its credentials across page reloads (see `FederatedSessionOptions.persistence`). */
export type SessionPersistence =
  | 'memory'
  | 'sessionStorage'
  | {
      /** A `Storage`-like object of the app's (it receives secrets: keep it out of `localStorage`). */
      storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
    };

/** Reads, writes and clears one session's {@link SessionRecord}. */
export interface SessionStore {
  load(): SessionRecord | null;
  save(record: SessionRecord): void;
  clear(): void;
}

/**
 * Resolves a {@link SessionPersistence} choice to a store, or `null` for `'memory'` (or when the
 * chosen storage is unavailable — private modes and sandboxed frames throw on access). Looks up
 * `sessionStorage` when called, so nothing touches `window` at import. Storage failures (quota,
 * corrupt entries) are swallowed: persistence is an optimisation, never a reason to fail.
 *
 * @param persistence - the session's option.
 * @param key - the storage key.
 */
export function createSessionStore(
  persistence: SessionPersistence,
  key: string,
): SessionStore | null {
  let storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  if (persistence === 'memory') return null;
  if (persistence === 'sessionStorage') {
    try {
      storage = (globalThis as { sessionStorage?: Storage }).sessionStorage;
    } catch {
      storage = undefined;
    }
  } else {
    storage = persistence.storage;
  }
  if (!storage) return null;
  const s = storage;
  return {
    load() {
      try {
        const text = s.getItem(key);
        return text === null ? null : parseSessionRecord(JSON.parse(text));
      } catch {
        return null;
      }
    },
    save(record) {
      try {
        s.setItem(key, JSON.stringify(record));
      } catch {
        // Quota exceeded or storage disabled: the session still works from memory.
      }
    },
    clear() {
      try {
        s.removeItem(key);
      } catch {
        // Nothing more to do.
      }
    },
  };
}

/**
 * A {@link SessionStore} that opens the chosen storage on first use (never at construction, so
 * nothing touches `window` before `start()`) and does nothing when there is none (`'memory'`, or
 * storage unavailable).
 */
export function lazySessionStore(persistence: SessionPersistence, key: string): SessionStore {
  let store: SessionStore | null | undefined;
  const open = () => (store === undefined ? (store = createSessionStore(persistence, key)) : store);
  return {
    load: () => open()?.load() ?? null,
    save: (record) => open()?.save(record),
    clear: () => open()?.clear(),
  };
}
