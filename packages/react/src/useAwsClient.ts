'use client';
import { useEffect, useMemo, useState } from 'react';
import { useCredentialsStore } from './AwsCredentialsContext.js';
import { sameConfig } from './sameConfig.js';

/** What {@link useAwsClient} needs of an SDK v3 client: every SDK v3 client has `destroy()`. */
export interface DestroyableClient {
  /** Releases the client's resources (its HTTP handler's sockets). */
  destroy(): void;
}

/** What {@link useAwsClient} needs of an SDK v3 client class: a constructor taking its config. */
export type AwsClientConstructor<Client extends DestroyableClient> = new (config: never) => Client;

/**
 * Configuration of the client class `Ctor`, without `credentials` (the session provides them).
 */
export type AwsClientConfig<Ctor extends abstract new (...args: never[]) => unknown> = Omit<
  NonNullable<ConstructorParameters<Ctor>[0]>,
  'credentials'
>;

/** Clients whose destruction is pending: StrictMode's immediate re-mount cancels it. */
const pendingDestroy = new WeakMap<object, { cancelled: boolean }>();

/**
 * One AWS SDK v3 client bound to the session's credential provider, kept across renders.
 *
 * A new client is built only when the class, the session or the configuration changes — compared
 * structurally, so an inline `{ region: 'eu-west-1' }` does not rebuild it; keep functions and
 * class instances in the config (request handlers, endpoint functions) stable. The replaced or
 * unmounted client is `destroy()`ed. Every call it makes is signed with the session's current
 * credentials, renewed by the session before they expire.
 *
 * @param ClientClass - an SDK v3 client class, e.g. `S3Client` or `DynamoDBClient`.
 * @param config - its configuration, minus `credentials`.
 *
 * @example
 * ```tsx
 * function Upload({ file }: { file: File }) {
 *   const s3 = useAwsClient(S3Client, { region: 'eu-west-1' });
 *   const upload = () => s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: file.name, Body: file }));
 *   return <button onClick={() => void upload()}>Upload</button>;
 * }
 * ```
 */
export function useAwsClient<Ctor extends AwsClientConstructor<DestroyableClient>>(
  ClientClass: Ctor,
  config?: AwsClientConfig<Ctor>,
): InstanceType<Ctor> {
  const { session } = useCredentialsStore('useAwsClient');
  const stableConfig = useStableConfig(config);
  const client = useMemo(
    () =>
      new (ClientClass as unknown as new (config: object) => InstanceType<Ctor>)({
        ...stableConfig,
        credentials: session.credentialProvider,
      }),
    [ClientClass, stableConfig, session],
  );

  useEffect(() => {
    const pending = pendingDestroy.get(client);
    if (pending !== undefined) pending.cancelled = true;
    return () => {
      // Deferred a microtask: StrictMode re-runs this effect synchronously, and the client it
      // re-mounts with is this same one, which must stay usable.
      const token = { cancelled: false };
      pendingDestroy.set(client, token);
      queueMicrotask(() => {
        if (token.cancelled) return;
        pendingDestroy.delete(client);
        client.destroy();
      });
    };
  }, [client]);

  return client;
}

/** `config` itself while it is structurally the same as before, so it can key a memo. */
function useStableConfig<T>(config: T): T {
  const [stable, setStable] = useState(config);
  if (sameConfig(stable, config)) return stable;
  // React's "adjust state while rendering" pattern: re-renders at once with the new config.
  // The pass that returns here is discarded, so it keeps the old config and builds nothing.
  setStable(config);
  return stable;
}
