import { afterAll, afterEach, beforeAll } from 'vitest';
import { expectNoProblems } from './expectNoProblems.js';
import { startDemo } from './startDemo.js';
import type { DemoHarness, StartDemoOptions } from './startDemo.js';
import type { ProblemLog } from './watchProblems.js';

/** The demo a describe block shares (see {@link demoForSuite}). */
export interface SuiteDemo extends DemoHarness {
  /** {@link DemoHarness.openPage}, and the page's problems fail the test that opened it. */
  openWatchedPage: DemoHarness['openPage'];
}

/**
 * The demo of the describe block this is called in: started before its first test, stopped after
 * its last, and after each test no problem on any page it opened with `openWatchedPage`.
 */
export function demoForSuite(options: StartDemoOptions = {}): SuiteDemo {
  let demo: DemoHarness | undefined;
  const logs: ProblemLog[] = [];
  const started = (): DemoHarness => {
    if (!demo) throw new Error('the demo starts in beforeAll: use it inside a test');
    return demo;
  };
  beforeAll(async () => {
    demo = await startDemo(options);
  });
  afterAll(() => demo?.stop());
  afterEach(() => expectNoProblems(started(), logs));
  return {
    get origin() {
      return started().origin;
    },
    get devstack() {
      return started().devstack;
    },
    get browser() {
      return started().browser;
    },
    openPage: () => started().openPage(),
    async openWatchedPage() {
      const opened = await started().openPage();
      logs.push(opened.log);
      return opened;
    },
    stop: () => started().stop(),
  };
}
