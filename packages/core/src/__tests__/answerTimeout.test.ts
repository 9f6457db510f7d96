/**
 * answerTimeout: the wait for other tabs' answers counts only time this tab could have read them.
 * A hand-driven clock and timer queue play a main thread that was busy (its timer runs late).
 */
import { describe, expect, it } from 'vitest';
import { answerTimeout } from '../time/answerTimeout.js';
import type { TimerProvider } from '../time/TimerProvider.js';

function thread() {
  let nowMs = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  let next = 0;
  const provider: TimerProvider = {
    setTimeout: (run, delayMs) => {
      timers.set(++next, { at: nowMs + delayMs, run });
      return next;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  return {
    clock: { now: () => nowMs },
    timers: provider,
    pending: () => [...timers.values()].map(({ at }) => at),
    /** The thread is free again at `atMs`: the timers due by then run, late if they were due earlier. */
    runUntil(atMs: number) {
      nowMs = Math.max(nowMs, atMs);
      for (const [handle, timer] of [...timers]) {
        if (timer.at > atMs) continue;
        timers.delete(handle);
        timer.run();
      }
    },
  };
}

describe('answerTimeout', () => {
  it('gives up after the timeout when the timer runs on time', () => {
    const t = thread();
    let timedOut = 0;
    answerTimeout(t.timers, t.clock, 1_000, () => timedOut++);
    t.runUntil(999);
    expect(timedOut).toBe(0);
    t.runUntil(1_000);
    expect(timedOut).toBe(1);
    expect(t.pending()).toEqual([]);
  });

  it('a timer that ran late (the tab was busy) waits once more, as long as it was late', () => {
    const t = thread();
    let timedOut = 0;
    answerTimeout(t.timers, t.clock, 1_000, () => timedOut++);
    // Busy until 1.6 s: the answers that queued meanwhile get 600 ms more to be read.
    t.runUntil(1_600);
    expect(timedOut).toBe(0);
    expect(t.pending()).toEqual([2_200]);
    // Late again: there is only one extension.
    t.runUntil(2_900);
    expect(timedOut).toBe(1);
  });

  it('a little lateness (a quarter of the timeout or less) is not an extension', () => {
    const t = thread();
    let timedOut = 0;
    answerTimeout(t.timers, t.clock, 1_000, () => timedOut++);
    t.runUntil(1_250);
    expect(timedOut).toBe(1);
  });

  it('the extension is at most the timeout, however late the timer ran', () => {
    const t = thread();
    answerTimeout(t.timers, t.clock, 1_000, () => undefined);
    t.runUntil(9_000);
    expect(t.pending()).toEqual([10_000]);
  });

  it('cancelled, it never fires, extended or not', () => {
    const t = thread();
    let timedOut = 0;
    const cancel = answerTimeout(t.timers, t.clock, 1_000, () => timedOut++);
    t.runUntil(1_600);
    cancel();
    t.runUntil(5_000);
    expect(timedOut).toBe(0);
    expect(t.pending()).toEqual([]);
  });
});
