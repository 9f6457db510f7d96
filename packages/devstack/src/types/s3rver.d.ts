// s3rver ships no types; this declares the small part the gateway uses.
declare module 's3rver' {
  import type { Server } from 'node:http';

  interface S3rverOptions {
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Uint8Array)[] }[];
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** The filesystem store; its class holds the key ↔ file path hooks. */
    readonly store: object;
    /** Creates the `configureBuckets` buckets (what `run()` does before it listens). */
    configureBuckets(): Promise<void>;
    /** Creates an HTTP server for the app and listens with `server.listen(...args)`. */
    listen(...args: unknown[]): Promise<Server>;
  }

  export default S3rver;
}
