/**
 * React provider, hooks and components over a `@fedcreds/core` session.
 *
 * @packageDocumentation
 * @module @fedcreds/react
 */
// Public entry of @fedcreds/react.
export { AwsCredentialsProvider } from './AwsCredentialsProvider.js';
export type {
  AwsCredentialsProviderProps,
  AwsCredentialsSessionProps,
  SignInCompletion,
} from './AwsCredentialsProvider.js';
export { useAwsCredentials } from './useAwsCredentials.js';
export type { UseAwsCredentialsOptions } from './useAwsCredentials.js';
export type { AwsCredentialsState, AwsCredentialsActions } from './credentialsStore.js';
export { useAwsClient } from './useAwsClient.js';
export type { AwsClientConstructor, AwsClientConfig, DestroyableClient } from './useAwsClient.js';
export { useCredentialExpiry } from './useCredentialExpiry.js';
export type { UseCredentialExpiryOptions, CredentialExpiry } from './useCredentialExpiry.js';
export { RequireAwsCredentials } from './RequireAwsCredentials.js';
export type { RequireAwsCredentialsProps } from './RequireAwsCredentials.js';
export { useSamlRoles } from './useSamlRoles.js';
export type { SamlRolesResult } from './useSamlRoles.js';
export { SamlRolePicker } from './SamlRolePicker.js';
export type { SamlRolePickerProps } from './SamlRolePicker.js';
export { useFederatedSession } from './useFederatedSession.js';
