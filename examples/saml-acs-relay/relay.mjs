/* global process, Buffer, console, URL, URLSearchParams */
// A SAML Assertion Consumer Service for a single-page app. The IdP POSTs the SAML response here
// (a static SPA cannot receive a POST); this answers 303 to the app with the response in the URL
// fragment, which the browser keeps and never sends to any server. fedcreds reads it from there
// (`new URLSearchParams(location.hash.slice(1)).get('SAMLResponse')`).
//
// It never logs, stores or echoes the assertion, redirects only to the one configured app URL
// (RelayState is handed to the app in the fragment, not used as a redirect target), and refuses
// anything that is not a form POST of a plausible SAMLResponse.
//
// Run it as an AWS Lambda function URL (`handler`, with APP_URL set), or as a plain Node server
// (`node relay.mjs` with APP_URL and PORT), or call `relaySamlPost` from your own server.

import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** Largest form body accepted: signed responses are a few KiB; 256 KiB leaves room for certificates. */
export const MAX_BODY_BYTES = 256 * 1024;

const BASE64 = /^[A-Za-z0-9+/=\r\n]+$/;
const NO_CACHE = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * Turns the IdP's POST into the redirect to the app.
 *
 * @param {{ method: string; contentType: string | undefined; body: string }} request
 * @param {{ appUrl: string }} options - `appUrl`: the page that completes sign-in (`https://app.example.com/saml`).
 * @returns {{ status: number; headers: Record<string, string>; body: string }}
 */
export function relaySamlPost(request, options) {
  const target = new URL(options.appUrl);
  if (request.method !== 'POST') return plain(405, 'The ACS accepts only POST.', { allow: 'POST' });
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.contentType ?? '')) {
    return plain(415, 'The ACS expects an HTML form POST (application/x-www-form-urlencoded).');
  }
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES) return plain(413, 'The form is too large.');
  const form = new URLSearchParams(request.body);
  const samlResponse = form.get('SAMLResponse');
  if (!samlResponse || !BASE64.test(samlResponse)) {
    return plain(400, 'The ACS expects a form field SAMLResponse (base64).');
  }
  const fragment = new URLSearchParams({ SAMLResponse: samlResponse.replace(/\s+/g, '') });
  const relayState = form.get('RelayState');
  if (relayState) fragment.set('RelayState', relayState);
  target.hash = fragment.toString();
  return { status: 303, headers: { ...NO_CACHE, location: target.href }, body: '' };
}

/** @param {number} status @param {string} message @param {Record<string, string>} [extra] */
function plain(status, message, extra = {}) {
  return {
    status,
    headers: { ...NO_CACHE, 'content-type': 'text/plain; charset=utf-8', ...extra },
    body: `${message}\n`,
  };
}

/**
 * AWS Lambda function URL handler (payload format 2.0). Configure APP_URL in the function's
 * environment. Lambda logs only what the code prints: this prints nothing.
 *
 * @param {{ requestContext: { http: { method: string } }; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean }} event
 */
export async function handler(event) {
  const appUrl = process.env.APP_URL;
  if (!appUrl) return { statusCode: 500, headers: NO_CACHE, body: 'APP_URL is not configured.\n' };
  const raw = event.body ?? '';
  const response = relaySamlPost(
    {
      method: event.requestContext.http.method,
      contentType: event.headers?.['content-type'],
      body: event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
    },
    { appUrl },
  );
  return { statusCode: response.status, headers: response.headers, body: response.body };
}

/**
 * The same relay as a Node HTTP server, for hosting it yourself (and for the tests).
 *
 * @param {{ appUrl: string; path?: string }} options - `path`: where the ACS listens. @default '/saml/acs'
 * @returns {import('node:http').Server}
 */
export function createRelayServer(options) {
  const path = options.path ?? '/saml/acs';
  return createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://relay').pathname !== path) {
      const { status, headers, body } = plain(404, 'Not found.');
      res.writeHead(status, headers).end(body);
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        const { status, headers, body } = plain(413, 'The form is too large.');
        res.writeHead(status, { ...headers, connection: 'close' }).end(body);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const { status, headers, body } = relaySamlPost(
        {
          method: req.method ?? 'GET',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        },
        options,
      );
      res.writeHead(status, headers).end(body);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const appUrl = process.env.APP_URL;
  if (!appUrl) {
    console.error(
      'Set APP_URL to the page that completes sign-in, e.g. https://app.example.com/saml',
    );
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 8080);
  createRelayServer({ appUrl }).listen(port, () => {
    console.log(`SAML ACS relay on port ${port}: POST /saml/acs -> ${appUrl}#SAMLResponse=…`);
  });
}
