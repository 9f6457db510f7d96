// Contracts of the cross-tab coordinator, in a leaf file: the session's option types import them
// without importing the coordinator.

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
  query?(): Promise<{
    /** The locks held now. */
    held?:
      | readonly {
          /** The lock's name. */
          name?: string | undefined;
        }[]
      | undefined;
  }>;
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

/** The part of Web Storage the sign-out marker uses. */
export type MarkerStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * What `createFederatedSession({ crossTab })` accepts besides `true`. See
 * `createCrossTabCoordinator`.
 */
export interface CrossTabOptions {
  /**
   * Prefix of the Web Lock, BroadcastChannel and sign-out marker names. Each identity's group is
   * named `<name>:<hash of the identity>`; tabs with different prefixes never share.
   * @default 'fedcreds'
   */
  name?: string | undefined;
  /**
   * The Web Locks implementation; `null` disables coordination.
   * @default `navigator.locks`, when present
   */
  locks?: CrossTabLocks | null | undefined;
  /**
   * Opens the channel the tabs talk over; `null` disables coordination.
   * @default `(name) => new BroadcastChannel(name)`, when `BroadcastChannel` exists
   */
  channel?: ((name: string) => CrossTabChannel) | null | undefined;
  /**
   * Where the group's sign-out marker goes (no secret: a time under a hashed key), so that tabs
   * stopped or closed during a sign-out, and reloads after it, stay signed out. `null` for none.
   * @default `localStorage`, when present
   */
  storage?: MarkerStorage | null | undefined;
  /**
   * Lets a tab whose token source holds no IdP user — one opened by typing the address, where
   * the user store is per tab (oidc-client-ts's default `sessionStorage`) — join the live group
   * of another tab of this origin when it starts, instead of reporting `signed-out`. It asks the
   * tabs of the same `name`, role and STS (a lobby whose name holds no user); if exactly one group
   * answers, and that group has not signed out since its user's token was issued, the tab imports
   * that group's IdP user in memory (`tokenSource.importHandoff`, which checks it) and adopts its
   * credentials: its snapshot's `identity` is then that user's, and its `refreshed` event says
   * `source: 'peer'`. It never joins while its source holds a user of its own (whoever it is),
   * and not when two groups are live. Tabs answer for their group only where this option is on
   * too. Needs a token source with `describeUser`, `exportHandoff` and `importHandoff`
   * (`oidcTokenSource` has them).
   * @default false (in `@fedcreds/react/oidc`'s provider too: the app's choice)
   */
  joinWhenSignedOut?: boolean | undefined;
  /**
   * How long a tab about to call STS waits for the other tabs' answers, in milliseconds; also how
   * long a tab with no IdP user (`joinWhenSignedOut`) waits for a group's answer.
   * @default 1000 (`DEFAULT_ANSWER_TIMEOUT_MS`)
   */
  answerTimeoutMs?: number | undefined;
  /**
   * How long a tab without usable credentials waits for the refresh lock before taking it over,
   * in milliseconds.
   * @default 10000 (`DEFAULT_LOCK_TIMEOUT_MS`)
   */
  lockTimeoutMs?: number | undefined;
}
