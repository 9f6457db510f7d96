import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './App.js';

/**
 * The page as a server sends it (Node, an edge function, a framework's server). Rendering builds
 * the provider's session but starts nothing: no `window`, no storage, no timer, no request.
 */
export function renderPage(origin: string): string {
  const html = renderToString(
    <StrictMode>
      <App origin={origin} />
    </StrictMode>,
  );
  return `<!doctype html><html><body><div id="root">${html}</div><script type="module" src="/hydrate.js"></script></body></html>`;
}
