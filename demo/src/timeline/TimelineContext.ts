import { createContext, useContext, useSyncExternalStore } from 'react';
import { createTimeline, type Timeline, type TimelineEntry } from './createTimeline';

/** The page's one timeline; every session the page shows is tracked into it. */
export const TimelineContext = createContext<Timeline>(createTimeline());

export const useTimeline = (): Timeline => useContext(TimelineContext);

export function useTimelineEntries(): readonly TimelineEntry[] {
  const timeline = useTimeline();
  return useSyncExternalStore(timeline.subscribe, timeline.getSnapshot);
}
