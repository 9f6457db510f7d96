// Shared by the cross-tab tests (not a test file itself): an in-memory Web Locks stand-in, since
// Node has no `navigator.locks`. Tabs are sessions in one process that share one MemoryLocks and
// talk over Node's real BroadcastChannel, which delivers between instances of one thread too.
import {
  ReauthRequiredError,
  type CrossTabLocks,
  type SignOutOptions,
  type TokenSource,
} from '@fedcreds/core';

type Mode = 'exclusive' | 'shared';

interface Waiter {
  readonly mode: Mode;
  readonly grant: () => void;
  /** Who asked (see {@link MemoryLocks.for}). */
  readonly owner: string | undefined;
}

interface Held {
  readonly name: string;
  readonly mode: Mode;
  /** Rejects the holder's request (its lock was stolen); the callback itself runs on. */
  readonly steal: () => void;
}

/**
 * The Web Locks API's semantics for one origin, in memory: per name, a FIFO queue; an exclusive
 * lock is granted when nothing is held, shared locks while no exclusive one is held or queued
 * ahead; a lock is released when the callback's promise settles; a wait aborted by its signal
 * leaves the queue and rejects with the signal's reason; `steal` releases the locks held under
 * the name (their requests reject with an `AbortError`, their callbacks run on) and is granted
 * ahead of the queue. Grants happen on a later microtask, as in a browser they arrive
 * asynchronously.
 */
export class MemoryLocks implements CrossTabLocks {
  readonly #held = new Set<Held>();
  readonly #queues = new Map<string, Waiter[]>();
  /** Exclusive locks granted so far, by name. */
  readonly exclusiveGrants = new Map<string, number>();
  /** Locks stolen so far. */
  steals = 0;

  /** Exclusive grants of every name. */
  get totalExclusiveGrants(): number {
    return [...this.exclusiveGrants.values()].reduce((sum, count) => sum + count, 0);
  }

  /** The same locks as seen by one tab, whose waits {@link MemoryLocks.waiting} counts. */
  for(owner: string): CrossTabLocks {
    return {
      request: (name, options, callback) => this.request(name, options, callback, owner),
      query: () => this.query(),
    };
  }

  /**
   * Requests of `owner` waiting for a lock; not the lobby's host locks, which members wait on
   * for as long as they are started.
   */
  waiting(owner: string): number {
    return [...this.#queues]
      .filter(([name]) => !isHostLock(name))
      .reduce((sum, [, queue]) => sum + queue.filter((w) => w.owner === owner).length, 0);
  }

  request<T>(
    name: string,
    options: { mode?: Mode; signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => T,
    owner?: string,
  ): Promise<Awaited<T>> {
    const mode = options.mode ?? 'exclusive';
    const { signal } = options;
    return new Promise<Awaited<T>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const queue = this.#queue(name);
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
        this.#pump(name);
      };
      const waiter: Waiter = {
        mode,
        owner,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          let stolen = false;
          const held: Held = {
            name,
            mode,
            steal: () => {
              stolen = true;
              this.#held.delete(held);
              reject(new DOMException('The lock was stolen.', 'AbortError'));
            },
          };
          this.#held.add(held);
          if (mode === 'exclusive') {
            this.exclusiveGrants.set(name, (this.exclusiveGrants.get(name) ?? 0) + 1);
          }
          Promise.resolve()
            .then(() => Promise.resolve(callback({ name, mode })))
            .then(resolve, reject)
            .finally(() => {
              if (stolen) return;
              this.#held.delete(held);
              this.#pump(name);
            });
        },
      };
      if (options.steal) {
        this.steals += 1;
        for (const held of [...this.#held]) if (held.name === name) held.steal();
        queueMicrotask(() => waiter.grant());
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      queueMicrotask(() => this.#pump(name));
    });
  }

  query(): Promise<{ held: { name: string; mode: Mode }[] }> {
    return Promise.resolve({ held: [...this.#held].map(({ name, mode }) => ({ name, mode })) });
  }

  /**
   * Whether an exclusive lock is held or any request waits: some tab is refreshing. The lobby's
   * host locks (`joinWhenSignedOut`), held and queued for as long as members are started, do not
   * count.
   */
  get busy(): boolean {
    return (
      [...this.#held].some((lock) => lock.mode === 'exclusive' && !isHostLock(lock.name)) ||
      [...this.#queues].some(([name, queue]) => queue.length > 0 && !isHostLock(name))
    );
  }

  /** Names of the locks held now. */
  get heldNames(): string[] {
    return [...this.#held].map((lock) => lock.name);
  }

  #queue(name: string): Waiter[] {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = [];
      this.#queues.set(name, queue);
    }
    return queue;
  }

  #pump(name: string): void {
    const queue = this.#queue(name);
    const held: { mode: Mode }[] = [...this.#held].filter((lock) => lock.name === name);
    for (;;) {
      const next = queue[0];
      if (!next) return;
      const free =
        next.mode === 'exclusive'
          ? held.length === 0
          : held.every((lock) => lock.mode === 'shared');
      if (!free) return;
      queue.shift();
      held.push({ mode: next.mode });
      next.grant();
    }
  }
}

/** A lobby host lock: `<name>:lobby:<key>:host:<group key>`. */
function isHostLock(name: string): boolean {
  return /:lobby:[^:]+:host:/.test(name);
}

/** One user's state at {@link RotatingIdp}: what a real token source keeps in its user store. */
export interface IdpUser {
  readonly subject: string;
  readonly idToken: string;
  readonly issuedAtMs: number;
  readonly refreshToken: string;
}

/**
 * An IdP's refresh-token grant with rotation and reuse detection, in process: every renewal
 * spends the refresh token it is given and issues a new one; presenting a spent one is refused
 * (`invalid_grant`) and counted. It stands in for the IdP side of a token source in the group
 * protocol tests, which run on simulated time; the same protocol with the real oidc-client-ts
 * `UserManager` and the dev stack's rotating refresh tokens is tested in crossTab.oidc.test.ts.
 * ID tokens are real ones from the dev stack's IdP, which STS verifies.
 */
export class RotatingIdp {
  /** Successful renewals, and refused ones (a spent refresh token came back). */
  renewals = 0;
  reuses = 0;
  readonly #latest = new Map<string, string>();
  #seq = 0;

  constructor(
    readonly issuer: string,
    readonly mint: (subject: string) => Promise<{ idToken: string; issuedAtMs: number }>,
  ) {}

  async signIn(subject: string): Promise<IdpUser> {
    const refreshToken = this.#nextRefreshToken(subject);
    return { subject, refreshToken, ...(await this.mint(subject)) };
  }

  async renew(user: IdpUser): Promise<IdpUser> {
    if (this.#latest.get(user.subject) !== user.refreshToken) {
      this.reuses += 1;
      throw new ReauthRequiredError('invalid_grant', 'The refresh token was already used.');
    }
    this.renewals += 1;
    const refreshToken = this.#nextRefreshToken(user.subject);
    return { subject: user.subject, refreshToken, ...(await this.mint(user.subject)) };
  }

  #nextRefreshToken(subject: string): string {
    const token = `rt-${subject}-${++this.#seq}`;
    this.#latest.set(subject, token);
    return token;
  }
}

/** A token source over one tab's user at a {@link RotatingIdp}, with the hand-off methods. */
export interface UserTokenSource extends TokenSource {
  user: IdpUser | null;
  readonly signOuts: (SignOutOptions | undefined)[];
}

/**
 * What a real token source does with its stored user, for the protocol tests: the stored ID
 * token unless `forceRefresh` (then a renewal at the IdP), `describeUser()` from the stored user,
 * the user handed off and taken over whole (another subject's refused), `signOut()` forgets it.
 */
export function userTokenSource(idp: RotatingIdp, user: IdpUser | null): UserTokenSource {
  const source: UserTokenSource = {
    user,
    signOuts: [],
    async getToken({ forceRefresh }) {
      const current = source.user;
      if (!current) throw new ReauthRequiredError('signed_out', 'Nobody is signed in.');
      if (!forceRefresh) return current.idToken;
      const renewed = await idp.renew(current);
      // Stored unless the user changed meanwhile (signed out, or taken over).
      if (source.user === current) source.user = renewed;
      return renewed.idToken;
    },
    async describeUser() {
      const current = source.user;
      return current
        ? { issuer: idp.issuer, subject: current.subject, issuedAtMs: current.issuedAtMs }
        : null;
    },
    async exportHandoff() {
      return source.user ? { ...source.user } : null;
    },
    async importHandoff(state) {
      const next = state as Partial<IdpUser> | null;
      if (typeof next?.subject !== 'string' || typeof next.refreshToken !== 'string') {
        throw new TypeError('not a user');
      }
      if (source.user && source.user.subject !== next.subject) throw new Error('another user');
      source.user = next as IdpUser;
    },
    async signOut(options) {
      source.signOuts.push(options);
      source.user = null;
    },
  };
  return source;
}
