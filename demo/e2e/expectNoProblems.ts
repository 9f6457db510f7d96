import { expect } from 'vitest';
import type { DemoHarness } from './startDemo.js';
import type { ProblemLog } from './watchProblems.js';

/** No console error, page error or CSP violation on any page, and no request left loopback. */
export function expectNoProblems(demo: DemoHarness, logs: ProblemLog[]): void {
  expect(logs.flatMap((log) => log.problems)).toEqual([]);
  expect(demo.browser.blockedRequests).toEqual([]);
}
