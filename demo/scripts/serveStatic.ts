import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** A running static file server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/** Options of {@link serveStatic}. */
export interface StaticServerOptions {
  /** Directory served (a Vite `dist/`). */
  root: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** `0` picks a free port. */
  port: number;
  /** Headers sent with every response (the CSP). */
  headers?: Record<string, string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves a built single-page app: files as they are, any other path without an extension
 * (`/saml`, `/callback`) gets `index.html`, so the app's own routes survive a reload.
 */
export async function serveStatic(options: StaticServerOptions): Promise<StaticServer> {
  const root = normalize(options.root);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(root, pathname));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      const found = await stat(file).catch(() => undefined);
      if (!found?.isFile()) {
        if (extname(pathname) !== '') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
          return;
        }
        file = join(root, 'index.html');
      }
      res.writeHead(200, {
        ...options.headers,
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        // index.html must be re-read after a rebuild; hashed assets could be cached, but a demo
        // is simpler without any cache.
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      createReadStream(file).pipe(res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
