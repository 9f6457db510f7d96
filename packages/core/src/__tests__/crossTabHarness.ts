// Shared by the cross-tab tests (not a test file itself): an in-memory Web Locks stand-in, since
// Node has no `navigator.locks`. Tabs are sessions in one process that share one MemoryLocks and
// talk over Node's real BroadcastChannel, which delivers between instances of one thread too.
import type { CrossTabLocks } from '@fedcreds/core';

type Mode = 'exclusive' | 'shared';

interface Waiter {
  readonly mode: Mode;
  readonly grant: () => void;
}

interface Held {
  readonly name: string;
  readonly mode: Mode;
}

/**
 * The Web Locks API's semantics for one origin, in memory: per name, a FIFO queue; an exclusive
 * lock is granted when nothing is held, shared locks while no exclusive one is held or queued
 * ahead; a lock is released when the callback's promise settles; a wait aborted by its signal
 * leaves the queue and rejects with the signal's reason. Grants happen on a later microtask, as
 * in a browser they arrive asynchronously.
 */
export class MemoryLocks implements CrossTabLocks {
  readonly #held = new Set<Held>();
  readonly #queues = new Map<string, Waiter[]>();
  /** Exclusive locks granted so far, by name. */
  readonly exclusiveGrants = new Map<string, number>();

  request<T>(
    name: string,
    options: { mode?: Mode; signal?: AbortSignal },
    callback: (lock: unknown) => T,
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
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          const held: Held = { name, mode };
          this.#held.add(held);
          if (mode === 'exclusive') {
            this.exclusiveGrants.set(name, (this.exclusiveGrants.get(name) ?? 0) + 1);
          }
          Promise.resolve()
            .then(() => Promise.resolve(callback({ name, mode })))
            .then(resolve, reject)
            .finally(() => {
              this.#held.delete(held);
              this.#pump(name);
            });
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      queueMicrotask(() => this.#pump(name));
    });
  }

  query(): Promise<{ held: { name: string; mode: Mode }[] }> {
    return Promise.resolve({ held: [...this.#held].map(({ name, mode }) => ({ name, mode })) });
  }

  /** Whether an exclusive lock is held or any request waits: some tab is refreshing. */
  get busy(): boolean {
    return (
      [...this.#held].some((lock) => lock.mode === 'exclusive') ||
      [...this.#queues.values()].some((queue) => queue.length > 0)
    );
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
    const held = [...this.#held].filter((lock) => lock.name === name);
    for (;;) {
      const next = queue[0];
      if (!next) return;
      const free =
        next.mode === 'exclusive'
          ? held.length === 0
          : held.every((lock) => lock.mode === 'shared');
      if (!free) return;
      queue.shift();
      held.push({ name, mode: next.mode });
      next.grant();
    }
  }
}
