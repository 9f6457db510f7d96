/**
 * The provider that builds an OIDC session from oidc-client-ts settings, plus everything of
 * `@fedcreds/react`.
 *
 * @packageDocumentation
 * @module @fedcreds/react/oidc
 */
// Public entry of @fedcreds/react/oidc: the provider that builds an OIDC session from settings.
// It imports oidc-client-ts (an optional peer); apps that do not import this entry do not load it.
// Everything of the main entry is here too, so an OIDC app can import from one place.
export * from '../index.js';
export { AwsCredentialsProvider } from './AwsCredentialsProvider.js';
export type {
  AwsCredentialsOidcProps,
  AwsCredentialsProviderProps,
} from './AwsCredentialsProvider.js';
