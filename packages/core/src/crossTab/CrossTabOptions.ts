/**
 * The part of the Web Locks API (`navigator.locks`) the coordinator uses. Any object of this
 * shape will do, e.g. an in-memory one in tests.
 */
export interface CrossTabLocks {
  /** Runs `callback` while holding the lock `name`; rejects if `signal` aborts while waiting. */
  request<T>(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; signal?: AbortSignal },
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

/**
 * What `createFederatedSession({ crossTab })` accepts besides `true`. See
 * {@link createCrossTabCoordinator}.
 */
export interface CrossTabOptions {
  /**
   * Name of the Web Lock and of the BroadcastChannel. Tabs whose sessions use the same name
   * share credentials, so give each role its own.
   * @default `fedcreds:<RoleArn>` (`fedcreds:session-token` for GetSessionToken)
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
   * How long a tab about to call STS waits for the other tabs' answers, in milliseconds.
   * @default 500 ({@link DEFAULT_ANSWER_TIMEOUT_MS})
   */
  answerTimeoutMs?: number | undefined;
}
