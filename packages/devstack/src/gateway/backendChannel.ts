import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Header carrying the per-start secret from the gateway to a backend. */
export const BACKEND_SECRET_HEADER = 'x-devstack-backend-secret';

/**
 * Where the gateway reaches one backend: a Unix socket (a named pipe on Windows) in a directory
 * only the current user may enter, plus a per-start secret every request must carry. No TCP port
 * is opened, so neither a browser nor another machine can reach a backend past the gateway.
 */
export interface BackendChannel {
  /** Path of the socket the backend listens on. */
  socketPath: string;
  /** Random per start; requests without it get 403 from the backend. */
  secret: string;
}

/** The channels of both backends and the directory that holds their sockets. */
export interface BackendChannels {
  s3: BackendChannel;
  dynamodb: BackendChannel;
  /** Removes the socket directory. Idempotent. */
  remove(): Promise<void>;
}

/** Creates a private socket directory (mode 0700, as `mkdtemp` makes it) and a secret per backend. */
export async function createBackendChannels(): Promise<BackendChannels> {
  const directory = await mkdtemp(join(tmpdir(), 'fedcreds-sock-'));
  const tag = randomBytes(8).toString('hex');
  const socketPath = (name: string) =>
    process.platform === 'win32'
      ? `\\\\?\\pipe\\fedcreds-${tag}-${name}`
      : join(directory, `${name}.sock`);
  const channel = (name: string): BackendChannel => ({
    socketPath: socketPath(name),
    secret: randomBytes(32).toString('hex'),
  });
  return {
    s3: channel('s3'),
    dynamodb: channel('dynamodb'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}

/**
 * Makes `server` answer only requests carrying `secret`: its request listeners are wrapped so a
 * request without the secret gets 403 and never reaches the backend's own code.
 */
export function requireBackendSecret(server: Server, secret: string): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const expected = Buffer.from(secret);
  server.on('request', (req: IncomingMessage, res) => {
    const given = Buffer.from(String(req.headers[BACKEND_SECRET_HEADER] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      req.resume();
      res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
      res.end('devstack backends are reachable only through the gateway');
      return;
    }
    delete req.headers[BACKEND_SECRET_HEADER];
    for (const listener of listeners) listener(req, res);
  });
}

/** Listens on a channel's socket path. */
export function listenOnChannel(server: Server, channel: BackendChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(channel.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Request options that reach a backend through its channel. */
export function channelRequestOptions(
  channel: BackendChannel,
  headers: OutgoingHttpHeaders,
): { socketPath: string; headers: OutgoingHttpHeaders } {
  return {
    socketPath: channel.socketPath,
    headers: { ...headers, [BACKEND_SECRET_HEADER]: channel.secret },
  };
}
