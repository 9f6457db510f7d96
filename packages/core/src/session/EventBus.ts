import { reportUncaught } from '../reportUncaught.js';

/**
 * Typed events by name: `on(type, handler)` and `emit(type, event)`. A handler that throws is
 * reported as an uncaught error and does not stop the others (nor the session emitting).
 *
 * @typeParam M - event payloads by event name.
 */
export class EventBus<M extends object> {
  readonly #handlers = new Map<keyof M, Set<(event: never) => void>>();

  constructor() {
    this.on = this.on.bind(this);
  }

  /** Calls `handler` on each event of `type`; returns a function that removes it. Bound. */
  on<K extends keyof M>(type: K, handler: (event: M[K]) => void): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const entry = handler as (event: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Delivers `event` to the handlers of `type`, in registration order. */
  emit<K extends keyof M>(type: K, event: M[K]): void {
    const set = this.#handlers.get(type);
    if (!set) return;
    for (const handler of [...set]) guard(() => (handler as (event: M[K]) => void)(event));
  }
}

/** Runs a listener so that its exception surfaces (as an uncaught error) without breaking the caller. */
export function guard(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportUncaught(error);
  }
}
