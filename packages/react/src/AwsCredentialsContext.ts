'use client';
import { createContext, useContext } from 'react';
import type { CredentialsStore } from './credentialsStore.js';

/** @internal Holds the provider's store; `null` outside any provider. */
export const AwsCredentialsContext = createContext<CredentialsStore | null>(null);
AwsCredentialsContext.displayName = 'AwsCredentialsContext';

/** @internal The nearest provider's store, or an error naming the hook that needed it. */
export function useCredentialsStore(hookName: string): CredentialsStore {
  const store = useContext(AwsCredentialsContext);
  if (store === null) {
    throw new Error(
      `${hookName} must be used inside <AwsCredentialsProvider>: wrap your app (or this component) in <AwsCredentialsProvider session={…}> or <AwsCredentialsProvider oidc={…} roleArn="…">.`,
    );
  }
  return store;
}
