import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

/** Something a page did that a healthy demo never does. */
export interface Problem {
  kind: 'console-error' | 'page-error' | 'csp-violation';
  text: string;
  /** Page (or resource) the problem came from. */
  url: string;
}

/** An expected console error, e.g. the browser's own "Failed to load resource: … 400" log line. */
export interface AllowedConsoleError {
  text: RegExp;
  /** Only from resources under this URL prefix. */
  urlPrefix: string;
}

/** Collects problems from every page of a context; see {@link watchProblems}. */
export interface ProblemLog {
  problems: Problem[];
  /** Accepts matching console errors until the returned function is called. */
  allow(expected: AllowedConsoleError): () => void;
}

interface ViolationReport {
  directive: string;
  blockedURI: string;
  documentURI: string;
  sample: string;
}

const BINDING = '__fedcredsE2eCspViolation';

/**
 * Records console errors, uncaught page errors and CSP violations on every page of `context`.
 * The violation listener is injected through the DevTools protocol (an init script and a
 * binding), which the page's CSP does not govern, so it sees every violation the page causes.
 */
export async function watchProblems(context: BrowserContext): Promise<ProblemLog> {
  const problems: Problem[] = [];
  const allowed = new Set<AllowedConsoleError>();

  await context.exposeBinding(BINDING, (_source, report: ViolationReport) => {
    problems.push({
      kind: 'csp-violation',
      text: `${report.directive} blocked ${report.blockedURI || '(inline)'} ${report.sample}`.trim(),
      url: report.documentURI,
    });
  });
  await context.addInitScript((binding: string) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as Record<string, (r: unknown) => void>)[binding];
      report?.({
        directive: event.effectiveDirective,
        blockedURI: event.blockedURI,
        documentURI: event.documentURI,
        sample: event.sample,
      });
    });
  }, BINDING);

  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const url = message.location().url;
    for (const expected of allowed) {
      if (expected.text.test(text) && url.startsWith(expected.urlPrefix)) return;
    }
    problems.push({ kind: 'console-error', text, url });
  };
  const watchPage = (page: Page) => {
    page.on('console', onConsole);
    page.on('pageerror', (error) =>
      problems.push({ kind: 'page-error', text: String(error), url: page.url() }),
    );
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);

  return {
    problems,
    allow(expected) {
      allowed.add(expected);
      return () => allowed.delete(expected);
    },
  };
}
