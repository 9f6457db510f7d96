import { escapeXml } from '../text/escapeXml.js';
/**
 * The few HTML pages the devstack's identity providers show (login forms, auto-posting forms,
 * errors). They load nothing from outside the server that renders them and carry no inline
 * script or style, so they work under the strict Content-Security-Policy in {@link PAGE_HEADERS}.
 */

/** Path of the same-origin script that auto-submits `[data-autosubmit]` buttons. */
export const AUTOSUBMIT_SCRIPT_PATH = '/autosubmit.js';
/** Path of the same-origin stylesheet every page links. */
export const PAGE_STYLESHEET_PATH = '/page.css';

/**
 * Clicks the first `[data-autosubmit]` button once the page has loaded. A click (rather than
 * `form.submit()`) keeps the button's own `name`/`value` in the submission and behaves exactly as
 * if the user had pressed it, which is what a browser without scripts falls back to.
 */
export const AUTOSUBMIT_SCRIPT = `'use strict';
(function () {
  var button = document.querySelector('[data-autosubmit]');
  if (button) button.click();
})();
`;

/** Plain system-font styling; served as a file because the CSP forbids inline styles. */
export const PAGE_STYLESHEET = `body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:22rem;color:#1b1b1b}
h1{font-size:1.4rem;font-weight:600}
label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.45rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem;cursor:pointer}
.error{color:#a30000;background:#fde8e8;padding:.5rem;border-radius:4px}
.muted{color:#555;font-size:.9rem}
`;

/**
 * Security headers of every HTML page: scripts and styles only from this origin, nothing else
 * loadable. `form-action` is left out on purpose: browsers apply it to the redirects that follow a
 * form post, and a sign-in ends with a redirect to the app's own origin.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** A full HTML document; `bodyHtml` must already be escaped. */
export function htmlPage(options: {
  title: string;
  bodyHtml: string;
  autosubmit?: boolean;
}): string {
  const script = options.autosubmit
    ? `\n<script src="${AUTOSUBMIT_SCRIPT_PATH}" defer></script>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(options.title)}</title>
<link rel="stylesheet" href="${PAGE_STYLESHEET_PATH}">${script}
</head>
<body>
${options.bodyHtml}
</body>
</html>
`;
}

/**
 * The username/password form both identity providers show. It posts to `action`; the field names
 * (`username`, `password`) and the submit button id (`submit`) are what scripted logins and
 * Playwright rely on.
 */
export function loginFormPage(options: {
  title: string;
  action: string;
  username?: string;
  error?: string;
  hint?: string;
}): string {
  const error = options.error
    ? `<p class="error" role="alert">${escapeXml(options.error)}</p>\n`
    : '';
  const hint = options.hint ? `<p class="muted">${escapeXml(options.hint)}</p>\n` : '';
  return htmlPage({
    title: options.title,
    bodyHtml: `<h1>${escapeXml(options.title)}</h1>
${error}<form method="post" action="${escapeXml(options.action)}" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" type="text" value="${escapeXml(options.username ?? '')}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button id="submit" type="submit">Sign in</button>
</form>
${hint}`,
  });
}

/** A page that only states something (errors, "signed out"). */
export function messagePage(title: string, message: string): string {
  return htmlPage({
    title,
    bodyHtml: `<h1>${escapeXml(title)}</h1>\n<p>${escapeXml(message)}</p>`,
  });
}
