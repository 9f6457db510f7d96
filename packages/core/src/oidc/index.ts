/**
 * The oidc-client-ts integration: a token source over a `UserManager` and `createOidcSession`.
 *
 * @packageDocumentation
 * @module @fedcreds/core/oidc
 */
// Public entry of @fedcreds/core/oidc: the oidc-client-ts integration. oidc-client-ts is an
// optional peer dependency; apps that do not import this entry do not load it.
export {
  oidcTokenSource,
  DEFAULT_MIN_VALIDITY_MS,
  DEFAULT_REVOKE_TIMEOUT_MS,
} from './oidcTokenSource.js';
export type { OidcTokenSource, OidcTokenSourceOptions } from './oidcTokenSource.js';
export type { CompletedSignIn } from './signInRequest.js';
export type { OidcHandoff } from './oidcHandoff.js';
export { createOidcSession } from './createOidcSession.js';
export type { OidcSession, CreateOidcSessionOptions } from './createOidcSession.js';
