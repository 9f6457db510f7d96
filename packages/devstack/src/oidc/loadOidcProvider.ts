import type * as oidcProvider from 'oidc-provider';

/** The oidc-provider module, loaded once. */
export type OidcProviderModule = typeof oidcProvider;

let loading: Promise<OidcProviderModule> | undefined;

/**
 * Imports oidc-provider on first use. Its import-time warning about Node.js versions older than
 * 22 (it runs fine on 20, which this repository targets) is filtered out so that test and CLI
 * output stay readable; every other warning passes through.
 */
export function loadOidcProvider(): Promise<OidcProviderModule> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (
        typeof args[0] === 'string' &&
        args[0].includes('oidc-provider WARNING: Unsupported runtime')
      )
        return;
      warn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
