import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** One axe-core rule the page breaks, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  targets: string[];
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core's WCAG 2.x A/AA rules on the page as it is. The script goes in through the
 * DevTools protocol (`page.evaluate` of its source), which the page's strict CSP does not govern —
 * a `<script>` tag with inline content would be refused by `script-src 'self'` — so the demo is
 * scanned under the CSP it ships with.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  // A string is evaluated as a script by the protocol itself: no `eval` in the page, which the CSP
  // (no 'unsafe-eval') would refuse.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    })) as {
      violations: {
        id: string;
        impact: AxeViolation['impact'];
        help: string;
        nodes: { target: string[] }[];
      }[];
    };
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
}

/** The violations a release may not have: axe's `serious` and `critical`. */
export const blocking = (violations: AxeViolation[]) =>
  violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
