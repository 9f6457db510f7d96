/**
 * The one observer primitive fedcreds builds on: a set of listeners, a bound `subscribe` that
 * returns its own unsubscribe, and hooks that run when the first listener arrives and the last
 * one leaves (where subclasses attach and release resources).
 *
 * @example
 * ```ts
 * class Counter extends Subscribable {
 *   value = 0;
 *   increment() { this.value += 1; this.notify(); }
 * }
 * const counter = new Counter();
 * const unsubscribe = counter.subscribe(() => console.log(counter.value));
 * ```
 *
 * @typeParam TListener - the listeners' signature; `() => void` by default.
 */
export class Subscribable<TListener extends (...args: never[]) => void = () => void> {
  /** Current listeners, in subscription order. */
  protected readonly listeners = new Set<TListener>();

  constructor() {
    // Bound once so `subscribe` can be handed around (`useSyncExternalStore(store.subscribe, …)`).
    this.subscribe = this.subscribe.bind(this);
  }

  /**
   * Adds `listener` and returns a function that removes it. Subscribing the same function twice
   * registers it once; calling the returned function more than once is harmless.
   */
  subscribe(listener: TListener): () => void {
    const wasEmpty = !this.hasListeners();
    this.listeners.add(listener);
    if (wasEmpty) this.onSubscribe();
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.onUnsubscribe();
    };
  }

  /** Whether anyone is listening. */
  hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /** Runs when the first listener subscribes. */
  protected onSubscribe(): void {}

  /** Runs when the last listener unsubscribes. */
  protected onUnsubscribe(): void {}
}
