/**
 * The part of the Web Locks API (`navigator.locks`) the coordinator uses. Any object of this
 * shape will do, e.g. an in-memory one in tests.
 */
export interface CrossTabLocks {
  /**
   * Runs `callback` while holding the lock `name`; rejects if `signal` aborts while waiting.
   * With `steal`, takes the lock at once from whoever holds it (whose request then rejects).
   */
  request<T>(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => T,
  ): Promise<Awaited<T>>;
  /** Locks held and waited for in this origin; used to count the tabs present. */
  query?(): Promise<{ held?: readonly { name?: string | undefined }[] | undefined }>;
}

/** The part of `BroadcastChannel` the coordinator uses. */
export interface CrossTabChannel {
  /** Sends `message` (structured-cloned) to the other channels of the same name. */
  postMessage(message: unknown): void;
  /** Listens for messages from the other channels of the same name. */
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  /** Stops listening. */
  close(): void;
}

/** Web Locks and BroadcastChannel, as the coordinator reaches them. */
export interface CrossTabTransport {
  readonly locks: CrossTabLocks;
  readonly openChannel: (name: string) => CrossTabChannel;
}

/** `navigator.locks`, when the environment has it. */
export function defaultLocks(): CrossTabLocks | null {
  const locks = (globalThis as { navigator?: { locks?: CrossTabLocks } }).navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks : null;
}

/** `(name) => new BroadcastChannel(name)`, when the environment has BroadcastChannel. */
export function defaultChannel(): ((name: string) => CrossTabChannel) | null {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => CrossTabChannel })
    .BroadcastChannel;
  return typeof Channel === 'function' ? (name) => new Channel(name) : null;
}
