import type { Server } from 'node:http';
import { assertLoopbackHost } from '../config.js';

/**
 * Listens on `host:port` and resolves once bound (or rejects, e.g. when the port is taken). Refuses
 * any host outside 127.0.0.0/8.
 */
export async function listen(server: Server, port: number, host: string): Promise<void> {
  assertLoopbackHost(host);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting connections, drops idle keep-alive ones and resolves when the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
