'use client';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';

/**
 * `useSyncExternalStore` that re-renders only when `selector`'s result changes by `isEqual`.
 * The same algorithm as React's `use-sync-external-store/with-selector`, kept here to avoid a
 * CommonJS dependency: a selection is memoized per snapshot object, and an equal selection keeps
 * the previous value so React bails out.
 * @internal
 */
export function useSyncExternalStoreWithSelector<Snapshot, Selection>(
  subscribe: (listener: () => void) => () => void,
  getSnapshot: () => Snapshot,
  getServerSnapshot: () => Snapshot,
  selector: (snapshot: Snapshot) => Selection,
  isEqual: (a: Selection, b: Selection) => boolean,
): Selection {
  // The last committed selection: a new selector (inline arrow) returning an equal value keeps it.
  const committed = useRef<{ value: Selection } | null>(null);

  const [getSelection, getServerSelection] = useMemo(() => {
    let memo: { snapshot: Snapshot; selection: Selection } | null = null;
    const select = (snapshot: Snapshot): Selection => {
      if (memo !== null && Object.is(memo.snapshot, snapshot)) return memo.selection;
      const next = selector(snapshot);
      const previous =
        memo !== null
          ? memo
          : committed.current !== null
            ? { selection: committed.current.value }
            : null;
      const kept =
        previous !== null && isEqual(previous.selection, next) ? previous.selection : next;
      memo = { snapshot, selection: kept };
      return kept;
    };
    return [() => select(getSnapshot()), () => select(getServerSnapshot())] as const;
  }, [getSnapshot, getServerSnapshot, selector, isEqual]);

  const value = useSyncExternalStore(subscribe, getSelection, getServerSelection);
  useEffect(() => {
    committed.current = { value };
  }, [value]);
  return value;
}
