import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { DevstackConfig } from '../config.js';
import { requireBackendSecret } from './backendChannel.js';
import type { BackendChannel } from './backendChannel.js';
import { confineS3Keys } from './confineS3Keys.js';

/** The S3 (s3rver) behind the gateway, reachable only through it. */
export interface S3Backend {
  /** Directory the objects live in. */
  directory: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver silently on `channel`'s socket with the configured buckets. Objects go to
 * `config.dataDir`, or to a fresh temporary directory that `stop()` removes.
 */
export async function startS3Backend(
  config: DevstackConfig,
  channel: BackendChannel,
): Promise<S3Backend> {
  const ownsDirectory = config.dataDir === undefined;
  const directory = config.dataDir ?? (await mkdtemp(join(tmpdir(), 'fedcreds-s3-')));
  const removeDirectory = async () => {
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
  };
  const s3rver = new S3rver({
    silent: true,
    directory,
    // Bucket names come from the path only; a Host like `localhost:9040` must not be read as one.
    vhostBuckets: false,
    configureBuckets: config.gateway.buckets.map((name) => ({ name })),
  });
  let server: Server;
  try {
    confineS3Keys(s3rver.store);
    await s3rver.configureBuckets();
    server = await s3rver.listen(channel.socketPath);
  } catch (err) {
    await removeDirectory();
    throw err;
  }
  requireBackendSecret(server, channel.secret);
  return {
    directory,
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await removeDirectory();
    },
  };
}
