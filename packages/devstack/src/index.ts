export { startOidcProvider } from './oidc/startOidcProvider.js';
export type { MintIdTokenClaims, OidcFaults, OidcServer, OidcStats } from './oidc/startOidcProvider.js';
