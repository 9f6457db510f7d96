import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { DevstackConfig } from '../config.js';

/** The S3 (s3rver) behind the gateway, reachable only through it. */
export interface S3Backend {
  /** `http://127.0.0.1:<port>` of s3rver itself (internal; clients use the gateway). */
  url: string;
  /** Directory the objects live in. */
  directory: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver silently on a random loopback port with the configured buckets. Objects go to
 * `config.dataDir`, or to a fresh temporary directory that `stop()` removes.
 */
export async function startS3Backend(config: DevstackConfig): Promise<S3Backend> {
  const ownsDirectory = config.dataDir === undefined;
  const directory = config.dataDir ?? (await mkdtemp(join(tmpdir(), 'fedcreds-s3-')));
  const removeDirectory = async () => {
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
  };
  const server = new S3rver({
    address: config.host,
    port: 0,
    silent: true,
    directory,
    // Bucket names come from the path only; a Host like `localhost:9040` must not be read as one.
    vhostBuckets: false,
    configureBuckets: config.gateway.buckets.map((name) => ({ name })),
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (err) {
    await removeDirectory();
    throw err;
  }
  return {
    url: `http://${config.host}:${port}`,
    directory,
    async stop() {
      await server.close();
      await removeDirectory();
    },
  };
}
